package org.memshare.api.spci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.memshare.api.mode.Mode;

class SpciValuesTest {

    @Test
    void shareTypesHaveTheHeaderCodesAndTraceNames() {
        assertEquals(List.of(0, 1, 2, 3), List.of(ShareType.DONATE.code(), ShareType.LEND.code(),
                ShareType.SHARE.code(), ShareType.RELINQUISH.code()));
        assertEquals(List.of("donate", "lend", "share", "relinquish"), List.of(ShareType.DONATE.traceName(),
                ShareType.LEND.traceName(), ShareType.SHARE.traceName(), ShareType.RELINQUISH.traceName()));
        for (ShareType type : ShareType.values()) {
            assertEquals(Optional.of(type), ShareType.fromCode(type.code()));
            assertEquals(Optional.of(type), ShareType.fromTraceName(type.traceName()));
        }
        for (int code : new int[] {-1, 4, 5, 256, 0xffff, Integer.MIN_VALUE}) {
            assertEquals(Optional.empty(), ShareType.fromCode(code), "code " + code);
        }
        assertEquals(Optional.empty(), ShareType.fromTraceName("DONATE"));
        assertEquals(Optional.empty(), ShareType.fromTraceName(""));
        assertThrows(NullPointerException.class, () -> ShareType.fromTraceName(null));
    }

    @Test
    void errorsHaveSpciCodes() {
        int expected = -1;
        for (SpciError error : List.of(SpciError.NOT_SUPPORTED, SpciError.INVALID_PARAMETERS, SpciError.NO_MEMORY,
                SpciError.BUSY, SpciError.INTERRUPTED, SpciError.DENIED, SpciError.RETRY, SpciError.ABORTED)) {
            assertEquals(expected, error.code(), error.name());
            assertEquals(Optional.of(error), SpciError.fromCode(expected));
            expected--;
        }
        assertEquals(Optional.empty(), SpciError.fromCode(0));
        assertEquals(Optional.empty(), SpciError.fromCode(-9));
    }

    @Test
    void accessGivesTheReceiverMode() {
        assertEquals(Mode.R, MemoryAccess.RO_NX.mode());
        assertEquals(Mode.R | Mode.X, MemoryAccess.RO_X.mode());
        assertEquals(Mode.R | Mode.W, MemoryAccess.RW_NX.mode());
        assertEquals(Mode.R | Mode.W | Mode.X, MemoryAccess.RW_X.mode());
        for (MemoryAccess access : MemoryAccess.values()) {
            assertEquals(Optional.of(access), MemoryAccess.fromCode(access.code()));
        }
        assertEquals(Optional.empty(), MemoryAccess.fromCode(4));
        assertEquals(Optional.empty(), MemoryAccess.fromCode(-1));
    }

    @Test
    void attributesSplitIntoTheirFields() {
        MemoryAttributes a = new MemoryAttributes(0b1_0111_1110);   // bit 8 set, RW_X, normal, 3, 2
        assertEquals(MemoryAccess.RW_X, a.access());
        assertTrue(a.isNormalMemory());
        assertEquals(3, a.cacheability());
        assertEquals(2, a.shareability());
        assertEquals(Mode.R | Mode.W | Mode.X, a.receiverMode());
        assertEquals(0x17e, a.value(), "bits 7-15 are kept");

        MemoryAttributes device = new MemoryAttributes(0x2d);       // RO_X, device, 3, 1
        assertEquals(MemoryAccess.RO_X, device.access());
        assertFalse(device.isNormalMemory());
        assertEquals(3, device.cacheability());
        assertEquals(1, device.shareability());
        assertEquals(Mode.R | Mode.X, device.receiverMode(), "the type does not change the mode");
    }

    @Test
    void receiverModeDependsOnTheAccessBitsAlone() {
        for (int value = 0; value <= 0xffff; value++) {
            MemoryAttributes a = new MemoryAttributes(value);
            assertEquals(MemoryAccess.values()[value >> 5 & 3].mode(), a.receiverMode());
        }
    }

    @Test
    void attributesFromFields() {
        assertEquals(0x60, MemoryAttributes.of(MemoryAccess.RW_X, false, 0, 0).value());
        assertEquals(0x10, MemoryAttributes.of(MemoryAccess.RO_NX, true, 0, 0).value());
        assertEquals(0x5f, MemoryAttributes.of(MemoryAccess.RW_NX, true, 3, 3).value());
        for (int value = 0; value < 0x80; value++) {
            MemoryAttributes a = new MemoryAttributes(value);
            assertEquals(a, MemoryAttributes.of(a.access(), a.isNormalMemory(), a.cacheability(), a.shareability()));
        }
        assertThrows(IllegalArgumentException.class, () -> MemoryAttributes.of(MemoryAccess.RW_X, true, 4, 0));
        assertThrows(IllegalArgumentException.class, () -> MemoryAttributes.of(MemoryAccess.RW_X, true, 0, -1));
        assertThrows(NullPointerException.class, () -> MemoryAttributes.of(null, true, 0, 0));
    }

    @Test
    void attributesAreUint16() {
        assertEquals(0xffff, new MemoryAttributes(0xffff).value());
        assertThrows(IllegalArgumentException.class, () -> new MemoryAttributes(0x10000));
        assertThrows(IllegalArgumentException.class, () -> new MemoryAttributes(-1));
    }

    @Test
    void receiverAttributesValidate() {
        ReceiverAttributes r = ReceiverAttributes.of(0xffff, 0x60);
        assertEquals(0xffff, r.receiver());
        assertEquals(new MemoryAttributes(0x60), r.attributes());
        assertThrows(IllegalArgumentException.class, () -> ReceiverAttributes.of(0x10000, 0));
        assertThrows(IllegalArgumentException.class, () -> ReceiverAttributes.of(-1, 0));
        NullPointerException e = assertThrows(NullPointerException.class, () -> new ReceiverAttributes(1, null));
        assertTrue(e.getMessage().contains("attributes"));
    }

