package org.memshare.engine.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.memshare.api.mode.Mode;

/** {@link PageTable#defrag}: the defrag cases of Hafnium's {@code mm_test.cc} and the DESIGN correction to merging. */
class PageTableDefragTest extends PageTableTestSupport {

    /** mm_test defrag_empty: defragmenting an empty table changes nothing. */
    @Test
    void defragOfEmptyTableChangesNothing() {
        List<String> before = dump();
        table.defrag(pool);
        assertEverythingAbsent();
        assertUnchangedSince(before);
        assertEquals(HEAP_PAGES - ROOT_TABLES, pool.freeCount());
    }

    /** mm_test defrag_empty_subtables: tables left empty by unmapping, nested ones too, are removed and freed. */
    @Test
    void defragRemovesEmptySubtables() {
        long l0Begin = 120000 * PAGE;
        long l1Begin = 3 * entrySize(1);
        assertTrue(map(l0Begin, l0Begin + PAGE, 0));
        assertTrue(map(l1Begin, l1Begin + 5 * entrySize(1), 0));
        assertTrue(unmap(l0Begin, l0Begin + PAGE));
        assertTrue(unmap(l1Begin, l1Begin + 5 * entrySize(1)));
        assertTrue(pool.freeCount() < HEAP_PAGES - ROOT_TABLES, "the empty tables are still held");

        table.defrag(pool);

        assertEverythingAbsent();
        assertEquals(HEAP_PAGES - ROOT_TABLES, pool.freeCount(), "every emptied table went back to the pool");
    }

    /**
     * mm_test defrag_block_subtables: tables whose entries are all blocks of one mode become a
     * single block, bottom up, so the whole space is top-level blocks again.
     */
    @Test
    void defragMergesTablesOfEqualBlocksIntoOneBlock() {
        long begin = 39456 * entrySize(1);
        long middle = begin + 67 * PAGE;
        long end = begin + 4 * entrySize(1);
        assertTrue(map(0, VM_MEM_END, 0));
        assertTrue(unmap(begin, end));
        assertTrue(map(begin, middle, 0));
        assertTrue(map(middle, end, 0));

        table.defrag(pool);

        assertEveryRootEntryIsATopLevelBlock(0);
        assertEquals(HEAP_PAGES - ROOT_TABLES, pool.freeCount());
    }

    /** A subtable at entry 0 that itself merges into a block lets its parent merge too. */
    @Test
    void defragMergesBottomUpThroughTheFirstEntry() {
        int mode = Mode.R | Mode.W;
        assertTrue(map(0, VM_MEM_END, mode));
        assertTrue(unmap(0, PAGE));
        assertTrue(map(0, PAGE, mode));
        assertTrue(FORMAT.isTable(below(root(0)[0], TOP_LEVEL)[0], 1), "entry 0 of the level-1 table is a table");

        table.defrag(pool);

        assertEveryRootEntryIsATopLevelBlock(mode);
        assertEquals(HEAP_PAGES - ROOT_TABLES, pool.freeCount());
    }

    /** A table whose blocks differ in mode is kept, entries untouched. */
    @Test
    void defragKeepsTablesWhoseBlocksDifferInMode() {
        assertTrue(map(0, VM_MEM_END, 0));
        assertTrue(map(entrySize(1), 2 * entrySize(1), Mode.R));
        List<String> before = dump();

        table.defrag(pool);

        assertUnchangedSince(before);
        long[] level1 = below(root(0)[0], TOP_LEVEL);
        assertBlock(level1[0], 1, 0, 0);
        assertBlock(level1[1], 1, entrySize(1), Mode.R);
        assertBlock(level1[2], 1, 2 * entrySize(1), 0);
        assertEquals(HEAP_PAGES - ROOT_TABLES - 1, pool.freeCount());
    }

    /** A table that is partly mapped and partly absent is kept. */
    @Test
    void defragKeepsPartlyMappedTables() {
        long page = 0x40_0000_0000L;
        assertTrue(map(page, page + PAGE, 0));
        List<String> before = dump();

        table.defrag(pool);

        assertUnchangedSince(before);
        assertExactlyPagesMapped(0, page);
        assertEquals(HEAP_PAGES - ROOT_TABLES - 2, pool.freeCount());
    }

    /**
     * DESIGN correction 2: every entry of a table, entry 0 included, must be a block with the
     * common attributes before the table merges. Here the level-1 table's entry 0 stays a
     * subtable (its pages differ in mode) while entries 1 to 511 are equal blocks; the seed,
     * checking "is a block" for entries 1 to 511 only, merged it into one block built from the
     * subtable's entry (a wrong address and mode), so page 0 lost its own mode. Corrected: kept.
     */
    @Test
    void defragNeverMergesATableWhoseFirstEntryIsASubtable() {
        assertTrue(map(0, VM_MEM_END, 0));
        assertTrue(map(0, PAGE, Mode.R));
        List<String> before = dump();

        table.defrag(pool);

        assertUnchangedSince(before); // nothing in this table can be merged
        long[] level1 = below(root(0)[0], TOP_LEVEL);
        long[] level0 = below(level1[0], 1);
        assertBlock(level0[0], 0, 0, Mode.R);
        assertBlock(level0[1], 0, PAGE, 0);
        for (int k = 1; k < ENTRIES; k++) {
            assertBlock(level1[k], 1, k * entrySize(1), 0);
        }
        assertEquals(OptionalInt.of(Mode.R), modeOf(0, PAGE));
        assertEquals(OptionalInt.of(0), modeOf(PAGE, VM_MEM_END));
        assertEquals(HEAP_PAGES - ROOT_TABLES - 2, pool.freeCount());
    }
}
