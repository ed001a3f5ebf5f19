package org.memshare.engine.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.memshare.api.mode.Mode;
import org.memshare.api.pool.PagePool;

/**
 * The reasons {@link PageTable} gives for a map, prepare or unmap that ran out of pool, and for a
 * range without one mode. The numbers in a reason are checked against the table itself: the
 * number of new tables it says a map needs is exactly the pool that makes the map succeed.
 */
class PageTableReasonTest extends PageTableTestSupport {
    private static final int RWX = Mode.R | Mode.W | Mode.X;

    /** Pages taken out of the pool to leave it short, given back after each test. */
    private final Deque<Long> held = new ArrayDeque<>();

    /** Leaves exactly {@code free} pages in the pool. */
    private void leave(long free) {
        while (pool.freeCount() > free) {
            held.push(pool.alloc());
        }
        while (pool.freeCount() < free && !held.isEmpty()) {
            pool.free(held.pop());
        }
        assertEquals(free, pool.freeCount());
    }

    @AfterEach
    void giveBack() {
        table.defrag(pool);
        while (!held.isEmpty()) {
            pool.free(held.pop());
        }
    }

    @ParameterizedTest
    @CsvSource({
        // begin, end, new tables needed from an empty table
        "0x1000, 0x2000, 2",             // a level-1 table, then a level-0 table
        "0x3ff000, 0x401000, 3",         // the range crosses a 2 MiB boundary: two level-0 tables
        "0x3ffff000, 0x40001000, 4",     // and a 1 GiB boundary: two level-1 tables too
        "0x200000, 0x400000, 1",         // a whole 2 MiB block: one level-1 table, no level-0 table
    })
    void aMapThatRunsOutSaysWhatThePoolHadAndHowManyTablesItNeedsWhichIsExactlyEnough(long begin, long end,
            long needed) {
        leave(0);
        MapResult none = table.mapResult(pa(begin), pa(end), RWX, pool);
        assertFalse(none.done());
        assertEquals("the page pool had no free pages, the map needs " + needed + " new table" + (needed == 1 ? "" : "s"),
                none.reason());

        if (needed > 1) {
            leave(needed - 1);
            MapResult short1 = table.mapResult(pa(begin), pa(end), RWX, pool);
            assertFalse(short1.done());
            assertEquals("the page pool had " + (needed - 1) + (needed - 1 == 1 ? " free page" : " free pages")
                    + ", the map needs " + needed + " new tables", short1.reason());
            table.defrag(pool); // the tables the failed map added go back
        }

        leave(needed);
        MapResult done = table.mapResult(pa(begin), pa(end), RWX, pool);
        assertTrue(done.done(), done::reason);
        assertEquals("", done.reason());
        assertEquals(0, pool.freeCount(), "the map took exactly the tables it said it needed");
        unmap(begin, end);
    }

    @Test
    void aPrepareCountsOnlyTheTablesStillMissing() {
        leave(1);
        MapResult first = table.prepareResult(pa(0x1000), pa(0x2000), RWX, pool);
        // It took the one page for the level-1 table; the level-0 table is still missing.
        assertEquals("the page pool had 1 free page, the prepare needs 2 new tables", first.reason());
        leave(0);
        assertEquals("the page pool had no free pages, the prepare needs 1 new table",
                table.prepareResult(pa(0x1000), pa(0x2000), RWX, pool).reason());
    }

    @Test
    void aPrepareByRawAddressesAnswersAsThePrepareByTypedOnes() {
        leave(1);
        MapResult raw = table.prepareResult(0x1000L, 0x2000L, RWX, pool);
        assertEquals("the page pool had 1 free page, the prepare needs 2 new tables", raw.reason());
        leave(0);
        assertEquals(table.prepareResult(pa(0x1000), pa(0x2000), RWX, pool),
                table.prepareResult(0x1000L, 0x2000L, RWX, pool));
    }

    @Test
    void aCommitThatWasNotPreparedIsTheCallersBugAndNamesTheRange() {
        java.util.OptionalInt before = modeOf(0x1000, 0x2000);
        leave(0);
        IllegalStateException typed = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> table.commitPrepared(pa(0x1000), pa(0x2000), RWX, pool));
        assertEquals("commit of 0x1000..0x2000 needed memory: it was not prepared", typed.getMessage());
        IllegalStateException raw = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> table.commitPrepared(0x1000L, 0x2000L, RWX, pool));
        assertEquals(typed.getMessage(), raw.getMessage());
        assertEquals(before, modeOf(0x1000, 0x2000), "nothing was mapped");
    }

    @Test
    void anUnmapThatMustSplitABlockSaysSo() {
        assertTrue(map(0x200000, 0x400000, RWX)); // one 2 MiB block under a level-1 table
        leave(0);
        MapResult result = table.unmapResult(pa(0x201000), pa(0x202000), pool);
        assertFalse(result.done());
        assertEquals("the page pool had no free pages, the unmap needs 1 new table", result.reason());
        assertEquals(RWX, modeOf(0x200000, 0x400000).getAsInt(), "nothing was unmapped");
        leave(1);
        assertTrue(table.unmapResult(pa(0x201000), pa(0x202000), pool).done());
        unmap(0x200000, 0x400000);
    }

    @Test
    void theBooleanMethodsAnswerAsTheResultsDo() {
        leave(1);
        assertFalse(map(0x1000, 0x2000, RWX));
        assertFalse(table.mapResult(pa(0x1000), pa(0x2000), RWX, pool).done());
        assertEquals(PagePool.NO_ENTRY, pool.alloc(), "both took every page there was");
    }

    @Test
    void aModeOfTwoModesNamesBothAndWhere() {
        assertTrue(map(0x1000, 0x2000, RWX));
        assertTrue(map(0x2000, 0x3000, Mode.R));
        ModeResult result = table.modeResult(ipa(0x1000), ipa(0x3000));
        assertTrue(result.mode().isEmpty());
        assertEquals("the range has more than one mode: R|W|X (0x7) at 0x1000, R (0x1) at 0x2000", result.reason());
        assertEquals(RWX, table.modeResult(ipa(0x1000), ipa(0x2000)).mode().getAsInt());
        assertEquals("", table.modeResult(ipa(0x1000), ipa(0x2000)).reason());
        // Absent entries count: they read as the absent mode.
        assertEquals("the range has more than one mode: R (0x1) at 0x2000, INVALID|UNOWNED|SHARED (0x70) at 0x3000",
                table.modeResult(ipa(0x2000), ipa(0x4000)).reason());
        unmap(0x1000, 0x3000);
    }

    @Test
    void aModeBeyondTheAddressSpaceOrOfAnEmptyRangeSaysWhich() {
        assertEquals("the range ends at 0x20000001000, beyond the address space (it ends at 0x20000000000)",
                table.modeResult(ipa(VM_MEM_END - PAGE), ipa(VM_MEM_END + 1)).reason());
        assertEquals("the range 0x5000..0x5000 is empty", table.modeResult(ipa(0x5000), ipa(0x5000)).reason());
        assertEquals("the range 0x0..0x0 is empty (its end 0xffffffffffffffff rounds up to the page at 0x0, wrapping)",
                table.modeResult(ipa(0), ipa(-1L)).reason());
        assertTrue(table.modeResult(ipa(0x5000), ipa(0x5001)).mode().isPresent(), "one byte reads its page");
    }
}
