package org.memshare.engine.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.memshare.api.arch.Stage;
import org.memshare.api.arch.TlbMaintenance;
import org.memshare.api.mode.Mode;
import org.memshare.engine.pool.DefaultPagePool;

/**
 * Creation, mapping and the prepare/commit split of {@link PageTable} on the fake arch: the
 * init, map and prepare_and_commit cases of Hafnium's {@code mm_test.cc}, plus the checked
 * {@code commit}, running out of memory, and block splitting.
 */
class PageTableTest extends PageTableTestSupport {

    // ------------------------------------------------------------ init

    /** mm_test ptable_init_empty / ptable_init_concatenated_empty: a new table is 4 root tables of absent entries. */
    @Test
    void newTableHasFourRootTablesOfAbsentEntries() {
        assertEquals(ROOT_TABLES, table.rootTableCount());
        assertEquals(TOP_LEVEL, table.maxLevel());
        assertEquals(VM_MEM_END, table.addressSpaceEnd());
        assertEverythingAbsent();
        List<String> present = new ArrayList<>();
        table.visit((level, address, pte, kind) -> present.add(level + "@" + address));
        assertEquals(List.of(), present, "nothing is present in a new table");
    }

    /** The 4 concatenated roots are one contiguous run from the pool, aligned to 4 pages. */
    @Test
    void rootTablesAreFourContiguousAlignedPagesFromThePool() {
        assertEquals(HEAP_PAGES - ROOT_TABLES, pool.freeCount());
        assertEquals(0, table.rootAddress() % (ROOT_TABLES * PAGE), "root alignment");
        assertTrue(Long.compareUnsigned(table.rootAddress(), HEAP_BASE) >= 0);
        assertTrue(Long.compareUnsigned(table.rootAddress() + ROOT_TABLES * PAGE, HEAP_BASE + HEAP_PAGES * PAGE) <= 0);
    }

    /** Creating a table fails (empty result) when the pool cannot supply an aligned run of 4 pages. */
    @Test
    void createFailsWhenThePoolCannotSupplyTheRoot() {
        DefaultPagePool small = DefaultPagePool.create(PAGE);
        assertTrue(small.addChunk(HEAP_BASE, 3 * PAGE));
        assertTrue(PageTable.create(FORMAT, Stage.STAGE2, new TableMemory(), TlbMaintenance.NONE, 1, small).isEmpty());
        assertEquals(3, small.freeCount());
    }

    /** Page tables need a pool of page-sized entries. */
    @Test
    void createRejectsAPoolWhoseEntriesAreNotPages() {
        DefaultPagePool wrong = DefaultPagePool.create(16);
        assertTrue(wrong.addChunk(HEAP_BASE, HEAP_PAGES * PAGE));
        assertThrows(IllegalArgumentException.class,
                () -> PageTable.create(FORMAT, Stage.STAGE2, new TableMemory(), TlbMaintenance.NONE, 1, wrong));
    }

    // ------------------------------------------------------------ map

    /** mm_test map_first_page: mapping page 0 allocates one table per level and maps only that page. */
    @Test
    void mapOfFirstPageAllocatesOneTablePerLevel() {
        assertTrue(map(0, PAGE, 0));

        assertRootAbsent(1);
        assertRootAbsent(2);
        assertRootAbsent(3);
        long[] level2 = root(0);
        assertAbsent(level2, 1, ENTRIES, 2);
        long[] level1 = below(level2[0], 2);
        assertAbsent(level1, 1, ENTRIES, 1);
        long[] level0 = below(level1[0], 1);
        assertAbsent(level0, 1, ENTRIES, 0);
        assertBlock(level0[0], 0, 0, 0);

        assertEquals(HEAP_PAGES - ROOT_TABLES - 2, pool.freeCount(), "one level-1 and one level-0 table");
    }

