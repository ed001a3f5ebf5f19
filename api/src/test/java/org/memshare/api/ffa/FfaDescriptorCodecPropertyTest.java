package org.memshare.api.ffa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Round trips per version for every descriptor, and hostile bytes: random bytes and lengths,
 * truncations and bit flips of valid descriptors. Decoding never throws, and whatever it accepts
 * re-encodes consistently: the re-encoding decodes to the same value and agrees with the input on
 * every byte it writes (bytes no field covers come back as zero).
 */
class FfaDescriptorCodecPropertyTest {

    private static final List<FfaVersion> VERSIONS = List.of(FfaVersion.V1_0, FfaVersion.V1_1, FfaVersion.V1_2, FfaVersion.V1_3);
    private static final Set<String> LAYOUT_FIELDS = Set.of("length", "header", "accessDescriptorSize", "receiversOffset",
            "receiverCount", "compositeOffset", "endpointCount");

    // ---- round trips -------------------------------------------------------------------------

    @Property
    void transactionsRoundTripInEveryVersion(@ForAll("versions") FfaVersion v, @ForAll long seed) {
        MemoryTransaction tx = randomTransaction(new Random(seed), v, false);
        byte[] bytes = FfaDescriptorCodec.encode(tx, v);
        assertEquals(FfaDescriptorCodec.encodedSize(tx, v), bytes.length);
        FfaDecoded<MemoryTransaction> back = tx.composite().isPresent()
                ? FfaDescriptorCodec.decodeTransaction(bytes, bytes.length, v)
                : FfaDescriptorCodec.decodeRetrieveRequest(bytes, bytes.length, v);
        assertEquals(new FfaDecoded.Ok<>(tx), back);
    }

    /** Layouts no builder writes: gaps, receivers after a gap, the composite after another. */
    @Property
    void unusualLayoutsRoundTrip(@ForAll("versions") FfaVersion v, @ForAll long seed) {
        MemoryTransaction tx = randomTransaction(new Random(seed), v, true);
        byte[] bytes = FfaDescriptorCodec.encode(tx, v);
        FfaDecoded<MemoryTransaction> back = tx.composite().isPresent()
                ? FfaDescriptorCodec.decodeTransaction(bytes, bytes.length, v)
                : FfaDescriptorCodec.decodeRetrieveRequest(bytes, bytes.length, v);
        assertEquals(new FfaDecoded.Ok<>(tx), back);
    }

    /**
     * Bytes first: a valid descriptor whose every non-layout byte (ids, permissions, attributes,
     * flags, handle, tag, reserved words, impdef, composite and constituents) is random decodes,
     * and encodes back to exactly those bytes.
     */
    @Property
    void canonicalBytesRoundTrip(@ForAll("versions") FfaVersion v, @ForAll long seed) {
        Random random = new Random(seed);
        MemoryTransaction tx = randomTransaction(random, v, false);
        byte[] bytes = FfaDescriptorCodec.encode(tx, v);
        boolean[] layout = layoutBytes(tx, v);
        for (int i = 0; i < bytes.length; i++) {
            if (!layout[i]) {
                bytes[i] = (byte) random.nextInt();
            }
        }
        FfaDecoded<MemoryTransaction> decoded = tx.composite().isPresent()
                ? FfaDescriptorCodec.decodeTransaction(bytes, bytes.length, v)
                : FfaDescriptorCodec.decodeRetrieveRequest(bytes, bytes.length, v);
        MemoryTransaction value = decoded.accepted().orElseThrow(() -> new AssertionError(decoded.toString()));
        assertArrayEquals(bytes, FfaDescriptorCodec.encode(value, v));
    }

    @Property
    void relinquishRoundTrips(@ForAll("versions") FfaVersion v, @ForAll long handle, @ForAll int flags,
            @ForAll("endpointLists") List<Integer> endpoints) {
        Relinquish r = new Relinquish(handle, flags, endpoints);
        byte[] bytes = FfaDescriptorCodec.encode(r, v);
        assertEquals(16 + 2 * endpoints.size(), bytes.length);
        assertEquals(new FfaDecoded.Ok<>(r), FfaDescriptorCodec.decodeRelinquish(bytes, bytes.length, v));
    }

