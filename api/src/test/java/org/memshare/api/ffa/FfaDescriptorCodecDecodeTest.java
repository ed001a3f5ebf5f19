package org.memshare.api.ffa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * What decoding rejects (field, offset, error) and what it keeps raw for the engine's checks, and
 * what encoding refuses.
 */
class FfaDescriptorCodecDecodeTest {

    private static final FfaConstituent PAGE = FfaConstituent.of(0x4000_0000L, 1);

    private static MemoryTransaction send(FfaVersion v, int receivers) {
        List<EndpointAccess> list = receivers == 1 ? List.of(EndpointAccess.of(2, MemoryPermissions.RW))
                : List.of(EndpointAccess.of(2, MemoryPermissions.RW), EndpointAccess.of(3, MemoryPermissions.RW));
        return MemoryTransaction.laidOut(v, 1, MemoryAttributes.UNSPECIFIED, TransactionFlags.NONE, 0, 0, list,
                Optional.of(CompositeRegion.of(List.of(PAGE))));
    }

    private static Rejection rejection(FfaDecoded<?> decoded) {
        return decoded.rejected().orElseThrow(() -> new AssertionError("accepted: " + decoded));
    }

    private static MemoryTransaction accepted(FfaDecoded<MemoryTransaction> decoded) {
        return decoded.accepted().orElseThrow(() -> new AssertionError("rejected: " + decoded));
    }

    private static void assertRejected(FfaDecoded<?> decoded, FfaError error, String field, long offset) {
        Rejection r = rejection(decoded);
        assertEquals(error, r.error(), r.toString());
        assertEquals(field, r.field(), r.toString());
        assertEquals(offset, r.offset(), r.toString());
        assertTrue(r.message().startsWith(field + " at offset " + offset + ": "), r.message());
    }

    // ---- rejections --------------------------------------------------------------------------

    @Test
    void inputThatIsNotThereIsRejectedNotThrown() {
        byte[] bytes = FfaDescriptorCodec.encode(send(FfaVersion.V1_1, 1), FfaVersion.V1_1);
        assertRejected(FfaDescriptorCodec.decodeTransaction(null, 0, FfaVersion.V1_1), FfaError.INVALID_PARAMETERS, "length", 0);
        assertRejected(FfaDescriptorCodec.decodeTransaction(bytes, -1, FfaVersion.V1_1), FfaError.INVALID_PARAMETERS, "length", 0);
        assertRejected(FfaDescriptorCodec.decodeTransaction(bytes, bytes.length + 1, FfaVersion.V1_1),
                FfaError.INVALID_PARAMETERS, "length", 0);
        assertRejected(FfaDescriptorCodec.decodeTransaction(bytes, Integer.MAX_VALUE, FfaVersion.V1_1),
                FfaError.INVALID_PARAMETERS, "length", 0);
        assertRejected(FfaDescriptorCodec.decodeRelinquish(null, 0, FfaVersion.V1_1), FfaError.INVALID_PARAMETERS, "length", 0);
        assertRejected(FfaDescriptorCodec.decodeConstituents(bytes, Integer.MIN_VALUE), FfaError.INVALID_PARAMETERS, "length", 0);
    }

    @Test
    void aVersionMemshareDoesNotModelIsNotSupported() {
        byte[] bytes = FfaDescriptorCodec.encode(send(FfaVersion.V1_2, 1), FfaVersion.V1_2);
        assertRejected(FfaDescriptorCodec.decodeTransaction(bytes, bytes.length, new FfaVersion(1, 4)),
                FfaError.NOT_SUPPORTED, "version", 0);
        assertRejected(FfaDescriptorCodec.decodeTransaction(bytes, bytes.length, new FfaVersion(2, 0)),
                FfaError.NOT_SUPPORTED, "version", 0);
        assertRejected(FfaDescriptorCodec.decodeTransaction(bytes, bytes.length, null), FfaError.NOT_SUPPORTED, "version", 0);
        assertThrows(IllegalArgumentException.class, () -> FfaDescriptorCodec.encode(send(FfaVersion.V1_2, 1), new FfaVersion(1, 4)));
    }

