package org.memshare.arch.aarch64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.memshare.api.arch.Stage;
import org.memshare.api.mode.Mode;

/**
 * Descriptor bits worked out by hand from the Arm ARM's VMSAv8-64 descriptor formats (stage-1
 * and stage-2 block/page descriptors, 4 KiB granule) plus Hafnium's software bits 55 (owned)
 * and 56 (exclusive).
 */
class Aarch64PageTableFormatTest {
    private final Aarch64PageTableFormat format = new Aarch64PageTableFormat(Aarch64Geometry.of(40));

    /*
     * Stage 2, mode R|W (0x3): normal memory, read-write, not executable, owned and exclusive,
     * valid, as a page (level 0) at PA 0x80000000.
     *
     *   bit  0      valid                      1            -> 0x0000_0000_0000_0001
     *   bit  1      page (level 0 only)        1            -> 0x0000_0000_0000_0002
     *   bits 2-5    MemAttr outer WB 0b11,
     *               inner WB 0b11 -> 0b1111                 -> 0x0000_0000_0000_003c
     *   bits 6-7    S2AP read 1 | write 2 = 0b11            -> 0x0000_0000_0000_00c0
     *   bits 8-9    SH non-shareable 0b00                   -> 0
     *   bit  10     AF                         1            -> 0x0000_0000_0000_0400
     *   bits 12-47  output address 0x80000000               -> 0x0000_0000_8000_0000
     *   bits 53-54  XN[1:0] = 0b10 execute-never            -> 0x0040_0000_0000_0000
     *   bit  55     owned (software)           1            -> 0x0080_0000_0000_0000
     *   bit  56     exclusive (software)       1            -> 0x0100_0000_0000_0000
     *
     *   attrs (all but address and bit 1)   = 0x01c0_0000_0000_04fd
     *   pte                                 = 0x01c0_0000_8000_04ff
     */
    @Test
    void stage2ReadWriteNormalOwnedExclusivePage() {
        long attrs = format.modeToStage2Attrs(Mode.R | Mode.W);
        assertEquals(0x01c0_0000_0000_04fdL, attrs);
        long pte = format.blockPte(0, 0x8000_0000L, attrs);
        assertEquals(0x01c0_0000_8000_04ffL, pte);
        assertTrue(format.isValid(pte, 0));
        assertTrue(format.isPresent(pte, 0));
        assertTrue(format.isBlock(pte, 0));
        assertFalse(format.isTable(pte, 0));
        assertEquals(0x8000_0000L, format.blockAddress(pte, 0));
        assertEquals(attrs, format.attrs(pte, 0));
        assertEquals(Mode.R | Mode.W, format.stage2AttrsToMode(format.attrs(pte, 0)));
    }

    /*
     * Stage 1, mode R|D (0x9): read-only device memory, as a page at PA 0x09000000.
     *
     *   bit  0      valid                                   -> 0x0000_0000_0000_0001
     *   bit  1      page (level 0 only)                     -> 0x0000_0000_0000_0002
     *   bits 2-4    AttrIndx 0 (MAIR byte 0: Device-nGnRnE) -> 0
     *   bit  5      NS 0                                    -> 0
     *   bits 6-7    AP[2:1] = 0b10 read-only                -> 0x0000_0000_0000_0080
     *   bits 8-9    SH = 0b10 outer shareable               -> 0x0000_0000_0000_0200
     *   bit  10     AF                                      -> 0x0000_0000_0000_0400
     *   bits 12-47  output address 0x09000000               -> 0x0000_0000_0900_0000
     *   bit  54     XN (no X in the mode)                   -> 0x0040_0000_0000_0000
     *
     *   attrs = 0x0040_0000_0000_0681, pte = 0x0040_0000_0900_0683
     */
    @Test
    void stage1ReadOnlyDevicePage() {
        long attrs = format.modeToStage1Attrs(Mode.R | Mode.D);
        assertEquals(0x0040_0000_0000_0681L, attrs);
        assertEquals(0x0040_0000_0900_0683L, format.blockPte(0, 0x0900_0000L, attrs));
    }

