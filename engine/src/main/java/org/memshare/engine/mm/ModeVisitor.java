package org.memshare.engine.mm;

import org.memshare.api.arch.PageTableFormat;

/** Collects the attributes of the leaves over a range and aborts at the first that differs. */
final class ModeVisitor implements TableVisitor {
    private final PageTableFormat format;
    private boolean seen;
    private long attrs;

    ModeVisitor(PageTableFormat format) {
        this.format = format;
    }

    ModeVisitor reset() {
        seen = false;
        attrs = 0;
        return this;
    }

    /** Whether the walk saw any leaf. */
    boolean seen() {
        return seen;
    }

    /** The attributes every leaf seen had. */
    long attrs() {
        return attrs;
    }

    @Override
    public int flags() {
        return LEAF;
    }

    @Override
    public long visit(int flag, long[] table, int index, int level, long address, long end) {
        long entryAttrs = format.attrs(table[index], level);
        if (!seen) {
            attrs = entryAttrs;
            seen = true;
        } else if (entryAttrs != attrs) {
            return ABORT;
        }
        return SKIP;
    }
}