    /** mm_test map_round_to_page: begin rounds down and end up to pages, mapping the last page of the space. */
    @Test
    void mapRoundsBeginDownAndEndUpToPages() {
        long begin = VM_MEM_END - PAGE + 23;
        assertTrue(map(begin, begin + 268, 0));

        long lastPage = VM_MEM_END - PAGE;
        assertRootAbsent(0);
        assertRootAbsent(1);
        assertRootAbsent(2);
        long[] level2 = root(3);
        assertAbsent(level2, 0, ENTRIES - 1, 2);
        long[] level1 = below(level2[ENTRIES - 1], 2);
        assertAbsent(level1, 0, ENTRIES - 1, 1);
        long[] level0 = below(level1[ENTRIES - 1], 1);
        assertAbsent(level0, 0, ENTRIES - 1, 0);
        assertBlock(level0[ENTRIES - 1], 0, lastPage, 0);
    }

    /** mm_test map_across_tables: two pages either side of the boundary between root tables 0 and 1. */
    @Test
    void mapAcrossRootTablesMapsTheLastPageOfOneAndTheFirstOfTheNext() {
        long begin = 0x80_0000_0000L - PAGE;
        assertTrue(map(begin, begin + 2 * PAGE, 0));

        assertRootAbsent(2);
        assertRootAbsent(3);

        long[] first2 = root(0);
        assertAbsent(first2, 0, ENTRIES - 1, 2);
        long[] first1 = below(first2[ENTRIES - 1], 2);
        assertAbsent(first1, 0, ENTRIES - 1, 1);
        long[] first0 = below(first1[ENTRIES - 1], 1);
        assertAbsent(first0, 0, ENTRIES - 1, 0);
        assertBlock(first0[ENTRIES - 1], 0, begin, 0);

        long[] second2 = root(1);
        assertAbsent(second2, 1, ENTRIES, 2);
        long[] second1 = below(second2[0], 2);
        assertAbsent(second1, 1, ENTRIES, 1);
        long[] second0 = below(second1[0], 1);
        assertAbsent(second0, 1, ENTRIES, 0);
        assertBlock(second0[0], 0, begin + PAGE, 0);

        assertEquals(HEAP_PAGES - ROOT_TABLES - 4, pool.freeCount(), "two tables under each root");
    }

    /** mm_test map_all_at_top_level: mapping the whole space uses only top-level blocks at their own addresses. */
    @Test
    void mapOfWholeSpaceUsesOnlyTopLevelBlocks() {
        assertTrue(map(0, VM_MEM_END, 0));

        assertEveryRootEntryIsATopLevelBlock(0);
        assertEquals(HEAP_PAGES - ROOT_TABLES, pool.freeCount(), "no table below the roots");
    }

    /** Top-level blocks carry the mapped mode's attributes, whatever the mode. */
    @Test
    void mapOfWholeSpaceCarriesTheMode() {
        int mode = Mode.R | Mode.X | Mode.SHARED;
        assertTrue(map(0, VM_MEM_END, mode));
        assertEveryRootEntryIsATopLevelBlock(mode);
        assertEquals(OptionalInt.of(mode), modeOf(0, VM_MEM_END));
    }

    /** mm_test map_already_mapped: remapping a page inside a block of the same mode adds no table. */
    @Test
    void mapOfAlreadyMappedPageKeepsTheBlock() {
        assertTrue(map(0, VM_MEM_END, 0));
        assertTrue(map(0, PAGE, 0));

        assertEveryRootEntryIsATopLevelBlock(0);
        assertEquals(HEAP_PAGES - ROOT_TABLES, pool.freeCount());
    }

    /** mm_test map_reverse_range: an end before the begin (in different pages) maps nothing. */
    @Test
    void mapOfReverseRangeMapsNothing() {
        assertTrue(map(0x1234_5678L, 0x5000L, 0));
        assertEverythingAbsent();
        assertEquals(HEAP_PAGES - ROOT_TABLES, pool.freeCount());
    }

    /** mm_test map_clamp_to_range: an end past the address space is clamped to it. */
    @Test
    void mapPastTheAddressSpaceIsClampedToIt() {
        assertTrue(map(0, 0xf32_0000_0000_0000L, 0));
        assertEveryRootEntryIsATopLevelBlock(0);
    }

