package org.memshare.api.ffa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The small value types: versions, errors, handles, permissions, attributes, flags, results. */
class FfaValuesTest {

    @Test
    void versionsEncodeParseAndCompare() {
        assertEquals(0x10003, FfaVersion.V1_3.encoded());
        assertEquals(FfaVersion.COMPILED, FfaVersion.fromEncoded(0x10003).orElseThrow());
        assertEquals(Optional.empty(), FfaVersion.fromEncoded(0x8001_0002));
        assertEquals(new FfaVersion(0x7fff, 0xffff), FfaVersion.fromEncoded(0x7fff_ffff).orElseThrow());
        assertEquals(Optional.of(FfaVersion.V1_1), FfaVersion.parse("1.1"));
        assertEquals(Optional.of(FfaVersion.V1_2), FfaVersion.parse("0x10002"));
        assertEquals(Optional.of(new FfaVersion(1, 7)), FfaVersion.parse("1.7"));
        for (String bad : new String[] {"", "1", "1.", ".1", "1.2.3", "a.b", "0x", "0x180000000", "0x80010000", "-1.0",
                "1.-2", "99999.0", "1.65536", "1.1 "}) {
            assertEquals(Optional.empty(), FfaVersion.parse(bad), bad);
        }
        assertEquals(Optional.empty(), FfaVersion.parse(null));
        assertEquals("1.2", FfaVersion.V1_2.toString());
        assertTrue(FfaVersion.V1_1.compareTo(FfaVersion.V1_2) < 0);
        assertThrows(IllegalArgumentException.class, () -> new FfaVersion(0x8000, 0));
        assertThrows(IllegalArgumentException.class, () -> new FfaVersion(1, -1));
    }

    @Test
    void versionCompatibilityIsSameMajorAndMinorNotAbove() {
        assertTrue(FfaVersion.V1_1.isCompatibleWith(FfaVersion.V1_2), "a v1.2 caller may send 16-byte descriptors");
        assertFalse(FfaVersion.V1_2.isCompatibleWith(FfaVersion.V1_1), "a v1.1 caller may not send 32-byte ones");
        assertTrue(FfaVersion.V1_2.isCompatibleWith(FfaVersion.V1_2));
        assertFalse(new FfaVersion(2, 0).isCompatibleWith(FfaVersion.V1_3), "another major");
        assertFalse(FfaVersion.V1_0.isCompatibleWith(new FfaVersion(2, 3)), "another major");
        assertFalse(FfaVersion.V1_0.isCompatibleWith(null));
        assertEquals(Optional.of(FfaVersion.V1_1), FfaVersion.ofAccessDescriptorSize(16));
        assertEquals(Optional.of(FfaVersion.V1_2), FfaVersion.ofAccessDescriptorSize(32));
        assertEquals(Optional.empty(), FfaVersion.ofAccessDescriptorSize(0));
        assertEquals(Optional.empty(), FfaVersion.ofAccessDescriptorSize(48));
    }

    @Test
    void versionLayoutSizes() {
        assertEquals(List.of(32, 48, 48, 48), List.of(FfaVersion.V1_0.headerSize(), FfaVersion.V1_1.headerSize(),
                FfaVersion.V1_2.headerSize(), FfaVersion.V1_3.headerSize()));
        assertEquals(List.of(16, 16, 32, 32), List.of(FfaVersion.V1_0.accessDescriptorSize(),
                FfaVersion.V1_1.accessDescriptorSize(), FfaVersion.V1_2.accessDescriptorSize(),
                FfaVersion.V1_3.accessDescriptorSize()));
        assertTrue(FfaVersion.V1_3.isModelled());
        assertFalse(new FfaVersion(1, 4).isModelled());
        assertFalse(new FfaVersion(0, 9).isModelled());
    }

    @Test
    void errorCodes() {
        assertEquals(List.of(-1, -2, -3, -4, -5, -6, -7, -8), java.util.Arrays.stream(FfaError.values()).map(FfaError::code).toList());
        assertEquals(Optional.of(FfaError.DENIED), FfaError.fromCode(-6));
        assertEquals(Optional.empty(), FfaError.fromCode(0));
        assertEquals(Optional.empty(), FfaError.fromCode(-9));
    }