    @Property
    void constituentFragmentsRoundTrip(@ForAll long seed) {
        List<FfaConstituent> list = constituents(new Random(seed));
        byte[] bytes = FfaDescriptorCodec.encodeConstituents(list);
        assertEquals(new FfaDecoded.Ok<>(list), FfaDescriptorCodec.decodeConstituents(bytes, bytes.length));
    }

    @Property
    void v1_0ConvertsToV1_1AndBack(@ForAll long seed) {
        Random random = new Random(seed);
        MemoryTransaction v1_0 = randomTransaction(random, FfaVersion.V1_0, false);
        MemoryTransaction stored = FfaDescriptorCodec.toV1_1Form(v1_0);
        assertEquals(HeaderReserved.ZERO, stored.reserved());
        assertEquals(48, stored.receiversOffset());
        byte[] bytes = FfaDescriptorCodec.encode(stored, FfaVersion.V1_1);
        assertEquals(FfaVersion.V1_1.headerSize() - FfaVersion.V1_0.headerSize(),
                bytes.length - FfaDescriptorCodec.encode(v1_0, FfaVersion.V1_0).length, "the v1.1 form is 16 bytes longer");
        MemoryTransaction reread = (stored.composite().isPresent()
                ? FfaDescriptorCodec.decodeTransaction(bytes, bytes.length, FfaVersion.V1_1)
                : FfaDescriptorCodec.decodeRetrieveRequest(bytes, bytes.length, FfaVersion.V1_1)).accepted().orElseThrow();
        assertEquals(stored, reread);
        MemoryTransaction withoutReserved = new MemoryTransaction(v1_0.sender(), v1_0.attributes(), v1_0.flags(),
                v1_0.handle(), v1_0.tag(), 16, 32, HeaderReserved.ZERO, v1_0.receivers(), v1_0.composite());
        assertEquals(withoutReserved, FfaDescriptorCodec.toV1_0Form(reread));
    }

    // ---- hostile bytes -----------------------------------------------------------------------

    @Property
    void randomBytesNeverThrow(@ForAll("anyVersion") FfaVersion v, @ForAll byte[] bytes, @ForAll @IntRange(min = -4, max = 600) int length) {
        checkEveryDecoder(bytes, length, v);
    }

    /** Random bytes whose layout fields are drawn small, so that many decode. */
    @Property
    void plausibleBytesNeverThrowAndReencode(@ForAll("versions") FfaVersion v, @ForAll long seed) {
        Random random = new Random(seed);
        byte[] bytes = plausibleBytes(random, v);
        int length = random.nextInt(4) == 0 ? random.nextInt(bytes.length + 8) - 4 : bytes.length;
        checkEveryDecoder(bytes, length, v);
    }

    /** The plausible-bytes generator is worth running: it makes accepted and rejected inputs alike. */
    @Test
    void plausibleBytesAreOftenAcceptedAndOftenRejected() {
        int accepted = 0;
        int withComposite = 0;
        int total = 1200;
        for (int seed = 0; seed < total; seed++) {
            FfaVersion v = VERSIONS.get(seed % VERSIONS.size());
            byte[] bytes = plausibleBytes(new Random(seed), v);
            Optional<MemoryTransaction> tx = FfaDescriptorCodec.decodeTransaction(bytes, bytes.length, v).accepted();
            accepted += tx.isPresent() ? 1 : 0;
            withComposite += tx.flatMap(MemoryTransaction::composite).isPresent() ? 1 : 0;
        }
        assertTrue(accepted > total / 10 && accepted < total * 9 / 10, accepted + " of " + total + " accepted");
        assertTrue(withComposite > total / 50, withComposite + " of " + total + " with a composite");
    }

