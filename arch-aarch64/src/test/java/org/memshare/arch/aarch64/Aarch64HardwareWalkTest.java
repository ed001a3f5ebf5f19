package org.memshare.arch.aarch64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.memshare.api.arch.HardwareWalk.Fault;
import org.memshare.api.arch.HardwareWalk.Granted;
import org.memshare.api.arch.HardwareWalk.Translation;
import org.memshare.api.arch.Stage;
import org.memshare.api.mode.Mode;

/**
 * The hardware walk on hand-written descriptors. Unless a test says otherwise the machine has a
 * 40-bit PA: the stage-2 walk starts at Arm level 1 (memshare level 2) with 2 concatenated root
 * tables at 0x10_0000 and 0x10_1000.
 *
 * <p>Descriptor arithmetic used below (stage 2):
 * <pre>
 *   type  bits[1:0]   11 table or page = 0x3, 01 block = 0x1
 *   MemAttr bits[5:2] 1111 normal write-back = 0x3c, 0011 Device-GRE = 0x0c
 *   S2AP  bits[7:6]   01 read = 0x40, 10 write = 0x80, 11 both = 0xc0
 *   AF    bit 10      0x400
 *   XN    bits[54:53] 10 = 0x0040_0000_0000_0000, 01 = 0x0020_0000_0000_0000
 *   Hafnium's owned (55) and exclusive (56) bits = 0x0180_0000_0000_0000
 * </pre>
 */
class Aarch64HardwareWalkTest {
    private static final long ROOT = 0x10_0000L;
    private static final long L1_TABLE = 0x20_0000L;
    private static final long L0_TABLE = 0x21_0000L;

    private final Map<Long, long[]> memory = new HashMap<>();
    private final Aarch64HardwareWalk walk = new Aarch64HardwareWalk(Aarch64Geometry.of(40));

    Aarch64HardwareWalkTest() {
        // Root entry 0 (IPA 0 - 1 GiB): table at 0x20_0000 -> 0x20_0000 | 0x3.
        table(ROOT)[0] = 0x20_0003L;
        // Its entry 1 (IPA 2 MiB - 4 MiB): table at 0x21_0000 -> 0x21_0003.
        table(L1_TABLE)[1] = 0x21_0003L;
    }

    private long[] table(long pa) {
        return memory.computeIfAbsent(pa, p -> new long[512]);
    }

    private Translation stage2(long ipa) {
        return walk.translate(Stage.STAGE2, this::table, ROOT, ipa);
    }

    private static Granted granted(Translation t) {
        return assertInstanceOf(Granted.class, t, () -> "expected a grant, got " + t);
    }

    private static Fault fault(Translation t, String reasonPart) {
        Fault fault = assertInstanceOf(Fault.class, t, () -> "expected a fault, got " + t);
        assertTrue(fault.reason().contains(reasonPart), fault.reason());
        return fault;
    }

    @Test
    void aReadWriteExecutablePage() {
        // OA 0x8000_3000 | AF 0x400 | S2AP 11 0xc0 | MemAttr 1111 0x3c | page 0x3 = 0x8000_34ff,
        // plus Hafnium's software bits 55 and 56, which the hardware ignores.
        table(L0_TABLE)[3] = 0x0180_0000_8000_34ffL;
        Granted g = granted(stage2(0x20_3abcL)); // level-0 index (0x20_3abc >> 12) & 511 = 3
        assertEquals(0x8000_3abcL, g.outputAddress());
        assertEquals(0, g.level());
        assertEquals(Mode.R | Mode.W | Mode.X, g.access());
    }

    @Test
    void aReadOnlyExecuteNeverBlock() {
        // Level-1 entry 2 (IPA 4 MiB - 6 MiB): OA 0x9000_0000 | XN 10 | AF 0x400 | S2AP 01 0x40
        // | MemAttr 0x3c | block 0x1 = 0x0040_0000_9000_047d.
        table(L1_TABLE)[2] = 0x0040_0000_9000_047dL;
        Granted g = granted(stage2(0x45_6789L));
        assertEquals(0x9005_6789L, g.outputAddress()); // 0x45_6789 - 0x40_0000 = offset 0x5_6789
        assertEquals(1, g.level());
        assertEquals(Mode.R, g.access());
    }

    @Test
    void writeOnlyDeviceMemoryAndXnZeroOne() {
        // OA 0x8000_4000 | XN 01 | AF | S2AP 10 0x80 | MemAttr 0011 0x0c | page = 0x0020_0000_8000_448f.
        table(L0_TABLE)[4] = 0x0020_0000_8000_448fL;
        Granted g = granted(stage2(0x20_4000L));
        assertEquals(Mode.W | Mode.D, g.access()); // any nonzero XN: no execute
    }

    @Test
    void theSecondConcatenatedRootTable() {
        // IPA (512 + 3) GiB: root index 515 -> the second root page (0x10_1000), entry 3.
        // 1 GiB block at OA 0x40_0000_0000 | AF | S2AP 11 | MemAttr 1111 | block = 0x40_0000_04fd.
        table(ROOT + 0x1000)[3] = 0x40_0000_04fdL;
        long ipa = (512L + 3) << 30 | 0x1234_5678L;
        Granted g = granted(stage2(ipa));
        assertEquals(0x40_0000_0000L | 0x1234_5678L, g.outputAddress());
        assertEquals(2, g.level());
        assertEquals(Mode.R | Mode.W | Mode.X, g.access());
    }

