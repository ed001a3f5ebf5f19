package org.memshare.engine.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.memshare.api.addr.PhysicalAddress;
import org.memshare.arch.fake.FakeArchPlugin;
import org.memshare.engine.machine.Machine;
import org.memshare.engine.machine.MachineConfig;
import org.memshare.engine.machine.MachineResult;
import org.memshare.engine.machine.Machines;
import org.memshare.engine.mm.EntryVisitor;
import org.memshare.engine.plugin.ArchRegistry;
import org.memshare.engine.pool.DefaultPagePool;

/**
 * The clear's two ways with the stage-1 tables it maps through: the seed's (defragmented away)
 * and Hafnium main's (kept for good, taken from the update's pool), on the fake arch, where one
 * page at 1 GiB needs a level-1 and a level-0 table under the stage-1 root.
 */
class MemoryClearingTest {
    private static final List<PageRun> PAGE_AT_1G = List.of(new PageRun(0x4000_0000L, 1));
    private Machine machine;
    private DefaultPagePool pool;

    @BeforeEach
    void boot() {
        MachineResult result = Machines.create(MachineConfig.of("fake", 40, 64, 2), ArchRegistry.of(new FakeArchPlugin()));
        machine = assertInstanceOf(MachineResult.Created.class, result).machine();
        pool = machine.pool();
        machine.memory().write64(PhysicalAddress.of(0x4000_0008L), 0x1234);
    }

    /** The stage-1 table's tables, as "level address" of each table entry. */
    private List<String> stage1Tables() {
        List<String> tables = new ArrayList<>();
        machine.hypervisorTable().visit((level, address, pte, kind) -> {
            if (kind == EntryVisitor.Kind.TABLE) {
                tables.add(level + " 0x" + Long.toHexString(address));
            }
        });
        return tables;
    }

    private MemoryClearing.Result clear(MemoryClearing clearing, List<PageRun> runs) {
        DefaultPagePool update = DefaultPagePool.withFallback(pool);
        try {
            return clearing.clear(runs, update);
        } finally {
            update.fini();
        }
    }

    @Test
    void theSeedsClearDefragmentsStageOneSoItCostsNothing() {
        long free = pool.freeCount();
        MemoryClearing clearing = MemoryClearing.of(machine, MemoryClearing.Stage1.DEFRAGMENTED);
        assertTrue(clear(clearing, PAGE_AT_1G).isDone());
        assertEquals(0, machine.memory().read64(PhysicalAddress.of(0x4000_0008L)), "zeroed");
        assertEquals(List.of(), stage1Tables());
        assertEquals(free, pool.freeCount());
    }

    @Test
    void mainsClearKeepsTheStageOneTablesItMappedWith() {
        long free = pool.freeCount();
        MemoryClearing clearing = MemoryClearing.of(machine, MemoryClearing.Stage1.KEPT);
        assertTrue(clear(clearing, PAGE_AT_1G).isDone());
        assertEquals(0, machine.memory().read64(PhysicalAddress.of(0x4000_0008L)), "zeroed");
        // The root's entry for 1 GiB points at a level-1 table, whose first entry points at the
        // level-0 table the unmap emptied: both stay, as after Hafnium main's mm_unmap.
        assertEquals(List.of("2 0x40000000", "1 0x40000000"), stage1Tables());
        assertEquals(free - 2, pool.freeCount());
        // Clearing the same page again finds the tables there.
        assertTrue(clear(clearing, PAGE_AT_1G).isDone());
        assertEquals(free - 2, pool.freeCount());
    }

    @Test
    void mainsClearThatRunsOutKeepsTheTablesItAddedToo() {
        MemoryClearing clearing = MemoryClearing.of(machine, MemoryClearing.Stage1.KEPT);
        List<Long> held = new ArrayList<>();
        while (pool.freeCount() > 1) {
            held.add(pool.alloc());
        }
        MemoryClearing.Result result = clear(clearing, PAGE_AT_1G);
        assertFalse(result.isDone());
        assertEquals(0, result.run());
        assertEquals("the page pool ran out clearing constituent 0 (0x40000000, 1 page), mapping it into the"
                + " hypervisor's stage-1 table: the page pool had 1 free page, the map needs 2 new tables", result.reason());
        assertEquals(0x1234, machine.memory().read64(PhysicalAddress.of(0x4000_0008L)), "not zeroed");
        assertEquals(List.of("2 0x40000000"), stage1Tables(), "the level-1 table the prepare took stays");
        assertEquals(0, pool.freeCount());
        held.forEach(pool::free);
    }

    @Test
    void mainsClearTakesItsTablesFromTheUpdatesPoolFirst() {
        MemoryClearing clearing = MemoryClearing.of(machine, MemoryClearing.Stage1.KEPT);
        List<Long> held = new ArrayList<>();
        while (pool.freeCount() > 0) {
            held.add(pool.alloc());
        }
        // Two pages an update's commit freed wait in its pool: enough, with the machine's empty.
        DefaultPagePool update = DefaultPagePool.withFallback(pool);
        update.free(held.remove(held.size() - 1));
        update.free(held.remove(held.size() - 1));
        assertTrue(clearing.clear(PAGE_AT_1G, update).isDone());
        assertEquals(0, update.freeCount());
        update.fini();
        held.forEach(pool::free);
    }
}