    private static byte[] plausibleBytes(Random random, FfaVersion v) {
        byte[] bytes = new byte[random.nextInt(400)];
        random.nextBytes(bytes);
        if (bytes.length >= 36) {
            FfaDescriptorCodecDecodeTest.put32(bytes, 28, random.nextInt(4));
            FfaDescriptorCodecDecodeTest.put32(bytes, 24, random.nextInt(3) == 0 ? random.nextInt(64) : 16 * (1 + random.nextInt(2)));
            FfaDescriptorCodecDecodeTest.put32(bytes, 32, random.nextInt(3) == 0 ? random.nextInt() : 32 + random.nextInt(64));
            long first = v.usesV1_0Layout() ? 32 : FfaDescriptorCodec.u64At(bytes, bytes.length, 32).orElse(0) & 0xffff_ffffL;
            if (first + 8 <= bytes.length) {
                FfaDescriptorCodecDecodeTest.put32(bytes, (int) first + 4, random.nextInt(3) == 0 ? random.nextInt() : random.nextInt(200));
            }
        }
        return bytes;
    }

    @Property
    void truncationsOfValidDescriptors(@ForAll("versions") FfaVersion v, @ForAll long seed) {
        MemoryTransaction tx = randomTransaction(new Random(seed), v, false);
        byte[] bytes = FfaDescriptorCodec.encode(tx, v);
        for (int length = 0; length <= bytes.length; length++) {
            checkEveryDecoder(bytes, length, v);
            FfaDecoded<MemoryTransaction> d = tx.composite().isPresent()
                    ? FfaDescriptorCodec.decodeTransaction(bytes, length, v)
                    : FfaDescriptorCodec.decodeRetrieveRequest(bytes, length, v);
            long needed = tx.composite().isPresent() ? tx.compositeOffset() + 16
                    : tx.receivers().isEmpty() ? v.headerSize() : tx.receiversEnd();
            assertEquals(length >= needed, d.isOk(), "length " + length + " of " + bytes.length + ": " + d);
            if (d.isOk() && tx.composite().isPresent()) {
                MemoryTransaction prefix = d.accepted().orElseThrow();
                assertEquals((length - tx.compositeOffset() - 16) / 16, prefix.constituents().size());
                assertEquals(tx.constituents().subList(0, prefix.constituents().size()), prefix.constituents());
                assertEquals(tx.composite().get().constituentCount(), prefix.composite().orElseThrow().constituentCount());
            }
        }
    }

    @Property
    void bitFlipsOfValidDescriptors(@ForAll("versions") FfaVersion v, @ForAll long seed) {
        Random random = new Random(seed);
        MemoryTransaction tx = randomTransaction(random, v, random.nextBoolean());
        byte[] bytes = FfaDescriptorCodec.encode(tx, v);
        int flips = 1 + random.nextInt(8);
        for (int i = 0; i < flips; i++) {
            int bit = random.nextInt(bytes.length * 8);
            bytes[bit / 8] ^= (byte) (1 << bit % 8);
        }
        checkEveryDecoder(bytes, bytes.length, v);
        checkEveryDecoder(bytes, random.nextInt(bytes.length + 1), v);
    }

    /** Layout fields set to boundary values: 0, small, near 2^31 and 2^32. */
    @Property
    void boundaryLayoutValues(@ForAll("versions") FfaVersion v, @ForAll long seed,
            @ForAll("boundaries") long receiversOffset, @ForAll("boundaries") long count,
            @ForAll("boundaries") long compositeOffset, @ForAll("boundaries") long descSize) {
        MemoryTransaction tx = randomTransaction(new Random(seed), v, false);
        byte[] bytes = FfaDescriptorCodec.encode(tx, v);
        FfaDescriptorCodecDecodeTest.put32(bytes, 28, count);
        if (!v.usesV1_0Layout()) {
            FfaDescriptorCodecDecodeTest.put32(bytes, 24, descSize);
            FfaDescriptorCodecDecodeTest.put32(bytes, 32, receiversOffset);
        }
        if (!tx.receivers().isEmpty()) {
            FfaDescriptorCodecDecodeTest.put32(bytes, (int) tx.receiversOffset() + 4, compositeOffset);
        }
        checkEveryDecoder(bytes, bytes.length, v);
    }

