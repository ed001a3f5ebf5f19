package org.memshare.engine.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Unmapping with {@link PageTable#unmap}: the unmap cases of Hafnium's {@code mm_test.cc}. */
class PageTableUnmapTest extends PageTableTestSupport {

    /**
     * mm_test vm_unmap_hypervisor_not_mapped: unmapping the hypervisor's text, rodata and data
     * ranges (here three stand-in ranges) from an empty table succeeds and changes nothing.
     */
    @Test
    void unmapOfSeveralRangesInAnEmptyTableChangesNothing() {
        assertTrue(unmap(0x4000_0000L, 0x4008_0000L));
        assertTrue(unmap(0x4008_0000L, 0x400a_3000L));
        assertTrue(unmap(0x400a_3000L, 0x4010_0000L));

        assertEverythingAbsent();
        assertEquals(HEAP_PAGES - ROOT_TABLES, pool.freeCount(), "no table was allocated");
    }

    /** mm_test unmap_not_mapped: unmapping an unmapped, unaligned range succeeds and allocates nothing. */
    @Test
    void unmapOfUnmappedRangeChangesNothing() {
        assertTrue(unmap(12345, 987652));
        assertEverythingAbsent();
        assertEquals(HEAP_PAGES - ROOT_TABLES, pool.freeCount());
    }

    /** mm_test unmap_all: unmapping the whole space leaves empty roots and frees every table. */
    @Test
    void unmapOfWholeSpaceLeavesNoTables() {
        long l0Begin = 524421 * PAGE;
        long l1Begin = 3 * entrySize(1);
        assertTrue(map(l0Begin, l0Begin + 17 * PAGE, 0));
        assertTrue(map(l1Begin, l1Begin + 5 * entrySize(1), 0));
        assertTrue(pool.freeCount() < HEAP_PAGES - ROOT_TABLES);

        assertTrue(unmap(0, VM_MEM_END));

        assertEverythingAbsent();
        assertEquals(HEAP_PAGES - ROOT_TABLES, pool.freeCount());
    }

    /**
     * mm_test unmap_round_to_page: a sub-page unmap range widens to its page; the page becomes
     * absent while the tables on its path stay.
     */
    @Test
    void unmapRoundsToTheContainingPage() {
        long page = 0x160_0000_0000L + PAGE;
        assertTrue(map(page, page + PAGE, 0));

        assertTrue(unmap(page + 93, page + 99));

        assertEquals(2, indexAt(page, 3), "the page is under root table 2");
        assertEquals(384, indexAt(page, 2), "at entry 384");
        assertRootAbsent(0);
        assertRootAbsent(1);
        assertRootAbsent(3);
        long[] level2 = root(2);
        assertAbsent(level2, 0, 384, 2);
        assertAbsent(level2, 385, ENTRIES, 2);
        long[] level1 = below(level2[384], 2);
        assertAbsent(level1, 1, ENTRIES, 1);
        assertAllAbsent(below(level1[0], 1), 0);
        assertFalse(isMapped(page));
    }

    /** mm_test unmap_across_tables: unmapping pages either side of a root boundary leaves absent leaves. */
    @Test
    void unmapAcrossRootTables() {
        long begin = 0x180_0000_0000L - PAGE;
        assertTrue(map(begin, begin + 2 * PAGE, 0));

        assertTrue(unmap(begin, begin + 2 * PAGE));

        assertRootAbsent(0);
        assertRootAbsent(1);

        long[] low2 = root(2);
        assertAbsent(low2, 0, ENTRIES - 1, 2);
        long[] low1 = below(low2[ENTRIES - 1], 2);
        assertAbsent(low1, 0, ENTRIES - 1, 1);
        assertAllAbsent(below(low1[ENTRIES - 1], 1), 0);

        long[] high2 = root(3);
        assertAbsent(high2, 1, ENTRIES, 2);
        long[] high1 = below(high2[0], 2);
        assertAbsent(high1, 1, ENTRIES, 1);
        assertAllAbsent(below(high1[0], 1), 0);
    }

    /** mm_test unmap_out_of_range: unmapping beyond the address space leaves a full mapping intact. */
    @Test
    void unmapBeyondTheAddressSpaceChangesNothing() {
        assertTrue(map(0, VM_MEM_END, 0));
        assertTrue(unmap(VM_MEM_END, 0x4000_0000_0000L));
        assertEveryRootEntryIsATopLevelBlock(0);
    }

    /** mm_test unmap_reverse_range: an end before the begin (in different pages) unmaps nothing. */
    @Test
    void unmapOfReverseRangeChangesNothing() {
        assertTrue(map(0, VM_MEM_END, 0));
        assertTrue(unmap(0x80_a000_0000L, 27));
        assertEveryRootEntryIsATopLevelBlock(0);
        assertEquals(HEAP_PAGES - ROOT_TABLES, pool.freeCount());
    }

    /** mm_test unmap_does_not_defrag: unmapping what was mapped leaves the (now empty) tables in place. */
    @Test
    void unmapDoesNotRemoveEmptyTables() {
        long l0Begin = 5555 * PAGE;
        long l1Begin = 666 * entrySize(1);
        assertTrue(map(l0Begin, l0Begin + 13 * PAGE, 0));
        assertTrue(map(l1Begin, l1Begin + 5 * entrySize(1), 0));
        long freeAfterMapping = pool.freeCount();

        assertTrue(unmap(l0Begin, l0Begin + 13 * PAGE));
        assertTrue(unmap(l1Begin, l1Begin + 5 * entrySize(1)));

        assertTrue(FORMAT.isTable(root(0)[indexAt(l0Begin, 2)], TOP_LEVEL), "the table for the pages stays");
        assertTrue(FORMAT.isTable(root(0)[indexAt(l1Begin, 2)], TOP_LEVEL), "the table for the blocks stays");
        assertAllAbsent(leafTableOf(l0Begin), 0);
        assertEquals(freeAfterMapping, pool.freeCount(), "no table was freed");
        assertEquals(OptionalInt.of(ABSENT_MODE), modeOf(0, VM_MEM_END), "yet nothing is mapped");
    }

    /** Unmapping one page of a full mapping splits the blocks above it and leaves the rest mapped. */
    @Test
    void unmapOfOnePageSplitsBlocksAndKeepsTheRestMapped() {
        long page = 0x123_4567_8000L;
        assertTrue(map(0, VM_MEM_END, 0));

        assertTrue(unmap(page, page + PAGE));

        assertFalse(isMapped(page));
        assertTrue(isMapped(page - PAGE));
        assertTrue(isMapped(page + PAGE));
        assertEquals(OptionalInt.of(0), modeOf(0, page));
        assertEquals(OptionalInt.of(0), modeOf(page + PAGE, VM_MEM_END));
        assertEquals(OptionalInt.empty(), modeOf(0, VM_MEM_END), "the hole makes the whole range mixed");
        assertEquals(HEAP_PAGES - ROOT_TABLES - 2, pool.freeCount());
    }
}
