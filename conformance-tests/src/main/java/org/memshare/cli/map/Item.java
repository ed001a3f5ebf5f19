package org.memshare.cli.map;

/**
 * One thing a VM's stage-2 table holds at one step: a table entry, a run of leaf entries (blocks
 * or pages) of one level and one mode that are contiguous in one table, or a present entry that
 * is neither. Addresses are page numbers (the address shifted right by 12), so every 64-bit
 * address is exact in the page's script too (below 2^53).
 *
 * @param kind  {@link #TABLE}, {@link #LEAVES} or {@link #OTHER}
 * @param level the entries' level (0 maps pages)
 * @param begin the first page the item covers
 * @param pages how many pages it covers
 * @param mode  the leaves' mode, read with the arch's stage-2 conversion; 0 for the others
 */
record Item(int kind, int level, long begin, long pages, int mode) implements Comparable<Item> {
    static final int TABLE = 0;
    static final int LEAVES = 1;
    static final int OTHER = 2;

    /** The end of what the item covers, exclusive. */
    long end() {
        return begin + pages;
    }

    OwnershipState state() {
        return kind == LEAVES ? OwnershipState.of(mode) : OwnershipState.UNMAPPED;
    }

    /** Whether {@code other} is the same entry (same place and level), whatever it now holds. */
    boolean sameKey(Item other) {
        return begin == other.begin && level == other.level;
    }

    /** The order of a table walk: by address, a table entry before the entries below it. */
    @Override
    public int compareTo(Item other) {
        int byAddress = Long.compare(begin, other.begin);
        return byAddress != 0 ? byAddress : Integer.compare(other.level, level);
    }

    /** The pages an entry of {@code level} covers: 1, 512, 512^2, ... */
    static long entryPages(int level) {
        return 1L << (9 * level);
    }
}
