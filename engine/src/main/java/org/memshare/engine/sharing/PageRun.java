package org.memshare.engine.sharing;

/**
 * A run of contiguous 4 KiB pages, as both protocols describe a constituent. Any values are
 * allowed: the run may be unaligned, empty, or pass the top of the 64-bit space (its end then
 * wraps, as in C).
 *
 * @param address the first byte, unsigned
 * @param pageCount the number of pages, 0 to 2^32-1
 */
public record PageRun(long address, long pageCount) {
    /** Pages are 4 KiB for both protocols, whatever the translation granule. */
    public static final long PAGE_SIZE = 4096;

    public PageRun {
        if (pageCount < 0 || pageCount > 0xffff_ffffL) {
            throw new IllegalArgumentException("pageCount must be a uint32, was " + pageCount);
        }
    }

    /** {@code pageCount * 4096}; at most 2^44 - 4096, so it never overflows. */
    public long sizeBytes() {
        return pageCount * PAGE_SIZE;
    }

    /** The first byte after the run, modulo 2^64. */
    public long end() {
        return address + sizeBytes();
    }

    /** Whether the run is not empty and does not fit below 2^64 (its end wrapped; ending exactly at 2^64 counts). */
    public boolean wraps() {
        return pageCount != 0 && Long.compareUnsigned(end(), address) <= 0;
    }

    @Override
    public String toString() {
        return "0x" + Long.toHexString(address) + ":" + pageCount;
    }
}
