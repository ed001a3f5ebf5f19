package org.memshare.api.addr;

/** Page geometry shared by every architecture in memshare: 4 KiB pages, 512 entries a table. */
public final class Addresses {
    /** log2 of the page size. */
    public static final int PAGE_BITS = 12;
    /** The page size in bytes. */
    public static final long PAGE_SIZE = 1L << PAGE_BITS;
    /** log2 of the number of entries in one page table. */
    public static final int PAGE_LEVEL_BITS = 9;
    /** The number of entries in one page table. */
    public static final int ENTRIES_PER_TABLE = 1 << PAGE_LEVEL_BITS;

    private Addresses() {
    }

    /** The size of the range one entry covers at {@code level} (0: a page, 1: 2 MiB, 2: 1 GiB). */
    public static long entrySize(int level) {
        return 1L << (PAGE_BITS + level * PAGE_LEVEL_BITS);
    }

    /** Rounds down to a page boundary. */
    public static long roundDownToPage(long address) {
        return address & -PAGE_SIZE;
    }

    /** Rounds up to a page boundary, wrapping as C does (2^64-1 becomes 0). */
    public static long roundUpToPage(long address) {
        return roundDownToPage(address + PAGE_SIZE - 1);
    }

    /** Whether {@code address} is a multiple of the page size. */
    public static boolean isPageAligned(long address) {
        return (address & (PAGE_SIZE - 1)) == 0;
    }

    /** Formats an unsigned 64-bit value the way traces print numbers: lowercase hex with 0x. */
    public static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }
}
