package org.memshare.engine.mm;

import static java.lang.Long.compareUnsigned;

import org.memshare.api.arch.PageTableFormat;

/**
 * The one page-table walk: visits the entries of a range, depth first in address order, calling
 * a {@link TableVisitor} for leaves, before tables and after tables. Tables are read through a
 * {@link TableSource}; geometry comes from {@link Geometry}.
 *
 * <p>The walker remembers the table it is in at each level ({@link #tableAt}), so the entry
 * writer can mark a changed table's ancestors. A walker is reused, never shared between threads,
 * and not re-entered: a walk started from inside a visit must use another walker.
 */
final class Walker {
    private final PageTableFormat format;
    private final Geometry geometry;
    private final TableSource source;
    private final long root;
    /** {@code path[level]}: the address of the table the walk is in at {@code level}. */
    private final long[] path;

    Walker(PageTableFormat format, Geometry geometry, TableSource source, long root) {
        this.format = format;
        this.geometry = geometry;
        this.source = source;
        this.root = root;
        this.path = new long[geometry.maxLevel() + 1];
    }

    /** The address of the table the current walk is in at {@code level}. */
    long tableAt(int level) {
        return path[level];
    }

    /**
     * Walks {@code [begin, end)} across the root tables; the caller has normalised the range to
     * lie inside the address space.
     *
     * @return false if a visitor aborted
     */
    boolean walk(long begin, long end, TableVisitor visitor) {
        int top = geometry.maxLevel();
        for (long next = begin; compareUnsigned(next, end) < 0; next = geometry.nextEntry(next, top + 1)) {
            if (!walkTable(geometry.rootTableFor(root, next), top, next, end, visitor)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Walks the part of {@code [begin, end)} that lies in the table at {@code tablePa}, whose
     * entries are at {@code level} and whose span holds {@code begin}.
     *
     * @return false if a visitor aborted
     */
    boolean walkTable(long tablePa, int level, long begin, long end, TableVisitor visitor) {
        long[] table = source.table(tablePa);
        path[level] = tablePa;
        long tableEnd = geometry.tableEnd(begin, level);
        if (compareUnsigned(end, tableEnd) > 0) {
            end = tableEnd;
        }
        int flags = visitor.flags();
        int index = geometry.index(begin, level);
        long size = geometry.entrySize(level);
        // Each step goes to the start of the next entry (the first may begin part way into one).
        for (long address = begin; compareUnsigned(address, end) < 0; address = (address + size) & -size) {
            long pte = table[index];
            long next;
            if (format.isTable(pte, level)) {
                next = (flags & TableVisitor.TABLE_PRE) != 0
                        ? visitor.visit(TableVisitor.TABLE_PRE, table, index, level, address, end)
                        : format.tableAddress(pte, level);
            } else {
                next = (flags & TableVisitor.LEAF) != 0
                        ? visitor.visit(TableVisitor.LEAF, table, index, level, address, end)
                        : TableVisitor.SKIP;
            }
            if (next == TableVisitor.ABORT) {
                return false;
            }
            if (next != TableVisitor.SKIP) {
                if (!walkTable(next, level - 1, address, end, visitor)) {
                    return false;
                }
                if ((flags & TableVisitor.TABLE_POST) != 0
                        && visitor.visit(TableVisitor.TABLE_POST, table, index, level, address, end)
                                == TableVisitor.ABORT) {
                    return false;
                }
            }
            index++;
        }
        return true;
    }
}