    @Test
    void handles() {
        long h = Handle.ofHypervisorSlot(5);
        assertEquals(0x8000_0000_0000_0005L, h);
        assertTrue(Handle.isHypervisorAllocated(h));
        assertFalse(Handle.isHypervisorAllocated(5));
        assertTrue(Handle.isHypervisorAllocated(Handle.INVALID));
        assertEquals(5, Handle.index(h));
        assertEquals(5, Handle.low(h));
        assertEquals(0x8000_0000, Handle.high(h));
        assertEquals(h, Handle.fromRegisters(Handle.low(h), Handle.high(h)));
        assertEquals(0xffff_ffff_ffff_ffffL, Handle.fromRegisters(-1, -1));
        assertEquals(0x0000_0001_ffff_fffeL, Handle.fromRegisters(0xffff_fffe, 1), "the low half is not sign-extended");
        assertEquals("0x8000000000000005", Handle.toString(h));
        assertEquals("0xffffffffffffffff", Handle.toString(Handle.INVALID));
    }

    @Test
    void permissionsPrintAsTheTraceLanguageWritesThem() {
        assertEquals("RW+NX", MemoryPermissions.RW_NX.toString());
        assertEquals("RO", MemoryPermissions.RO.toString());
        assertEquals("-", MemoryPermissions.UNSPECIFIED.toString());
        assertEquals("X", new MemoryPermissions(0x8).toString());
        assertEquals("RO+X", new MemoryPermissions(0x9).toString());
        assertEquals("data?+instr?", new MemoryPermissions(0xf).toString());
        assertEquals("RW+NX+0xf0", new MemoryPermissions(0xf6).toString());
        assertEquals(MemoryPermissions.DataAccess.RESERVED, new MemoryPermissions(3).dataAccess());
        assertEquals(MemoryPermissions.InstructionAccess.X, new MemoryPermissions(0x8).instructionAccess());
        assertEquals(0x6, MemoryPermissions.RO_NX.withDataAccess(MemoryPermissions.DataAccess.RW).value());
        assertEquals(0x9, MemoryPermissions.RO_NX.withInstructionAccess(MemoryPermissions.InstructionAccess.X).value());
        assertThrows(IllegalArgumentException.class, () -> new MemoryPermissions(0x100));
        // Every byte prints differently: a reader can tell any two apart.
        Set<String> printed = new HashSet<>();
        for (int v = 0; v <= 0xff; v++) {
            assertTrue(printed.add(new MemoryPermissions(v).toString()), "0x" + Integer.toHexString(v));
        }
    }

    @Test
    void permissionsParse() {
        assertEquals(Optional.of(MemoryPermissions.RW_NX), MemoryPermissions.parse("rw+nx"));
        assertEquals(Optional.of(MemoryPermissions.RW_NX), MemoryPermissions.parse("RW+NX"));
        assertEquals(Optional.of(MemoryPermissions.RO), MemoryPermissions.parse("ro"));
        assertEquals(Optional.of(new MemoryPermissions(0x9)), MemoryPermissions.parse("ro+x"));
        assertEquals(Optional.of(new MemoryPermissions(0x4)), MemoryPermissions.parse("nx"));
        assertEquals(Optional.of(MemoryPermissions.UNSPECIFIED), MemoryPermissions.parse("-"));
        assertEquals(Optional.of(new MemoryPermissions(0x96)), MemoryPermissions.parse("0x96"));
        assertEquals(Optional.of(new MemoryPermissions(6)), MemoryPermissions.parse("6"));
        for (String bad : new String[] {"", "rw+", "+nx", "rw+ro", "x+rw", "rw+x+nx", "nx+x", "0x100", "256", "wr", "0xzz", "rw nx"}) {
            assertEquals(Optional.empty(), MemoryPermissions.parse(bad), bad);
        }
        // What prints, parses back (for the defined values).
        for (int v = 0; v <= 0xf; v++) {
            MemoryPermissions p = new MemoryPermissions(v);
            if (p.dataAccess() != MemoryPermissions.DataAccess.RESERVED
                    && p.instructionAccess() != MemoryPermissions.InstructionAccess.RESERVED) {
                assertEquals(Optional.of(p), MemoryPermissions.parse(p.toString()), p.toString());
            }
        }
    }

