package org.memshare.engine.mm;

import static org.memshare.api.addr.Addresses.ENTRIES_PER_TABLE;

import java.util.Arrays;
import org.memshare.api.arch.PageTableFormat;

/**
 * The one decision every map, prepare, commit and commit budget makes for an entry, and the
 * contents of a table that replaces an entry, so the dry run can never drift from the walk it
 * predicts.
 */
final class UpdateStep {
    /** The entry already is what the walk wants. */
    static final int KEEP = 0;
    /** The range covers the entry whole: replace it by a block, or by an absent entry to unmap. */
    static final int REPLACE = 1;
    /** The range cuts the entry, or no block may stand here: go down into its table. */
    static final int DESCEND = 2;

    private UpdateStep() {
    }

    /** What an update to {@code attrs} (or an unmap) over {@code [address, end)} does with {@code pte}. */
    static int decide(PageTableFormat format, Geometry geometry, long pte, int level, long address, long end,
            long attrs, boolean unmap) {
        if (isDone(format, pte, level, attrs, unmap)) {
            return KEEP;
        }
        long size = geometry.entrySize(level);
        boolean whole = Long.compareUnsigned(end - address, size) >= 0 && (address & (size - 1)) == 0;
        return whole && (unmap || format.isBlockAllowed(level)) ? REPLACE : DESCEND;
    }

    /** {@link #decide} for an entry the range covers whole. */
    static int decideWhole(PageTableFormat format, long pte, int level, long attrs, boolean unmap) {
        if (isDone(format, pte, level, attrs, unmap)) {
            return KEEP;
        }
        return unmap || format.isBlockAllowed(level) ? REPLACE : DESCEND;
    }

    /** Whether {@code pte} already is what the update wants. */
    private static boolean isDone(PageTableFormat format, long pte, int level, long attrs, boolean unmap) {
        return unmap ? !format.isPresent(pte, level) : format.isBlock(pte, level) && format.attrs(pte, level) == attrs;
    }

    /**
     * Fills {@code entries} as a table replacing {@code pte} at {@code level} starts: a block
     * split into equivalent blocks one level down, each built from its own address (the seed
     * added to the encoded entry, which corrupts addresses on the fake arch; later Hafnium fixed
     * it), or else absent entries.
     */
    static void fillSplit(PageTableFormat format, Geometry geometry, long[] entries, long pte, int level) {
        int below = level - 1;
        if (format.isBlock(pte, level)) {
            long base = format.blockAddress(pte, level);
            long attrs = format.attrs(pte, level);
            long step = geometry.entrySize(below);
            for (int k = 0; k < ENTRIES_PER_TABLE; k++) {
                entries[k] = format.blockPte(below, base + k * step, attrs);
            }
        } else {
            Arrays.fill(entries, format.absentPte(below));
        }
    }
}
