package org.memshare.engine.mm;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.memshare.api.addr.Addresses;

/**
 * The hypervisor's own memory, where page tables live: each page is a table of 512 entries,
 * found by its physical address, because an entry holds the physical address of the table below
 * it. Sparse: a page costs nothing until it is first used, so tables may live anywhere in a
 * 64-bit space. No VM can reach this memory; what VMs read and write is a separate store.
 *
 * <p>Pages are grouped in 1 GiB regions and the region used last is remembered, since a walk
 * rarely leaves it. A table's contents are guarded by the lock of the page table that owns it.
 */
public final class TableMemory implements TableSource {
    private static final int REGION_SHIFT = 30;
    private static final int PAGES_PER_REGION = 1 << (REGION_SHIFT - Addresses.PAGE_BITS);

    /**
     * One region's pages. A slot is filled once, by compare-and-set, so a thread that looks a
     * page up never replaces a table another thread has just created there.
     */
    private record Region(long number, AtomicReferenceArray<long[]> pages, boolean[] changed) {
    }

    private final ConcurrentMap<Long, Region> regions = new ConcurrentHashMap<>();
    private Region lastRegion = new Region(-1, new AtomicReferenceArray<>(0), new boolean[0]);

    /**
     * The table stored in the page at {@code pa} (its page offset is ignored). The array is live:
     * writes to it change the table. A page never written holds zeros.
     */
    @Override
    public long[] table(long pa) {
        Region region = region(pa);
        int index = pageIndex(pa);
        long[] table = region.pages().get(index);
        if (table == null) {
            region.pages().compareAndSet(index, null, new long[Addresses.ENTRIES_PER_TABLE]);
            table = region.pages().get(index);
        }
        return table;
    }

    /**
     * Whether the table at {@code pa} may have changed since its page table's last defrag (see
     * {@link PageTable#defrag}). The mark is bookkeeping beside the table, never part of it; a
     * page's mark is guarded by the lock of the page table that owns the page, as its entries are.
     */
    boolean isChanged(long pa) {
        return region(pa).changed()[pageIndex(pa)];
    }

    /** Sets or clears the changed mark of the table at {@code pa}. */
    void setChanged(long pa, boolean changed) {
        region(pa).changed()[pageIndex(pa)] = changed;
    }

    private Region region(long pa) {
        long number = pa >>> REGION_SHIFT;
        Region region = lastRegion;
        if (region.number() != number) {
            region = regions.computeIfAbsent(number,
                    n -> new Region(n, new AtomicReferenceArray<>(PAGES_PER_REGION), new boolean[PAGES_PER_REGION]));
            lastRegion = region;
        }
        return region;
    }

    private static int pageIndex(long pa) {
        return (int) (pa >>> Addresses.PAGE_BITS) & (PAGES_PER_REGION - 1);
    }
}