    @Test
    void attributesPrintReadably() {
        assertEquals(0x2f, MemoryAttributes.NORMAL_WRITE_BACK_INNER.value());
        assertEquals("normal write-back inner", MemoryAttributes.NORMAL_WRITE_BACK_INNER.toString());
        assertEquals(0x13, MemoryAttributes.DEVICE_NGNRNE_INNER.value());
        assertEquals("device nGnRnE inner", MemoryAttributes.DEVICE_NGNRNE_INNER.toString());
        assertEquals("not specified", MemoryAttributes.UNSPECIFIED.toString());
        assertEquals("normal non-cacheable outer", MemoryAttributes.normal(MemoryAttributes.NON_CACHEABLE,
                MemoryAttributes.Shareability.OUTER).toString());
        assertEquals("device GRE non-shareable NS", new MemoryAttributes(0x5c).toString());
        assertEquals("normal write-back inner mbz=0xff80", new MemoryAttributes(0xffaf).toString());
        assertEquals("normal cacheability?0 shareability?1", new MemoryAttributes(0x21).toString());
        assertEquals("type?3 cacheability 2 inner", new MemoryAttributes(0x3b).toString());
        assertEquals(MemoryAttributes.MemoryType.DEVICE, new MemoryAttributes(0x13).type());
        assertEquals(MemoryAttributes.Shareability.INNER, new MemoryAttributes(0x13).shareability());
        assertTrue(new MemoryAttributes(0x6f).isNonSecure());
        assertEquals(0x2f, new MemoryAttributes(0x6f).withNonSecure(false).value());
        assertEquals(0xff80, new MemoryAttributes(0xffff).mbzBits());
        Set<String> printed = new HashSet<>();
        for (int v = 0; v <= 0xff; v++) {
            assertTrue(printed.add(new MemoryAttributes(v).toString()), "0x" + Integer.toHexString(v));
        }
    }

    @Test
    void attributesExtendAndTruncateForV1_0() {
        assertEquals(new MemoryAttributes(0x2f), MemoryAttributes.fromV1_0(0x2f));
        assertEquals(0x2f, new MemoryAttributes(0x12f).toV1_0());
        assertFalse(new MemoryAttributes(0x12f).fitsV1_0());
        assertTrue(new MemoryAttributes(0xff).fitsV1_0());
        for (int v = 0; v <= 0xff; v++) {
            assertEquals(v, MemoryAttributes.fromV1_0(v).toV1_0());
        }
        assertThrows(IllegalArgumentException.class, () -> MemoryAttributes.fromV1_0(0x100));
        assertThrows(IllegalArgumentException.class, () -> MemoryAttributes.fromV1_0(-1));
        assertThrows(IllegalArgumentException.class, () -> new MemoryAttributes(0x10000));
    }

    @Test
    void flagsPrintByName() {
        assertEquals("0", TransactionFlags.NONE.toString());
        assertEquals("CLEAR|TYPE=LEND", new TransactionFlags(0x11).toString());
        assertEquals("CLEAR|TIME_SLICE|CLEAR_ON_RELINQUISH|TYPE=DONATE|HINT=15|HINT_VALID|BYPASS_BORROWERS_CHECK|0xfffff800",
                new TransactionFlags(-1).toString());
        assertEquals("TYPE=SHARE", TransactionFlags.NONE.withTransactionType(FfaShareKind.SHARE).toString());
        assertEquals(Optional.of(FfaShareKind.DONATE), new TransactionFlags(0x18).transactionType());
        assertEquals(Optional.empty(), new TransactionFlags(0x7).transactionType());
        assertEquals(0x1, new TransactionFlags(0x19).withTransactionType(null).value());
        assertEquals(2, new TransactionFlags(0x10).transactionTypeBits());
        assertEquals(0xa, new TransactionFlags(0xa << 5).addressRangeHint());
        assertTrue(new TransactionFlags(0x400).bypassBorrowersCheck());
        assertTrue(new TransactionFlags(0x2).timeSlice());
        assertTrue(new TransactionFlags(0x4).clearOnRelinquish());
        assertFalse(new TransactionFlags(0x4).clear());
        assertEquals(0x800, new TransactionFlags(0xfff).mbzBits());
        assertEquals(0x5, TransactionFlags.NONE.with(0x5).value());
        assertEquals(0x4, new TransactionFlags(0x5).without(TransactionFlags.CLEAR).value());
        assertTrue(new TransactionFlags(0x5).has(0x5));
        assertFalse(new TransactionFlags(0x5).has(0x6));
    }

