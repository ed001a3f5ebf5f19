package org.memshare.engine.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.memshare.api.addr.IntermediatePhysicalAddress;
import org.memshare.api.arch.Stage;
import org.memshare.api.arch.TlbMaintenance;
import org.memshare.api.mode.Mode;
import org.memshare.api.pool.PagePool;
import org.mockito.AdditionalAnswers;

/**
 * What goes through the one entry-writing place: break-before-make for defrag merges too, the
 * changed marks the incremental defrag follows, and a commit budget that allocates nothing.
 */
class EntryWriterTest extends PageTableTestSupport {

    private static final int RW = Mode.R | Mode.W;
    private TlbMaintenance tlb;
    private PageTable watched;

    @BeforeEach
    void tableWithWatchedTlb() {
        tlb = mock(TlbMaintenance.class);
        table.fini(pool);
        table = PageTable.create(FORMAT, Stage.STAGE2, memory, tlb, 7, pool).orElseThrow();
        watched = table;
    }

    @Test
    void mergingATableIntoABlockIsBreakBeforeMakeOverTheWholeBlock() {
        long block = 3 * entrySize(1);
        assertTrue(map(block, block + 5 * PAGE, RW));
        assertTrue(map(block + 5 * PAGE, block + entrySize(1), RW));
        clearInvocations(tlb);

        watched.defrag(pool);

        verify(tlb).invalidateStage2(7, IntermediatePhysicalAddress.of(block),
                IntermediatePhysicalAddress.of(block + entrySize(1)));
        assertBlock(below(root(0)[0], 2)[3], 1, block, RW);
    }

    @Test
    void removingAnEmptyTableInvalidatesNothing() {
        assertTrue(map(0, PAGE, RW));
        assertTrue(unmap(0, PAGE));
        clearInvocations(tlb);

        watched.defrag(pool);

        verify(tlb, never()).invalidateStage2(anyInt(), any(), any());
        assertEverythingAbsent();
    }

    @Test
    void writesMarkTheWrittenTableItsAncestorsAndANewTableAndDefragClearsThem() {
        assertTrue(map(0, PAGE, RW));
        long level2Pa = watched.rootAddress();
        long level1Pa = FORMAT.tableAddress(root(0)[0], 2);
        long level0Pa = FORMAT.tableAddress(below(root(0)[0], 2)[0], 1);
        assertTrue(memory.isChanged(level2Pa), "root table");
        assertTrue(memory.isChanged(level1Pa), "level-1 table");
        assertTrue(memory.isChanged(level0Pa), "level-0 table");
        assertFalse(memory.isChanged(watched.rootAddress() + PAGE), "a root table nothing wrote");

        watched.defrag(pool);

        assertFalse(memory.isChanged(level2Pa), "root table after defrag");
        assertFalse(memory.isChanged(level1Pa), "level-1 table after defrag");
        assertFalse(memory.isChanged(level0Pa), "level-0 table after defrag");
    }

    @Test
    void aDefragAfterNoChangeReadsNoTable() {
        assertTrue(map(0, PAGE, RW));
        watched.defrag(pool);
        long[] level1 = memory.table(FORMAT.tableAddress(root(0)[0], 2));
        long level0Pa = FORMAT.tableAddress(level1[0], 1);
        // Make the unchanged level-1 table mergeable behind the writer's back: a full defrag
        // merges it, an incremental one does not even look at it.
        Arrays.fill(level1, FORMAT.absentPte(1));

        watched.defrag(pool);
        assertTrue(FORMAT.isTable(root(0)[0], 2), "the incremental defrag left the unchanged table alone");

        watched.defragFull(pool);
        assertEquals(FORMAT.absentPte(2), root(0)[0], "the full defrag merged it");
        pool.free(level0Pa); // orphaned by the hand edit
    }

    @Test
    void aRefusedCommitAllocatesNothing() {
        assertTrue(map(0, entrySize(2), RW));
        // Splitting the 1 GiB block down to one page needs two tables; leave the pool one.
        List<Long> hoard = new ArrayList<>();
        while (pool.freeCount() > 1) {
            hoard.add(pool.alloc());
        }
        PagePool watchedPool = mock(PagePool.class, AdditionalAnswers.delegatesTo(pool));

        assertFalse(watched.commit(pa(PAGE), pa(2 * PAGE), Mode.R, watchedPool));

        verify(watchedPool, never()).alloc();
        verify(watchedPool, never()).free(anyLong());
        assertEquals(1, pool.freeCount());
        assertBlock(root(0)[0], 2, 0, RW);
        hoard.forEach(pool::free);
    }
}