    /*
     * Stage 1, mode R|W|X (0x7): read-write executable normal memory.
     *   valid 0x1 | AttrIndx 1 (MAIR byte 1: normal write-back) << 2 = 0x4 | AP[2:1] 0b00 read-write
     *   | SH 0b10 << 8 = 0x200 | AF 0x400, no XN                        = 0x605
     * The same with INVALID (0x17) drops only the valid bit: 0x604.
     */
    @Test
    void stage1ReadWriteExecuteNormalAndItsInvalidForm() {
        assertEquals(0x605L, format.modeToStage1Attrs(Mode.R | Mode.W | Mode.X));
        assertEquals(0x604L, format.modeToStage1Attrs(Mode.R | Mode.W | Mode.X | Mode.INVALID));
        // Stage 1 has no ownership bits: UNOWNED and SHARED change nothing.
        assertEquals(0x605L, format.modeToStage1Attrs(Mode.R | Mode.W | Mode.X | Mode.UNOWNED | Mode.SHARED));
    }

    /*
     * Stage 2, mode R|X|SHARED (0x45): normal memory, read-only, executable, owned, shared, as a
     * level-1 (2 MiB) block at PA 0x40200000.
     *
     *   bit  0      valid                                   -> 0x0000_0000_0000_0001
     *   bit  1      0: a block, not a table, at level 1     -> 0
     *   bits 2-5    MemAttr 0b1111 (write-back/write-back)  -> 0x0000_0000_0000_003c
     *   bits 6-7    S2AP = 0b01 read-only                   -> 0x0000_0000_0000_0040
     *   bit  10     AF                                      -> 0x0000_0000_0000_0400
     *   bits 12-47  output address 0x40200000               -> 0x0000_0000_4020_0000
     *   bits 53-54  XN[1:0] = 0b00 executable               -> 0
     *   bit  55     owned                                   -> 0x0080_0000_0000_0000
     *   bit  56     exclusive: clear, the mode is SHARED    -> 0
     *
     *   attrs = 0x0080_0000_0000_047d, pte = 0x0080_0000_4020_047d
     */
    @Test
    void stage2Level1BlockReadExecuteShared() {
        int mode = Mode.R | Mode.X | Mode.SHARED;
        long attrs = format.modeToStage2Attrs(mode);
        assertEquals(0x0080_0000_0000_047dL, attrs);
        long pte = format.blockPte(1, 0x4020_0000L, attrs);
        assertEquals(0x0080_0000_4020_047dL, pte);
        assertTrue(format.isBlock(pte, 1));
        assertFalse(format.isTable(pte, 1));
        assertEquals(0x4020_0000L, format.blockAddress(pte, 1));
        assertEquals(mode, format.stage2AttrsToMode(format.attrs(pte, 1)));
        // The same attributes as a 1 GiB block at level 2.
        assertEquals(0x0080_0000_4000_047dL, format.blockPte(2, 0x4000_0000L, attrs));
        assertTrue(format.isBlock(0x0080_0000_4000_047dL, 2));
    }

    /*
     * Stage 2, mode W|D (0xa): device memory, write-only. MemAttr = device (0b00 in bits 4-5),
     * Device-GRE (0b11 in bits 2-3) = 0b0011 << 2 = 0xc. valid 0x1 | 0xc | S2AP 0b10 << 6 = 0x80
     * | AF 0x400 | XN 0b10 << 53 (bit 54) | owned (bit 55) | exclusive (bit 56)
     * = 0x01c0_0000_0000_048d.
     */
    @Test
    void stage2DeviceWriteOnly() {
        assertEquals(0x01c0_0000_0000_048dL, format.modeToStage2Attrs(Mode.W | Mode.D));
    }

