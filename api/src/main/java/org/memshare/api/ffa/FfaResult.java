package org.memshare.api.ffa;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * What an FF-A call answers, registers as Hafnium sets them: the function answered (w0), the error
 * for an FFA_ERROR or a refused FFA_VERSION, w1 to w4, the handle where the answer carries one,
 * and for MEM_RETRIEVE_RESP and MEM_FRAG_TX the bytes written to the caller's RX buffer (the
 * fragment, its length as w2 or w3 says).
 *
 * @param function the function answered
 * @param w0 the raw w0: the function id, or for VERSION the version (or -1, NOT_SUPPORTED)
 * @param error the error, or null when the call succeeded
 * @param w1 register w1
 * @param w2 register w2
 * @param w3 register w3
 * @param w4 register w4
 * @param handle the handle the answer carries, if any
 * @param rxBytes the bytes written to the RX buffer (empty when none); copied
 */
public record FfaResult(Function function, int w0, FfaError error, int w1, int w2, int w3, int w4, OptionalLong handle,
        byte[] rxBytes) {

    /** The functions an FF-A memory call may answer with. */
    public enum Function {
        /** FFA_SUCCESS (SMC32). */
        SUCCESS(0x8400_0061),
        /** FFA_ERROR; w2 carries the error code. */
        ERROR(0x8400_0060),
        /** FFA_MEM_FRAG_RX: the sender should send the next fragment from w3. */
        MEM_FRAG_RX(0x8400_007A),
        /** FFA_MEM_FRAG_TX: the next fragment of a retrieve response is in RX, w3 bytes. */
        MEM_FRAG_TX(0x8400_007B),
        /** FFA_MEM_RETRIEVE_RESP: the response is in RX; w1 total length, w2 fragment length. */
        MEM_RETRIEVE_RESP(0x8400_0075),
        /** The answer to FFA_VERSION: w0 is the version itself, or NOT_SUPPORTED (-1). */
        VERSION(0x8400_0063);

        private final int id;

        Function(int id) {
            this.id = id;
        }

        /** The SMC32 function id (for VERSION, the id of the call, not what w0 carries). */
        public int id() {
            return id;
        }
    }

    public FfaResult {
        requireNonNull(function, "function is null");
        requireNonNull(handle, "handle is null");
        rxBytes = requireNonNull(rxBytes, "rxBytes is null").clone();
    }

    /** FFA_SUCCESS with every argument 0 (relinquish, reclaim, RX release). */
    public static FfaResult success() {
        return new FfaResult(Function.SUCCESS, Function.SUCCESS.id(), null, 0, 0, 0, 0, OptionalLong.empty(), new byte[0]);
    }

    /** FFA_SUCCESS carrying a new handle in w2 (low) and w3 (high), as a send answers. */
    public static FfaResult successWithHandle(long handle) {
        return new FfaResult(Function.SUCCESS, Function.SUCCESS.id(), null, 0, Handle.low(handle), Handle.high(handle),
                0, OptionalLong.of(handle), new byte[0]);
    }

    /** FFA_ERROR with the code in w2. */
    public static FfaResult error(FfaError error) {
        requireNonNull(error, "error is null");
        return new FfaResult(Function.ERROR, Function.ERROR.id(), error, 0, error.code(), 0, 0, OptionalLong.empty(),
                new byte[0]);
    }

    /** The answer to an accepted FFA_VERSION: w0 is {@code version} encoded. */
    public static FfaResult version(FfaVersion version) {
        requireNonNull(version, "version is null");
        return new FfaResult(Function.VERSION, version.encoded(), null, 0, 0, 0, 0, OptionalLong.empty(), new byte[0]);
    }

    /** The answer to a refused FFA_VERSION: w0 is NOT_SUPPORTED (-1), not an FFA_ERROR. */
    public static FfaResult versionNotSupported() {
        return new FfaResult(Function.VERSION, FfaError.NOT_SUPPORTED.code(), FfaError.NOT_SUPPORTED, 0, 0, 0, 0,
                OptionalLong.empty(), new byte[0]);
    }

    /** FFA_MEM_FRAG_RX: the handle in w1/w2, the offset of the next fragment in w3, w4 as given. */
    public static FfaResult memFragRx(long handle, int offset, int w4) {
        return new FfaResult(Function.MEM_FRAG_RX, Function.MEM_FRAG_RX.id(), null, Handle.low(handle),
                Handle.high(handle), offset, w4, OptionalLong.of(handle), new byte[0]);
    }

    /** FFA_MEM_FRAG_TX: the handle in w1/w2, the fragment length in w3, w4 as given, the bytes in RX. */
    public static FfaResult memFragTx(long handle, int length, int w4, byte[] rx) {
        return new FfaResult(Function.MEM_FRAG_TX, Function.MEM_FRAG_TX.id(), null, Handle.low(handle),
                Handle.high(handle), length, w4, OptionalLong.of(handle), rx);
    }

    /** FFA_MEM_RETRIEVE_RESP: total length in w1, fragment length in w2, the bytes in RX. */
    public static FfaResult retrieveResp(int totalLength, int fragmentLength, byte[] rx) {
        return new FfaResult(Function.MEM_RETRIEVE_RESP, Function.MEM_RETRIEVE_RESP.id(), null, totalLength,
                fragmentLength, 0, 0, OptionalLong.empty(), rx);
    }

    /** Whether the call failed: an FFA_ERROR or a refused FFA_VERSION. */
    public boolean isError() {
        return error != null;
    }

    /** A copy of the bytes written to the RX buffer. */
    @Override
    public byte[] rxBytes() {
        return rxBytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FfaResult r && function == r.function && w0 == r.w0 && error == r.error && w1 == r.w1
                && w2 == r.w2 && w3 == r.w3 && w4 == r.w4 && handle.equals(r.handle) && Arrays.equals(rxBytes, r.rxBytes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(function, w0, error, w1, w2, w3, w4, handle) * 31 + Arrays.hashCode(rxBytes);
    }

    @Override
    public String toString() {
        return "FfaResult[" + function + (error != null ? " " + error : "")
                + String.format(" w0=0x%x w1=0x%x w2=0x%x w3=0x%x w4=0x%x", w0, w1, w2, w3, w4)
                + (handle.isPresent() ? " handle=" + Handle.toString(handle.getAsLong()) : "")
                + (rxBytes.length > 0 ? " rx=" + HexFormat.of().formatHex(rxBytes) : "") + "]";
    }
}
