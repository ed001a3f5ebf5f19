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
 *
 * <p>The tables it went through also let the next walk start below the root ({@link #walkFrom}):
 * a sharing operation walks dozens of small ranges that lie in the same few tables of pages, and
 * the way down to them is the same each time until an entry above level 0 is written.
 */
final class Walker {
    private final PageTableFormat format;
    private final Geometry geometry;
    private final TableSource source;
    private final long root;
    /** Where the changed marks are kept, for a walk whose visits write; null for read-only walks. */
    private final TableMemory marks;
    private final int top;
    /** {@code path[level]}: the address of the table the walk is in at {@code level}. */
    private final long[] path;
    /** {@code pathTables[level]}: that table's entries. */
    private final long[][] pathTables;
    /** {@code pathBase[level]}: the first address of that table's span. */
    private final long[] pathBase;
    /** {@code pathIndex[level]}: the entry of that table the walk last went down through. */
    private final int[] pathIndex;
    /**
     * {@code pathChanged[level]}: that table is known to be marked changed (read at its first
     * write). Only a defrag clears marks, so this holds until the next one ({@link #forgetMarks}).
     */
    private final boolean[] pathChanged;
    /**
     * {@code path[floor..top]} are tables each of which lies under an entry of the next one up, as
     * the tables are now: the walk entered them in that order, and no entry above level
     * {@code floor} has been written since ({@link #entryWritten}). {@code top + 1} when none is.
     */
    private int floor;

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
        this.top = geometry.maxLevel();
        this.path = new long[top + 1];
        this.pathTables = new long[top + 1][];
        this.pathBase = new long[top + 1];
        this.pathIndex = new int[top + 1];
        this.pathChanged = new boolean[top + 1];
        this.floor = top + 1;
    }

    /**
     * Marks the table the walk is in at {@code level} and every table above it as changed, each
     * noted as a changed child of its parent. A changed table's parent is always changed too, so
     * the climb stops at the first table already marked; the marks of the walk's path are at
     * hand, so a write into a table already marked costs no look-up.
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
        for (int l = level; l <= top && !pathChanged[l]; l++) {
            pathChanged[l] = true;
            if (marks.isChanged(path[l])) {
                return;
            }
            marks.setChanged(path[l], true);
            if (l < top) {
                marks.setChildChanged(path[l + 1], pathIndex[l + 1]);
            }
        }
    }

    /** Notes that entry {@code index} of the table the walk is in at {@code level} now points at a table marked changed. */
    void markChildChanged(int level, int index) {
        marks.setChildChanged(path[level], index);
    }

    /**
     * Tells the walker that an entry of the table it is in at {@code level} was written: the
     * tables it went through below that level may no longer be under it.
     */
    void entryWritten(int level) {
        if (level > 0 && floor < level) {
            floor = level;
        }
    }

    /** Forgets which tables are known to be marked changed: a defrag has just cleared marks. */
    void forgetMarks() {
        java.util.Arrays.fill(pathChanged, false);
    }

    /** Forgets the tables the last walk went through, so the next walk starts at the root (for tests). */
    void forgetPath() {
        floor = top + 1;
    }

    /**
     * Walks {@code [begin, end)} across the root tables; the caller has normalised the range to
     * lie inside the address space.
     *
     * @return false if a visitor aborted
     */
    boolean walk(long begin, long end, TableVisitor visitor) {
        int flags = visitor.flags();
        for (long next = begin; compareUnsigned(next, end) < 0; next = geometry.nextEntry(next, top + 1)) {
            long tablePa = geometry.rootTableFor(root, next);
            if (!walkEntries(source.table(tablePa), tablePa, top, next, end, visitor, flags)) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@link #walk}, for a visitor that at a table entry whose span holds the rest of the range
     * but is not all of it does nothing but go into the table (an update, get-mode), down to
     * level {@code lowest}, and at such an entry of level {@code lowest} does nothing at all.
     * Such a walk may start at the lowest table of the last walk's path, at {@code lowest} or
     * above, whose span holds the range without being the range, and visits and writes exactly
     * what the walk from the root would; if that table is at {@code lowest} and the range lies
     * inside one of its table entries, there is nothing to do.
     *
     * @param lowest 0, or 1 for a prepare, which does not go into tables of pages
     */
    boolean walkFrom(long begin, long end, TableVisitor visitor, int lowest) {
        if (compareUnsigned(begin, end) < 0) {
            for (int level = Math.max(floor, lowest); level <= top; level++) {
                long offset = begin - pathBase[level];
                long span = geometry.entrySize(level + 1);
                long last = end - pathBase[level];
                if (compareUnsigned(offset, span) < 0 && last != 0 && compareUnsigned(last, span) <= 0
                        && (offset != 0 || last != span || level == top)) {
                    if (level == lowest && lowest > 0 && insideTableEntry(level, begin, end)) {
                        return true;
                    }
                    return walkEntries(pathTables[level], path[level], level, begin, end, visitor, visitor.flags());
                }
            }
        }
        return walk(begin, end, visitor);
    }

    /** Whether {@code [begin, end)} lies inside one table entry of the path's table at {@code level}, without being all of it. */
    private boolean insideTableEntry(int level, long begin, long end) {
        long size = geometry.entrySize(level);
        long entryBegin = begin & -size;
        long last = end - entryBegin;
        return compareUnsigned(last, size) <= 0 && (begin != entryBegin || last != size)
                && format.isTable(pathTables[level][geometry.index(begin, level)], level);
    }

    /**
     * Walks the part of {@code [begin, end)} that lies in the table at {@code tablePa}, whose
     * entries are at {@code level} and whose span holds {@code begin}.
     *
     * @return false if a visitor aborted
     */
    boolean walkTable(long tablePa, int level, long begin, long end, TableVisitor visitor) {
        return walkEntries(source.table(tablePa), tablePa, level, begin, end, visitor, visitor.flags());
    }

    private boolean walkEntries(long[] table, long tablePa, int level, long begin, long end, TableVisitor visitor,
            int flags) {
        if (path[level] != tablePa) {
            pathChanged[level] = false; // not yet known to be marked: see markChangedFrom
        }
        path[level] = tablePa;
        pathTables[level] = table;
        pathBase[level] = begin & -geometry.entrySize(level + 1);
        floor = level;
        long tableEnd = geometry.tableEnd(begin, level);
        if (compareUnsigned(end, tableEnd) > 0) {
            end = tableEnd;
        }
        if (level == 0 && (flags & TableVisitor.LEAF) == 0) {
            // Level-0 entries are pages, never tables: a walk that visits no leaves has nothing
            // to do in their table (a defrag's walk into a changed table of pages, say).
            return true;
        }
        int index = geometry.index(begin, level);
        if ((flags & TableVisitor.CHANGED_CHILDREN) != 0) {
            return walkChangedChildren(table, tablePa, index, level, begin, end, visitor, flags);
        }
        // The two walks run per constituent of a share loop over their pages themselves, so the
        // JIT can inline each page's visit (see UpdateVisitor.visitPages).
        if (level == 0 && visitor instanceof UpdateVisitor update) {
            return update.visitPages(table, index, begin, end);
        }
        if (level == 0 && visitor instanceof ModeVisitor mode) {
            return mode.visitPages(table, index, begin, end);
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
     * The entry loop for a visitor of changed tables only ({@link TableVisitor#CHANGED_CHILDREN}):
     * the entries noted as changed children, in address order, those that are tables visited as
     * {@link #walkEntries} visits them. A defrag of a table with a few changed tables under it
     * looks at those few entries instead of all 512.
     */
    private boolean walkChangedChildren(long[] table, long tablePa, int first, int level, long begin, long end,
            TableVisitor visitor, int flags) {
        long[] notes = marks.changedChildren(tablePa);
        int offset = TableMemory.changedChildrenOffset(tablePa);
        long size = geometry.entrySize(level);
        long base = pathBase[level];
        for (int w = first >>> 6; w < table.length >>> 6; w++) {
            // Read a word at a time: a visit may note no new child here (a defrag makes no tables).
            long word = notes[offset + w];
            if (w == first >>> 6) {
                word &= -1L << first;
            }
            for (; word != 0; word &= word - 1) {
                int index = (w << 6) + Long.numberOfTrailingZeros(word);
                long address = index == first ? begin : base + index * size;
                if (compareUnsigned(address, end) >= 0) {
                    return true;
                }
                long pte = table[index];
                if (!format.isTable(pte, level)) {
                    continue;
                }
                long next = visitor.visit(TableVisitor.TABLE_PRE, table, index, level, address, end);
                if (next == TableVisitor.ABORT) {
                    return false;
                }
                if (next != TableVisitor.SKIP && !descend(next, flags, table, index, level, address, end, visitor)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Walks the table at {@code next} below entry {@code index}, then makes the after-table visit. */
    private boolean descend(long next, int flags, long[] table, int index, int level, long address, long end,
            TableVisitor visitor) {
        pathIndex[level] = index;
        // A table's address always names the same entries, so the path's table there needs no look-up.
        long[] below = path[level - 1] == next && pathTables[level - 1] != null ? pathTables[level - 1] : source.table(next);
        if (!walkEntries(below, next, level - 1, address, end, visitor, flags)) {
            return false;
        }
        return (flags & TableVisitor.TABLE_POST) == 0
                || visitor.visit(TableVisitor.TABLE_POST, table, index, level, address, end) != TableVisitor.ABORT;
    }
}
