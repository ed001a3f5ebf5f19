package org.memshare.api.ffa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The v1.0 <-> v1.1 conversions the engine uses to store every transaction in the v1.1+ form. */
class FfaConversionTest {

    private static final CompositeRegion TWO = CompositeRegion.of(List.of(FfaConstituent.of(0x4000_0000L, 2),
            FfaConstituent.of(0x4001_0000L, 1)));
    private static final List<EndpointAccess> TWO_RECEIVERS = List.of(EndpointAccess.of(2, MemoryPermissions.RW),
            EndpointAccess.of(3, MemoryPermissions.RO));

    private static MemoryTransaction decode(byte[] bytes, FfaVersion v) {
        return FfaDescriptorCodec.decodeTransaction(bytes, bytes.length, v).accepted().orElseThrow();
    }

    @Test
    void aV1_0SendMovesToTheV1_1Layout() {
        MemoryTransaction v1_0 = MemoryTransaction.laidOut(FfaVersion.V1_0, 1, MemoryAttributes.NORMAL_WRITE_BACK_INNER,
                TransactionFlags.NONE, 0, 9, TWO_RECEIVERS, Optional.of(TWO));
        assertEquals(64, v1_0.compositeOffset());
        MemoryTransaction decoded = decode(FfaDescriptorCodec.encode(v1_0, FfaVersion.V1_0), FfaVersion.V1_0);
        MemoryTransaction stored = FfaDescriptorCodec.toV1_1Form(decoded);
        assertEquals(48, stored.receiversOffset());
        assertEquals(16, stored.accessDescriptorSize());
        assertEquals(List.of(80L, 80L), stored.receivers().stream().map(EndpointAccess::compositeOffset).toList());
        assertEquals(MemoryAttributes.NORMAL_WRITE_BACK_INNER, stored.attributes());
        assertEquals(TWO, stored.composite().orElseThrow());
        // It is the descriptor a v1.1 sender writes for the same share, byte for byte.
        MemoryTransaction v1_1 = MemoryTransaction.laidOut(FfaVersion.V1_1, 1, MemoryAttributes.NORMAL_WRITE_BACK_INNER,
                TransactionFlags.NONE, 0, 9, TWO_RECEIVERS, Optional.of(TWO));
        assertEquals(v1_1, stored);
        assertArrayEquals(FfaDescriptorCodec.encode(v1_1, FfaVersion.V1_1), FfaDescriptorCodec.encode(stored, FfaVersion.V1_1));
        // The fragment offset delta Hafnium keeps: new composite offset - old, 16 here.
        assertEquals(16, stored.compositeOffset() - decoded.compositeOffset());
    }

    @Test
    void theConversionPutsTheCompositeRightAfterTheReceiversWhereverItWas() {
        byte[] bytes = FfaDescriptorCodec.encode(MemoryTransaction.laidOut(FfaVersion.V1_0, 1, MemoryAttributes.UNSPECIFIED,
                TransactionFlags.NONE, 0, 0, List.of(EndpointAccess.of(2, MemoryPermissions.RW)), Optional.of(TWO)), FfaVersion.V1_0);
        // Move the composite from 48 to 96 (a gap of 48 bytes), as a v1.0 sender may.
        byte[] gapped = new byte[bytes.length + 48];
        System.arraycopy(bytes, 0, gapped, 0, 48);
        System.arraycopy(bytes, 48, gapped, 96, bytes.length - 48);
        FfaDescriptorCodecDecodeTest.put32(gapped, 36, 96);
        gapped[3] = 1;                                        // a reserved byte, zeroed by the conversion
        MemoryTransaction decoded = decode(gapped, FfaVersion.V1_0);
        assertEquals(96, decoded.compositeOffset());
        assertEquals(new HeaderReserved(1, 0, 0), decoded.reserved());
        MemoryTransaction stored = FfaDescriptorCodec.toV1_1Form(decoded);
        assertEquals(64, stored.compositeOffset());
        assertEquals(HeaderReserved.ZERO, stored.reserved());
        assertEquals(-32, stored.compositeOffset() - decoded.compositeOffset(), "the delta may be negative");
        assertEquals(TWO, stored.composite().orElseThrow());
    }