    /** mm_test map_ignore_out_of_range: a range wholly beyond the address space succeeds and changes nothing. */
    @Test
    void mapBeyondTheAddressSpaceChangesNothing() {
        assertTrue(map(VM_MEM_END, 0xf0_0000_0000_0000L, 0));
        assertEverythingAbsent();
    }

    /** Bits of the begin address an entry cannot hold (the fake arch's mode bits 48-54) are cleared. */
    @Test
    void mapClearsBeginBitsAnEntryCannotHold() {
        long highBits = 0x7fL << 48;
        assertTrue(map(highBits | PAGE, 2 * PAGE, 0));
        assertExactlyPagesMapped(0, PAGE);
    }

    /** mm_test map_block_replaces_table: mapping the whole space over a page table frees that table. */
    @Test
    void mapOfBlockReplacesAndFreesTheTablesBelow() {
        long page = 34567 * PAGE;
        assertTrue(map(page, page + PAGE, 0));
        assertEquals(HEAP_PAGES - ROOT_TABLES - 2, pool.freeCount());

        assertTrue(map(0, VM_MEM_END, 0));

        assertEveryRootEntryIsATopLevelBlock(0);
        assertEquals(HEAP_PAGES - ROOT_TABLES, pool.freeCount(), "both tables went back to the pool");
    }

    /**
     * mm_test map_does_not_defrag: after unmapping and remapping one page of a fully mapped space,
     * the split tables stay; every root entry is present, some are blocks and one is a table.
     */
    @Test
    void mapDoesNotMergeTablesBackIntoBlocks() {
        long page = 12000 * PAGE;
        assertTrue(map(0, VM_MEM_END, 0));
        assertTrue(unmap(page, page + PAGE));
        assertTrue(map(page, page + PAGE, 0));

        boolean sawBlock = false;
        boolean sawTable = false;
        for (int r = 0; r < ROOT_TABLES; r++) {
            for (long pte : root(r)) {
                assertTrue(FORMAT.isPresent(pte, TOP_LEVEL));
                sawBlock |= FORMAT.isBlock(pte, TOP_LEVEL);
                sawTable |= FORMAT.isTable(pte, TOP_LEVEL);
            }
        }
        assertTrue(sawBlock, "some root entry is still a block");
        assertTrue(sawTable, "the split root entry is still a table");
        assertTrue(FORMAT.isTable(root(0)[0], TOP_LEVEL));
        assertBlock(leafTableOf(page)[indexAt(page, 0)], 0, page, 0);
        assertEquals(HEAP_PAGES - ROOT_TABLES - 2, pool.freeCount());
    }

    /**
     * DESIGN correction 1: splitting a block builds each new entry from its own address (block
     * address + i * entry size one level down). The seed added the entry size to the encoded
     * entry, which on the fake arch (entries shifted by twice their level) gave wrong addresses
     * to every entry but the first.
     */
    @Test
    void splittingABlockGivesEachNewEntryItsOwnAddress() {
        int mode = Mode.R | Mode.W;
        long gib = 0x81_4000_0000L; // root table 1, entry 5
        long page = gib + 7 * entrySize(1) + 9 * PAGE;
        assertTrue(map(0, VM_MEM_END, mode));

        assertTrue(unmap(page, page + PAGE));

        long[] level2 = root(1);
        long[] level1 = below(level2[5], 2);
        for (int k = 0; k < ENTRIES; k++) {
            if (k != 7) {
                assertBlock(level1[k], 1, gib + k * entrySize(1), mode);
            }
        }
        long[] level0 = below(level1[7], 1);
        for (int k = 0; k < ENTRIES; k++) {
            if (k == 9) {
                assertEquals(absent(0), level0[k]);
            } else {
                assertBlock(level0[k], 0, gib + 7 * entrySize(1) + k * PAGE, mode);
            }
        }
        assertEquals(OptionalInt.of(mode), modeOf(gib, page), "the split kept the mapping below the page");
        assertEquals(OptionalInt.of(mode), modeOf(page + PAGE, gib + entrySize(2)), "and above it");
    }