    @Test
    void aShortHeaderIsRejectedPerVersion() {
        byte[] bytes = new byte[64];
        assertRejected(FfaDescriptorCodec.decodeTransaction(bytes, 31, FfaVersion.V1_0), FfaError.INVALID_PARAMETERS, "header", 0);
        assertTrue(FfaDescriptorCodec.decodeTransaction(bytes, 32, FfaVersion.V1_0).isOk(), "32 zero bytes: v1.0, no receivers");
        assertRejected(FfaDescriptorCodec.decodeTransaction(bytes, 47, FfaVersion.V1_1), FfaError.INVALID_PARAMETERS, "header", 0);
        assertTrue(FfaDescriptorCodec.decodeTransaction(bytes, 48, FfaVersion.V1_1).isOk(), "48 zero bytes: v1.1, no receivers");
    }

    @Test
    void anAccessDescriptorSizeOtherThan16Or32WithReceiversIsRejected() {
        byte[] bytes = FfaDescriptorCodec.encode(send(FfaVersion.V1_1, 1), FfaVersion.V1_1);
        for (long size : new long[] {0, 8, 20, 24, 48, 0xffff_ffffL}) {
            byte[] patched = bytes.clone();
            put32(patched, 24, size);
            assertRejected(FfaDescriptorCodec.decodeTransaction(patched, patched.length, FfaVersion.V1_1),
                    FfaError.INVALID_PARAMETERS, "accessDescriptorSize", 24);
        }
        // Without receivers the size is kept as it is (a hypervisor retrieve request wants 0).
        byte[] none = new Golden(48).u32(24, 20).bytes();
        assertEquals(20, accepted(FfaDescriptorCodec.decodeTransaction(none, 48, FfaVersion.V1_2)).accessDescriptorSize());
    }

    @Test
    void receiversOutsideTheLengthAreRejected() {
        byte[] bytes = FfaDescriptorCodec.encode(send(FfaVersion.V1_1, 2), FfaVersion.V1_1);
        // The first receiver does not fit.
        byte[] far = bytes.clone();
        put32(far, 32, bytes.length - 8);
        assertRejected(FfaDescriptorCodec.decodeTransaction(far, far.length, FfaVersion.V1_1),
                FfaError.INVALID_PARAMETERS, "receiversOffset", 32);
        // Offsets near 2^32: Hafnium's 32-bit sum would wrap; here it is rejected.
        for (long offset : new long[] {0xffff_fff0L, 0xffff_ffffL, 0x8000_0000L, 0x7fff_ffffL}) {
            byte[] wrapped = bytes.clone();
            put32(wrapped, 32, offset);
            assertRejected(FfaDescriptorCodec.decodeTransaction(wrapped, wrapped.length, FfaVersion.V1_1),
                    FfaError.INVALID_PARAMETERS, "receiversOffset", 32);
        }
        // The first fits, the last does not; counts whose product overflows 32 bits.
        for (long count : new long[] {5, 6, 0x1000_0000L, 0x1000_0001L, 0xffff_ffffL}) {
            byte[] many = bytes.clone();
            put32(many, 28, count);
            assertRejected(FfaDescriptorCodec.decodeTransaction(many, many.length, FfaVersion.V1_1),
                    FfaError.INVALID_PARAMETERS, "receiverCount", 28);
        }
        // v1.0: the receivers sit at 32; a count that does not fit names the count.
        byte[] v1_0 = FfaDescriptorCodec.encode(send(FfaVersion.V1_0, 1), FfaVersion.V1_0);
        put32(v1_0, 28, 0xffff_ffffL);
        assertRejected(FfaDescriptorCodec.decodeTransaction(v1_0, v1_0.length, FfaVersion.V1_0),
                FfaError.INVALID_PARAMETERS, "receiverCount", 28);
        assertRejected(FfaDescriptorCodec.decodeTransaction(v1_0, 40, FfaVersion.V1_0),
                FfaError.INVALID_PARAMETERS, "receiverCount", 28);
    }

