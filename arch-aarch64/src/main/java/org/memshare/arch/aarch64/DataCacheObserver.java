package org.memshare.arch.aarch64;

/**
 * Watches the data-cache maintenance an {@link Aarch64DataCache} would issue. Register with
 * {@link Aarch64DataCache#addObserver(DataCacheObserver)}. Callbacks run on the thread that asked
 * for the maintenance.
 */
public interface DataCacheObserver {

    /**
     * One clean and invalidate of the data-cache line at {@code lineAddress} to the point of
     * coherency (Arm's {@code DC CIVAC}): dirty data is written back, then the line is dropped.
     *
     * @param lineAddress the line's first address, a multiple of the line size
     */
    void cleanAndInvalidateLine(long lineAddress);
}
