package org.memshare.api.arch;

/**
 * Watches the data-cache maintenance an arch's {@link CacheMaintenance} issues. Register with
 * {@link CacheMaintenance#addObserver}; only an arch that declares {@link ArchFeature#DCACHE_MODEL}
 * accepts observers. Callbacks run on the thread that asked for the maintenance.
 */
public interface DataCacheObserver {

    /**
     * One clean and invalidate of the data-cache line at {@code lineAddress} to the point of
     * coherency: dirty data is written back, then the line is dropped.
     *
     * @param lineAddress the line's first address, a multiple of the line size
     */
    void cleanAndInvalidateLine(long lineAddress);
}