    @Test
    void aCompositeHeaderOutsideTheLengthIsRejected() {
        byte[] bytes = FfaDescriptorCodec.encode(send(FfaVersion.V1_2, 1), FfaVersion.V1_2);
        assertEquals(112, bytes.length);
        // Receiver 0's composite offset field is at 48 + 4.
        assertRejected(FfaDescriptorCodec.decodeTransaction(bytes, 95, FfaVersion.V1_2),
                FfaError.INVALID_PARAMETERS, "compositeOffset", 52);
        assertTrue(FfaDescriptorCodec.decodeTransaction(bytes, 96, FfaVersion.V1_2).isOk(), "the header alone fits");
        for (long offset : new long[] {0xffff_fff8L, 0xffff_ffffL, 0x8000_0000L, 113}) {
            byte[] far = bytes.clone();
            put32(far, 52, offset);
            assertRejected(FfaDescriptorCodec.decodeTransaction(far, far.length, FfaVersion.V1_2),
                    FfaError.INVALID_PARAMETERS, "compositeOffset", 52);
            // A retrieve request never reads a composite: the offset is kept for the engine.
            assertEquals(offset, accepted(FfaDescriptorCodec.decodeRetrieveRequest(far, far.length, FfaVersion.V1_2))
                    .compositeOffset());
        }
    }

    @Test
    void relinquishLayoutRejections() {
        assertRejected(FfaDescriptorCodec.decodeRelinquish(new byte[15], 15, FfaVersion.V1_1),
                FfaError.INVALID_PARAMETERS, "header", 0);
        byte[] bytes = FfaDescriptorCodec.encode(Relinquish.of(5, 0, 2), FfaVersion.V1_1);
        assertRejected(FfaDescriptorCodec.decodeRelinquish(bytes, 17, FfaVersion.V1_1),
                FfaError.INVALID_PARAMETERS, "endpointCount", 12);
        put32(bytes, 12, 0xffff_ffffL);
        assertRejected(FfaDescriptorCodec.decodeRelinquish(bytes, 18, FfaVersion.V1_1),
                FfaError.INVALID_PARAMETERS, "endpointCount", 12);
        // Counts other than 1 that fit are the engine's to refuse.
        byte[] two = new Golden(20).u64(0, 5).u32(12, 2).u16(16, 2).u16(18, 3).bytes();
        assertEquals(List.of(2, 3), FfaDescriptorCodec.decodeRelinquish(two, 20, FfaVersion.V1_0).accepted().orElseThrow().endpoints());
        byte[] none = new Golden(16).u64(0, 5).u32(8, 0xfffffffeL).bytes();
        Relinquish zero = FfaDescriptorCodec.decodeRelinquish(none, 16, FfaVersion.V1_0).accepted().orElseThrow();
        assertEquals(List.of(), zero.endpoints());
        assertEquals(0xfffffffe, zero.flags());
        assertFalse(zero.clear());
    }

    // ---- kept raw ----------------------------------------------------------------------------

    @Test
    void reservedHeaderFieldsAreKeptPerVersion() {
        byte[] v1_0 = FfaDescriptorCodec.encode(send(FfaVersion.V1_0, 1), FfaVersion.V1_0);
        v1_0[3] = (byte) 0xa5;
        put32(v1_0, 24, 0x1234_5678L);
        MemoryTransaction t0 = accepted(FfaDescriptorCodec.decodeTransaction(v1_0, v1_0.length, FfaVersion.V1_0));
        assertEquals(new HeaderReserved(0xa5, 0x1234_5678, 0), t0.reserved());
        assertEquals(16, t0.accessDescriptorSize(), "v1.0 has no size field: its word at 24 is reserved");
        assertEquals(32, t0.receiversOffset());
        assertEquals(v1_0.length, FfaDescriptorCodec.encode(t0, FfaVersion.V1_0).length);
        assertEquals(java.util.Arrays.toString(v1_0), java.util.Arrays.toString(FfaDescriptorCodec.encode(t0, FfaVersion.V1_0)));

        byte[] v1_1 = FfaDescriptorCodec.encode(send(FfaVersion.V1_1, 1), FfaVersion.V1_1);
        put32(v1_1, 36, 1);
        put32(v1_1, 40, 2);
        put32(v1_1, 44, 0x8000_0000L);
        MemoryTransaction t1 = accepted(FfaDescriptorCodec.decodeTransaction(v1_1, v1_1.length, FfaVersion.V1_1));
        assertEquals(new HeaderReserved(1, 2, 0x8000_0000), t1.reserved());
        assertFalse(t1.reserved().isZero());
    }

