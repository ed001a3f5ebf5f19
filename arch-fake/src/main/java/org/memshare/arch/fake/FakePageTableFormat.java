package org.memshare.arch.fake;

import org.memshare.api.addr.Addresses;
import org.memshare.api.arch.PageTableFormat;
import org.memshare.api.arch.Stage;
import org.memshare.api.mode.Mode;

/**
 * Hafnium's fake page-table format, entry for entry. The attributes are the mode bits moved up to
 * bit 48; bit 11 marks a table; and the whole entry is shifted right by twice its level, so code
 * that reads an entry at the wrong level gets garbage instead of a plausible answer. Blocks are
 * allowed at every level. Stage 2 has max level 2 and 4 concatenated root tables; stage 1 has max
 * level 2 and one root table.
 */
final class FakePageTableFormat implements PageTableFormat {
    private static final int MODE_SHIFT = 48;
    private static final long MODE_MASK = (long) Mode.ALL << MODE_SHIFT;
    /** The highest bit of the page offset marks a table entry. */
    private static final long TABLE_BIT = 1L << (Addresses.PAGE_BITS - 1);
    /** An entry's address: everything but the mode bits and the page offset (bits 55 to 63 included). */
    private static final long ADDRESS_MASK = ~(MODE_MASK | (Addresses.PAGE_SIZE - 1));

    private static int levelShift(int level) {
        return level * 2;
    }

    /** The entry with the level shift undone. */
    private static long unshift(long pte, int level) {
        return pte << levelShift(level);
    }

    @Override
    public long absentPte(int level) {
        return ((long) (Mode.INVALID | Mode.UNOWNED | Mode.SHARED) << MODE_SHIFT) >>> levelShift(level);
    }

    @Override
    public long tablePte(int level, long tablePa) {
        return (tablePa | TABLE_BIT) >>> levelShift(level);
    }

    @Override
    public long blockPte(int level, long pa, long attrs) {
        return (pa | attrs) >>> levelShift(level);
    }

    @Override
    public boolean isBlockAllowed(int level) {
        return true;
    }

    @Override
    public boolean isPresent(long pte, int level) {
        return isValid(pte, level) || ((unshift(pte, level) >>> MODE_SHIFT) & Mode.UNOWNED) == 0;
    }

    @Override
    public boolean isValid(long pte, int level) {
        return ((unshift(pte, level) >>> MODE_SHIFT) & Mode.INVALID) == 0;
    }

    @Override
    public boolean isBlock(long pte, int level) {
        return isPresent(pte, level) && !isTable(pte, level);
    }

    @Override
    public boolean isTable(long pte, int level) {
        return (unshift(pte, level) & TABLE_BIT) != 0;
    }

    @Override
    public long clearPa(long pa) {
        return pa & ADDRESS_MASK;
    }

    @Override
    public long blockAddress(long pte, int level) {
        return unshift(pte, level) & ADDRESS_MASK;
    }

    @Override
    public long tableAddress(long pte, int level) {
        return unshift(pte, level) & ADDRESS_MASK;
    }

    @Override
    public long attrs(long pte, int level) {
        return unshift(pte, level) & MODE_MASK;
    }

    @Override
    public long combineTableEntryAttrs(long tableAttrs, long blockAttrs) {
        return tableAttrs | blockAttrs;
    }

    @Override
    public long modeToStage1Attrs(int mode) {
        return ((long) mode << MODE_SHIFT) & MODE_MASK;
    }

    @Override
    public long modeToStage2Attrs(int mode) {
        return ((long) mode << MODE_SHIFT) & MODE_MASK;
    }

    @Override
    public int stage2AttrsToMode(long attrs) {
        return (int) (attrs >>> MODE_SHIFT);
    }

    @Override
    public int maxLevel(Stage stage) {
        return 2;
    }

    @Override
    public int rootTableCount(Stage stage) {
        return stage == Stage.STAGE2 ? 4 : 1;
    }

    @Override
    public String toString() {
        return "fake page-table format";
    }
}
