package org.memshare.engine.mm;

import org.memshare.api.addr.IntermediatePhysicalAddress;
import org.memshare.api.addr.VirtualAddress;
import org.memshare.api.arch.PageTableFormat;
import org.memshare.api.arch.Stage;
import org.memshare.api.arch.TlbMaintenance;
import org.memshare.api.pool.PagePool;

/**
 * The one place where a page table's live entries change. A write does, in order:
 * break-before-make when a valid entry replaces a valid one (write absent, invalidate the TLB over
 * the old entry's whole range, then write), the write, the changed marks that the incremental
 * defrag follows, and the freeing of every table the old entry pointed at.
 *
 * <p>Hafnium invalidates from the walk's current address for one entry size, which misses the
 * start of an entry that the walk entered part way; the entry's own range is invalidated here,
 * as DESIGN.md asks (no trace output depends on it).
 */
final class EntryWriter {
    private final PageTableFormat format;
    private final Geometry geometry;
    private final Stage stage;
    private final TableMemory memory;
    private final TlbMaintenance tlb;
    private final int vmId;
    /** The walk whose entries are written: it knows the tables above the one being written. */
    private final Walker walker;
    /** A second walker for freeing the tables under a replaced entry, from inside a visit. */
    private final Walker subtreeWalker;
    private final FreeVisitor freeVisitor;

    EntryWriter(PageTableFormat format, Geometry geometry, Stage stage, TableMemory memory, TlbMaintenance tlb,
            int vmId, Walker walker, Walker subtreeWalker) {
        this.format = format;
        this.geometry = geometry;
        this.stage = stage;
        this.memory = memory;
        this.tlb = tlb;
        this.vmId = vmId;
        this.walker = walker;
        this.subtreeWalker = subtreeWalker;
        this.freeVisitor = new FreeVisitor(format);
    }

    /**
     * Replaces entry {@code index} of {@code table}, the table that {@link #walker} is in at
     * {@code level}, by {@code replacement}; the walk is at {@code address}, inside the entry.
     * Tables under the old entry go to {@code pool}. A new table under {@code replacement} is
     * marked changed, so the next defrag looks at it.
     */
    void write(long[] table, int index, int level, long address, long replacement, PagePool pool) {
        write(table, index, level, address, replacement, pool, false);
    }

    /**
     * {@link #write} of a defrag's merge: the table the old entry points at holds no tables (it
     * merged because its entries are all blocks or all absent), so it goes back to the pool
     * without a walk over its 512 entries looking for tables under it. That rests on the format
     * never calling a table entry a block (the kit's ARCH-6) nor an absent entry a table
     * (ARCH-3): a plugin that breaks them fails the kit, and here would leak the tables under a
     * merged table.
     */
    void writeMerged(long[] table, int index, int level, long address, long replacement, PagePool pool) {
        write(table, index, level, address, replacement, pool, true);
    }

    private void write(long[] table, int index, int level, long address, long replacement, PagePool pool,
            boolean oldTableHoldsNoTables) {
        long old = table[index];
        if (format.isValid(old, level) && format.isValid(replacement, level)) {
            breakBeforeMake(table, index, level, address);
        }
        table[index] = replacement;
        walker.markChanged(level);
        if (level > 0 || format.isTable(replacement, level) || format.isTable(old, level)) {
            tableEntryWritten(index, level, address, old, replacement, pool, oldTableHoldsNoTables);
        }
    }

    /**
     * {@link #write} of a page (a level-0 entry), for the loop over a table's pages
     * ({@link UpdateVisitor#visitPages}): the same steps, in a method that stays small whatever
     * the JIT made of {@link #write} (compiled on its own for the writes above level 0, it grows
     * past what the JIT inlines into a loop, and each page would cost a call), but for the
     * changed mark: the loop marks the table once ({@link #markPagesChanged}) before its first
     * write.
     */
    void writePage(long[] table, int index, long address, long replacement, PagePool pool) {
        long old = table[index];
        if (format.isTable(replacement, 0) || format.isTable(old, 0)) {
            write(table, index, 0, address, replacement, pool); // no format makes pages tables; if one did
            return;
        }
        if (format.isValid(old, 0) && format.isValid(replacement, 0)) {
            breakBeforeMake(table, index, 0, address);
        }
        table[index] = replacement;
    }

    /** Marks the table of pages the walk is in, and the tables above it, as changed: {@link #writePage}'s mark. */
    void markPagesChanged() {
        walker.markChanged(0);
    }

    // The steps a page's write does not take live in their own methods.

    /** Writes the entry absent and invalidates the TLB over the whole entry, before a valid entry replaces a valid one. */
    private void breakBeforeMake(long[] table, int index, int level, long address) {
        table[index] = format.absentPte(level);
        long size = geometry.entrySize(level);
        long entryBegin = address & -size;
        invalidate(entryBegin, entryBegin + size);
    }

    /** The bookkeeping of a write above level 0: the walk's path, a new table's marks, the old tables freed. */
    private void tableEntryWritten(int index, int level, long address, long old, long replacement, PagePool pool,
            boolean oldTableHoldsNoTables) {
        walker.entryWritten(level);
        if (format.isTable(replacement, level)) {
            long tablePa = format.tableAddress(replacement, level);
            memory.setChanged(tablePa, true);
            // The page may have been a table before: what it noted then means nothing now.
            memory.clearChangedChildren(tablePa);
            walker.markChildChanged(level, index);
        }
        if (format.isTable(old, level)) {
            if (oldTableHoldsNoTables) {
                pool.free(format.tableAddress(old, level));
            } else {
                freeTables(old, level, address & -geometry.entrySize(level), pool);
            }
        }
    }

    /** Returns to {@code pool} the table {@code pte} points at and all below it, children first. */
    void freeTables(long pte, int level, long entryBegin, PagePool pool) {
        long tablePa = format.tableAddress(pte, level);
        if (level == 1) {
            // A table of level-0 entries has no tables under it: no need to walk it.
            pool.free(tablePa);
            return;
        }
        freeVisitor.pool = pool;
        subtreeWalker.walkTable(tablePa, level - 1, entryBegin, entryBegin + geometry.entrySize(level), freeVisitor);
        freeVisitor.pool = null;
        pool.free(tablePa);
    }

    /** Returns to {@code pool} every table under the root tables, children first, as {@code fini} does. */
    void freeAllTables(PagePool pool) {
        freeVisitor.pool = pool;
        subtreeWalker.walk(0, geometry.addressSpaceEnd(), freeVisitor);
        freeVisitor.pool = null;
    }

    /** Invalidates the TLB over {@code [begin, end)} for this table's stage (and VM, at stage 2). */
    void invalidate(long begin, long end) {
        if (stage == Stage.STAGE1) {
            tlb.invalidateStage1(VirtualAddress.of(begin), VirtualAddress.of(end));
        } else {
            tlb.invalidateStage2(vmId, IntermediatePhysicalAddress.of(begin), IntermediatePhysicalAddress.of(end));
        }
    }

    /** Frees each table after the tables under it. */
    private static final class FreeVisitor implements TableVisitor {
        private final PageTableFormat format;
        PagePool pool;

        FreeVisitor(PageTableFormat format) {
            this.format = format;
        }

        @Override
        public int flags() {
            return TABLE_POST;
        }

        @Override
        public long visit(int flag, long[] table, int index, int level, long address, long end) {
            pool.free(format.tableAddress(table[index], level));
            return 0;
        }
    }
}
