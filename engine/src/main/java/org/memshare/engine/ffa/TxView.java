package org.memshare.engine.ffa;

import org.memshare.api.ffa.FfaVersion;

/**
 * A memory transaction descriptor as Hafnium reads it in the caller's layout: the header fields
 * at their offsets (v1.0's 32-byte header or the 48-byte one), receiver {@code i} at the receivers
 * offset plus {@code i} times the access descriptor size, every field read through {@link Bytes}.
 * Offsets are 64-bit, so nothing wraps where Hafnium computes in 64 bits; where it computes in 32
 * bits the callers mask.
 */
final class TxView {
    static final int V1_0_HEADER = 32;
    static final int V1_1_HEADER = 48;
    static final int SMALL_DESCRIPTOR = 16;
    static final int LARGE_DESCRIPTOR = 32;

    private final Bytes bytes;
    private final boolean v1_0;

    TxView(Bytes bytes, FfaVersion layout) {
        this.bytes = bytes;
        this.v1_0 = layout.usesV1_0Layout();
    }

    Bytes bytes() {
        return bytes;
    }

    boolean isV1_0() {
        return v1_0;
    }

    int sender() {
        return bytes.u16(0);
    }

    /** The attributes widened to 16 bits (v1.0 has one byte, its high byte zero). */
    int attributes() {
        return v1_0 ? bytes.u8(2) : bytes.u16(2);
    }

    /** v1.0's reserved byte at offset 3. */
    int v1_0ReservedByte() {
        return bytes.u8(3);
    }

    int flags() {
        return (int) bytes.u32(4);
    }

    long handle() {
        return bytes.u64(8);
    }

    long tag() {
        return bytes.u64(16);
    }

    /** The word at offset 24: the access descriptor size from v1.1, a reserved word in v1.0. */
    long word24() {
        return bytes.u32(24);
    }

    long receiverCount() {
        return bytes.u32(28);
    }

    /** The access descriptor size the layout uses: 16 for v1.0, the size field from v1.1. */
    long descriptorSize() {
        return v1_0 ? SMALL_DESCRIPTOR : bytes.u32(24);
    }

    /** Where the receivers start: 32 for v1.0, the offset field from v1.1. */
    long receiversOffset() {
        return v1_0 ? V1_0_HEADER : bytes.u32(32);
    }

    /** The v1.1+ header's reserved word {@code i} (0 to 2), at offset 36 + 4i. */
    long reserved(int i) {
        return bytes.u32(36 + 4L * i);
    }

    /** Where receiver {@code i} starts. */
    long receiverAt(long i) {
        return receiversOffset() + i * descriptorSize();
    }

    int receiverId(long i) {
        return bytes.u16(receiverAt(i));
    }

    int permissions(long i) {
        return bytes.u8(receiverAt(i) + 2);
    }

    int receiverFlags(long i) {
        return bytes.u8(receiverAt(i) + 3);
    }

    long compositeOffset(long i) {
        return bytes.u32(receiverAt(i) + 4);
    }

    /** Impdef word {@code w} (0 or 1) of a 32-byte descriptor. */
    long impdef(long i, int w) {
        return bytes.u64(receiverAt(i) + 8 + 8L * w);
    }

    /** The 64-bit word at {@code at} bytes into receiver {@code i}, whatever its size. */
    long receiverWord(long i, int at) {
        return bytes.u64(receiverAt(i) + at);
    }
}
