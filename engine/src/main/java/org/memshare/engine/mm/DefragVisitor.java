package org.memshare.engine.mm;

import static org.memshare.api.addr.Addresses.ENTRIES_PER_TABLE;

import org.memshare.api.arch.PageTableFormat;
import org.memshare.api.pool.PagePool;

/**
 * Merges tables bottom up: after a table's own tables were merged, a table whose entries are all
 * absent becomes an absent entry, and one whose entries are all blocks with equal attributes
 * becomes one block where the level allows, the table going back to the pool.
 *
 * <p>In incremental mode it walks only into tables marked changed. That gives exactly what the
 * full walk gives: a full walk leaves every table it keeps unmergeable (it merges bottom up), so
 * a table whose subtree no write touched since the last defrag is still unmergeable and the full
 * walk would neither change nor free anything in it. The changed tables are visited in the same
 * order as the full walk visits them, so tables go back to the pool in the same order. It finds
 * them through the changed children each table notes ({@link TableVisitor#CHANGED_CHILDREN}),
 * without looking at the other entries.
 */
final class DefragVisitor implements TableVisitor {
    private final PageTableFormat format;
    private final TableMemory memory;
    private final EntryWriter writer;
    private boolean full;
    private PagePool pool;

    DefragVisitor(PageTableFormat format, TableMemory memory, EntryWriter writer) {
        this.format = format;
        this.memory = memory;
        this.writer = writer;
    }

    /** Sets up the next walk: {@code full} walks into every table, else only into changed ones. */
    DefragVisitor reset(boolean full, PagePool pool) {
        this.full = full;
        this.pool = pool;
        return this;
    }

    void clear() {
        pool = null;
    }

    @Override
    public int flags() {
        return full ? TABLE_PRE | TABLE_POST : TABLE_PRE | TABLE_POST | CHANGED_CHILDREN;
    }

    @Override
    public long visit(int flag, long[] table, int index, int level, long address, long end) {
        long entry = table[index];
        long tablePa = format.tableAddress(entry, level);
        if (flag == TABLE_PRE) {
            return full || memory.isChanged(tablePa) ? tablePa : SKIP;
        }
        // Every changed table under this one was visited, and a defrag makes no tables.
        memory.setChanged(tablePa, false);
        memory.clearChangedChildren(tablePa);
        long merged = merged(entry, level, memory.table(tablePa));
        if (merged != entry) {
            writer.writeMerged(table, index, level, address, merged, pool);
        }
        return 0;
    }

    /** Whether every entry of {@code table} is {@code first}, bit for bit (one pass without a branch per entry). */
    private static boolean allEqual(long[] table, long first) {
        long differ = 0;
        for (long pte : table) {
            differ |= pte ^ first;
        }
        return differ == 0;
    }

    /**
     * The entry that replaces table entry {@code entry} at {@code level}, or {@code entry}
     * itself if its table cannot merge. Every entry is checked: the seed skipped entry 0, and so
     * merged a table whose first entry was a table into a block on the fake arch.
     */
    private long merged(long entry, int level, long[] table) {
        int below = level - 1;
        long first = table[0];
        if (table[1] == first && allEqual(table, first)) {
            // 512 copies of one entry (a table emptied, say): the entry decides for all, and a
            // loop of plain comparisons, with no format call, has shown it. (Blocks differ
            // in their addresses, so a table of blocks fails at entry 1 and is checked below.)
            if (!format.isPresent(first, below)) {
                return format.absentPte(level);
            }
            return format.isBlock(first, below) && format.isBlockAllowed(level)
                    ? format.blockPte(level, format.blockAddress(first, below),
                            format.combineTableEntryAttrs(format.attrs(entry, level), format.attrs(first, below)))
                    : entry;
        }
        if (!format.isPresent(first, below)) {
            for (int k = 1; k < ENTRIES_PER_TABLE; k++) {
                if (format.isPresent(table[k], below)) {
                    return entry;
                }
            }
            return format.absentPte(level);
        }
        if (!format.isBlock(first, below)) {
            return entry;
        }
        long attrs = format.attrs(first, below);
        // Attributes first: where a table does not merge, they are what differs.
        for (int k = 1; k < ENTRIES_PER_TABLE; k++) {
            long pte = table[k];
            if (format.attrs(pte, below) != attrs || !format.isPresent(pte, below) || !format.isBlock(pte, below)) {
                return entry;
            }
        }
        if (!format.isBlockAllowed(level)) {
            return entry;
        }
        return format.blockPte(level, format.blockAddress(first, below),
                format.combineTableEntryAttrs(format.attrs(entry, level), attrs));
    }
}
