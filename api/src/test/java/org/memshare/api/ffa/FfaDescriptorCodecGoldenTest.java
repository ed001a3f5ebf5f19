package org.memshare.api.ffa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Golden byte vectors, each written field by field from the layout tables of the FF-A digest
 * (section 1), checked in both directions: the codec writes exactly these bytes, and reads them
 * back as the same value.
 */
class FfaDescriptorCodecGoldenTest {

    private static final long HANDLE_0 = 0x8000_0000_0000_0000L;

    private static void assertBothWays(MemoryTransaction value, FfaVersion version, byte[] golden) {
        assertArrayEquals(golden, FfaDescriptorCodec.encode(value, version), "encode " + version);
        assertEquals(new FfaDecoded.Ok<>(value), FfaDescriptorCodec.decodeTransaction(golden, golden.length, version),
                "decode " + version);
    }

    @Test
    void v1_0LendToOneReceiverWithTwoConstituents() {
        byte[] golden = new Golden(96)
                .u16(0, 1)            // sender
                .u8(2, 0)             // attributes (v1.0, 8 bits)
                .u8(3, 0)             // reserved
                .u32(4, 1)            // flags: clear
                .u64(8, 0)            // handle
                .u64(16, 0x1234)      // tag
                .u32(24, 0)           // reserved
                .u32(28, 1)           // receiver count
                .u16(32, 2)           // receiver 0: id
                .u8(34, 0x2)          //   permissions RW
                .u8(35, 0)            //   flags
                .u32(36, 48)          //   composite offset
                .u64(40, 0)           //   reserved
                .u32(48, 3)           // composite: total page count
                .u32(52, 2)           //   constituent count
                .u64(56, 0)           //   reserved
                .u64(64, 0x4000_0000L).u32(72, 2).u32(76, 0)
                .u64(80, 0x4001_0000L).u32(88, 1).u32(92, 0)
                .bytes();
        MemoryTransaction lend = MemoryTransaction.laidOut(FfaVersion.V1_0, 1, MemoryAttributes.UNSPECIFIED,
                new TransactionFlags(TransactionFlags.CLEAR), 0, 0x1234, List.of(EndpointAccess.of(2, MemoryPermissions.RW)),
                Optional.of(CompositeRegion.of(List.of(FfaConstituent.of(0x4000_0000L, 2), FfaConstituent.of(0x4001_0000L, 1)))));
        assertEquals(32, lend.receiversOffset());
        assertEquals(16, lend.accessDescriptorSize());
        assertEquals(48, lend.compositeOffset());
        assertBothWays(lend, FfaVersion.V1_0, golden);
    }

    @Test
    void v1_1ShareToTwoReceivers() {
        byte[] golden = new Golden(112)
                .u16(0, 1)            // sender
                .u16(2, 0x2f)         // attributes: normal write-back inner
                .u32(4, 0)            // flags
                .u64(8, 0)            // handle
                .u64(16, 7)           // tag
                .u32(24, 16)          // access descriptor size
                .u32(28, 2)           // receiver count
                .u32(32, 48)          // receivers offset
                .u32(36, 0).u32(40, 0).u32(44, 0) // reserved
                .u16(48, 2).u8(50, 0x2).u8(51, 0).u32(52, 80).u64(56, 0)  // receiver 0: VM 2 RW
                .u16(64, 3).u8(66, 0x1).u8(67, 0).u32(68, 80).u64(72, 0)  // receiver 1: VM 3 RO
                .u32(80, 4).u32(84, 1).u64(88, 0)                        // composite
                .u64(96, 0x8000_0000L).u32(104, 4).u32(108, 0)           // constituent
                .bytes();
        MemoryTransaction share = MemoryTransaction.laidOut(FfaVersion.V1_1, 1, MemoryAttributes.NORMAL_WRITE_BACK_INNER,
                TransactionFlags.NONE, 0, 7,
                List.of(EndpointAccess.of(2, MemoryPermissions.RW), EndpointAccess.of(3, MemoryPermissions.RO)),
                Optional.of(CompositeRegion.of(List.of(FfaConstituent.of(0x8000_0000L, 4)))));
        assertBothWays(share, FfaVersion.V1_1, golden);
    }

