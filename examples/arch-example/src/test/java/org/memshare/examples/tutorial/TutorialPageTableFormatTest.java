package org.memshare.examples.tutorial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.memshare.api.arch.PageTableFormat;
import org.memshare.api.arch.Stage;
import org.memshare.api.mode.Mode;

/** The bit layout, pinned entry by entry (the conformance kit checks the contracts; this checks the encoding). */
class TutorialPageTableFormatTest {

    private static final int RWX = Mode.R | Mode.W | Mode.X;

    private final PageTableFormat format = new TutorialPageTableFormat(TutorialGeometry.of(48));

    @Test
    void anOwnedExclusiveReadWritePageSetsValidRwAndBothSoftwareBits() {
        long pte = format.blockPte(0, 0x1234_5000L, format.modeToStage2Attrs(Mode.R | Mode.W));

        // V (bit 0) | R (bit 2) | W (bit 3) = 0xd; owned (bit 56) | exclusive (bit 57) = 0x03 << 56.
        assertEquals(0x0300_0000_1234_500dL, pte);
        assertEquals(0x1234_5000L, format.blockAddress(pte, 0));
        assertEquals(Mode.R | Mode.W, format.stage2AttrsToMode(format.attrs(pte, 0)));
    }

    @Test
    void executableDeviceBlockOfABorrowerSharingWithTheOwner() {
        // Valid, not owned, not exclusive: only V, R, X and D; no software bit.
        long attrs = format.modeToStage2Attrs(Mode.R | Mode.X | Mode.D | Mode.UNOWNED | Mode.SHARED);

        assertEquals(0x35L, attrs);
        long pte = format.blockPte(1, 0x4000_0000L, attrs);
        assertEquals(0x4000_0035L, pte);
        assertTrue(format.isBlock(pte, 1));
        assertFalse(format.isTable(pte, 1));
    }

    @Test
    void theAbsentEntryIsZeroAndReadsBackAsUnrelated() {
        for (int level = 0; level <= 3; level++) {
            assertEquals(0, format.absentPte(level));
            assertFalse(format.isPresent(0, level));
        }
        assertEquals(Mode.INVALID | Mode.UNOWNED | Mode.SHARED, format.stage2AttrsToMode(format.attrs(0, 0)));
    }

    @Test
    void aTableEntryIsTheAddressWithTableAndValidBitsAndNothingElse() {
        long pte = format.tablePte(2, 0x8765_4000L);

        assertEquals(0x8765_4003L, pte);
        assertTrue(format.isTable(pte, 2));
        assertFalse(format.isBlock(pte, 2));
        assertEquals(0x8765_4000L, format.tableAddress(pte, 2));
        assertEquals(TutorialPageTableFormat.VALID, format.attrs(pte, 2));
    }

    @Test
    void atLevelZeroTheTableBitNeverMakesATable() {
        long pte = 0x5000L | TutorialPageTableFormat.TABLE | TutorialPageTableFormat.VALID;

        assertFalse(format.isTable(pte, 0));
        assertTrue(format.isBlock(pte, 0));
    }

    @Test
    void memoryLentAwayStaysInTheTableAsAnInvalidBlockThatKeepsItsState() {
        // The owner's state after a lend: invalid, owned, exclusive, its permissions kept.
        int lentAway = Mode.INVALID | RWX;
        long pte = format.blockPte(0, 0x7000L, format.modeToStage2Attrs(lentAway));

        assertEquals(0x0300_0000_0000_701cL, pte);
        assertTrue(format.isPresent(pte, 0));
        assertFalse(format.isValid(pte, 0));
        assertTrue(format.isBlock(pte, 0));
        assertEquals(lentAway, format.stage2AttrsToMode(format.attrs(pte, 0)));
    }

    @Test
    void anInvalidEntryThatOwnsNothingIsNotPresent() {
        long pte = format.blockPte(0, 0x7000L, format.modeToStage2Attrs(Mode.INVALID | Mode.UNOWNED));

        assertFalse(format.isPresent(pte, 0));
        assertFalse(format.isBlock(pte, 0));
    }

    @ParameterizedTest(name = "level {0}")
    @ValueSource(ints = {0, 1, 2})
    void blocksMayStandAtLevelsZeroToTwo(int level) {
        assertTrue(format.isBlockAllowed(level));
    }

    @Test
    void noBlockAtLevelThree() {
        long wouldBeBlock = format.blockPte(3, 0, format.modeToStage2Attrs(RWX));

        assertFalse(format.isBlockAllowed(3));
        assertFalse(format.isBlock(wouldBeBlock, 3));
    }

    @Test
    void everyStage2ModeRoundTripsThroughItsAttributes() {
        for (int mode = 0; mode <= Mode.ALL; mode++) {
            assertEquals(mode, format.stage2AttrsToMode(format.modeToStage2Attrs(mode)), Mode.describe(mode));
        }
    }

    @Test
    void stage1AttributesCarryNoOwnershipBits() {
        assertEquals(0x1dL, format.modeToStage1Attrs(RWX));
        assertEquals(0x1dL, format.modeToStage1Attrs(RWX | Mode.UNOWNED | Mode.SHARED));
        assertEquals(0L, format.modeToStage1Attrs(Mode.INVALID));
    }

    @Test
    void attributesNeverIncludeTheAddressOrTheTableBit() {
        long pte = format.blockPte(0, 0x0000_ffff_ffff_f000L, format.modeToStage2Attrs(RWX | Mode.D));

        assertEquals(0x0300_0000_0000_003dL, format.attrs(pte, 0));
        assertEquals(0x0000_ffff_ffff_f000L, format.blockAddress(pte, 0));
    }

    @Test
    void clearingAnAddressKeepsBits12To47() {
        assertEquals(0x0000_ffff_ffff_f000L, format.clearPa(-1L));
        assertEquals(0x1234_5000L, format.clearPa(0x1234_5678L));
    }

    /**
     * Defrag merges a table of 512 equal blocks into one block. The table entry is valid; the
     * blocks of memory lent away are not. The merged block must stay invalid.
     */
    @Test
    void mergingATableKeepsTheBlocksAttributesAndNotTheTablesValidBit() {
        long table = format.attrs(format.tablePte(1, 0x9000L), 1);
        long lentAway = format.modeToStage2Attrs(Mode.INVALID | RWX);

        long merged = format.combineTableEntryAttrs(table, lentAway);

        assertEquals(lentAway, merged);
        assertFalse(format.isValid(format.blockPte(1, 0x20_0000L, merged), 1));
    }

    @Test
    void geometryComesFromThePaSizeAtStage2AndIsFixedAtStage1() {
        PageTableFormat forty = new TutorialPageTableFormat(TutorialGeometry.of(40));

        assertEquals(2, forty.maxLevel(Stage.STAGE2));
        assertEquals(2, forty.rootTableCount(Stage.STAGE2));
        assertEquals(3, format.maxLevel(Stage.STAGE2));
        assertEquals(1, format.rootTableCount(Stage.STAGE2));
        for (PageTableFormat f : new PageTableFormat[] {forty, format}) {
            assertEquals(2, f.maxLevel(Stage.STAGE1));
            assertEquals(1, f.rootTableCount(Stage.STAGE1));
        }
    }
}