    /** mm_test map_to_unmap: mapping the unmapped mode (INVALID|UNOWNED) removes every mapping and table. */
    @Test
    void mapWithUnmappedModeUnmaps() {
        long l0Begin = 524421 * PAGE;
        long l1Begin = 3 * entrySize(1);
        assertTrue(map(l0Begin, l0Begin + 17 * PAGE, 0));
        assertTrue(map(l1Begin, l1Begin + 5 * entrySize(1), 0));

        assertTrue(map(0, VM_MEM_END, Mode.UNMAPPED_MASK));

        assertEverythingAbsent();
        assertEquals(HEAP_PAGES - ROOT_TABLES, pool.freeCount(), "the tables were freed");
    }

    // ------------------------------------------------------------ prepare and commit

    /** mm_test prepare_and_commit_first_page: prepare then commit maps exactly as map does. */
    @Test
    void prepareThenCommitMapsTheFirstPageLikeMap() {
        assertTrue(table.prepare(pa(0), pa(PAGE), 0, pool));
        table.commitPrepared(pa(0), pa(PAGE), 0, pool);

        assertRootAbsent(1);
        assertRootAbsent(2);
        assertRootAbsent(3);
        long[] level2 = root(0);
        assertAbsent(level2, 1, ENTRIES, 2);
        long[] level1 = below(level2[0], 2);
        assertAbsent(level1, 1, ENTRIES, 1);
        long[] level0 = below(level1[0], 1);
        assertAbsent(level0, 1, ENTRIES, 0);
        assertBlock(level0[0], 0, 0, 0);
    }

    /** Prepare allocates the tables but maps nothing: the page still reads as absent. */
    @Test
    void prepareAllocatesTablesButMapsNothing() {
        assertTrue(table.prepare(pa(0), pa(PAGE), Mode.R, pool));

        assertEquals(HEAP_PAGES - ROOT_TABLES - 2, pool.freeCount());
        assertAllAbsent(leafTableOf(0), 0);
        assertEquals(OptionalInt.of(ABSENT_MODE), modeOf(0, PAGE));
        assertFalse(isMapped(0));
    }

    /** mm_test prepare_and_commit_disjoint_regions: two prepared ranges in different roots commit together. */
    @Test
    void prepareAndCommitOfDisjointRegions() {
        long lastPage = VM_MEM_END - PAGE;
        assertTrue(table.prepare(pa(0), pa(PAGE), 0, pool));
        assertTrue(table.prepare(pa(lastPage), pa(VM_MEM_END), 0, pool));
        table.commitPrepared(pa(0), pa(PAGE), 0, pool);
        table.commitPrepared(pa(lastPage), pa(VM_MEM_END), 0, pool);

        assertRootAbsent(1);
        assertRootAbsent(2);

        long[] first2 = root(0);
        assertAbsent(first2, 1, ENTRIES, 2);
        long[] first1 = below(first2[0], 2);
        assertAbsent(first1, 1, ENTRIES, 1);
        long[] first0 = below(first1[0], 1);
        assertAbsent(first0, 1, ENTRIES, 0);
        assertBlock(first0[0], 0, 0, 0);

        long[] last2 = root(3);
        assertAbsent(last2, 0, ENTRIES - 1, 2);
        long[] last1 = below(last2[ENTRIES - 1], 2);
        assertAbsent(last1, 0, ENTRIES - 1, 1);
        long[] last0 = below(last1[ENTRIES - 1], 1);
        assertAbsent(last0, 0, ENTRIES - 1, 0);
        assertBlock(last0[ENTRIES - 1], 0, lastPage, 0);
    }

    /** mm_test prepare_and_commit_overlapping_regions: overlapping prepared ranges commit together. */
    @Test
    void prepareAndCommitOfOverlappingRegions() {
        long low = 0x80_0000_0000L - PAGE;
        long high = low + PAGE;
        long end = high + PAGE;
        assertTrue(table.prepare(pa(high), pa(end), 0, pool));
        assertTrue(table.prepare(pa(low), pa(end), 0, pool));
        table.commitPrepared(pa(high), pa(end), 0, pool);
        table.commitPrepared(pa(low), pa(end), 0, pool);

        assertRootAbsent(2);
        assertRootAbsent(3);
        assertExactlyPagesMapped(0, low, high);
        assertEquals(ENTRIES - 1, indexAt(low, 2), "low page is under the last entry of root 0");
        assertEquals(0, indexAt(high, 2), "high page is under the first entry of root 1");
    }

