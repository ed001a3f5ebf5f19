package org.memshare.examples.riscv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.memshare.api.arch.Stage;
import org.memshare.api.mode.Mode;

/** The bit layout, pinned with values worked by hand. */
class RiscvPageTableFormatTest {
    private final RiscvPageTableFormat format = new RiscvPageTableFormat(GStageScheme.SV39X4, true);
    private final RiscvPageTableFormat noSvpbmt = new RiscvPageTableFormat(GStageScheme.SV39X4, false);

    @Test
    void aValidGStagePage() {
        // V 0x1 | R 0x2 | W 0x4 | X 0x8 | U 0x10 | A 0x40 | D 0x80 | OWN 0x100 | EXC 0x200 = 0x3df
        long attrs = format.modeToStage2Attrs(Mode.R | Mode.W | Mode.X);
        assertEquals(0x3dfL, attrs);
        // PPN: 0x80200000 >>> 12 = 0x80200, at bit 10: 0x2008_0000.
        long pte = format.blockPte(0, 0x8020_0000L, attrs);
        assertEquals(0x2008_03dfL, pte);
        assertEquals(0x8020_0000L, format.blockAddress(pte, 0));
        assertEquals(attrs, format.attrs(pte, 0));
        assertTrue(format.isBlock(pte, 0) && format.isValid(pte, 0) && !format.isTable(pte, 0));
    }

    @Test
    void aTableEntryHasOnlyVAndThePpn() {
        // 0x80005000 >>> 12 = 0x80005, << 10 = 0x2000_1400, | V.
        long pte = format.tablePte(1, 0x8000_5000L);
        assertEquals(0x2000_1401L, pte);
        assertTrue(format.isTable(pte, 1));
        assertFalse(format.isTable(pte, 0), "no table at level 0");
        assertEquals(0x8000_5000L, format.tableAddress(pte, 1));
    }

    @Test
    void deviceMemoryIsPbmtIo() {
        // R|W|D: 0x3df without X (0x8) = 0x3d7, with PBMT = 2 in bits 61-62: 0x4000_0000_0000_0000.
        assertEquals(0x4000_0000_0000_03d7L, format.modeToStage2Attrs(Mode.R | Mode.W | Mode.D));
        assertEquals(Mode.R | Mode.W | Mode.D, format.stage2AttrsToMode(0x4000_0000_0000_03d7L));
    }

    @Test
    void ownershipStatesLiveInTheRswBits() {
        // Borrowed and shared: OWN and EXC clear: 0x3df - 0x300 - W - X = 0xd3.
        assertEquals(0xd3L, format.modeToStage2Attrs(Mode.R | Mode.UNOWNED | Mode.SHARED));
        // Lent away: everything kept but V: 0x3de.
        long lent = format.modeToStage2Attrs(Mode.INVALID | Mode.R | Mode.W | Mode.X);
        assertEquals(0x3deL, lent);
        long pte = format.blockPte(1, 0x4020_0000L, lent);
        assertTrue(format.isPresent(pte, 1) && format.isBlock(pte, 1) && !format.isValid(pte, 1));
    }

    @Test
    void theAbsentEntryIsZeroAndReadsAsUnrelated() {
        assertEquals(0, format.absentPte(2));
        assertFalse(format.isPresent(0, 2));
        assertEquals(Mode.INVALID | Mode.UNOWNED | Mode.SHARED, format.stage2AttrsToMode(0));
    }

    @Test
    void canonicalModesDropWWithoutRAndInvalidateWhatGrantsNothing() {
        assertEquals(Mode.INVALID, format.canonicalStage2Mode(Mode.W));                  // W -> 0 -> invalid
        assertEquals(Mode.X, format.canonicalStage2Mode(Mode.W | Mode.X));               // W without R dropped
        assertEquals(Mode.R | Mode.W, format.canonicalStage2Mode(Mode.R | Mode.W));      // representable
        assertEquals(Mode.INVALID | Mode.UNOWNED, format.canonicalStage2Mode(Mode.UNOWNED));
        assertEquals(Mode.INVALID | Mode.W, format.canonicalStage2Mode(Mode.INVALID | Mode.W)); // V = 0 keeps all
        assertEquals(Mode.R | Mode.D, format.canonicalStage2Mode(Mode.R | Mode.D));
        assertEquals(Mode.INVALID | Mode.R | Mode.D, noSvpbmt.canonicalStage2Mode(Mode.R | Mode.D));
        // What the engine stores for W alone reads back as its canonical mode.
        assertEquals(Mode.INVALID, format.stage2AttrsToMode(format.modeToStage2Attrs(Mode.W)));
    }

    @Test
    void stage1LeavesHaveUClearAndNoOwnership() {
        // V|R|W|A|D = 0x1 + 0x2 + 0x4 + 0x40 + 0x80 = 0xc7.
        assertEquals(0xc7L, format.modeToStage1Attrs(Mode.R | Mode.W));
        assertEquals(2, format.maxLevel(Stage.STAGE1));
        assertEquals(1, format.rootTableCount(Stage.STAGE1));
    }

    @Test
    void clearPaKeepsTheBitsAPpnHolds() {
        assertEquals(0x00ff_ffff_ffff_f000L, format.clearPa(-1L));
        assertEquals(0x1000L, format.clearPa(0x1fffL));
    }
}