    @Test
    void translationFaults() {
        fault(stage2(0x20_5000L), "invalid descriptor 0x0"); // nothing there
        table(L0_TABLE)[5] = 0x0180_0000_8000_54feL; // bit 0 clear: invalid, whatever else is set
        fault(stage2(0x20_5000L), "bit 0 clear");
        table(L0_TABLE)[6] = 0x8000_64fdL; // type 01 at Arm level 3: reserved
        fault(stage2(0x20_6000L), "reserved encoding");
        fault(stage2(1L << 40), "beyond the 40-bit input range"); // T0SZ = 24
    }

    @Test
    void noBlockAtArmLevelZero() {
        // 48-bit PA: the walk starts at Arm level 0 (memshare level 3), where type 01 is not a block.
        Aarch64HardwareWalk walk48 = new Aarch64HardwareWalk(Aarch64Geometry.of(48));
        table(ROOT)[0] = 0x04fdL;
        Fault f = fault(walk48.translate(Stage.STAGE2, this::table, ROOT, 0x1000L), "Arm level 0");
        assertEquals(3, f.level());
    }

    @Test
    void accessFlagFault() {
        table(L0_TABLE)[7] = 0x8000_70ffL; // 0x4ff without AF (0x400)
        fault(stage2(0x20_7000L), "access flag fault");
    }

    @Test
    void addressSizeFaults() {
        table(L1_TABLE)[3] = (1L << 40) | 0x3; // a table at 2^40: beyond the 40-bit PA
        fault(stage2(0x60_0000L), "address size fault");
        table(L0_TABLE)[8] = (1L << 41) | 0x4ffL; // a page at 2^41
        fault(stage2(0x20_8000L), "address size fault");
        table(L0_TABLE)[9] = (1L << 49) | 0x8000_94ffL; // bit 49: OA bits [51:48] are RES0
        fault(stage2(0x20_9000L), "address size fault");
    }

    @Test
    void reservedBitsFault() {
        table(L0_TABLE)[10] = 0x8000_a4ffL | (1L << 11); // stage-2 bit 11 is RES0
        fault(stage2(0x20_a000L), "reserved bit 11");
        table(L0_TABLE)[11] = 0x8000_b4ffL | (1L << 50); // bit 50 is RES0 at stage 2
        fault(stage2(0x20_b000L), "reserved bit 50");
        table(L1_TABLE)[4] = 0x9000_147dL; // a 2 MiB block whose OA has bit 12 set: RES0
        fault(stage2(0x80_0000L), "reserved bit 12");
        table(L1_TABLE)[5] = (1L << 63) | 0x22_0003L; // stage-2 table descriptors have RES0 bits[63:59]
        fault(stage2(0xa0_0000L), "reserved bit 63");
        table(L0_TABLE)[12] = 0x8000_c4f3L; // MemAttr 1100: normal, inner cacheability 00 reserved
        fault(stage2(0x20_c000L), "reserved inner cacheability");
        table(L0_TABLE)[13] = 0x8000_d5ffL; // SH 01 (0x100) is reserved
        fault(stage2(0x20_d000L), "reserved SH");
    }

    /* Every mode Hafnium's format writes as a valid page decodes to that mode's access. */
    @Test
    void agreesWithTheFormatOnEveryValidMode() {
        Aarch64PageTableFormat format = new Aarch64PageTableFormat(Aarch64Geometry.of(40));
        for (int mode = 0; mode <= Mode.ALL; mode++) {
            if ((mode & Mode.INVALID) != 0) {
                continue;
            }
            table(L0_TABLE)[20] = format.blockPte(0, 0x8001_4000L, format.modeToStage2Attrs(mode));
            Granted g = granted(stage2(0x21_4000L));
            assertEquals(mode & (Mode.R | Mode.W | Mode.X | Mode.D), g.access(), Mode.describe(mode));
            table(L0_TABLE)[21] = format.blockPte(0, 0x8001_5000L, format.modeToStage2Attrs(mode | Mode.INVALID));
            fault(stage2(0x21_5000L), "bit 0 clear");
        }
    }

    @Test
    void stage1PermissionsMemoryTypeAndHierarchicalTableBits() {
        // Stage 1 (EL2, TCR_EL2.T0SZ = 25): start at Arm level 1, one root table.
        long root = 0x30_0000L;
        table(root)[0] = 0x31_0003L; // VA 0 - 1 GiB -> level-1 table at 0x31_0000
        table(0x31_0000L)[0] = 0x32_0003L; // VA 0 - 2 MiB -> level-0 table at 0x32_0000
        // OA 0x8000_1000 | XN bit 54 | AF 0x400 | SH 10 0x200 | AP[2] 0x80 | AttrIndx 1 0x4 | page 0x3
        // = 0x0040_0000_8000_1687: read-only, execute-never, normal.
        table(0x32_0000L)[1] = 0x0040_0000_8000_1687L;
        assertEquals(new Granted(0x8000_1010L, 0, Mode.R), walk.translate(Stage.STAGE1, this::table, root, 0x1010L));
        // AttrIndx 0: MAIR_EL2 byte 0 is Device-nGnRnE. 0x8000_2000 | AF | SH | page = 0x8000_2603.
        table(0x32_0000L)[2] = 0x8000_2603L;
        assertEquals(new Granted(0x8000_2000L, 0, Mode.R | Mode.W | Mode.X | Mode.D),
                walk.translate(Stage.STAGE1, this::table, root, 0x2000L));
        // APTable[1] (bit 62) and XNTable (bit 60) on the level-1 table entry take W and X away below it.
        table(root)[0] = 0x5000_0000_0031_0003L;
        assertEquals(new Granted(0x8000_2000L, 0, Mode.R | Mode.D),
                walk.translate(Stage.STAGE1, this::table, root, 0x2000L));
        fault(walk.translate(Stage.STAGE1, this::table, root, 1L << 39), "39-bit input range");
    }
}
