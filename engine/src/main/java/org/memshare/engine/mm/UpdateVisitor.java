package org.memshare.engine.mm;

import org.memshare.api.addr.Addresses;
import org.memshare.api.arch.PageTableFormat;
import org.memshare.api.pool.PagePool;

/**
 * Map or unmap as prepare or commit: where the range cuts an entry it makes the entry a table
 * (splitting a block into an equivalent table), and at commit it replaces whole entries. Aborts
 * when the pool runs out, leaving the tables it already added.
 */
final class UpdateVisitor implements TableVisitor {
    private final PageTableFormat format;
    private final Geometry geometry;
    private final TableMemory memory;
    private final EntryWriter writer;

    private long attrs;
    private boolean unmap;
    private boolean commit;
    private PagePool pool;
    /** Tables this walk took from the pool, for the reason of a walk that ran out. */
    private long allocated;

    UpdateVisitor(PageTableFormat format, Geometry geometry, TableMemory memory, EntryWriter writer) {
        this.format = format;
        this.geometry = geometry;
        this.memory = memory;
        this.writer = writer;
    }

    /** Sets up the next walk. */
    UpdateVisitor reset(long attrs, boolean unmap, boolean commit, PagePool pool) {
        this.attrs = attrs;
        this.unmap = unmap;
        this.commit = commit;
        this.pool = pool;
        this.allocated = 0;
        return this;
    }

    /** How many tables the last walk took from the pool. */
    long allocated() {
        return allocated;
    }

    /** Drops the reference to the pool once the walk is over. */
    void clear() {
        pool = null;
    }

    @Override
    public int flags() {
        return LEAF | TABLE_PRE;
    }

    @Override
    public long visit(int flag, long[] table, int index, int level, long address, long end) {
        long pte = table[index];
        int step = UpdateStep.decide(format, geometry, pte, level, address, end, attrs, unmap);
        if (step == UpdateStep.KEEP) {
            return SKIP;
        }
        if (step == UpdateStep.REPLACE) {
            if (commit) {
                replace(table, index, level, address);
            }
            return SKIP;
        }
        long subtablePa = flag == TABLE_PRE ? format.tableAddress(pte, level) : split(table, index, level, address, pte);
        // Entries at level 0 are pages, never tables: a prepare has nothing to allocate in a
        // table of them, so it need not walk one (at commit every page is written).
        return !commit && level == 1 && subtablePa != ABORT ? SKIP : subtablePa;
    }

    /**
     * The leaf visits of a table of pages, entries from {@code index} over {@code [begin, end)}
     * (clipped to the table): what {@link #visit} does for each, in a loop of this class's own.
     * The walk calls this once per table of pages rather than {@link #visit} once per page:
     * compiled on its own, {@link #visit} is too big for the JIT to inline into the walk's loop,
     * so each page cost a call; here the page's steps are inlined into the loop.
     *
     * @return false if a visit aborted
     */
    boolean visitPages(long[] table, int index, long begin, long end) {
        long size = geometry.entrySize(0);
        boolean marked = false;
        // An update's range is whole pages (its begin loses the page offset, its end is rounded
        // up), so each page is covered whole and the decision needs no range arithmetic.
        boolean wholePages = ((begin | end) & (size - 1)) == 0;
        // A counted loop: one page per entry from begin's to (end - 1)'s, all in this table.
        int stop = index + pageCount(begin, end);
        for (long address = begin; index < stop; address = (address + size) & -size) {
            int step = wholePages ? UpdateStep.decideWhole(format, table[index], 0, attrs, unmap)
                    : UpdateStep.decide(format, geometry, table[index], 0, address, end, attrs, unmap);
            if (step == UpdateStep.REPLACE) {
                if (commit) {
                    if (!marked) {
                        writer.markPagesChanged();
                        marked = true;
                    }
                    writer.writePage(table, index, address, unmap ? format.absentPte(0) : format.blockPte(0, address, attrs),
                            pool);
                }
            } else if (step == UpdateStep.DESCEND && visit(LEAF, table, index, 0, address, end) == ABORT) {
                // A page the range cuts, or a format with no blocks at level 0: visit's own way.
                return false;
            }
            index++;
        }
        return true;
    }

    /** How many pages {@code [begin, end)} touches (begin below end, unsigned, both in one table of pages). */
    static int pageCount(long begin, long end) {
        return (int) (((end - 1) >>> Addresses.PAGE_BITS) - (begin >>> Addresses.PAGE_BITS)) + 1;
    }

    // The two writes live in their own methods, so the per-entry decision above stays small
    // enough for the JIT to inline into the walk.

    private void replace(long[] table, int index, int level, long address) {
        long replacement = unmap ? format.absentPte(level) : format.blockPte(level, address, attrs);
        writer.write(table, index, level, address, replacement, pool);
    }

    /**
     * Puts a new table under a leaf, equivalent to it; the table's address, or ABORT if the pool
     * is empty or the table memory has no room for another table (the page then goes back to the
     * pool, and the walk fails as if the pool had run out).
     */
    private long split(long[] table, int index, int level, long address, long pte) {
        long subtablePa = pool.alloc();
        if (subtablePa == PagePool.NO_ENTRY) {
            return ABORT;
        }
        long[] entries = memory.newTable(subtablePa);
        if (entries == null) {
            pool.free(subtablePa);
            return ABORT;
        }
        allocated++;
        UpdateStep.fillSplit(format, geometry, entries, pte, level);
        writer.write(table, index, level, address, format.tablePte(level, subtablePa), pool);
        return subtablePa;
    }
}