    /*
     * Owner of memory it lent away ("!V O X"), mode R|W|X|INVALID (0x17), page at PA 0x1000:
     *   valid 0 | page bit 1 0x2 | MemAttr 0x3c | S2AP 0xc0 | AF 0x400 | XN 0b00 | owned bit 55
     *   | exclusive bit 56 = attrs 0x0180_0000_0000_04fc, pte 0x0180_0000_0000_14fe.
     * The hardware ignores it (bit 0 clear) but the owned bit keeps it present.
     */
    @Test
    void ownedInvalidEntryIsPresentButNotValid() {
        long attrs = format.modeToStage2Attrs(Mode.R | Mode.W | Mode.X | Mode.INVALID);
        assertEquals(0x0180_0000_0000_04fcL, attrs);
        long pte = format.blockPte(0, 0x1000, attrs);
        assertEquals(0x0180_0000_0000_14feL, pte);
        assertFalse(format.isValid(pte, 0));
        assertTrue(format.isPresent(pte, 0));
        assertTrue(format.isBlock(pte, 0));
        // At level 1 the same invalid, owned entry is a block too (present and not a table).
        long l1 = format.blockPte(1, 0x20_0000, attrs);
        assertTrue(format.isBlock(l1, 1));
        assertFalse(format.isTable(l1, 1));
        // Unowned and invalid: not present at all, so not a block above level 0.
        long unowned = format.blockPte(1, 0x20_0000, format.modeToStage2Attrs(Mode.INVALID | Mode.UNOWNED));
        assertFalse(format.isPresent(unowned, 1));
        assertFalse(format.isBlock(unowned, 1));
    }

    /*
     * The absent entry is 0 at every level. Its attributes (0) read back as:
     *   S2AP 0b00 -> neither R nor W; XN 0b00 -> X (0x04); MemAttr bits 4-5 0b00 -> D (0x08);
     *   no owned bit -> UNOWNED (0x20); no exclusive bit -> SHARED (0x40); no valid bit ->
     *   INVALID (0x10): 0x04 | 0x08 | 0x10 | 0x20 | 0x40 = 0x7c.
     */
    @Test
    void absentEntryReadsBackAs0x7c() {
        for (int level = 0; level <= 3; level++) {
            long absent = format.absentPte(level);
            assertEquals(0, absent);
            assertFalse(format.isPresent(absent, level));
            assertFalse(format.isValid(absent, level));
            assertFalse(format.isBlock(absent, level));
            assertFalse(format.isTable(absent, level));
            assertEquals(0x7c, format.stage2AttrsToMode(format.attrs(absent, level)));
        }
    }

    /* A table entry: address | bit 1 (table) | bit 0 (valid); tablePte(1, 0x12345000) = 0x12345003. */
    @Test
    void tableEntry() {
        long pte = format.tablePte(1, 0x1234_5000L);
        assertEquals(0x1234_5003L, pte);
        assertTrue(format.isTable(pte, 1));
        assertTrue(format.isTable(pte, 2));
        assertFalse(format.isBlock(pte, 1));
        assertTrue(format.isValid(pte, 1));
        assertEquals(0x1234_5000L, format.tableAddress(pte, 1));
        // Attributes keep the valid bit but not the table bit.
        assertEquals(0x1L, format.attrs(pte, 1));
        // Level 0 has no tables: bit 1 there marks a page.
        assertFalse(format.isTable(pte, 0));
        assertTrue(format.isBlock(pte, 0));
    }

    @Test
    void blocksOnlyUpToLevel2() {
        assertTrue(format.isBlockAllowed(0));
        assertTrue(format.isBlockAllowed(1));
        assertTrue(format.isBlockAllowed(2));
        assertFalse(format.isBlockAllowed(3));
        long blockLike = 0x0180_0000_0000_04fdL; // valid, bit 1 clear: a block encoding
        assertTrue(format.isBlock(blockLike, 2));
        assertFalse(format.isBlock(blockLike, 3));
        assertFalse(format.isTable(blockLike, 3));
        assertTrue(format.isPresent(blockLike, 3));
    }

    /* A valid entry with bit 1 clear at level 0 is Arm's reserved encoding: not a page. */
    @Test
    void level0EntryWithoutPageBitIsNotABlock() {
        long pte = 0x0180_0000_0000_14fdL;
        assertTrue(format.isValid(pte, 0));
        assertFalse(format.isBlock(pte, 0));
        assertFalse(format.isTable(pte, 0));
    }

    /* The address field is bits 12 to 47: 0xffff_ffff_ffff_ffff -> 0x0000_ffff_ffff_f000. */
    @Test
    void addressMask() {
        assertEquals(0x0000_ffff_ffff_f000L, format.clearPa(-1L));
        assertEquals(0x0000_1234_5678_9000L, format.clearPa(0xabcd_1234_5678_9abcL));
        // attrs: everything except bits 1 and 12-47.
        assertEquals(0xffff_0000_0000_0ffdL, format.attrs(-1L, 1));
        assertEquals(0x0000_ffff_ffff_f000L, format.blockAddress(-1L, 2));
    }