    /**
     * Runs every decoder on the input: none throws; a rejection names a layout field with
     * INVALID_PARAMETERS (or the version with NOT_SUPPORTED); an acceptance re-encodes consistently.
     *
     * @return whether the transaction decoder accepted the input
     */
    private static boolean checkEveryDecoder(byte[] bytes, int length, FfaVersion v) {
        FfaDecoded<MemoryTransaction> tx = FfaDescriptorCodec.decodeTransaction(bytes, length, v);
        checkTransaction(bytes, length, v, tx, true);
        checkTransaction(bytes, length, v, FfaDescriptorCodec.decodeRetrieveRequest(bytes, length, v), false);
        assertEquals(tx, FfaDescriptorCodec.decodeRetrieveResponse(bytes, length, v));
        FfaDecoded<Relinquish> relinquish = FfaDescriptorCodec.decodeRelinquish(bytes, length, v);
        checkRejection(relinquish, v);
        relinquish.accepted().ifPresent(r -> {
            byte[] again = FfaDescriptorCodec.encode(r, v);
            assertTrue(again.length <= length);
            assertArrayEquals(java.util.Arrays.copyOf(bytes, again.length), again);
        });
        FfaDecoded<List<FfaConstituent>> constituents = FfaDescriptorCodec.decodeConstituents(bytes, length);
        checkRejection(constituents, FfaVersion.V1_0);
        constituents.accepted().ifPresent(list -> {
            assertEquals(length / 16, list.size());
            assertArrayEquals(java.util.Arrays.copyOf(bytes, 16 * list.size()), FfaDescriptorCodec.encodeConstituents(list));
        });
        return tx.isOk();
    }

    private static void checkTransaction(byte[] bytes, int length, FfaVersion v, FfaDecoded<MemoryTransaction> decoded,
            boolean withComposite) {
        checkRejection(decoded, v);
        if (decoded.accepted().isEmpty()) {
            return;
        }
        MemoryTransaction value = decoded.accepted().get();
        byte[] again = FfaDescriptorCodec.encode(value, v);
        assertTrue(again.length <= length, again.length + " > " + length);
        FfaDecoded<MemoryTransaction> reread = withComposite
                ? FfaDescriptorCodec.decodeTransaction(again, again.length, v)
                : FfaDescriptorCodec.decodeRetrieveRequest(again, again.length, v);
        assertEquals(decoded, reread);
        for (int i = 0; i < again.length; i++) {
            if (again[i] != bytes[i] && again[i] != 0) {
                throw new AssertionError("byte " + i + " re-encodes as " + again[i] + ", was " + bytes[i]);
            }
        }
    }

    private static void checkRejection(FfaDecoded<?> decoded, FfaVersion v) {
        decoded.rejected().ifPresent(r -> {
            if (v == null || !v.isModelled()) {
                assertEquals(new Rejection(FfaError.NOT_SUPPORTED, "version", 0, r.reason()), r);
            } else {
                assertEquals(FfaError.INVALID_PARAMETERS, r.error(), r.toString());
                assertTrue(LAYOUT_FIELDS.contains(r.field()), r.toString());
                assertTrue(r.offset() >= 0 && r.offset() < 1L << 33, r.toString());
                assertTrue(!r.reason().isEmpty());
            }
        });
    }

    // ---- generators --------------------------------------------------------------------------

    @Provide
    Arbitrary<FfaVersion> versions() {
        return Arbitraries.of(VERSIONS);
    }