    @Test
    void v1_2LendToTwoReceiversWithImpdef() {
        byte[] golden = new Golden(144)
                .u16(0, 1).u16(2, 0x2f).u32(4, 0).u64(8, 0).u64(16, 0)
                .u32(24, 32)          // access descriptor size
                .u32(28, 2)           // receiver count
                .u32(32, 48)          // receivers offset
                // receiver 0 at 48: id, permissions, flags, composite offset, impdef[2], reserved
                .u16(48, 2).u8(50, 0x2).u8(51, 0).u32(52, 112).u64(56, 0x1111).u64(64, 0x2222).u64(72, 0)
                // receiver 1 at 80
                .u16(80, 3).u8(82, 0x2).u8(83, 1).u32(84, 112).u64(88, 0x3333).u64(96, 0x4444).u64(104, 0)
                .u32(112, 1).u32(116, 1).u64(120, 0)                     // composite
                .u64(128, 0x1000).u32(136, 1).u32(140, 0)                // constituent
                .bytes();
        EndpointAccess first = EndpointAccess.of(2, MemoryPermissions.RW).withImpdef(new EndpointAccess.Impdef(0x1111, 0x2222));
        EndpointAccess second = new EndpointAccess(3, MemoryPermissions.RW, 1, 0, new EndpointAccess.Impdef(0x3333, 0x4444), 0);
        MemoryTransaction lend = MemoryTransaction.laidOut(FfaVersion.V1_2, 1, MemoryAttributes.NORMAL_WRITE_BACK_INNER,
                TransactionFlags.NONE, 0, 0, List.of(first, second),
                Optional.of(CompositeRegion.of(List.of(FfaConstituent.of(0x1000, 1)))));
        assertBothWays(lend, FfaVersion.V1_2, golden);
        // v1.3 lays descriptors out as v1.2 does.
        assertBothWays(lend, FfaVersion.V1_3, golden);
    }

    @Test
    void v1_1RetrieveRequestHasNoComposite() {
        byte[] golden = new Golden(64)
                .u16(0, 1).u16(2, 0)
                .u32(4, 0x10)               // flags: transaction type lend
                .u64(8, HANDLE_0)           // handle
                .u64(16, 0x1234)            // tag
                .u32(24, 16).u32(28, 1).u32(32, 48)
                .u16(48, 2).u8(50, 0x6).u8(51, 0).u32(52, 0).u64(56, 0) // VM 2 RW+NX, composite offset 0
                .bytes();
        MemoryTransaction request = MemoryTransaction.laidOut(FfaVersion.V1_1, 1, MemoryAttributes.UNSPECIFIED,
                TransactionFlags.NONE.withTransactionType(FfaShareKind.LEND), HANDLE_0, 0x1234,
                List.of(EndpointAccess.of(2, MemoryPermissions.RW_NX)), Optional.empty());
        assertBothWays(request, FfaVersion.V1_1, golden);
        assertEquals(new FfaDecoded.Ok<>(request), FfaDescriptorCodec.decodeRetrieveRequest(golden, 64, FfaVersion.V1_1));
    }

    @Test
    void v1_0RetrieveRequestIsThirtyTwoPlusSixteenBytes() {
        byte[] golden = new Golden(48)
                .u16(0, 1).u8(2, 0).u8(3, 0).u32(4, 0x18).u64(8, HANDLE_0).u64(16, 0).u32(24, 0).u32(28, 1)
                .u16(32, 2).u8(34, 0x6).u8(35, 0).u32(36, 0).u64(40, 0)
                .bytes();
        MemoryTransaction request = MemoryTransaction.laidOut(FfaVersion.V1_0, 1, MemoryAttributes.UNSPECIFIED,
                TransactionFlags.NONE.withTransactionType(FfaShareKind.DONATE), HANDLE_0, 0,
                List.of(EndpointAccess.of(2, MemoryPermissions.RW_NX)), Optional.empty());
        assertBothWays(request, FfaVersion.V1_0, golden);
    }

