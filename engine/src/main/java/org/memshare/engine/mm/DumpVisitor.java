package org.memshare.engine.mm;

import org.memshare.api.arch.PageTableFormat;

/** Hands every present entry to an {@link EntryVisitor}, a table entry before the table's entries. */
final class DumpVisitor implements TableVisitor {
    private final PageTableFormat format;
    private EntryVisitor target;

    DumpVisitor(PageTableFormat format) {
        this.format = format;
    }

    DumpVisitor reset(EntryVisitor target) {
        this.target = target;
        return this;
    }

    @Override
    public int flags() {
        return LEAF | TABLE_PRE;
    }

    @Override
    public long visit(int flag, long[] table, int index, int level, long address, long end) {
        long pte = table[index];
        if (!format.isPresent(pte, level)) {
            return SKIP;
        }
        if (flag == TABLE_PRE) {
            target.visit(level, address, pte, EntryVisitor.Kind.TABLE);
            return format.tableAddress(pte, level);
        }
        target.visit(level, address, pte,
                format.isBlock(pte, level) ? EntryVisitor.Kind.BLOCK : EntryVisitor.Kind.OTHER);
        return SKIP;
    }
}