    @Test
    void receiverReservedWordsImpdefAndFlagsAreKept() {
        byte[] v1_1 = FfaDescriptorCodec.encode(send(FfaVersion.V1_1, 2), FfaVersion.V1_1);
        put64(v1_1, 48 + 8, 0xdead_beefL);   // receiver 0 reserved
        v1_1[64 + 3] = 1;                    // receiver 1 flags
        v1_1[64 + 2] = (byte) 0xff;          // receiver 1 permissions, every bit
        MemoryTransaction t = accepted(FfaDescriptorCodec.decodeTransaction(v1_1, v1_1.length, FfaVersion.V1_1));
        assertEquals(0xdead_beefL, t.receivers().get(0).reserved());
        assertEquals(1, t.receivers().get(1).flags());
        assertEquals(0xff, t.receivers().get(1).permissions().value());

        byte[] v1_2 = FfaDescriptorCodec.encode(send(FfaVersion.V1_2, 1), FfaVersion.V1_2);
        put64(v1_2, 48 + 8, -1);
        put64(v1_2, 48 + 16, 7);
        put64(v1_2, 48 + 24, 9);
        EndpointAccess r = accepted(FfaDescriptorCodec.decodeTransaction(v1_2, v1_2.length, FfaVersion.V1_2)).receivers().get(0);
        assertEquals(new EndpointAccess.Impdef(-1, 7), r.impdef());
        assertEquals(9, r.reserved());
    }

    @Test
    void receiversOffsetAndSizeAreKeptEvenWhenHafniumRefusesThem() {
        // Receivers at 49 (unaligned; Hafnium accepts any offset >= 48) and after a gap.
        MemoryTransaction base = send(FfaVersion.V1_1, 1);
        for (long offset : new long[] {49, 64}) {
            MemoryTransaction moved = new MemoryTransaction(1, MemoryAttributes.UNSPECIFIED, TransactionFlags.NONE, 0, 0, 16,
                    offset, HeaderReserved.ZERO, List.of(EndpointAccess.of(2, MemoryPermissions.RW).withCompositeOffset(96)),
                    base.composite());
            byte[] bytes = FfaDescriptorCodec.encode(moved, FfaVersion.V1_1);
            MemoryTransaction back = accepted(FfaDescriptorCodec.decodeTransaction(bytes, bytes.length, FfaVersion.V1_1));
            assertEquals(offset, back.receiversOffset());
            assertEquals(moved, back);
        }
        // Receivers at 40, inside the header: receiver 0 is read from the reserved words and the
        // start of what was receiver 0 at 48.
        byte[] inside = FfaDescriptorCodec.encode(base, FfaVersion.V1_1);
        put32(inside, 32, 40);
        MemoryTransaction overlapping = accepted(FfaDescriptorCodec.decodeTransaction(inside, inside.length, FfaVersion.V1_1));
        assertEquals(40, overlapping.receiversOffset());
        assertEquals(HeaderReserved.ZERO, overlapping.reserved());
        assertEquals(0, overlapping.receivers().get(0).receiver(), "bytes 40..41 are reserved zeros");
        assertEquals(0, overlapping.compositeOffset(), "bytes 44..47 are reserved zeros");
        assertEquals(Optional.empty(), overlapping.composite());
        assertEquals(0x0002_0002L | 64L << 32, overlapping.receivers().get(0).reserved(), "bytes 48..55 are the old receiver 0's start");
        // The same value refused by encode when its reserved fields disagree with the receiver on top.
        assertThrows(IllegalArgumentException.class, () -> FfaDescriptorCodec.encode(new MemoryTransaction(1,
                MemoryAttributes.UNSPECIFIED, TransactionFlags.NONE, 0, 0, 16, 40, HeaderReserved.ZERO,
                List.of(EndpointAccess.of(2, MemoryPermissions.RW).withCompositeOffset(64)), base.composite()), FfaVersion.V1_1));
        // A v1.1 caller's 32-byte descriptors are decoded; refusing them is the engine's job.
        byte[] v1_2 = FfaDescriptorCodec.encode(send(FfaVersion.V1_2, 1), FfaVersion.V1_2);
        assertEquals(32, accepted(FfaDescriptorCodec.decodeTransaction(v1_2, v1_2.length, FfaVersion.V1_1)).accessDescriptorSize());
        // A v1.2 caller's 16-byte descriptors too.
        byte[] v1_1 = FfaDescriptorCodec.encode(send(FfaVersion.V1_1, 1), FfaVersion.V1_1);
        assertEquals(send(FfaVersion.V1_1, 1), accepted(FfaDescriptorCodec.decodeTransaction(v1_1, v1_1.length, FfaVersion.V1_2)));
    }

