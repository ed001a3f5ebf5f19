package org.memshare.api.arch;

import org.memshare.api.addr.VirtualAddress;

/** Data-cache maintenance that software owes the hardware, for example after clearing memory. */
public interface CacheMaintenance {

    /** The maintenance of an arch that models no cache: nothing to do. */
    CacheMaintenance NONE = (base, size) -> {
    };

    /** Cleans and invalidates the data cache over {@code size} bytes from {@code base}, to the point of coherency. */
    void flushDataCache(VirtualAddress base, long size);
}
