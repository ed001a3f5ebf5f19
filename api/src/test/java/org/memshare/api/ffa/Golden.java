package org.memshare.api.ffa;

/**
 * A byte vector written field by field from the layout tables (offset, width, value), little
 * endian, independently of the codec under test.
 */
final class Golden {

    private final byte[] bytes;

    Golden(int size) {
        bytes = new byte[size];
    }

    Golden put(int offset, int width, long value) {
        for (int i = 0; i < width; i++) {
            bytes[offset + i] = (byte) (value >>> 8 * i);
        }
        return this;
    }

    Golden u8(int offset, long value) {
        return put(offset, 1, value);
    }

    Golden u16(int offset, long value) {
        return put(offset, 2, value);
    }

    Golden u32(int offset, long value) {
        return put(offset, 4, value);
    }

    Golden u64(int offset, long value) {
        return put(offset, 8, value);
    }

    byte[] bytes() {
        return bytes.clone();
    }
}
