package org.memshare.examples.riscv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.memshare.api.arch.UnsupportedConfigurationException;

/** The scheme a PA size chooses, and hgatp, worked by hand. */
class GStageSchemeTest {

    @Test
    void eachSchemeCoversItsGuestPhysicalAddressWidth() {
        // Sv39x4: 12 + 9 * 3 + 2 = 41; Sv48x4: 12 + 9 * 4 + 2 = 50; Sv57x4: 12 + 9 * 5 + 2 = 59.
        assertEquals(41, GStageScheme.SV39X4.guestPhysicalAddressBits());
        assertEquals(50, GStageScheme.SV48X4.guestPhysicalAddressBits());
        assertEquals(59, GStageScheme.SV57X4.guestPhysicalAddressBits());
        assertEquals(GStageScheme.SV39X4, GStageScheme.forPaBits(32));
        assertEquals(GStageScheme.SV39X4, GStageScheme.forPaBits(41));
        assertEquals(GStageScheme.SV48X4, GStageScheme.forPaBits(42));
        assertEquals(GStageScheme.SV48X4, GStageScheme.forPaBits(50));
        UnsupportedConfigurationException refusal = assertThrows(UnsupportedConfigurationException.class,
                () -> GStageScheme.forPaBits(51));
        assertEquals("riscv does not support a 51-bit physical address size; supported sizes: 1 to 50 (Sv39x4 up to"
                + " 41, Sv48x4 up to 50; Sv57x4's 59-bit guest space cannot be identity mapped with a 44-bit PPN)",
                refusal.getMessage());
    }

    @Test
    void hgatpForSv39x4() {
        // MODE 8 in bits 63:60    -> 0x8000_0000_0000_0000
        // VMID 1 in bits 57:44    -> 0x0000_1000_0000_0000
        // PPN 0x80004000 >>> 12   -> 0x0000_0000_0008_0004 (16 KiB aligned: the two low bits are 0)
        assertEquals(0x8000_1000_0008_0004L, GStageScheme.SV39X4.hgatp(1, 0x8000_4000L));
    }

    @Test
    void hgatpForSv48x4WithTheLargestVmid() {
        // MODE 9                  -> 0x9000_0000_0000_0000
        // VMID 0x3fff << 44       -> 0x03ff_f000_0000_0000
        // PPN 0x1_2345_c000 >>> 12 -> 0x0000_0000_0012_345c
        assertEquals(0x93ff_f000_0012_345cL, GStageScheme.SV48X4.hgatp(0x3fff, 0x1_2345_c000L));
    }

    @Test
    void hgatpForSv57x4() {
        // MODE 10 -> 0xa000_0000_0000_0000; VMID 0; PPN 0xff_ffff_ffff_c000 >>> 12 = 0xfff_ffff_fffc.
        assertEquals(0xa000_0fff_ffff_fffcL, GStageScheme.SV57X4.hgatp(0, 0xff_ffff_ffff_c000L));
    }

    @Test
    void hgatpRefusesAMisalignedRootAndAWideVmid() {
        assertThrows(IllegalArgumentException.class, () -> GStageScheme.SV39X4.hgatp(1, 0x8000_1000L));
        assertThrows(IllegalArgumentException.class, () -> GStageScheme.SV39X4.hgatp(1 << 14, 0x8000_4000L));
        assertThrows(IllegalArgumentException.class, () -> GStageScheme.SV39X4.hgatp(1, 1L << 56));
    }
}
