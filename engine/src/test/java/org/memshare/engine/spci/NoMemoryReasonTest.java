package org.memshare.engine.spci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.memshare.api.addr.PhysicalAddress;
import org.memshare.api.mode.Mode;
import org.memshare.api.spci.Constituent;
import org.memshare.api.spci.MemoryRegion;
import org.memshare.api.spci.ReceiverAttributes;
import org.memshare.api.spci.ShareType;
import org.memshare.api.spci.SpciError;
import org.memshare.arch.fake.FakeArchPlugin;
import org.memshare.engine.machine.Machine;
import org.memshare.engine.machine.MachineConfig;
import org.memshare.engine.machine.MachineResult;
import org.memshare.engine.machine.Machines;
import org.memshare.engine.machine.Vm;
import org.memshare.engine.sharing.VmLocks;
import org.memshare.engine.plugin.ArchRegistry;
import org.memshare.engine.pool.DefaultPagePool;

/**
 * A share that runs out of pool says where: preparing the sender's or the receiver's table (for
 * which constituent, with what the pool had and what the prepare needed), or clearing a
 * constituent. Every number of free pages from none up to enough is tried.
 */
class NoMemoryReasonTest {
    private static final Pattern PREPARE = Pattern.compile("the page pool ran out preparing the (sender|receiver)'s table"
            + " \\(VM (\\d)\\) for constituent (\\d) \\(0x[0-9a-f]+, \\d pages?\\): the page pool had (no free pages|\\d+ free"
            + " pages?), the prepare needs (\\d+) new tables?; nothing changed");
    private static final Pattern CLEAR = Pattern.compile("the page pool ran out clearing constituent (\\d) \\(0x[0-9a-f]+,"
            + " \\d pages?\\), mapping it into the hypervisor's stage-1 table: the page pool had .*, the map needs \\d+ new"
            + " tables?(; the constituents before it stay cleared)?; the sender keeps its memory, and no mode changed");

    /** Lends two constituents with the clear flag, with {@code free} pages left in the pool; the result. */
    private static SpciResult lendWithFree(long free) {
        MachineResult created = Machines.create(MachineConfig.of("fake", 40, 64, 2), ArchRegistry.of(new FakeArchPlugin()));
        Machine machine = assertInstanceOf(MachineResult.Created.class, created).machine();
        Vm vm1 = machine.vm(1).orElseThrow();
        Vm vm2 = machine.vm(2).orElseThrow();
        // A 2 MiB block split by the share, and a page 1 GiB away.
        assertTrue(vm1.table().map(PhysicalAddress.of(0x200000), PhysicalAddress.of(0x400000), Mode.R | Mode.W | Mode.X,
                machine.pool()));
        assertTrue(vm1.table().map(PhysicalAddress.of(0x40000000), PhysicalAddress.of(0x40001000),
                Mode.R | Mode.W | Mode.X, machine.pool()));
        DefaultPagePool pool = machine.pool();
        List<Long> held = new ArrayList<>();
        while (pool.freeCount() > free) {
            held.add(pool.alloc());
        }
        MemorySharing sharing = new MemorySharing(machine, List.of());
        try (VmLocks locked = VmLocks.lock(vm1, vm2)) {
            return sharing.share(vm1, vm2, ShareType.LEND, MemoryRegion.of(0, MemoryRegion.FLAG_CLEAR,
                    List.of(ReceiverAttributes.of(2, 0x60)),
                    List.of(Constituent.of(0x201000, 1), Constituent.of(0x40000000, 1))));
        }
    }

    @Test
    void everyShortPoolIsReportedWhereItRanOut() {
        List<String> places = new ArrayList<>();
        for (long free = 0; ; free++) {
            SpciResult result = lendWithFree(free);
            if (result.isSuccess()) {
                break;
            }
            assertEquals(Optional.of(SpciError.NO_MEMORY), result.error(), result::toString);
            Matcher prepare = PREPARE.matcher(result.reason());
            Matcher clear = CLEAR.matcher(result.reason());
            if (prepare.matches()) {
                places.add(prepare.group(1) + " " + prepare.group(3));
                assertEquals(prepare.group(1).equals("sender") ? "1" : "2", prepare.group(2));
                assertTrue(Long.parseLong(prepare.group(5)) >= 1);
            } else {
                assertTrue(clear.matches(), result.reason());
                places.add("clear " + clear.group(1));
            }
            assertTrue(free < 64, "the share never succeeded");
        }
        // The sender's split needs one table; the receiver needs tables for both constituents;
        // the clear maps each constituent into stage 1.
        // With more free pages the share gets further: the sender's split of its block, the
        // receiver's tables for each constituent, then the stage-1 mapping of each to clear it.
        assertEquals(List.of("sender 0", "receiver 0", "receiver 0", "receiver 1", "receiver 1", "clear 0", "clear 0",
                "clear 1", "clear 1"), places);
    }
}
