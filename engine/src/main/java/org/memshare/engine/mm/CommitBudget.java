package org.memshare.engine.mm;

import org.memshare.api.arch.PageTableFormat;

/**
 * A dry run of a commit walk that changes nothing: it makes the walk's decisions on the real
 * tables, and on scratch tables standing for the tables the walk would create, counting the
 * tables the walk would allocate and free, in walk order, against what the pool holds. It
 * aborts at the first allocation the pool could not supply.
 */
final class CommitBudget implements TableVisitor {
    private final PageTableFormat format;
    private final Geometry geometry;
    private final ScratchTables scratch;
    private final Walker subtreeWalker;
    private final TableCounter counter;

    private long attrs;
    private boolean unmap;
    private long available;
    private long allocations;

    CommitBudget(PageTableFormat format, Geometry geometry, ScratchTables scratch, Walker subtreeWalker) {
        this.format = format;
        this.geometry = geometry;
        this.scratch = scratch;
        this.subtreeWalker = subtreeWalker;
        this.counter = new TableCounter();
    }

    /** Sets up the next dry run against a pool holding {@code available} entries. */
    CommitBudget reset(long attrs, boolean unmap, long available) {
        this.attrs = attrs;
        this.unmap = unmap;
        this.available = available;
        this.allocations = 0;
        return this;
    }

    /** How many tables the last dry run's walk allocated (tables freed earlier in it included). */
    long allocations() {
        return allocations;
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
            if (flag == TABLE_PRE) {
                // Scratch tables hold no table entries, so this is a real table.
                available += counter.tablesUnder(pte, level, address);
            }
            return SKIP;
        }
        if (flag == TABLE_PRE) {
            return format.tableAddress(pte, level);
        }
        if (available == 0) {
            return ABORT;
        }
        available--;
        allocations++;
        UpdateStep.fillSplit(format, geometry, scratch.scratch(level - 1), pte, level);
        return ScratchTables.addressOf(level - 1);
    }

    /** Counts the tables under a table entry, that table included. */
    private final class TableCounter implements TableVisitor {
        private long count;

        long tablesUnder(long pte, int level, long address) {
            count = 1;
            long size = geometry.entrySize(level);
            long entryBegin = address & -size;
            subtreeWalker.walkTable(format.tableAddress(pte, level), level - 1, entryBegin, entryBegin + size, this);
            return count;
        }

        @Override
        public int flags() {
            return TABLE_PRE;
        }

        @Override
        public long visit(int flag, long[] table, int index, int level, long address, long end) {
            count++;
            return format.tableAddress(table[index], level);
        }
    }
}