    @Test
    void aV1_0RetrieveRequestGetsZeroCompositeOffsets() {
        MemoryTransaction request = MemoryTransaction.laidOut(FfaVersion.V1_0, 1, MemoryAttributes.UNSPECIFIED,
                TransactionFlags.NONE.withTransactionType(FfaShareKind.SHARE), 0x8000_0000_0000_0000L, 0,
                TWO_RECEIVERS, Optional.empty());
        byte[] bytes = FfaDescriptorCodec.encode(request, FfaVersion.V1_0);
        assertEquals(32 + 32, bytes.length);
        MemoryTransaction stored = FfaDescriptorCodec.toV1_1Form(
                FfaDescriptorCodec.decodeRetrieveRequest(bytes, bytes.length, FfaVersion.V1_0).accepted().orElseThrow());
        assertEquals(List.of(0L, 0L), stored.receivers().stream().map(EndpointAccess::compositeOffset).toList());
        assertEquals(48 + 32, FfaDescriptorCodec.encode(stored, FfaVersion.V1_1).length, "the converted length is 48 + 16n");
    }

    @Test
    void aV1_2ResponseTruncatesToV1_0() {
        MemoryTransaction v1_2 = MemoryTransaction.laidOut(FfaVersion.V1_2, 1, new MemoryAttributes(0x12f),
                TransactionFlags.NONE.withTransactionType(FfaShareKind.LEND), 0x8000_0000_0000_0000L, 0,
                List.of(EndpointAccess.of(2, MemoryPermissions.RW_NX).withImpdef(new EndpointAccess.Impdef(5, 6))), Optional.of(TWO));
        MemoryTransaction v1_0 = FfaDescriptorCodec.toV1_0Form(v1_2);
        assertEquals(new MemoryAttributes(0x2f), v1_0.attributes(), "the high byte dropped");
        assertEquals(EndpointAccess.Impdef.ZERO, v1_0.receivers().get(0).impdef());
        assertEquals(32, v1_0.receiversOffset());
        assertEquals(48, v1_0.compositeOffset());
        byte[] bytes = FfaDescriptorCodec.encode(v1_0, FfaVersion.V1_0);
        assertEquals(48 + 16 + 32, bytes.length);
        assertEquals(0x2f, bytes[2]);
        assertEquals(v1_0, decode(bytes, FfaVersion.V1_0));
    }

    @Test
    void conversionsAreInverseOnStandardLayouts() {
        for (Optional<CompositeRegion> composite : List.of(Optional.of(TWO), Optional.<CompositeRegion>empty())) {
            MemoryTransaction v1_0 = MemoryTransaction.laidOut(FfaVersion.V1_0, 4, new MemoryAttributes(0x13),
                    new TransactionFlags(1), 7, 8, TWO_RECEIVERS, composite);
            MemoryTransaction v1_1 = MemoryTransaction.laidOut(FfaVersion.V1_1, 4, new MemoryAttributes(0x13),
                    new TransactionFlags(1), 7, 8, TWO_RECEIVERS, composite);
            assertEquals(v1_1, FfaDescriptorCodec.toV1_1Form(v1_0));
            assertEquals(v1_0, FfaDescriptorCodec.toV1_0Form(v1_1));
        }
    }

    @Test
    void withLayoutOfMovesEveryOffset() {
        MemoryTransaction v1_1 = MemoryTransaction.laidOut(FfaVersion.V1_1, 1, MemoryAttributes.UNSPECIFIED,
                TransactionFlags.NONE, 0, 0, TWO_RECEIVERS, Optional.of(TWO));
        MemoryTransaction v1_2 = v1_1.withLayoutOf(FfaVersion.V1_2);
        assertEquals(32, v1_2.accessDescriptorSize());
        assertEquals(48 + 64, v1_2.compositeOffset());
        assertEquals(v1_2.compositeOffset(), v1_2.receivers().get(1).compositeOffset());
        assertEquals(v1_1, v1_2.withLayoutOf(FfaVersion.V1_1));
    }
}