    @Test
    void compositeOffsetsAreKeptPerReceiverAndOnlyReceiver0sIsFollowed() {
        byte[] bytes = FfaDescriptorCodec.encode(send(FfaVersion.V1_1, 2), FfaVersion.V1_1);
        put32(bytes, 64 + 4, 0x1234);        // receiver 1 points elsewhere, far outside
        MemoryTransaction t = accepted(FfaDescriptorCodec.decodeTransaction(bytes, bytes.length, FfaVersion.V1_1));
        assertEquals(80, t.receivers().get(0).compositeOffset());
        assertEquals(0x1234, t.receivers().get(1).compositeOffset());
        assertEquals(List.of(PAGE), t.constituents());
        // Receiver 0 at 0: no composite is read (a send with it is the engine's to refuse).
        put32(bytes, 48 + 4, 0);
        assertEquals(Optional.empty(), accepted(FfaDescriptorCodec.decodeTransaction(bytes, bytes.length, FfaVersion.V1_1)).composite());
    }

    @Test
    void aCompositeOverlappingTheReceiversOrUnalignedIsReadWhereItPoints() {
        byte[] bytes = FfaDescriptorCodec.encode(send(FfaVersion.V1_1, 2), FfaVersion.V1_1);
        put32(bytes, 48 + 4, 56);   // into receiver 0 itself
        MemoryTransaction t = accepted(FfaDescriptorCodec.decodeTransaction(bytes, bytes.length, FfaVersion.V1_1));
        CompositeRegion c = t.composite().orElseThrow();
        // Bytes 56..63 are receiver 0's reserved word (0) and 64.. receiver 1: id 3, permissions 2.
        assertEquals(0, c.totalPageCount());
        assertEquals(0, c.constituentCount());
        assertEquals(0x0000_0050_0002_0003L, c.reserved());
        assertEquals((bytes.length - 56 - 16) / 16, c.constituents().size());
        // Re-encoding the overlap gives back the bytes up to the last whole constituent, since each
        // field was read from them; the 8 trailing bytes were no constituent.
        assertEquals(104, 56 + 16 + 16 * c.constituents().size());
        assertEquals(java.util.Arrays.toString(java.util.Arrays.copyOf(bytes, 104)),
                java.util.Arrays.toString(FfaDescriptorCodec.encode(t, FfaVersion.V1_1)));
    }

    @Test
    void u64AtReadsInsideTheLengthOnly() {
        byte[] bytes = new Golden(24).u64(8, 0x0102_0304_0506_0708L).bytes();
        assertEquals(OptionalLong.of(0x0102_0304_0506_0708L), FfaDescriptorCodec.u64At(bytes, 24, 8));
        assertEquals(OptionalLong.of(0x0304_0506_0708_0000L), FfaDescriptorCodec.u64At(bytes, 24, 6));
        assertEquals(OptionalLong.empty(), FfaDescriptorCodec.u64At(bytes, 15, 8));
        assertEquals(OptionalLong.empty(), FfaDescriptorCodec.u64At(bytes, 24, 17));
        assertEquals(OptionalLong.empty(), FfaDescriptorCodec.u64At(bytes, 24, -1));
        assertEquals(OptionalLong.empty(), FfaDescriptorCodec.u64At(bytes, 25, 0));
        assertEquals(OptionalLong.empty(), FfaDescriptorCodec.u64At(null, 0, 0));
        assertEquals(OptionalLong.empty(), FfaDescriptorCodec.u64At(bytes, 24, Long.MAX_VALUE));
    }

    // ---- encode refusals ---------------------------------------------------------------------

