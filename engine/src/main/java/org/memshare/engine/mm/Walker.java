package org.memshare.engine.mm;

import static java.lang.Long.compareUnsigned;

import org.memshare.api.arch.PageTableFormat;

/**
 * The one page-table walk: visits the entries of a range, depth first in address order, calling
 * a {@link TableVisitor} for leaves, before tables and after tables. Tables are read through a
 * {@link TableSource}; geometry comes from {@link Geometry}.
 *
 * <p>The walker remembers the table it is in at each level, and that table's changed mark, so the
 * entry writer can mark a changed table's ancestors ({@link #markChanged}). A walker is reused, never shared between threads,
 * and not re-entered: a walk started from inside a visit must use another walker.
 */
final class Walker {
    private final PageTableFormat format;
    private final Geometry geometry;
    private final TableSource source;
    private final long root;
    /** Where the changed marks are kept, for a walk whose visits write; null for read-only walks. */
    private final TableMemory marks;
    /** {@code path[level]}: the address of the table the walk is in at {@code level}. */
    private final long[] path;
    /** {@code pathChanged[level]}: that table is known to be marked changed (read at its first write). */
    private final boolean[] pathChanged;

    /**
     * @param marks the memory whose changed marks the walk's writes update, or null if no visit
     *     writes (the commit budget, freeing, counting)
     */
    Walker(PageTableFormat format, Geometry geometry, TableSource source, TableMemory marks, long root) {
        this.format = format;
        this.geometry = geometry;
        this.source = source;
        this.marks = marks;
        this.root = root;
        this.path = new long[geometry.maxLevel() + 1];
        this.pathChanged = new boolean[geometry.maxLevel() + 1];
    }

    /**
     * Marks the table the walk is in at {@code level} and every table above it as changed. A
     * changed table's parent is always changed too, so the climb stops at the first table
     * already marked; the marks of the walk's path are at hand, so a write into a table already
     * marked costs no look-up.
     */
    void markChanged(int level) {
        if (!pathChanged[level]) {
            markChangedFrom(level);
        }
    }

    /**
     * The climb of {@link #markChanged}, out of line: nearly every write lands in a table already
     * known marked. The marks are read here, on the first write into a table, rather than when the
     * walk enters it: most walks (get-mode, prepare) never write.
     */
    private void markChangedFrom(int level) {
        for (int l = level; l < path.length && !pathChanged[l]; l++) {
            pathChanged[l] = true;
            if (marks.isChanged(path[l])) {
                return;
            }
            marks.setChanged(path[l], true);
        }
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
        pathChanged[level] = false; // not yet known to be marked: see markChangedFrom
        long tableEnd = geometry.tableEnd(begin, level);
        if (compareUnsigned(end, tableEnd) > 0) {
            end = tableEnd;
        }
        int flags = visitor.flags();
        if (level == 0 && (flags & TableVisitor.LEAF) == 0) {
            // Level-0 entries are pages, never tables: a walk that visits no leaves has nothing
            // to do in their table (a defrag's walk into a changed table of pages, say).
            return true;
        }
        int index = geometry.index(begin, level);
        if (level == 0 && visitor instanceof UpdateVisitor update) {
            return walkPages(table, index, begin, end, update);
        }
        if (level == 0 && visitor instanceof ModeVisitor mode) {
            return walkPages(table, index, begin, end, mode);
        }
        long size = geometry.entrySize(level);
        // Each step goes to the start of the next entry (the first may begin part way into one).
        for (long address = begin; compareUnsigned(address, end) < 0; address = (address + size) & -size) {
            long pte = table[index];
            long next;
            if (format.isTable(pte, level)) {
                next = (flags & TableVisitor.TABLE_PRE) == 0 ? format.tableAddress(pte, level)
                        : visitor.visit(TableVisitor.TABLE_PRE, table, index, level, address, end);
            } else if ((flags & TableVisitor.LEAF) == 0) {
                next = TableVisitor.SKIP;
            } else {
                next = visitor.visit(TableVisitor.LEAF, table, index, level, address, end);
            }
            if (next == TableVisitor.ABORT) {
                return false;
            }
            if (next != TableVisitor.SKIP && !descend(next, flags, table, index, level, address, end, visitor)) {
                return false;
            }
            index++;
        }
        return true;
    }

    /**
     * The entry loop for a table of pages under an update, the hottest loop there is: the same
     * steps as {@link #walkTable}'s for a leaf, with the visitor's type known so the JIT inlines
     * its visit (through the interface the call sees every visitor, and is never inlined).
     * Level-0 entries are never tables, so there is nothing to walk into.
     */
    private boolean walkPages(long[] table, int index, long begin, long end, UpdateVisitor update) {
        long size = geometry.entrySize(0);
        for (long address = begin; compareUnsigned(address, end) < 0; address = (address + size) & -size) {
            if (update.visit(TableVisitor.LEAF, table, index, 0, address, end) == TableVisitor.ABORT) {
                return false;
            }
            index++;
        }
        return true;
    }

    /** {@link #walkPages(long[], int, long, long, UpdateVisitor)} for get-mode, the other walk run per constituent. */
    private boolean walkPages(long[] table, int index, long begin, long end, ModeVisitor mode) {
        long size = geometry.entrySize(0);
        for (long address = begin; compareUnsigned(address, end) < 0; address = (address + size) & -size) {
            if (mode.visit(TableVisitor.LEAF, table, index, 0, address, end) == TableVisitor.ABORT) {
                return false;
            }
            index++;
        }
        return true;
    }

    /** Walks the table at {@code next} below entry {@code index}, then makes the after-table visit. */
    private boolean descend(long next, int flags, long[] table, int index, int level, long address, long end,
            TableVisitor visitor) {
        if (!walkTable(next, level - 1, address, end, visitor)) {
            return false;
        }
        return (flags & TableVisitor.TABLE_POST) == 0
                || visitor.visit(TableVisitor.TABLE_POST, table, index, level, address, end) != TableVisitor.ABORT;
    }
}
