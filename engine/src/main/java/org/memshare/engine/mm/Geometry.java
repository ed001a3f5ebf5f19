package org.memshare.engine.mm;

import static org.memshare.api.addr.Addresses.PAGE_BITS;
import static org.memshare.api.addr.Addresses.PAGE_LEVEL_BITS;
import static org.memshare.api.addr.Addresses.PAGE_SIZE;

import org.memshare.api.arch.PageTableFormat;
import org.memshare.api.arch.Stage;

/**
 * The shape of one stage's tables, read once from the format: how many levels, how many
 * concatenated root tables, and the address shift of each level's entries. Every walk takes its
 * numbers from here, so no level count or entry size is written into the walking code.
 */
final class Geometry {
    private final int maxLevel;
    private final int rootTableCount;
    private final long addressSpaceEnd;

    Geometry(PageTableFormat format, Stage stage) {
        this.maxLevel = format.maxLevel(stage);
        this.rootTableCount = format.rootTableCount(stage);
        // A root table spans one entry of the (virtual) level above the root.
        this.addressSpaceEnd = rootTableCount * entrySize(maxLevel + 1);
    }

    /** The level of the root tables. */
    int maxLevel() {
        return maxLevel;
    }

    int rootTableCount() {
        return rootTableCount;
    }

    /** The first address the tables cannot map. */
    long addressSpaceEnd() {
        return addressSpaceEnd;
    }

    /** The size of the range one entry at {@code level} covers; {@code maxLevel() + 1} gives a root table's span. */
    long entrySize(int level) {
        return 1L << shift(level);
    }

    /**
     * log2 of the range one entry at {@code level} covers: every level resolves 9 bits above the
     * page offset. Computed, not looked up, so that it folds to a constant where the level is one.
     */
    private static int shift(int level) {
        return PAGE_BITS + level * PAGE_LEVEL_BITS;
    }

    /** The physical address of the root table that holds {@code address}, given the first root at {@code root}. */
    long rootTableFor(long root, long address) {
        return root + (address >>> shift(maxLevel + 1)) * PAGE_SIZE;
    }

    /** The index of {@code address}'s entry in a table at {@code level}. */
    int index(long address, int level) {
        return (int) (address >>> shift(level)) & ((1 << PAGE_LEVEL_BITS) - 1);
    }

    /** The end of the span of the table at {@code level} that holds {@code address}. */
    long tableEnd(long address, int level) {
        int shift = shift(level) + PAGE_LEVEL_BITS;
        return ((address >>> shift) + 1) << shift;
    }

    /** The start of the entry at {@code level} after the one holding {@code address}, wrapping. */
    long nextEntry(long address, int level) {
        long size = entrySize(level);
        return (address + size) & -size;
    }
}
