package org.memshare.api.ffa;

import static java.util.Objects.requireNonNull;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Lays FF-A memory descriptors out in bytes and back, little-endian, in the caller's version.
 *
 * <h2>Encoding</h2>
 * {@code encode} writes every field of the value at the offsets it names (receivers at the
 * receivers offset, the composite at receiver 0's composite offset), gaps zero, and checks that the
 * bytes decode back to the very same value ({@link #decodeTransaction} for a value with a
 * composite, {@link #decodeRetrieveRequest} for one without); a value that cannot be laid out so
 * (a v1.0 layout with a receivers offset other than 32 or attributes above 0xff, a 16-byte
 * descriptor with impdef, overlapping fields that disagree) is refused with an
 * {@link IllegalArgumentException}. Encoding is for values a program built; hostile inputs go
 * through decoding. Whatever a decode accepts encodes again, to bytes that agree with the input
 * wherever a field was read (bytes no field covers come back zero).
 *
 * <h2>Decoding</h2>
 * Decoding reads {@code bytes[0, length)} and is layout only: it never throws (whatever the array,
 * length or version) and rejects only what cannot be read, always with a {@link Rejection} naming
 * the field, its offset and the values:
 * <ol>
 * <li>a version memshare does not model, 1.0 to 1.3 ({@code version}, NOT_SUPPORTED);
 * <li>a null array, a negative length or one beyond the array ({@code length});
 * <li>fewer bytes than the header: 32 for v1.0, 48 for v1.1+ ({@code header});
 * <li>with at least one receiver, an access descriptor size other than 16 or 32
 *     ({@code accessDescriptorSize});
 * <li>receivers that do not lie inside the length: receivers offset + size x count, in 64 bits
 *     ({@code receiversOffset} when the first one does not fit, else {@code receiverCount});
 * <li>a composite (receiver 0's composite offset nonzero) whose 16-byte header does not fit
 *     ({@code compositeOffset}).
 * </ol>
 * Every rejection answers INVALID_PARAMETERS but the version one: Hafnium's first descriptor
 * check ({@code ffa_memory_region_sanity_check}) refuses each of these layouts with
 * INVALID_PARAMETERS too, before any check that answers otherwise.
 *
 * <p>Everything else is kept as found, for the engine to check in Hafnium's order: the reserved
 * header fields, the receivers offset (even below 48, even unaligned), the access descriptor size
 * (whatever the caller's version), every receiver's composite offset, reserved word and impdef, a
 * composite that overlaps the receivers, a constituent count that differs from the constituents
 * present. The constituents read are the whole ones between the composite header and the length,
 * as Hafnium counts the first fragment's; trailing bytes that make no whole constituent are
 * ignored.
 */
public final class FfaDescriptorCodec {

    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Header field offsets shared by every version. */
    static final int SENDER = 0;
    static final int ATTRIBUTES = 2;
    static final int RESERVED_V1_0_BYTE = 3;
    static final int FLAGS = 4;
    static final int HANDLE = 8;
    static final int TAG = 16;
    static final int DESC_SIZE = 24;
    static final int RECEIVER_COUNT = 28;
    static final int RECEIVERS_OFFSET = 32;
    static final int RESERVED_V1_1 = 36;

    /** Access descriptor field offsets. */
    static final int A_RECEIVER = 0;
    static final int A_PERMISSIONS = 2;
    static final int A_FLAGS = 3;
    static final int A_COMPOSITE = 4;
    static final int A_RESERVED_16 = 8;
    static final int A_IMPDEF = 8;
    static final int A_RESERVED_32 = 24;

    /** Encoded descriptors larger than this are refused (no array can hold them). */
    private static final long MAX_ENCODED = Integer.MAX_VALUE - 16;

    private FfaDescriptorCodec() {
    }

    // ---- encoding ----------------------------------------------------------------------------

    /**
     * The transaction's bytes in {@code version}'s layout.
     *
     * @throws IllegalArgumentException if the version is not 1.0 to 1.3 or the value cannot be laid
     *     out so that it decodes back to itself (see the class documentation)
     */
    public static byte[] encode(MemoryTransaction tx, FfaVersion version) {
        requireNonNull(tx, "tx is null");
        requireNonNull(version, "version is null");
        if (!version.isModelled()) {
            throw new IllegalArgumentException("memshare lays out FF-A 1.0 to 1.3, not " + version);
        }
        checkEncodable(tx, version);
        long size = encodedSize(tx, version);
        if (size > MAX_ENCODED) {
            throw new IllegalArgumentException("the descriptor would be " + size + " bytes, too large to encode");
        }
        byte[] out = new byte[(int) size];
        TransactionLayout.write(tx, version, out);
        FfaDecoded<MemoryTransaction> back = TransactionLayout.read(out, out.length, version, tx.composite().isPresent());
        if (!back.accepted().map(tx::equals).orElse(false)) {
            throw new IllegalArgumentException("the descriptor's fields overlap and disagree, or point where the "
                    + "layout cannot find them: it does not decode back to itself ("
                    + back.rejected().map(Rejection::message).orElse("decoded differently") + ")");
        }
        return out;
    }

    /** The number of bytes {@link #encode(MemoryTransaction, FfaVersion)} writes, in 64 bits. */
    public static long encodedSize(MemoryTransaction tx, FfaVersion version) {
        requireNonNull(tx, "tx is null");
        requireNonNull(version, "version is null");
        long size = version.headerSize();
        if (!tx.receivers().isEmpty()) {
            size = Math.max(size, tx.receiversEnd());
        }
        if (tx.composite().isPresent()) {
            size = Math.max(size, tx.compositeOffset() + tx.composite().get().sizeBytes());
        }
        return size;
    }

    /** The relinquish descriptor's bytes (the layout is the same in every version). */
    public static byte[] encode(Relinquish relinquish, FfaVersion version) {
        requireNonNull(relinquish, "relinquish is null");
        requireNonNull(version, "version is null");
        if (!version.isModelled()) {
            throw new IllegalArgumentException("memshare lays out FF-A 1.0 to 1.3, not " + version);
        }
        byte[] out = new byte[relinquish.sizeBytes()];
        LONG.set(out, 0, relinquish.handle());
        INT.set(out, 8, relinquish.flags());
        INT.set(out, 12, relinquish.endpoints().size());
        for (int i = 0; i < relinquish.endpoints().size(); i++) {
            SHORT.set(out, Relinquish.HEADER_SIZE + 2 * i, (short) (int) relinquish.endpoints().get(i));
        }
        return out;
    }

    /** Constituents back to back, 16 bytes each: a FRAG_TX fragment after the first. */
    public static byte[] encodeConstituents(List<FfaConstituent> constituents) {
        requireNonNull(constituents, "constituents is null");
        byte[] out = new byte[FfaConstituent.SIZE * constituents.size()];
        for (int i = 0; i < constituents.size(); i++) {
            TransactionLayout.writeConstituent(constituents.get(i), out, FfaConstituent.SIZE * i);
        }
        return out;
    }

    // ---- decoding ----------------------------------------------------------------------------

    /**
     * Decodes a transaction descriptor (a send's first fragment, a retrieve request or response)
     * from {@code bytes[0, length)} in {@code version}'s layout, reading the composite receiver 0's
     * composite offset names when it is nonzero. Never throws.
     */
    public static FfaDecoded<MemoryTransaction> decodeTransaction(byte[] bytes, int length, FfaVersion version) {
        return TransactionLayout.read(bytes, length, version, true);
    }

    /**
     * Decodes a retrieve request: as {@link #decodeTransaction} but never reads a composite (a
     * request has none; its receivers' composite offsets, which must be 0, are kept for the engine
     * to check). Never throws.
     */
    public static FfaDecoded<MemoryTransaction> decodeRetrieveRequest(byte[] bytes, int length, FfaVersion version) {
        return TransactionLayout.read(bytes, length, version, false);
    }

    /** Decodes a retrieve response (or its first fragment): as {@link #decodeTransaction}. */
    public static FfaDecoded<MemoryTransaction> decodeRetrieveResponse(byte[] bytes, int length, FfaVersion version) {
        return TransactionLayout.read(bytes, length, version, true);
    }

    /**
     * Decodes a relinquish descriptor from {@code bytes[0, length)}: rejects fewer than 16 bytes
     * ({@code header}) and endpoint ids beyond the length ({@code endpointCount}). Never throws.
     */
    public static FfaDecoded<Relinquish> decodeRelinquish(byte[] bytes, int length, FfaVersion version) {
        Optional<Rejection> bad = checkInput(bytes, length, version);
        if (bad.isPresent()) {
            return new FfaDecoded.Rejected<>(bad.get());
        }
        if (length < Relinquish.HEADER_SIZE) {
            return reject("header", 0, "the relinquish descriptor is %d bytes, shorter than its %d-byte header",
                    length, Relinquish.HEADER_SIZE);
        }
        long count = u32(bytes, 12);
        long end = Relinquish.HEADER_SIZE + 2 * count;
        if (end > length) {
            return reject("endpointCount", 12, "%d endpoint ids end at %d, beyond the length %d", count, end, length);
        }
        List<Integer> endpoints = new ArrayList<>((int) count);
        for (int i = 0; i < count; i++) {
            endpoints.add(u16(bytes, Relinquish.HEADER_SIZE + 2 * i));
        }
        return new FfaDecoded.Ok<>(new Relinquish((long) LONG.get(bytes, 0), (int) INT.get(bytes, 8), endpoints));
    }

    /**
     * Decodes a fragment of constituents (FRAG_TX after the first fragment): the whole 16-byte
     * constituents in {@code bytes[0, length)}; trailing bytes are ignored. Never throws.
     */
    public static FfaDecoded<List<FfaConstituent>> decodeConstituents(byte[] bytes, int length) {
        Optional<Rejection> bad = checkInput(bytes, length, FfaVersion.V1_0);
        if (bad.isPresent()) {
            return new FfaDecoded.Rejected<>(bad.get());
        }
        return new FfaDecoded.Ok<>(TransactionLayout.readConstituents(bytes, 0, length / FfaConstituent.SIZE));
    }

    /**
     * The unsigned 64-bit word at {@code offset}, or empty when it does not lie inside
     * {@code bytes[0, length)}: for the engine's checks that, like Hafnium's, read a field at a
     * position the layout does not name (a v1.2 caller's 16-byte descriptors are checked for a
     * zero word at +24). Never throws.
     */
    public static OptionalLong u64At(byte[] bytes, int length, long offset) {
        if (bytes == null || length < 0 || length > bytes.length || offset < 0 || offset > length - 8L) {
            return OptionalLong.empty();
        }
        return OptionalLong.of((long) LONG.get(bytes, (int) offset));
    }

    // ---- explaining --------------------------------------------------------------------------

    /**
     * One line per field (receivers and constituents one line each), as the bytes hold them in
     * {@code version}'s layout, each line starting with the field's offset:
     * {@code 0x0030 receiver[0]: id 0x2, permissions 0x6 (RW+NX), flags 0x0, composite offset 80}.
     * For {@code --explain}-style output.
     */
    public static List<String> explain(MemoryTransaction tx, FfaVersion version) {
        requireNonNull(tx, "tx is null");
        requireNonNull(version, "version is null");
        return Explainer.transaction(tx, version);
    }

    /** One line per field of a relinquish descriptor, each starting with its offset. */
    public static List<String> explain(Relinquish relinquish) {
        requireNonNull(relinquish, "relinquish is null");
        return Explainer.relinquish(relinquish);
    }

    // ---- conversions -------------------------------------------------------------------------

    /**
     * The v1.1 stored form of a transaction decoded from v1.0 bytes, as Hafnium converts it
     * ({@code api_ffa_memory_transaction_descriptor_v1_1_from_v1_0}): receivers offset 48, the
     * access descriptor size kept (16), header reserved fields zero, attributes as widened, the
     * descriptors otherwise unchanged; every composite offset becomes 48 + size x count when there
     * is a composite (a send), 0 when there is none (a retrieve request). The composite and its
     * constituents are kept; the caller computes the fragment offset delta from the two composite
     * offsets.
     */
    public static MemoryTransaction toV1_1Form(MemoryTransaction v1_0) {
        requireNonNull(v1_0, "v1_0 is null");
        long offset = FfaVersion.HEADER_SIZE_V1_1;
        long composite = v1_0.composite().isPresent() ? offset + v1_0.accessDescriptorSize() * v1_0.receiverCount() : 0;
        List<EndpointAccess> moved = new ArrayList<>(v1_0.receiverCount());
        for (EndpointAccess r : v1_0.receivers()) {
            moved.add(r.withCompositeOffset(composite));
        }
        return new MemoryTransaction(v1_0.sender(), v1_0.attributes(), v1_0.flags(), v1_0.handle(), v1_0.tag(),
                v1_0.accessDescriptorSize(), offset, HeaderReserved.ZERO, moved, v1_0.composite());
    }

    /**
     * The transaction in the form a v1.0 descriptor can carry: receivers offset 32, 16-byte
     * descriptors without impdef, the attributes truncated to their low byte (Hafnium's
     * {@code ffa_memory_attributes_truncate}), header reserved fields zero, composite offsets
     * 32 + 16 x count when there is a composite, 0 otherwise. The receivers' reserved words are
     * kept.
     */
    public static MemoryTransaction toV1_0Form(MemoryTransaction tx) {
        requireNonNull(tx, "tx is null");
        long offset = FfaVersion.HEADER_SIZE_V1_0;
        long size = FfaVersion.ACCESS_DESCRIPTOR_SIZE_V1_0;
        long composite = tx.composite().isPresent() ? offset + size * tx.receiverCount() : 0;
        List<EndpointAccess> moved = new ArrayList<>(tx.receiverCount());
        for (EndpointAccess r : tx.receivers()) {
            moved.add(r.withCompositeOffset(composite).withImpdef(EndpointAccess.Impdef.ZERO));
        }
        return new MemoryTransaction(tx.sender(), new MemoryAttributes(tx.attributes().toV1_0()), tx.flags(),
                tx.handle(), tx.tag(), size, offset, HeaderReserved.ZERO, moved, tx.composite());
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static void checkEncodable(MemoryTransaction tx, FfaVersion version) {
        if (version.usesV1_0Layout()) {
            if (tx.accessDescriptorSize() != FfaVersion.ACCESS_DESCRIPTOR_SIZE_V1_0
                    || tx.receiversOffset() != FfaVersion.HEADER_SIZE_V1_0) {
                throw new IllegalArgumentException("a v1.0 descriptor has 16-byte receivers at offset 32, not "
                        + tx.accessDescriptorSize() + "-byte ones at " + tx.receiversOffset()
                        + " (see FfaDescriptorCodec.toV1_0Form)");
            }
            if (!tx.attributes().fitsV1_0()) {
                throw new IllegalArgumentException("v1.0 attributes are 8 bits, not " + tx.attributes()
                        + " (see FfaDescriptorCodec.toV1_0Form)");
            }
            if (!tx.reserved().fitsV1_0()) {
                throw new IllegalArgumentException("v1.0 has a reserved byte and a reserved word, not " + tx.reserved());
            }
        } else if (!tx.receivers().isEmpty() && tx.accessDescriptorSize() != FfaVersion.ACCESS_DESCRIPTOR_SIZE_V1_0
                && tx.accessDescriptorSize() != FfaVersion.ACCESS_DESCRIPTOR_SIZE_V1_2) {
            throw new IllegalArgumentException("access descriptors are 16 or 32 bytes, not " + tx.accessDescriptorSize());
        }
        if (tx.accessDescriptorSize() == FfaVersion.ACCESS_DESCRIPTOR_SIZE_V1_0) {
            for (EndpointAccess r : tx.receivers()) {
                if (!r.impdef().isZero()) {
                    throw new IllegalArgumentException("a 16-byte access descriptor has no impdef, but receiver 0x"
                            + Integer.toHexString(r.receiver()) + " has " + r.impdef());
                }
            }
        }
        if (tx.composite().isPresent() && tx.compositeOffset() == 0) {
            throw new IllegalArgumentException("a composite needs receiver 0's composite offset to point at it");
        }
    }

    /** The common input checks of every decode: null, length, version. */
    static Optional<Rejection> checkInput(byte[] bytes, int length, FfaVersion version) {
        if (version == null || !version.isModelled()) {
            return Optional.of(new Rejection(FfaError.NOT_SUPPORTED, "version", 0,
                    "memshare lays out FF-A 1.0 to 1.3, not " + version));
        }
        if (bytes == null) {
            return Optional.of(new Rejection(FfaError.INVALID_PARAMETERS, "length", 0, "there are no bytes (null)"));
        }
        if (length < 0 || length > bytes.length) {
            return Optional.of(new Rejection(FfaError.INVALID_PARAMETERS, "length", 0,
                    String.format("the length %d does not lie inside the %d bytes given", length, bytes.length)));
        }
        return Optional.empty();
    }

    static <T> FfaDecoded<T> reject(String field, long offset, String format, Object... args) {
        return new FfaDecoded.Rejected<>(new Rejection(FfaError.INVALID_PARAMETERS, field, offset, String.format(format, args)));
    }

    static int u8(byte[] b, int at) {
        return b[at] & 0xff;
    }

    static int u16(byte[] b, int at) {
        return (short) SHORT.get(b, at) & 0xffff;
    }

    static long u32(byte[] b, int at) {
        return Integer.toUnsignedLong((int) INT.get(b, at));
    }

    static int i32(byte[] b, int at) {
        return (int) INT.get(b, at);
    }

    static long u64(byte[] b, int at) {
        return (long) LONG.get(b, at);
    }

    static void put8(byte[] b, int at, int v) {
        b[at] = (byte) v;
    }

    static void put16(byte[] b, int at, int v) {
        SHORT.set(b, at, (short) v);
    }

    static void put32(byte[] b, int at, long v) {
        INT.set(b, at, (int) v);
    }

    static void put64(byte[] b, int at, long v) {
        LONG.set(b, at, v);
    }
}
