package org.memshare.engine.ffa;

/**
 * Little-endian reads of a caller's descriptor, {@code bytes[0, length)}, at any 64-bit offset:
 * a byte outside that range reads as zero. Hafnium reads some fields before it has checked that
 * they lie inside the descriptor (a short header, receivers at a wrapping offset), and then sees
 * whatever the copy buffer held; memshare sees zeros, so every such read is deterministic.
 */
final class Bytes {
    private final byte[] bytes;
    private final int length;

    Bytes(byte[] bytes, int length) {
        this.bytes = bytes;
        this.length = Math.max(0, Math.min(length, bytes.length));
    }

    Bytes(byte[] bytes) {
        this(bytes, bytes.length);
    }

    int length() {
        return length;
    }

    int u8(long offset) {
        return offset >= 0 && offset < length ? bytes[(int) offset] & 0xff : 0;
    }

    int u16(long offset) {
        return u8(offset) | u8(offset + 1) << 8;
    }

    long u32(long offset) {
        return (long) u16(offset) | (long) u16(offset + 2) << 16;
    }

    long u64(long offset) {
        return u32(offset) | u32(offset + 4) << 32;
    }
}