    @Test
    void shareKinds() {
        assertEquals(List.of(3, 2, 1), java.util.Arrays.stream(FfaShareKind.values()).map(FfaShareKind::transactionType).toList());
        assertEquals(0x8400_0071, FfaShareKind.DONATE.functionId());
        assertEquals(0x8400_0072, FfaShareKind.LEND.functionId());
        assertEquals(0x8400_0073, FfaShareKind.SHARE.functionId());
        assertEquals(Optional.of(FfaShareKind.SHARE), FfaShareKind.ofTransactionType(1));
        assertEquals(Optional.empty(), FfaShareKind.ofTransactionType(0));
        assertEquals(Optional.empty(), FfaShareKind.ofTransactionType(4));
    }

    @Test
    void resultsSetTheRegistersAsHafnium() {
        FfaResult send = FfaResult.successWithHandle(0x8000_0000_0000_0002L);
        assertEquals(FfaResult.Function.SUCCESS, send.function());
        assertEquals(0x8400_0061, send.w0());
        assertEquals(2, send.w2());
        assertEquals(0x8000_0000, send.w3());
        assertEquals(OptionalLong.of(0x8000_0000_0000_0002L), send.handle());
        FfaResult error = FfaResult.error(FfaError.DENIED);
        assertEquals(0x8400_0060, error.w0());
        assertEquals(-6, error.w2());
        assertTrue(error.isError());
        FfaResult version = FfaResult.version(FfaVersion.COMPILED);
        assertEquals(0x10003, version.w0());
        assertFalse(version.isError());
        FfaResult refused = FfaResult.versionNotSupported();
        assertEquals(-1, refused.w0());
        assertEquals(FfaError.NOT_SUPPORTED, refused.error());
        FfaResult fragRx = FfaResult.memFragRx(0x8000_0000_0000_0001L, 0x1000, 0);
        assertEquals(List.of(1, 0x8000_0000, 0x1000, 0), List.of(fragRx.w1(), fragRx.w2(), fragRx.w3(), fragRx.w4()));
        byte[] rx = {1, 2, 3};
        FfaResult resp = FfaResult.retrieveResp(0x60, 3, rx);
        rx[0] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, resp.rxBytes(), "the bytes were copied in");
        resp.rxBytes()[1] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, resp.rxBytes(), "and are copied out");
        assertEquals(FfaResult.retrieveResp(0x60, 3, new byte[] {1, 2, 3}), resp);
        assertEquals(FfaResult.retrieveResp(0x60, 3, new byte[] {1, 2, 3}).hashCode(), resp.hashCode());
        assertNotEquals(FfaResult.retrieveResp(0x60, 3, new byte[] {1, 2, 4}), resp);
        assertTrue(resp.toString().contains("rx=010203"), resp.toString());
        FfaResult fragTx = FfaResult.memFragTx(0x8000_0000_0000_0001L, 16, 0, new byte[16]);
        assertEquals(0x8400_007B, fragTx.w0());
        assertEquals(16, fragTx.w3());
        assertEquals(FfaResult.success(), FfaResult.success());
        assertEquals(OptionalLong.empty(), FfaResult.success().handle());
    }

    @Test
    void rejectionsNameTheFieldAndOffset() {
        Rejection r = new Rejection(FfaError.INVALID_PARAMETERS, "receiversOffset", 32, "too far");
        assertEquals("receiversOffset at offset 32: too far", r.message());
        assertEquals("INVALID_PARAMETERS (receiversOffset at offset 32: too far)", r.toString());
        FfaDecoded<String> rejected = new FfaDecoded.Rejected<>(r);
        assertFalse(rejected.isOk());
        assertEquals(Optional.of(r), rejected.rejected());
        assertEquals(Optional.empty(), rejected.accepted());
        FfaDecoded<String> ok = new FfaDecoded.Ok<>("x");
        assertTrue(ok.isOk());
        assertEquals(Optional.empty(), ok.rejected());
    }

    @Test
    void descriptorsValidateTheirFieldRanges() {
        assertThrows(IllegalArgumentException.class, () -> new FfaConstituent(0, 0x1_0000_0000L, 0));
        assertThrows(IllegalArgumentException.class, () -> new CompositeRegion(-1, 0, 0, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new EndpointAccess(0x10000, MemoryPermissions.RW, 0, 0,
                EndpointAccess.Impdef.ZERO, 0));
        assertThrows(IllegalArgumentException.class, () -> new EndpointAccess(1, MemoryPermissions.RW, 0x100, 0,
                EndpointAccess.Impdef.ZERO, 0));
        assertThrows(IllegalArgumentException.class, () -> new EndpointAccess(1, MemoryPermissions.RW, 0, 0x1_0000_0000L,
                EndpointAccess.Impdef.ZERO, 0));
        assertThrows(IllegalArgumentException.class, () -> new Relinquish(0, 0, List.of(0x10000)));
        assertThrows(IllegalArgumentException.class, () -> new MemoryTransaction(0x10000, MemoryAttributes.UNSPECIFIED,
                TransactionFlags.NONE, 0, 0, 16, 48, HeaderReserved.ZERO, List.of(), Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> new MemoryTransaction(0, MemoryAttributes.UNSPECIFIED,
                TransactionFlags.NONE, 0, 0, 16, -1, HeaderReserved.ZERO, List.of(), Optional.empty()));
    }

    @Test
    void constituentsAndCompositesCount() {
        FfaConstituent top = FfaConstituent.of(-4096, 1);
        assertTrue(top.endOverflows(), "a page ending at 2^64");
        assertFalse(FfaConstituent.of(-8192, 1).endOverflows());
        assertFalse(FfaConstituent.of(-4096, 0).endOverflows());
        assertEquals("0x40000000:2", FfaConstituent.of(0x4000_0000L, 2).toString());
        CompositeRegion c = CompositeRegion.of(List.of(FfaConstituent.of(0, 0xffff_ffffL), FfaConstituent.of(0, 2)));
        assertEquals(1, c.totalPageCount(), "the 32-bit field wraps as in C");
        assertEquals(0x1_0000_0001L, c.presentPageCount());
        assertEquals(48, c.sizeBytes());
    }

    @Test
    void descriptorsPrintTheirFields() {
        MemoryTransaction tx = MemoryTransaction.laidOut(FfaVersion.V1_2, 1, MemoryAttributes.NORMAL_WRITE_BACK_INNER,
                new TransactionFlags(0x11), Handle.ofHypervisorSlot(0), 0x1234,
                List.of(EndpointAccess.of(2, MemoryPermissions.RW_NX).withImpdef(new EndpointAccess.Impdef(1, 2))),
                Optional.of(CompositeRegion.of(List.of(FfaConstituent.of(0x4000_0000L, 2)))));
        String s = tx.toString();
        for (String part : new String[] {"sender=0x1", "attributes=normal write-back inner", "flags=CLEAR|TYPE=LEND",
                "handle=0x8000000000000000", "tag=0x1234", "descSize=32", "receiversOffset=48",
                "0x2:RW+NX composite=0x50 impdef=0x1,0x2", "pages=2 count=1", "0x40000000:2"}) {
            assertTrue(s.contains(part), part + " in " + s);
        }
        assertEquals("Relinquish[handle=0x8000000000000001 flags=0x1 endpoints=0x2,0x3]",
                new Relinquish(0x8000_0000_0000_0001L, 1, List.of(2, 3)).toString());
        assertEquals("0x1,0x2,0x0", new HeaderReserved(1, 2, 0).toString());
    }
}
