package org.memshare.strict;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Builds a memory region byte by byte, little-endian, in the layout of DESIGN.md section 4, for
 * descriptors that the model's constructors refuse to make. Starts from the standard layout
 * (constituent_offset 32, one receiver entry, page_count the uint32 sum) and lets a test change
 * any field or the length.
 */
final class RegionBytes {
    static final int TAG = 0;
    static final int FLAGS = 4;
    static final int PAGE_COUNT = 8;
    static final int CONSTITUENT_COUNT = 12;
    static final int CONSTITUENT_OFFSET = 16;
    static final int ATTRIBUTE_COUNT = 20;
    static final int STANDARD_OFFSET = 32;

    private ByteBuffer buffer;

    private RegionBytes(int size) {
        buffer = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A region of {@code size} zero bytes. */
    static RegionBytes zeros(int size) {
        return new RegionBytes(size);
    }

    /**
     * The standard region for {@code receiver} with {@code attributes} and the constituents given
     * as {address, pages} pairs: what {@code spci_memory_init} writes.
     */
    static RegionBytes standard(int receiver, int attributes, int flags, long[]... constituents) {
        RegionBytes r = new RegionBytes(STANDARD_OFFSET + 16 * constituents.length);
        long sum = 0;
        for (long[] c : constituents) {
            sum += c[1];
        }
        r.u32(FLAGS, flags).u32(PAGE_COUNT, sum).u32(CONSTITUENT_COUNT, constituents.length)
                .u32(CONSTITUENT_OFFSET, STANDARD_OFFSET).u32(ATTRIBUTE_COUNT, 1)
                .u16(24, receiver).u16(26, attributes);
        for (int i = 0; i < constituents.length; i++) {
            r.u64(STANDARD_OFFSET + 16 * i, constituents[i][0]).u32(STANDARD_OFFSET + 16 * i + 8, constituents[i][1]);
        }
        return r;
    }

    /** {address, pages}. */
    static long[] c(long address, long pages) {
        return new long[] {address, pages};
    }

    RegionBytes u16(int at, long value) {
        buffer.putShort(at, (short) value);
        return this;
    }

    RegionBytes u32(int at, long value) {
        buffer.putInt(at, (int) value);
        return this;
    }

    RegionBytes u64(int at, long value) {
        buffer.putLong(at, value);
        return this;
    }

    /** Cuts or zero-extends the region to {@code size} bytes. */
    RegionBytes length(int size) {
        byte[] bytes = Arrays.copyOf(buffer.array(), size);
        buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        return this;
    }

    int length() {
        return buffer.capacity();
    }

    long u32(int at) {
        return Integer.toUnsignedLong(buffer.getInt(at));
    }

    byte[] bytes() {
        return buffer.array().clone();
    }
}
