package org.memshare.api.ffa;

/**
 * A constituent memory region descriptor (16 bytes): a run of contiguous 4 KiB pages.
 *
 * <pre>
 * 0   uint64 address     (the protocol wants it 4 KiB aligned)
 * 8   uint32 page count
 * 12  uint32 reserved    (Hafnium never checks it)
 * </pre>
 *
 * <p>The record holds any encodable values; alignment, emptiness, overlap and the page-count sum
 * are the engine's to check.
 *
 * @param address the first byte, unsigned 64 bits
 * @param pageCount the page count, 0 to 2^32-1
 * @param reserved the reserved word, raw
 */
public record FfaConstituent(long address, long pageCount, int reserved) {

    /** The size in bytes of a constituent on the wire. */
    public static final int SIZE = 16;
    /** The page size FF-A counts in. */
    public static final int PAGE_SIZE = 4096;
    /** The largest page count the 32-bit field holds. */
    public static final long MAX_PAGE_COUNT = 0xffff_ffffL;

    public FfaConstituent {
        if (pageCount < 0 || pageCount > MAX_PAGE_COUNT) {
            throw new IllegalArgumentException("pageCount must be a uint32 (0 to 0xffffffff), was " + pageCount);
        }
    }

    /** A constituent with a zero reserved word. */
    public static FfaConstituent of(long address, long pageCount) {
        return new FfaConstituent(address, pageCount, 0);
    }

    /** {@code pageCount * 4096}; cannot overflow a long. */
    public long sizeBytes() {
        return pageCount * PAGE_SIZE;
    }

    /** The first byte after the run, modulo 2^64 (wraps when the run passes the top). */
    public long end() {
        return address + sizeBytes();
    }

    /** Whether the run, non-empty, reaches or passes 2^64 so that {@link #end()} wrapped. */
    public boolean endOverflows() {
        return pageCount != 0 && Long.compareUnsigned(end(), address) <= 0;
    }

    /** {@code 0xADDRESS:PAGES}, as the trace language writes a constituent. */
    @Override
    public String toString() {
        return "0x" + Long.toHexString(address) + ":" + pageCount + (reserved != 0 ? " reserved=0x" + Integer.toHexString(reserved) : "");
    }
}
