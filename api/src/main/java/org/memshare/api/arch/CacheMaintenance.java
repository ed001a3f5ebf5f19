package org.memshare.api.arch;

import org.memshare.api.addr.VirtualAddress;

/** Data-cache maintenance that software owes the hardware, for example after clearing memory. */
public interface CacheMaintenance {

    /** The maintenance of an arch that models no cache: nothing to do. */
    CacheMaintenance NONE = (base, size) -> {
    };

    /** Cleans and invalidates the data cache over {@code size} bytes from {@code base}, to the point of coherency. */
    void flushDataCache(VirtualAddress base, long size);

    /**
     * Registers {@code observer}, which then sees every later maintenance instruction.
     *
     * @throws UnsupportedOperationException unless the arch declares {@link ArchFeature#DCACHE_MODEL}
     *     (the default)
     */
    default void addObserver(DataCacheObserver observer) {
        throw new UnsupportedOperationException("this data-cache maintenance cannot be observed: the arch does not"
                + " declare " + ArchFeature.DCACHE_MODEL);
    }

    /** Unregisters one registration of {@code observer}; returns whether it was registered (the default: false). */
    default boolean removeObserver(DataCacheObserver observer) {
        return false;
    }
}