    /** Takes every entry left in the pool; give them back with {@link #refill}. */
    private List<Long> drainPool() {
        List<Long> taken = new java.util.ArrayList<>();
        for (long entry = pool.alloc(); entry != org.memshare.api.pool.PagePool.NO_ENTRY; entry = pool.alloc()) {
            taken.add(entry);
        }
        return taken;
    }

    private void refill(List<Long> taken) {
        taken.forEach(pool::free);
    }

    /**
     * Commit as Hafnium's: without a prepare it allocates the tables it needs from the pool
     * (mm.c's commit walk populates as it goes), so it maps exactly as map would.
     */
    @Test
    void commitWithoutPrepareAllocatesWhatItNeedsLikeHafnium() {
        long free = pool.freeCount();

        assertTrue(table.commit(pa(0), pa(PAGE), Mode.R, pool));

        assertEquals(free - 2, pool.freeCount(), "a level-1 and a level-0 table");
        assertEquals(OptionalInt.of(Mode.R), modeOf(0, PAGE));
    }

    /** Where the pool cannot supply the walk (Hafnium would panic), commit refuses and changes nothing. */
    @Test
    void commitThePoolCannotSupplyReturnsFalseAndChangesNothing() {
        assertTrue(map(0, VM_MEM_END, 0));
        List<Long> taken = drainPool();
        List<String> before = dump();

        assertFalse(table.commit(pa(PAGE), pa(2 * PAGE), Mode.R, pool));
        assertFalse(table.commit(pa(PAGE), pa(2 * PAGE), Mode.UNMAPPED_MASK, pool), "an unmap that splits too");

        assertEquals(0, pool.freeCount());
        assertUnchangedSince(before);
        assertEveryRootEntryIsATopLevelBlock(0);
        refill(taken);
    }

    /**
     * A table the commit walk frees early pays for a table it needs later, as in Hafnium, where
     * both go through the same pool during one walk: this commit succeeds with an empty pool.
     */
    @Test
    void commitReusesATableItFreedEarlierInTheSameWalk() {
        assertTrue(map(0, PAGE, Mode.R | Mode.W | Mode.X));
        assertTrue(table.prepare(pa(0), pa(0x20_1000), Mode.R | Mode.W, pool));
        // Merge away the table the prepare made for [2 MiB, 2 MiB + 4 KiB).
        assertTrue(map(0x20_0000, 0x40_0000, Mode.R | Mode.W | Mode.X));
        List<Long> taken = drainPool();

        // Replacing [0, 2 MiB) by a block frees its level-0 table; splitting [2 MiB, 4 MiB) reuses it.
        assertTrue(table.commit(pa(0), pa(0x20_1000), Mode.R | Mode.W, pool));

        assertEquals(0, pool.freeCount());
        assertEquals(OptionalInt.of(Mode.R | Mode.W), modeOf(0, 0x20_1000));
        assertEquals(OptionalInt.of(Mode.R | Mode.W | Mode.X), modeOf(0x20_1000, 0x40_0000));
        refill(taken);
    }

    /** Commit after prepare maps the range and allocates nothing. */
    @Test
    void commitAfterPrepareReturnsTrueAndMaps() {
        assertTrue(map(0, VM_MEM_END, 0));
        assertTrue(table.prepare(pa(PAGE), pa(2 * PAGE), Mode.R, pool));
        long free = pool.freeCount();

        assertTrue(table.commit(pa(PAGE), pa(2 * PAGE), Mode.R, pool));

        assertEquals(free, pool.freeCount(), "the commit allocated nothing");
        assertEquals(OptionalInt.of(Mode.R), modeOf(PAGE, 2 * PAGE));
        assertEquals(OptionalInt.of(0), modeOf(0, PAGE));
        assertEquals(OptionalInt.of(0), modeOf(2 * PAGE, VM_MEM_END));
    }

