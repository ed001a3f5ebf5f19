package org.memshare.engine.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.memshare.api.addr.IntermediatePhysicalAddress;
import org.memshare.api.addr.PhysicalAddress;
import org.memshare.api.mode.Mode;
import org.memshare.api.pool.PagePool;
import org.memshare.arch.fake.FakeArchPlugin;
import org.memshare.engine.machine.Machine;
import org.memshare.engine.machine.MachineConfig;
import org.memshare.engine.machine.MachineResult;
import org.memshare.engine.machine.Machines;
import org.memshare.engine.mm.PageTable;
import org.memshare.engine.plugin.ArchRegistry;

/** The two-phase update: all or nothing, the clear between the groups, the revert, and the PA bound. */
class TableUpdateTest {
    private static final List<PageRun> RUNS = List.of(new PageRun(0x200000, 1), new PageRun(0x204000, 2));
    private Machine machine;
    private PageTable a;
    private PageTable b;

    @BeforeEach
    void boot() {
        MachineResult result = Machines.create(MachineConfig.of("fake", 40, 64, 2), ArchRegistry.of(new FakeArchPlugin()));
        machine = assertInstanceOf(MachineResult.Created.class, result).machine();
        a = machine.vm(1).orElseThrow().table();
        b = machine.vm(2).orElseThrow().table();
        assertTrue(a.map(PhysicalAddress.of(0x200000), PhysicalAddress.of(0x400000), Mode.R | Mode.W, machine.pool()));
    }

    private OptionalInt mode(PageTable table, PageRun run) {
        return table.mode(IntermediatePhysicalAddress.of(run.address()), IntermediatePhysicalAddress.of(run.end()));
    }

    private TableUpdate.Plan lend() {
        return TableUpdate.clearBetween(new TableUpdate.Party("lender", 1, a, Mode.R | Mode.W, Mode.R | Mode.W | Mode.INVALID))
                .then(new TableUpdate.Party("borrower", 2, b, Mode.INVALID | Mode.UNOWNED, Mode.R | Mode.W | Mode.UNOWNED));
    }

    @Test
    void bothPartiesGetTheirNewModes() {
        TableUpdate update = new TableUpdate(machine.pool(), MemoryClearing.of(machine, MemoryClearing.Stage1.DEFRAGMENTED));
        TableUpdate.Outcome outcome = update.apply(lend(), RUNS, true, OptionalLong.empty());
        assertEquals(new TableUpdate.Outcome(TableUpdate.Kind.DONE, -1, -1, ""), outcome);
        assertTrue(outcome.isDone());
        for (PageRun run : RUNS) {
            assertEquals(OptionalInt.of(Mode.R | Mode.W | Mode.INVALID), mode(a, run));
            assertEquals(OptionalInt.of(Mode.R | Mode.W | Mode.UNOWNED), mode(b, run));
        }
    }

    @Test
    void aFailedClearPutsTheFirstGroupBackAndNeverCommitsTheSecond() {
        long free = machine.pool().freeCount();
        MemoryClearing failing = mock(MemoryClearing.class);
        when(failing.clear(eq(RUNS), any())).thenReturn(MemoryClearing.Result.failed(1, "the clear ran out at run 1"));
        TableUpdate update = new TableUpdate(machine.pool(), failing);
        TableUpdate.Outcome outcome = update.apply(lend(), RUNS, true, OptionalLong.empty());
        assertEquals(new TableUpdate.Outcome(TableUpdate.Kind.NO_MEMORY_CLEARING, -1, 1,
                "the clear ran out at run 1; the lender keeps its memory, and no mode changed"), outcome);
        for (PageRun run : RUNS) {
            assertEquals(OptionalInt.of(Mode.R | Mode.W), mode(a, run));
            assertTrue(Mode.isUnmapped(mode(b, run).orElseThrow()));
        }
        assertEquals(free, machine.pool().freeCount(), "the defrag gave every prepared table back");
    }