    @Provide
    Arbitrary<FfaVersion> anyVersion() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.of(VERSIONS)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(new FfaVersion(1, 4), new FfaVersion(2, 0), new FfaVersion(0, 1))));
    }

    @Provide
    Arbitrary<List<Integer>> endpointLists() {
        return Arbitraries.integers().between(0, 0xffff).list().ofMaxSize(6);
    }

    @Provide
    Arbitrary<Long> boundaries() {
        return Arbitraries.of(0L, 1L, 15L, 16L, 32L, 48L, 64L, 0x7fff_ffffL, 0x8000_0000L, 0xffff_fff0L, 0xffff_ffffL);
    }

    /**
     * A random transaction: 0 to 3 receivers (with random ids, permissions, flags, reserved words
     * and, for 32-byte descriptors, impdef), a composite with 0 to 6 constituents when there is a
     * receiver (or none: a retrieve request), random header fields and reserved words. With
     * {@code unusual}, v1.1+ receivers start after a gap and the composite after another.
     */
    static MemoryTransaction randomTransaction(Random r, FfaVersion v, boolean unusual) {
        int count = r.nextInt(4);
        boolean wide = v.accessDescriptorSize() == 32;
        List<EndpointAccess> receivers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            EndpointAccess.Impdef impdef = wide ? new EndpointAccess.Impdef(r.nextLong(), r.nextLong()) : EndpointAccess.Impdef.ZERO;
            receivers.add(new EndpointAccess(r.nextInt(0x10000), new MemoryPermissions(r.nextInt(0x100)), r.nextInt(0x100), 0,
                    impdef, r.nextInt(4) == 0 ? r.nextLong() : 0));
        }
        Optional<CompositeRegion> composite = count > 0 && r.nextInt(4) != 0
                ? Optional.of(new CompositeRegion(r.nextLong() & 0xffff_ffffL, r.nextInt(8),
                        r.nextInt(4) == 0 ? r.nextLong() : 0, constituents(r)))
                : Optional.empty();
        MemoryAttributes attributes = new MemoryAttributes(r.nextInt(v.usesV1_0Layout() ? 0x100 : 0x10000));
        HeaderReserved reserved = r.nextInt(3) != 0 ? HeaderReserved.ZERO
                : v.usesV1_0Layout() ? new HeaderReserved(r.nextInt(0x100), r.nextInt(), 0)
                : new HeaderReserved(r.nextInt(), r.nextInt(), r.nextInt());
        MemoryTransaction tx = MemoryTransaction.laidOut(v, r.nextInt(0x10000), attributes, new TransactionFlags(r.nextInt()),
                r.nextLong(), r.nextLong(), receivers, composite);
        tx = new MemoryTransaction(tx.sender(), tx.attributes(), tx.flags(), tx.handle(), tx.tag(), tx.accessDescriptorSize(),
                tx.receiversOffset(), reserved, tx.receivers(), tx.composite());
        if (!unusual) {
            return tx;
        }
        long receiversOffset = v.usesV1_0Layout() ? 32 : 48 + r.nextInt(64);
        long compositeOffset = composite.isPresent() ? receiversOffset + tx.accessDescriptorSize() * count + r.nextInt(64) : 0;
        List<EndpointAccess> moved = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            // Receivers other than the first may point anywhere; only receiver 0's offset is followed.
            long offset = i == 0 || r.nextBoolean() ? compositeOffset : r.nextLong() & 0xffff_ffffL;
            moved.add(receivers.get(i).withCompositeOffset(offset));
        }
        return new MemoryTransaction(tx.sender(), tx.attributes(), tx.flags(), tx.handle(), tx.tag(), tx.accessDescriptorSize(),
                receiversOffset, reserved, moved, composite);
    }

    static List<FfaConstituent> constituents(Random r) {
        int n = r.nextInt(7);
        List<FfaConstituent> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(new FfaConstituent(r.nextLong(), r.nextLong() & 0xffff_ffffL, r.nextInt(4) == 0 ? r.nextInt() : 0));
        }
        return list;
    }

    /** Which bytes of {@code tx}'s encoding locate things: receiver count, size, offsets. */
    private static boolean[] layoutBytes(MemoryTransaction tx, FfaVersion v) {
        boolean[] layout = new boolean[(int) FfaDescriptorCodec.encodedSize(tx, v)];
        mark(layout, 28, 4);
        if (!v.usesV1_0Layout()) {
            mark(layout, 24, 4);
            mark(layout, 32, 4);
        }
        for (int i = 0; i < tx.receiverCount(); i++) {
            mark(layout, (int) (tx.receiversOffset() + tx.accessDescriptorSize() * i) + 4, 4);
        }
        return layout;
    }

    private static void mark(boolean[] layout, int at, int width) {
        for (int i = 0; i < width; i++) {
            layout[at + i] = true;
        }
    }
}
