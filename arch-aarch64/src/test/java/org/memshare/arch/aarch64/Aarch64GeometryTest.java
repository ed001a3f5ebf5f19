package org.memshare.arch.aarch64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.memshare.api.arch.UnsupportedConfigurationException;

class Aarch64GeometryTest {

    /* DESIGN.md section 2's table, plus the PARange encoding and the SL0 each size gets. */
    @ParameterizedTest(name = "{0}-bit PA")
    @CsvSource({
        // paBits, parange, max level, root tables, address space end (log2), sl0, t0sz
        "32, 0, 1, 4, 32, 0, 32",
        "36, 1, 2, 1, 39, 1, 28",
        "40, 2, 2, 2, 40, 1, 24",
        "42, 3, 2, 8, 42, 1, 22",
        "44, 4, 3, 1, 48, 2, 20",
        "48, 5, 3, 1, 48, 2, 16",
    })
    void geometryTable(int paBits, int parange, int maxLevel, int rootTables, int endBits, int sl0, int t0sz) {
        Aarch64Geometry g = Aarch64Geometry.of(paBits);
        assertEquals(paBits, g.paBits());
        assertEquals(parange, g.parange());
        assertEquals(maxLevel, g.stage2MaxLevel());
        assertEquals(rootTables, g.stage2RootTables());
        assertEquals(1L << endBits, g.stage2AddressSpaceEnd());
        assertEquals(sl0, g.sl0());
        assertEquals(t0sz, g.t0sz());
        assertTrue(Aarch64Geometry.isSupported(paBits));
    }

    @ParameterizedTest
    @ValueSource(ints = {39, 50, 31, 33, 47, 52, 64, 1})
    void refusesOtherSizesListingTheSupportedOnes(int paBits) {
        UnsupportedConfigurationException e =
                assertThrows(UnsupportedConfigurationException.class, () -> Aarch64Geometry.of(paBits));
        assertEquals("aarch64 does not support a " + paBits
                + "-bit physical address size; supported sizes: 32, 36, 40, 42, 44, 48", e.getMessage());
        assertFalse(Aarch64Geometry.isSupported(paBits));
    }

    /*
     * 40 bits: RES1 1 << 31                 = 0x8000_0000
     *          PS = PARange 2 << 16          = 0x0002_0000
     *          TG0 = 0 (4 KiB) << 14         = 0
     *          SH0 = 3 (inner shareable) << 12 = 0x3000
     *          ORGN0 = 1 << 10               = 0x0400
     *          IRGN0 = 1 << 8                = 0x0100
     *          SL0 = 1 (Arm level 1) << 6    = 0x0040
     *          T0SZ = 64 - 40 = 24           = 0x0018
     *          total                         = 0x8002_3558
     */
    @Test
    void vtcrFor40Bits() {
        assertEquals(0x8002_3558L, Aarch64Geometry.of(40).vtcrEl2());
    }

    /*
     * 44 bits: 0x8000_0000 | PS 4 << 16 = 0x4_0000 | SH0 0x3000 | ORGN0 0x400 | IRGN0 0x100
     *          | SL0 2 (Arm level 0) << 6 = 0x80 | T0SZ 64 - 44 = 20 = 0x14  = 0x8004_3594
     */
    @Test
    void vtcrFor44Bits() {
        assertEquals(0x8004_3594L, Aarch64Geometry.of(44).vtcrEl2());
    }

    /* 32 bits: 0x8000_0000 | PS 0 | 0x3000 | 0x400 | 0x100 | SL0 0 | T0SZ 32 = 0x20 -> 0x8000_3520. */
    @Test
    void vtcrFor32Bits() {
        assertEquals(0x8000_3520L, Aarch64Geometry.of(32).vtcrEl2());
    }

    @Test
    void supportedSizesInParangeOrder() {
        assertEquals(List.of(32, 36, 40, 42, 44, 48), Aarch64Geometry.SUPPORTED_PA_BITS);
        assertEquals(2, Aarch64Geometry.STAGE1_MAX_LEVEL);
        assertEquals(1, Aarch64Geometry.STAGE1_ROOT_TABLES);
    }

    @Test
    void recordRefusesInconsistentComponents() {
        assertThrows(IllegalArgumentException.class, () -> new Aarch64Geometry(40, 2, 3, 2));
        assertThrows(IllegalArgumentException.class, () -> new Aarch64Geometry(40, 1, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> new Aarch64Geometry(40, 2, 2, 1));
        assertThrows(UnsupportedConfigurationException.class, () -> new Aarch64Geometry(39, 2, 2, 1));
        assertEquals(Aarch64Geometry.of(42), new Aarch64Geometry(42, 3, 2, 8));
    }
}
