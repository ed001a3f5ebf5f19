package org.memshare.engine.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.memshare.api.addr.PhysicalAddress;
import org.memshare.api.mode.Mode;
import org.memshare.arch.fake.FakeArchPlugin;
import org.memshare.engine.machine.Machine;
import org.memshare.engine.machine.MachineConfig;
import org.memshare.engine.machine.MachineResult;
import org.memshare.engine.machine.Machines;
import org.memshare.engine.mm.PageTable;
import org.memshare.engine.plugin.ArchRegistry;

/** A VM's mode over a list of runs, under both rules, with the failures in their order. */
class ModeScanTest {
    private Machine machine;
    private PageTable a;
    private PageTable b;

    @BeforeEach
    void boot() {
        MachineResult result = Machines.create(MachineConfig.of("fake", 40, 64, 2), ArchRegistry.of(new FakeArchPlugin()));
        machine = assertInstanceOf(MachineResult.Created.class, result).machine();
        a = machine.vm(1).orElseThrow().table();
        b = machine.vm(2).orElseThrow().table();
        assertTrue(a.map(PhysicalAddress.of(0x10000), PhysicalAddress.of(0x20000), Mode.R | Mode.W, machine.pool()));
        assertTrue(a.map(PhysicalAddress.of(0x20000), PhysicalAddress.of(0x21000), Mode.R, machine.pool()));
    }

    private static ConstituentList runs(long... addressPages) {
        List<PageRun> list = new ArrayList<>();
        for (int i = 0; i < addressPages.length; i += 2) {
            list.add(new PageRun(addressPages[i], addressPages[i + 1]));
        }
        return ConstituentList.of(list);
    }

    @Test
    void everyRunMustShareTheFirstsMode() {
        ModeScan.Result ok = ModeScan.of(a, runs(0x10000, 2, 0x14000, 1), ModeScan.Rule.EVERY_RUN);
        assertEquals(Mode.R | Mode.W, ok.mode(0));
        ModeScan.Result mixed = ModeScan.of(a, runs(0x10000, 1, 0x20000, 1), ModeScan.Rule.EVERY_RUN);
        assertEquals(ModeScan.Failure.MIXED, mixed.failure());
        assertEquals(1, mixed.run());
    }

    @Test
    void hafniumsRuleComparesOnlyLaterFragmentsWithTheFirstFragmentsLastRun() {
        ConstituentList oneFragment = runs(0x10000, 1, 0x20000, 1);
        ModeScan.Result judgedByLast = ModeScan.of(a, oneFragment, ModeScan.Rule.FIRST_FRAGMENT_UNCOMPARED);
        assertEquals(Mode.R, judgedByLast.mode(0));
        ConstituentList twoFragments = ConstituentList.ofFragments(List.of(List.of(new PageRun(0x20000, 1)),
                List.of(new PageRun(0x10000, 1))));
        assertEquals(ModeScan.Failure.MIXED,
                ModeScan.of(a, twoFragments, ModeScan.Rule.FIRST_FRAGMENT_UNCOMPARED).failure());
    }

    @Test
    void failuresComeInTheirOrderPerRun() {
        assertEquals(ModeScan.Failure.UNALIGNED, ModeScan.of(a, runs(0x10800, 1), ModeScan.Rule.EVERY_RUN).failure());
        assertEquals(ModeScan.Failure.NOT_ONE_MODE, ModeScan.of(a, runs(0x1f000, 2), ModeScan.Rule.EVERY_RUN).failure());
        assertEquals(ModeScan.Failure.NOT_ONE_MODE, ModeScan.of(a, runs(0x10000, 0), ModeScan.Rule.EVERY_RUN).failure(),
                "an empty run has no mode");
        assertEquals(ModeScan.Failure.NOT_ONE_MODE, ModeScan.of(a, runs(), ModeScan.Rule.EVERY_RUN).failure());
        ModeScan.Result beyond = ModeScan.scan(List.of(a), runs(0x10000, 1, 0x30000, 1), ModeScan.Rule.EVERY_RUN, false,
                OptionalLong.of(0x30000));
        assertEquals(ModeScan.Failure.BEYOND_BOUND, beyond.failure());
        assertEquals(1, beyond.run());
    }

    @Test
    void severalTablesAreScannedRunByRunAndTheFailingOneIsNamed() {
        ModeScan.Result both = ModeScan.scan(List.of(a, b), runs(0x10000, 1), ModeScan.Rule.EVERY_RUN, false,
                OptionalLong.empty());
        assertEquals(Mode.R | Mode.W, both.mode(0));
        assertTrue(Mode.isUnmapped(both.mode(1)));
        assertTrue(b.map(PhysicalAddress.of(0x11000), PhysicalAddress.of(0x12000), Mode.R, machine.pool()));
        ModeScan.Result mixed = ModeScan.scan(List.of(a, b), runs(0x10000, 1, 0x11000, 1), ModeScan.Rule.EVERY_RUN,
                false, OptionalLong.empty());
        assertEquals(ModeScan.Failure.MIXED, mixed.failure());
        assertEquals(1, mixed.table());
    }
}
