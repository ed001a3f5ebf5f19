package org.memshare.examples.riscv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.memshare.api.arch.HardwareWalk;
import org.memshare.api.arch.Stage;
import org.memshare.api.mode.Mode;

/**
 * The walk on raw entries written by hand (not by the format). Sv39x4 root at 0x10000 (four
 * pages, 0x10000 to 0x13fff); GPA 0x8020_0000 has root index 0x8020_0000 >>> 30 = 2 (page
 * 0x10000, entry 2), then level-1 index (0x8020_0000 >>> 21) & 511 = 1.
 */
class RiscvHardwareWalkTest {
    private static final long ROOT = 0x10000;
    private static final long L1 = 0x20000;
    private static final long GPA = 0x8020_0000L;
    private final Map<Long, long[]> memory = new HashMap<>();
    private final RiscvHardwareWalk walk = new RiscvHardwareWalk(GStageScheme.SV39X4, true);

    private long[] page(long address) {
        return memory.computeIfAbsent(address, a -> new long[512]);
    }

    /** A 2 MiB leaf at GPA 0x8020_0000 with {@code bits}, output 0x8020_0000 (PPN 0x80200 << 10). */
    private HardwareWalk.Translation leaf(long bits) {
        page(ROOT)[2] = (L1 >>> 12) << 10 | 1;
        page(L1)[1] = (0x8020_0000L >>> 12) << 10 | bits;
        return walk.translate(Stage.STAGE2, this::page, ROOT, GPA + 0x1234);
    }

    private static String reason(HardwareWalk.Translation t) {
        return assertInstanceOf(HardwareWalk.Fault.class, t, t::toString).reason();
    }

    @Test
    void aValidLeafGrantsItsPermissionsAtItsOwnAddress() {
        // V R W X U A D = 0x1 | 0x2 | 0x4 | 0x8 | 0x10 | 0x40 | 0x80 = 0xdf
        HardwareWalk.Granted granted = assertInstanceOf(HardwareWalk.Granted.class, leaf(0xdf));
        assertEquals(new HardwareWalk.Granted(0x8020_1234L, 1, Mode.R | Mode.W | Mode.X), granted);
    }

    @Test
    void whatTheSpecificationReservesFaults() {
        assertTrue(reason(leaf(0xdf | 1L << 54)).contains("reserved bit 54"));
        assertTrue(reason(leaf(0xdd)).contains("W = 1 with R = 0"));           // 0xdf without R
        assertTrue(reason(leaf(0xcf)).contains("U = 0"));                       // 0xdf without U
        assertTrue(reason(leaf(0x9f)).contains("A = 0"));                       // 0xdf without A
        assertTrue(reason(leaf(0xdf | 3L << 61)).contains("PBMT 3"));
        assertTrue(reason(leaf(0xde)).contains("V = 0"));
        // A superpage whose PPN has bit 0 set (output 0x8020_1000) is misaligned.
        page(L1)[1] = ((0x8020_1000L >>> 12) << 10) | 0xdf;
        assertTrue(reason(walk.translate(Stage.STAGE2, this::page, ROOT, GPA)).contains("misaligned"));
    }

    @Test
    void storesNeedD() {
        // 0xdf without D (0x80): readable and executable, not writable.
        assertEquals(Mode.R | Mode.X, assertInstanceOf(HardwareWalk.Granted.class, leaf(0x5f)).access());
    }

    @Test
    void withoutSvpbmtAnyPbmtFaultsAndWithItIoIsDevice() {
        assertEquals(Mode.R | Mode.D, assertInstanceOf(HardwareWalk.Granted.class, leaf(0xd3 | 2L << 61)).access());
        RiscvHardwareWalk plain = new RiscvHardwareWalk(GStageScheme.SV39X4, false);
        leaf(0xd3 | 2L << 61);
        assertTrue(reason(plain.translate(Stage.STAGE2, this::page, ROOT, GPA)).contains("without Svpbmt"));
    }

    @Test
    void theRootIndexHasTwoMoreBitsAndTheSpaceEndsAt2To41() {
        // GPA 2^40: root index 1024, in the root's third page (0x12000), entry 0: a 1 GiB leaf.
        page(ROOT + 0x2000)[0] = ((1L << 40) >>> 12) << 10 | 0xd3;
        assertEquals(new HardwareWalk.Granted((1L << 40) + 5, 2, Mode.R),
                walk.translate(Stage.STAGE2, this::page, ROOT, (1L << 40) + 5));
        assertTrue(reason(walk.translate(Stage.STAGE2, this::page, ROOT, 1L << 41)).contains("bit 41"));
    }

    @Test
    void aPointerAtLevelZeroAndReservedBitsInAPointerFault() {
        long l0 = 0x30000;
        page(ROOT)[2] = (L1 >>> 12) << 10 | 1;
        page(L1)[1] = (l0 >>> 12) << 10 | 1;
        page(l0)[0] = (0x40000L >>> 12) << 10 | 1;
        assertTrue(reason(walk.translate(Stage.STAGE2, this::page, ROOT, GPA)).contains("last level"));
        page(L1)[1] = (l0 >>> 12) << 10 | 1 | 0x40;
        assertTrue(reason(walk.translate(Stage.STAGE2, this::page, ROOT, GPA)).contains("non-leaf"));
    }

    @Test
    void stage1LeavesMustHaveUClear() {
        // Sv39 root at 0x50000: VA 0x4000_0000 has root index 1; a 1 GiB leaf V R W A D = 0xc7.
        page(0x50000)[1] = (0x4000_0000L >>> 12) << 10 | 0xc7;
        assertEquals(new HardwareWalk.Granted(0x4000_0008L, 2, Mode.R | Mode.W),
                walk.translate(Stage.STAGE1, this::page, 0x50000, 0x4000_0008L));
        page(0x50000)[1] |= 0x10;
        assertTrue(reason(walk.translate(Stage.STAGE1, this::page, 0x50000, 0x4000_0008L)).contains("U = 1"));
    }
}