    @Test
    void constituentSizesAreSixtyFourBit() {
        Constituent big = Constituent.of(0x1000, 0xffff_ffffL);
        assertEquals(0xffff_ffff_000L, big.sizeBytes());
        assertEquals(0x1000 + 0xffff_ffff_000L, big.end());
        assertFalse(big.endOverflows());
        assertEquals(0, big.reserved());
        assertThrows(IllegalArgumentException.class, () -> Constituent.of(0, 0x1_0000_0000L));
        assertThrows(IllegalArgumentException.class, () -> Constituent.of(0, -1));
    }

    @Test
    void constituentEndWrapsPastTheTop() {
        assertFalse(Constituent.of(0xffff_ffff_ffff_e000L, 1).endOverflows(), "ends at 2^64 - 4096");
        assertTrue(Constituent.of(0xffff_ffff_ffff_f000L, 1).endOverflows(), "ends exactly at 2^64");
        assertEquals(0, Constituent.of(0xffff_ffff_ffff_f000L, 1).end());
        assertTrue(Constituent.of(0xffff_ffff_ffff_d000L, 8).endOverflows());
        assertEquals(0x5000, Constituent.of(0xffff_ffff_ffff_d000L, 8).end());
        assertFalse(Constituent.of(0xffff_ffff_ffff_f000L, 0).endOverflows(), "an empty run ends where it starts");
    }

    @Test
    void regionOfLaysOutLikeSpciMemoryInit() {
        List<Constituent> constituents = List.of(new Constituent(0x1000, 2, 0xdead), Constituent.of(0x8000, 3));
        MemoryRegion r = MemoryRegion.of(7, 1, List.of(ReceiverAttributes.of(2, 0x60)), constituents);
        assertEquals(7, r.tag());
        assertEquals(5, r.pageCount());
        assertEquals(32, r.constituentOffset());
        assertEquals(32 + 2 * 16, r.sizeBytes());
        assertTrue(r.clearRequested());
        assertEquals(List.of(Constituent.of(0x1000, 2), Constituent.of(0x8000, 3)), r.constituents(),
                "reserved words are zeroed");
        assertFalse(MemoryRegion.of(0, 0xfffffffe, List.of(), List.of()).clearRequested());
    }

    @Test
    void regionOfRoundsTheOffsetUpToEight() {
        ReceiverAttributes a = ReceiverAttributes.of(1, 0);
        assertEquals(24, MemoryRegion.of(0, 0, List.of(), List.of()).constituentOffset());
        assertEquals(32, MemoryRegion.of(0, 0, List.of(a), List.of()).constituentOffset());
        assertEquals(32, MemoryRegion.of(0, 0, List.of(a, a), List.of()).constituentOffset());
        assertEquals(40, MemoryRegion.of(0, 0, List.of(a, a, a), List.of()).constituentOffset());
    }

    @Test
    void regionOfWrapsThePageCountAsC() {
        MemoryRegion r = MemoryRegion.of(0, 0, List.of(ReceiverAttributes.of(1, 0)),
                List.of(Constituent.of(0, 0xffff_ffffL), Constituent.of(0x1_0000_0000_0000L, 2)));
        assertEquals(1, r.pageCount());
    }

    @Test
    void regionValidatesOnlyEncodability() {
        List<ReceiverAttributes> one = List.of(ReceiverAttributes.of(1, 0));
        // Protocol-invalid but encodable: no receiver, no constituent, wrong page count, unaligned, empty.
        new MemoryRegion(0, 0, 99, 24, List.of(), List.of());
        new MemoryRegion(0, 0, 0, 64, one, List.of(Constituent.of(0x123, 0), Constituent.of(0x123, 0)));

        assertThrows(IllegalArgumentException.class, () -> new MemoryRegion(0, 0, 0, 28, one, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new MemoryRegion(0, 0, 0, 24, one, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new MemoryRegion(0, 0, 0, -8, List.of(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new MemoryRegion(0, 0, -1, 32, one, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new MemoryRegion(0, 0, 1L << 32, 32, one, List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new MemoryRegion(0, 0, 0, Integer.MAX_VALUE - 7, List.of(), List.of(Constituent.of(0, 1))));
        NullPointerException e = assertThrows(NullPointerException.class,
                () -> new MemoryRegion(0, 0, 0, 32, null, List.of()));
        assertTrue(e.getMessage().contains("attributes"));
        List<Constituent> withNull = new ArrayList<>();
        withNull.add(null);
        e = assertThrows(NullPointerException.class, () -> new MemoryRegion(0, 0, 0, 32, one, withNull));
        assertEquals("constituents[0] is null", e.getMessage());
        withNull.add(0, Constituent.of(0, 1));
        e = assertThrows(NullPointerException.class, () -> MemoryRegion.of(0, 0, one, withNull));
        assertEquals("constituents[1] is null", e.getMessage());
    }

    @Test
    void regionCopiesItsLists() {
        List<Constituent> constituents = new ArrayList<>(List.of(Constituent.of(0, 1)));
        MemoryRegion r = MemoryRegion.of(0, 0, List.of(ReceiverAttributes.of(1, 0)), constituents);
        constituents.add(Constituent.of(0x1000, 1));
        assertEquals(1, r.constituents().size());
        assertNotSame(constituents, r.constituents());
        assertThrows(UnsupportedOperationException.class, () -> r.constituents().add(Constituent.of(0, 1)));
    }
}