    @Test
    void aRunReachingTheBoundIsRefusedBeforeItsPrepare() {
        TableUpdate update = new TableUpdate(machine.pool(), MemoryClearing.of(machine, MemoryClearing.Stage1.DEFRAGMENTED));
        long free = machine.pool().freeCount();
        assertEquals(new TableUpdate.Outcome(TableUpdate.Kind.BEYOND_BOUND, 0, 1, "constituent 1 (0x204000, 2 pages)"
                + " reaches 0x206000, the end of the physical address range; nothing changed"),
                update.apply(lend(), RUNS, false, OptionalLong.of(0x206000)));
        assertEquals(OptionalInt.of(Mode.R | Mode.W), mode(a, RUNS.get(0)));
        assertEquals(free, machine.pool().freeCount());
    }

    @Test
    void anEmptyPoolFailsThePrepareAndChangesNothing() {
        TableUpdate update = new TableUpdate(machine.pool(), MemoryClearing.of(machine, MemoryClearing.Stage1.DEFRAGMENTED));
        while (machine.pool().alloc() != PagePool.NO_ENTRY) {
            // drain
        }
        assertEquals(new TableUpdate.Outcome(TableUpdate.Kind.NO_MEMORY_PREPARING, 0, 0, "the page pool ran out"
                + " preparing the lender's table (VM 1) for constituent 0 (0x200000, 1 page): the page pool had no free"
                + " pages, the prepare needs 1 new table; nothing changed"),
                update.apply(lend(), RUNS, false, OptionalLong.empty()));
        assertEquals(OptionalInt.of(Mode.R | Mode.W), mode(a, RUNS.get(0)));
    }

    @Test
    void aPrepareThatRunsOutNamesThePartyTheRunAndWhatThePoolHad() {
        TableUpdate update = new TableUpdate(machine.pool(), MemoryClearing.of(machine, MemoryClearing.Stage1.DEFRAGMENTED));
        // The lender's block is split by the first run (one table); the borrower needs a level-1
        // and a level-0 table for its first run, and its second run shares them.
        List<Long> held = new ArrayList<>();
        while (machine.pool().freeCount() > 2) {
            held.add(machine.pool().alloc());
        }
        TableUpdate.Outcome outcome = update.apply(lend(), RUNS, false, OptionalLong.empty());
        assertEquals(TableUpdate.Kind.NO_MEMORY_PREPARING, outcome.kind());
        assertEquals(1, outcome.party());
        assertEquals(0, outcome.run());
        assertEquals("the page pool ran out preparing the borrower's table (VM 2) for constituent 0 (0x200000, 1 page):"
                + " the page pool had 1 free page, the prepare needs 2 new tables; nothing changed", outcome.reason());
        held.forEach(machine.pool()::free);
        assertTrue(update.apply(lend(), RUNS, false, OptionalLong.empty()).isDone());
    }

    @Test
    void aClearThatRunsOutNamesTheRunAndWhatIsLeftAsItWas() {
        TableUpdate update = new TableUpdate(machine.pool(), MemoryClearing.of(machine, MemoryClearing.Stage1.DEFRAGMENTED));
        List<Long> held = new ArrayList<>();
        while (machine.pool().freeCount() > 3) {
            held.add(machine.pool().alloc());
        }
        // One page for the lender's split, two for the borrower: none left for stage 1.
        TableUpdate.Outcome outcome = update.apply(lend(), RUNS, true, OptionalLong.empty());
        assertEquals(TableUpdate.Kind.NO_MEMORY_CLEARING, outcome.kind());
        assertEquals(0, outcome.run());
        assertEquals("the page pool ran out clearing constituent 0 (0x200000, 1 page), mapping it into the hypervisor's"
                + " stage-1 table: the page pool had no free pages, the map needs 2 new tables; the lender keeps its"
                + " memory, and no mode changed", outcome.reason());
        held.forEach(machine.pool()::free);
    }
}