    @Test
    void hypervisorRetrieveRequestShapeHasNoReceivers() {
        byte[] golden = new Golden(48).u64(8, HANDLE_0 + 5).bytes();
        MemoryTransaction request = new MemoryTransaction(0, MemoryAttributes.UNSPECIFIED, TransactionFlags.NONE,
                HANDLE_0 + 5, 0, 0, 0, HeaderReserved.ZERO, List.of(), Optional.empty());
        assertBothWays(request, FfaVersion.V1_2, golden);
        assertEquals(true, request.hasNoReceivers());
    }

    /** The response offsets of digest 1.6: v1.0 composite at 48, v1.1 at 64, v1.2 at 80. */
    @Test
    void retrieveResponsesPerVersion() {
        FfaConstituent c = FfaConstituent.of(0x4000_0000L, 3);
        for (FfaVersion v : List.of(FfaVersion.V1_0, FfaVersion.V1_1, FfaVersion.V1_2)) {
            int header = v == FfaVersion.V1_0 ? 32 : 48;
            int desc = v == FfaVersion.V1_2 ? 32 : 16;
            int composite = header + desc;
            Golden g = new Golden(composite + 32).u16(0, 1);
            if (v == FfaVersion.V1_0) {
                g.u8(2, 0x2f);
            } else {
                g.u16(2, 0x2f).u32(24, desc).u32(32, 48);
            }
            g.u32(4, 0x10).u64(8, HANDLE_0).u64(16, 0).u32(28, 1)
                    .u16(header, 2).u8(header + 2, 0x6).u32(header + 4, composite)
                    .u32(composite, 3).u32(composite + 4, 1)
                    .u64(composite + 16, 0x4000_0000L).u32(composite + 24, 3);
            MemoryTransaction response = MemoryTransaction.laidOut(v, 1, MemoryAttributes.NORMAL_WRITE_BACK_INNER,
                    TransactionFlags.NONE.withTransactionType(FfaShareKind.LEND), HANDLE_0, 0,
                    List.of(EndpointAccess.of(2, MemoryPermissions.RW_NX)), Optional.of(CompositeRegion.of(List.of(c))));
            assertEquals(composite, response.compositeOffset(), "composite offset " + v);
            byte[] bytes = g.bytes();
            assertArrayEquals(bytes, FfaDescriptorCodec.encode(response, v), "encode " + v);
            assertEquals(new FfaDecoded.Ok<>(response), FfaDescriptorCodec.decodeRetrieveResponse(bytes, bytes.length, v));
        }
    }

    @Test
    void relinquishWithOneEndpointIsEighteenBytes() {
        byte[] golden = new Golden(18).u64(0, HANDLE_0 + 1).u32(8, 1).u32(12, 1).u16(16, 2).bytes();
        Relinquish relinquish = Relinquish.of(HANDLE_0 + 1, Relinquish.FLAG_CLEAR, 2);
        assertArrayEquals(golden, FfaDescriptorCodec.encode(relinquish, FfaVersion.V1_2));
        for (FfaVersion v : List.of(FfaVersion.V1_0, FfaVersion.V1_1, FfaVersion.V1_2, FfaVersion.V1_3)) {
            assertEquals(new FfaDecoded.Ok<>(relinquish), FfaDescriptorCodec.decodeRelinquish(golden, 18, v));
        }
        assertEquals(true, relinquish.clear());
    }

    @Test
    void constituentFragment() {
        byte[] golden = new Golden(32).u64(0, 0x1000).u32(8, 1).u32(12, 0).u64(16, 0x3000).u32(24, 2).u32(28, 9).bytes();
        List<FfaConstituent> list = List.of(FfaConstituent.of(0x1000, 1), new FfaConstituent(0x3000, 2, 9));
        assertArrayEquals(golden, FfaDescriptorCodec.encodeConstituents(list));
        assertEquals(new FfaDecoded.Ok<>(list), FfaDescriptorCodec.decodeConstituents(golden, 32));
        // Trailing bytes that make no whole constituent are not read.
        assertEquals(new FfaDecoded.Ok<>(list.subList(0, 1)), FfaDescriptorCodec.decodeConstituents(golden, 31));
    }

