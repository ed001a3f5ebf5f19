package org.memshare.engine.mm;

import static org.memshare.api.addr.Addresses.ENTRIES_PER_TABLE;
import static org.memshare.api.addr.Addresses.PAGE_SIZE;

/**
 * Table memory as a dry run sees it: the real tables, plus one scratch table per level standing
 * for a table the real walk would allocate there. A depth-first walk needs at most one new table
 * per level at a time, so the scratch tables are reused. A scratch table's address is its level
 * plus one, which no page-aligned table address can equal.
 */
final class ScratchTables implements TableSource {
    private final TableSource memory;
    private final long[][] scratch;

    ScratchTables(TableSource memory, int maxLevel) {
        this.memory = memory;
        this.scratch = new long[maxLevel + 1][ENTRIES_PER_TABLE];
    }

    /** The address under which the scratch table at {@code level} is read. */
    static long addressOf(int level) {
        return level + 1;
    }

    /** The scratch table at {@code level}, to be filled before the walk reads it. */
    long[] scratch(int level) {
        return scratch[level];
    }

    @Override
    public long[] table(long tablePa) {
        return (tablePa & (PAGE_SIZE - 1)) != 0 ? scratch[(int) tablePa - 1] : memory.table(tablePa);
    }
}
