package org.memshare.kit.rules;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Byte-level edits of encoded FF-A descriptors, for the fields the api's records will not encode
 * wrongly (a receiver count that disagrees with the receivers, a composite offset of 0 while a
 * composite follows). Descriptors are laid out as the default version (1.2) writes them: the
 * 48-byte header, receivers from offset 48.
 */
final class Descriptors {
    /** The receiver count field of the header. */
    static final int RECEIVER_COUNT = 28;
    /** Receiver 0's composite offset in a v1.1+ descriptor whose receivers start at 48. */
    static final int FIRST_COMPOSITE_OFFSET = 48 + 4;

    private Descriptors() {
    }

    /** {@code bytes} with the little-endian u32 at {@code offset} set to {@code value}. */
    static byte[] u32(byte[] bytes, int offset, int value) {
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(offset, value);
        return bytes;
    }

    /** {@code bytes} with receiver count 0. */
    static byte[] noReceivers(byte[] bytes) {
        return u32(bytes, RECEIVER_COUNT, 0);
    }

    /** {@code bytes} with receiver 0's composite offset 0. */
    static byte[] noCompositeOffset(byte[] bytes) {
        return u32(bytes, FIRST_COMPOSITE_OFFSET, 0);
    }
}