    /** When the tables a commit needs already exist, it allocates nothing, prepared or not. */
    @Test
    void commitSucceedsWithoutPrepareWhenNoTableIsNeeded() {
        assertTrue(map(0, PAGE, 0));
        assertTrue(table.commit(pa(0), pa(PAGE), Mode.R | Mode.W, pool));
        assertEquals(OptionalInt.of(Mode.R | Mode.W), modeOf(0, PAGE));

        assertTrue(table.commit(pa(0), pa(entrySize(2)), Mode.X, pool), "whole blocks need no table either");
        assertEquals(OptionalInt.of(Mode.X), modeOf(0, entrySize(2)));
    }

    // ------------------------------------------------------------ out of memory

    /**
     * A map that runs out of tables fails and maps nothing; the table it did allocate stays
     * linked in, and defrag gives it back.
     */
    @Test
    void failedMapChangesNoMappingAndDefragReclaimsItsTables() {
        DefaultPagePool tight = DefaultPagePool.create(PAGE);
        long base = 0x1_0000_0000L;
        assertTrue(tight.addChunk(base, (ROOT_TABLES + 1) * PAGE));
        PageTable small = PageTable.create(FORMAT, Stage.STAGE2, new TableMemory(), TlbMaintenance.NONE, 2, tight)
                .orElseThrow();

        assertFalse(small.map(pa(0), pa(PAGE), 0, tight), "a page needs two tables, only one is left");

        assertEquals(0, tight.freeCount());
        assertEquals(OptionalInt.of(ABSENT_MODE), small.mode(ipa(0), ipa(PAGE)));
        long[] root0 = small.entriesAt(small.rootAddress());
        assertTrue(FORMAT.isTable(root0[0], TOP_LEVEL), "the level-1 table stays");
        assertAllAbsent(small.entriesAt(FORMAT.tableAddress(root0[0], TOP_LEVEL)), 1);

        small.defrag(tight);

        assertEquals(1, tight.freeCount());
        assertEquals(absent(TOP_LEVEL), small.entriesAt(small.rootAddress())[0]);
        small.fini(tight);
        assertEquals(ROOT_TABLES + 1, tight.freeCount());
    }

    /** A failed unmap that needed to split a block leaves the mapping whole. */
    @Test
    void failedUnmapLeavesTheMappingWhole() {
        DefaultPagePool tight = DefaultPagePool.create(PAGE);
        assertTrue(tight.addChunk(0x1_0000_0000L, (ROOT_TABLES + 1) * PAGE));
        PageTable small = PageTable.create(FORMAT, Stage.STAGE2, new TableMemory(), TlbMaintenance.NONE, 2, tight)
                .orElseThrow();
        assertTrue(small.map(pa(0), pa(VM_MEM_END), Mode.R, tight));

        assertFalse(small.unmap(pa(PAGE), pa(2 * PAGE), tight));

        assertEquals(OptionalInt.of(Mode.R), small.mode(ipa(0), ipa(VM_MEM_END)), "still mapped throughout");
        small.defrag(tight);
        assertEquals(1, tight.freeCount(), "defrag merged the equivalent table back into a block");
        assertBlock(small.entriesAt(small.rootAddress())[0], TOP_LEVEL, 0, Mode.R);
        small.fini(tight);
    }

    // ------------------------------------------------------------ visit

    /** visit reports present entries depth first with their level, first address and kind. */
    @Test
    void visitReportsPresentEntriesDepthFirst() {
        long page = 0x80_0000_0000L + 3 * entrySize(1) + 5 * PAGE;
        assertTrue(map(page, page + PAGE, Mode.INVALID | Mode.SHARED));
        assertTrue(map(VM_MEM_END - entrySize(2), VM_MEM_END, Mode.R));

        List<String> seen = new ArrayList<>();
        table.visit((level, address, pte, kind) -> seen.add(level + " " + Long.toHexString(address) + " " + kind));

        assertEquals(List.of(
                "2 8000000000 TABLE",
                "1 8000600000 TABLE",
                "0 8000605000 BLOCK",
                "2 1ffc0000000 BLOCK"), seen, "an invalid but owned page is still a present block");
    }
}