    /** A first fragment holds fewer constituents than the composite counts; both are kept. */
    @Test
    void firstFragmentKeepsTheDeclaredCountAndThePresentConstituents() {
        MemoryTransaction whole = MemoryTransaction.laidOut(FfaVersion.V1_1, 1, MemoryAttributes.UNSPECIFIED,
                TransactionFlags.NONE, 0, 0, List.of(EndpointAccess.of(2, MemoryPermissions.RW)),
                Optional.of(CompositeRegion.of(List.of(FfaConstituent.of(0x1000, 1), FfaConstituent.of(0x5000, 2),
                        FfaConstituent.of(0x9000, 3)))));
        byte[] bytes = FfaDescriptorCodec.encode(whole, FfaVersion.V1_1);
        assertEquals(128, bytes.length);
        MemoryTransaction first = FfaDescriptorCodec.decodeTransaction(bytes, 96, FfaVersion.V1_1).accepted().orElseThrow();
        CompositeRegion composite = first.composite().orElseThrow();
        assertEquals(3, composite.constituentCount());
        assertEquals(6, composite.totalPageCount());
        assertEquals(List.of(FfaConstituent.of(0x1000, 1)), composite.constituents());
        // 8 bytes more still make no second constituent.
        assertEquals(1, FfaDescriptorCodec.decodeTransaction(bytes, 104, FfaVersion.V1_1).accepted().orElseThrow()
                .constituents().size());
    }

    @Test
    void explainListsEveryFieldAtItsOffset() {
        MemoryTransaction lend = MemoryTransaction.laidOut(FfaVersion.V1_2, 1, MemoryAttributes.NORMAL_WRITE_BACK_INNER,
                new TransactionFlags(0x11), HANDLE_0, 0x1234,
                List.of(EndpointAccess.of(2, MemoryPermissions.RW_NX).withImpdef(new EndpointAccess.Impdef(5, 6))),
                Optional.of(new CompositeRegion(3, 2, 0, List.of(FfaConstituent.of(0x4000_0000L, 3)))));
        assertEquals(List.of(
                "0x0000 sender: 0x1",
                "0x0002 attributes: 0x2f (normal write-back inner)",
                "0x0004 flags: 0x11 (CLEAR|TYPE=LEND)",
                "0x0008 handle: 0x8000000000000000",
                "0x0010 tag: 0x1234",
                "0x0018 access descriptor size: 32",
                "0x001c receiver count: 1",
                "0x0020 receivers offset: 48",
                "0x0024 reserved: 0x0 0x0 0x0",
                "0x0030 receiver[0]: id 0x2, permissions 0x6 (RW+NX), flags 0x0, composite offset 80",
                "0x0038 receiver[0] impdef: 0x5,0x6",
                "0x0048 receiver[0] reserved: 0x0",
                "0x0050 composite: total pages 3, constituents 2 (1 here), reserved 0x0",
                "0x0060 constituent[0]: 0x40000000:3"), FfaDescriptorCodec.explain(lend, FfaVersion.V1_2));
        List<String> v1_0 = FfaDescriptorCodec.explain(FfaDescriptorCodec.toV1_0Form(lend), FfaVersion.V1_0);
        assertEquals("0x0003 reserved: 0x0", v1_0.get(2));
        assertEquals("0x0018 reserved: 0x0", v1_0.get(6));
        assertEquals("0x0020 receiver[0]: id 0x2, permissions 0x6 (RW+NX), flags 0x0, composite offset 48", v1_0.get(8));
        assertEquals("0x0028 receiver[0] reserved: 0x0", v1_0.get(9));
        assertEquals(List.of("0x0000 handle: 0x8000000000000001", "0x0008 flags: 0x1 (CLEAR)", "0x000c endpoint count: 1",
                "0x0010 endpoint[0]: 0x2"), FfaDescriptorCodec.explain(Relinquish.of(HANDLE_0 + 1, 1, 2)));
    }
}
