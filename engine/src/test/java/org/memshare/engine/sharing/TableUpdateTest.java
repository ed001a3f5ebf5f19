package org.memshare.engine.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

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
        return TableUpdate.clearBetween(new TableUpdate.Party(a, Mode.R | Mode.W, Mode.R | Mode.W | Mode.INVALID))
                .then(new TableUpdate.Party(b, Mode.INVALID | Mode.UNOWNED, Mode.R | Mode.W | Mode.UNOWNED));
    }

    @Test
    void bothPartiesGetTheirNewModes() {
        TableUpdate update = new TableUpdate(machine.pool(), MemoryClearing.of(machine));
        assertEquals(TableUpdate.Outcome.DONE, update.apply(lend(), RUNS, true, OptionalLong.empty()));
        for (PageRun run : RUNS) {
            assertEquals(OptionalInt.of(Mode.R | Mode.W | Mode.INVALID), mode(a, run));
            assertEquals(OptionalInt.of(Mode.R | Mode.W | Mode.UNOWNED), mode(b, run));
        }
    }

    @Test
    void aFailedClearPutsTheFirstGroupBackAndNeverCommitsTheSecond() {
        long free = machine.pool().freeCount();
        MemoryClearing failing = mock(MemoryClearing.class);
        when(failing.clear(RUNS)).thenReturn(false);
        TableUpdate update = new TableUpdate(machine.pool(), failing);
        assertEquals(TableUpdate.Outcome.NO_MEMORY_CLEARING, update.apply(lend(), RUNS, true, OptionalLong.empty()));
        for (PageRun run : RUNS) {
            assertEquals(OptionalInt.of(Mode.R | Mode.W), mode(a, run));
            assertTrue(Mode.isUnmapped(mode(b, run).orElseThrow()));
        }
        assertEquals(free, machine.pool().freeCount(), "the defrag gave every prepared table back");
    }

    @Test
    void aRunReachingTheBoundIsRefusedBeforeItsPrepare() {
        TableUpdate update = new TableUpdate(machine.pool(), MemoryClearing.of(machine));
        long free = machine.pool().freeCount();
        assertEquals(TableUpdate.Outcome.BEYOND_BOUND, update.apply(lend(), RUNS, false, OptionalLong.of(0x206000)));
        assertEquals(OptionalInt.of(Mode.R | Mode.W), mode(a, RUNS.get(0)));
        assertEquals(free, machine.pool().freeCount());
    }

    @Test
    void anEmptyPoolFailsThePrepareAndChangesNothing() {
        TableUpdate update = new TableUpdate(machine.pool(), MemoryClearing.of(machine));
        while (machine.pool().alloc() != PagePool.NO_ENTRY) {
            // drain
        }
        assertEquals(TableUpdate.Outcome.NO_MEMORY_PREPARING, update.apply(lend(), RUNS, false, OptionalLong.empty()));
        assertEquals(OptionalInt.of(Mode.R | Mode.W), mode(a, RUNS.get(0)));
    }
}