    /*
     * Merging a stage-1 table into a block: table bits 63 NSTable -> NS (bit 5), 62 APTable[1]
     * -> AP[2] (bit 7), 61 APTable[0] -> AP[1] (bit 6) cleared, 60 XNTable -> XN (bit 54),
     * 59 PXNTable -> PXN (bit 53). Block attrs 0x645 (stage-1 R|W|X normal 0x605 with AP[1] set):
     *   0x645 | 0x20 | 0x80, & ~0x40, | 1 << 54 | 1 << 53 = 0x0060_0000_0000_06a5.
     */
    @Test
    void combineTableEntryAttrs() {
        long block = 0x605L | (1L << 6);
        long allTableBits = (1L << 63) | (1L << 62) | (1L << 61) | (1L << 60) | (1L << 59);
        assertEquals(0x0060_0000_0000_06a5L, format.combineTableEntryAttrs(allTableBits, block));
        assertEquals(block | (1L << 5), format.combineTableEntryAttrs(1L << 63, block));
        assertEquals(block | (1L << 7), format.combineTableEntryAttrs(1L << 62, block));
        assertEquals(block & ~(1L << 6), format.combineTableEntryAttrs(1L << 61, block));
        assertEquals(block | (1L << 54), format.combineTableEntryAttrs(1L << 60, block));
        assertEquals(block | (1L << 53), format.combineTableEntryAttrs(1L << 59, block));
        // Stage-2 table entries carry none of these bits: the block's attributes are unchanged.
        long stage2 = format.modeToStage2Attrs(Mode.R);
        assertEquals(stage2, format.combineTableEntryAttrs(format.attrs(format.tablePte(1, 0x5000), 1), stage2));
    }

    /* Every mode round-trips through the stage-2 attributes: each of the 7 mode bits has its own encoding. */
    @Test
    void allModesRoundTripThroughStage2Attrs() {
        for (int m = 0; m <= Mode.ALL; m++) {
            int mode = m;
            long attrs = format.modeToStage2Attrs(mode);
            assertEquals(mode, format.stage2AttrsToMode(attrs), () -> "mode " + Mode.describe(mode));
            // attrs -> mode -> attrs is the identity on the image too.
            assertEquals(attrs, format.modeToStage2Attrs(format.stage2AttrsToMode(attrs)));
            // The attributes never touch the address field or the table bit.
            assertEquals(0, attrs & ~Aarch64PageTableFormat.PTE_ATTR_MASK);
            // Valid exactly when INVALID is clear; present exactly when valid or owned.
            long pte = format.blockPte(0, 0x7000, attrs);
            assertEquals((mode & Mode.INVALID) == 0, format.isValid(pte, 0));
            assertEquals((mode & Mode.INVALID) == 0 || (mode & Mode.UNOWNED) == 0, format.isPresent(pte, 0));
        }
    }

    @Test
    void bitsOutsideTheModesAreIgnored() {
        assertEquals(format.modeToStage2Attrs(Mode.R), format.modeToStage2Attrs(Mode.R | 0x80 | 0x100));
        assertEquals(format.modeToStage1Attrs(Mode.R), format.modeToStage1Attrs(Mode.R | 0x80));
    }

    @Test
    void geometryPerStage() {
        assertEquals(2, format.maxLevel(Stage.STAGE1));
        assertEquals(1, format.rootTableCount(Stage.STAGE1));
        assertEquals(2, format.maxLevel(Stage.STAGE2));
        assertEquals(2, format.rootTableCount(Stage.STAGE2));
        Aarch64PageTableFormat pa44 = new Aarch64PageTableFormat(Aarch64Geometry.of(44));
        assertEquals(3, pa44.maxLevel(Stage.STAGE2));
        assertEquals(1, pa44.rootTableCount(Stage.STAGE2));
        assertEquals(2, pa44.maxLevel(Stage.STAGE1));
    }
}