    @Test
    void encodeRefusesWhatTheLayoutCannotCarry() {
        MemoryTransaction v1_1 = send(FfaVersion.V1_1, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FfaDescriptorCodec.encode(v1_1, FfaVersion.V1_0));
        assertTrue(e.getMessage().contains("offset 32"), e.getMessage());
        MemoryTransaction wide = send(FfaVersion.V1_0, 1).withAttributes(new MemoryAttributes(0x12f));
        assertThrows(IllegalArgumentException.class, () -> FfaDescriptorCodec.encode(wide, FfaVersion.V1_0));
        MemoryTransaction impdef = v1_1.withReceivers(List.of(v1_1.receivers().get(0).withImpdef(new EndpointAccess.Impdef(1, 0))));
        assertThrows(IllegalArgumentException.class, () -> FfaDescriptorCodec.encode(impdef, FfaVersion.V1_1));
        MemoryTransaction nowhere = v1_1.withReceivers(List.of(v1_1.receivers().get(0).withCompositeOffset(0)));
        assertThrows(IllegalArgumentException.class, () -> FfaDescriptorCodec.encode(nowhere, FfaVersion.V1_1));
        MemoryTransaction size = new MemoryTransaction(1, MemoryAttributes.UNSPECIFIED, TransactionFlags.NONE, 0, 0, 24, 48,
                HeaderReserved.ZERO, v1_1.receivers(), Optional.empty());
        assertThrows(IllegalArgumentException.class, () -> FfaDescriptorCodec.encode(size, FfaVersion.V1_1));
        // Receiver 1 laid over receiver 0 with a different id: the fields disagree.
        MemoryTransaction clash = new MemoryTransaction(1, MemoryAttributes.UNSPECIFIED, TransactionFlags.NONE, 0, 0, 16, 48,
                HeaderReserved.ZERO, List.of(EndpointAccess.of(2, MemoryPermissions.RW).withCompositeOffset(48),
                        EndpointAccess.of(3, MemoryPermissions.RW).withCompositeOffset(48)), Optional.of(CompositeRegion.of(List.of(PAGE))));
        e = assertThrows(IllegalArgumentException.class, () -> FfaDescriptorCodec.encode(clash, FfaVersion.V1_1));
        assertTrue(e.getMessage().contains("does not decode back"), e.getMessage());
        MemoryTransaction huge = new MemoryTransaction(1, MemoryAttributes.UNSPECIFIED, TransactionFlags.NONE, 0, 0, 16,
                0xffff_fff0L, HeaderReserved.ZERO, v1_1.receivers(), Optional.empty());
        assertThrows(IllegalArgumentException.class, () -> FfaDescriptorCodec.encode(huge, FfaVersion.V1_1));
    }

    @Test
    void aRetrieveRequestWithNonZeroCompositeOffsetsEncodesForTheEngineToRefuse() {
        MemoryTransaction request = MemoryTransaction.laidOut(FfaVersion.V1_1, 1, MemoryAttributes.UNSPECIFIED,
                TransactionFlags.NONE, 0x8000_0000_0000_0000L, 0, List.of(EndpointAccess.of(2, MemoryPermissions.RW).withCompositeOffset(0x40)),
                Optional.empty());
        assertEquals(0, request.compositeOffset(), "laidOut puts 0 without a composite");
        MemoryTransaction bad = request.withReceivers(List.of(request.receivers().get(0).withCompositeOffset(0x40)));
        byte[] bytes = FfaDescriptorCodec.encode(bad, FfaVersion.V1_1);
        assertEquals(64, bytes.length);
        assertEquals(bad, accepted(FfaDescriptorCodec.decodeRetrieveRequest(bytes, 64, FfaVersion.V1_1)));
        // Read as a transaction, the composite 0x40 + 16 is beyond the 64 bytes.
        assertRejected(FfaDescriptorCodec.decodeTransaction(bytes, 64, FfaVersion.V1_1), FfaError.INVALID_PARAMETERS, "compositeOffset", 52);
    }

    static void put32(byte[] b, int at, long v) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (v >>> 8 * i);
        }
    }

    static void put64(byte[] b, int at, long v) {
        for (int i = 0; i < 8; i++) {
            b[at + i] = (byte) (v >>> 8 * i);
        }
    }
}
