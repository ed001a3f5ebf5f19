package org.memshare.api.spci;

/**
 * One 16-byte constituent of a memory region: a run of contiguous 4 KiB pages.
 *
 * <pre>
 * offset 0   uint64 address     (an IPA; the protocol wants it 4096-aligned)
 * offset 8   uint32 page_count  (the protocol wants it non-zero)
 * offset 12  uint32 reserved    (ignored by the protocol)
 * </pre>
 *
 * <p>The record holds any encodable values; the protocol's rules (aligned, non-empty, not wrapping
 * past 2^64, not overlapping) are applied when a region is decoded, by {@link MemoryRegionCodec}.
 *
 * @param address the first byte, read as unsigned 64 bits
 * @param pageCount the number of pages, 0 to 2^32-1
 * @param reserved the reserved word, raw 32 bits
 */
public record Constituent(long address, long pageCount, int reserved) {

    /** The size of a page as SPCI counts them, 4 KiB whatever the translation granule. */
    public static final int PAGE_SIZE = 4096;
    /** The size in bytes of one constituent on the wire. */
    public static final int SIZE = 16;
    /** The largest page count the 32-bit field holds. */
    public static final long MAX_PAGE_COUNT = 0xffff_ffffL;

    public Constituent {
        if (pageCount < 0 || pageCount > MAX_PAGE_COUNT) {
            throw new IllegalArgumentException("pageCount must be a uint32 (0 to 0xffffffff), was " + pageCount);
        }
    }

    /** A constituent with a zero reserved word. */
    public static Constituent of(long address, long pageCount) {
        return new Constituent(address, pageCount, 0);
    }

    /** {@code pageCount * 4096}, computed in 64 bits (it cannot overflow: at most 2^44 - 4096). */
    public long sizeBytes() {
        return pageCount * PAGE_SIZE;
    }

    /**
     * The first byte after the constituent, {@code address + sizeBytes()} modulo 2^64: wraps to a
     * small value when the run passes the top of the 64-bit space (see {@link #endOverflows()}).
     */
    public long end() {
        return address + sizeBytes();
    }

    /**
     * Whether the run does not fit below 2^64, so that {@link #end()} wrapped. A non-empty run that
     * ends exactly at 2^64 counts as overflowing: its end is not a 64-bit value.
     */
    public boolean endOverflows() {
        return pageCount != 0 && Long.compareUnsigned(end(), address) <= 0;
    }

    @Override
    public String toString() {
        return "Constituent[0x" + Long.toHexString(address) + ", " + pageCount + " pages"
                + (reserved == 0 ? "" : ", reserved 0x" + Integer.toHexString(reserved)) + "]";
    }
}
