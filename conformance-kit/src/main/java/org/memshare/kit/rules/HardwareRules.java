package org.memshare.kit.rules;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.memshare.api.addr.Addresses;
import org.memshare.api.addr.PhysicalAddress;
import org.memshare.api.arch.ArchFeature;
import org.memshare.api.arch.HardwareWalk;
import org.memshare.api.arch.Stage;
import org.memshare.api.mode.Mode;
import org.memshare.api.spci.ShareType;
import org.memshare.engine.machine.Machine;
import org.memshare.engine.machine.Vm;
import org.memshare.engine.mm.PageTable;
import org.memshare.kit.ArchUnderTest;
import org.memshare.kit.ConformanceRule;
import org.memshare.kit.Level;
import org.memshare.kit.RuleDisplayNames;

/**
 * HW rules: what the plugin's own hardware walk ({@link HardwareWalk}, written from its
 * architecture's specification) grants equals what the engine's modes promise. After every
 * operation of a scripted scenario, at sampled addresses of every VM (block starts and ends,
 * page boundaries, inside blocks, unmapped gaps): a mode with INVALID must fault; any other mode
 * must be granted, at the same output address (VMs are identity mapped), with exactly the mode's
 * R, W, X and D bits. The hypervisor's own stage-1 table is checked the same way against the
 * modes it was mapped with. Optional: they need {@link ArchFeature#HARDWARE_WALK}.
 *
 * <p>A failure names the operation, the VM, the address, the mode, what the walk answered and the
 * raw entries on the way down. Look at the format's encoding of that mode ({@code
 * modeToStage2Attrs}): a bit the hardware reads differently (a permission in the wrong place, a
 * reserved bit, a missing access flag), or at {@code tablePte}: a table entry whose raw address
 * is not the table's.
 */
@DisplayNameGeneration(RuleDisplayNames.class)
public class HardwareRules {
    private static final long PAGE = Addresses.PAGE_SIZE;
    private static final int POOL_PAGES = 512;
    private static final int VMS = 3;
    private static final int ACCESS_BITS = Mode.R | Mode.W | Mode.X | Mode.D;

    /** A booted machine, its hardware walk and the addresses to sample. */
    private static final class Walked extends ScenarioSteps {
        final HardwareWalk walk;
        final TreeSet<Long> samples = new TreeSet<>(Long::compareUnsigned);

        Walked(ArchUnderTest under) {
            super(under, POOL_PAGES, VMS, 4);
            this.walk = machine.arch().hardwareWalk().orElseThrow(() -> new AssertionError(under
                    + " declares " + ArchFeature.HARDWARE_WALK + " but its arch offers no hardware walk"));
            // The gap below the range, each block's first and last bytes and pages, page boundaries
            // and the middle of pages inside the blocks, and the gap after.
            samples.add(0L);
            samples.add(base - PAGE);
            for (long b = base; b != base + 3 * block; b += block) {
                for (long offset : new long[] {0, 8, PAGE - 8, PAGE, 5 * PAGE, 6 * PAGE - 8, 6 * PAGE, 7 * PAGE + 0x800,
                    block / 2, block - PAGE, block - 8}) {
                    samples.add(b + offset);
                }
            }
            samples.add(base + 3 * block + 0x123);
        }

        void sample(long address) {
            samples.add(address);
        }

        /** Runs {@code operation}, then compares the walk with the modes at every sample of every VM. */
        @Override
        void step(String operation, Runnable change) {
            change.run();
            for (Vm vm : machine.vms()) {
                for (long address : samples) {
                    check(operation, vm, address);
                }
            }
        }

        private void check(String operation, Vm vm, long address) {
            WalkComparison.problem(machine, walk, vm, address)
                    .ifPresent(problem -> fail(under + ": after " + operation + ", " + problem));
        }
    }

    @ConformanceRule(id = "HW-1", level = Level.OPTIONAL, requires = ArchFeature.HARDWARE_WALK,
            title = "after maps of every mode, unmaps, block splits and defrag the hardware grants what the modes promise")
    void hw1PageTableOperations(ArchUnderTest under) {
        Walked w = new Walked(under);
        long base = w.base;
        long block = w.block;
        // VM 1: whole blocks, then pages of other modes inside them (block splits), unmaps, defrag.
        w.map(1, base, base + 2 * block, Mode.R | Mode.W | Mode.X);
        w.map(1, base + 5 * PAGE, base + 6 * PAGE, Mode.R);
        w.map(1, base + 6 * PAGE, base + 7 * PAGE, Mode.W);
        w.map(1, base + 7 * PAGE, base + 8 * PAGE, Mode.R | Mode.X | Mode.SHARED);
        w.map(1, base + block, base + 2 * block, Mode.R | Mode.W | Mode.D);
        w.unmap(1, base + block + PAGE, base + block + 6 * PAGE);
        w.defrag(1);
        w.map(1, base, base + block, Mode.R | Mode.W);
        w.defrag(1);
        // VM 2: every mode, each on a page of its own in the third block, checked after each map.
        long modes = base + 2 * block;
        for (int mode = 0; mode <= Mode.ALL; mode++) {
            w.sample(modes + mode * PAGE + 0x10);
        }
        for (int mode = 0; mode <= Mode.ALL; mode++) {
            w.map(2, modes + mode * PAGE, modes + (mode + 1) * PAGE, mode);
        }
        w.unmap(2, modes, modes + (Mode.ALL + 1L) * PAGE);
        w.defrag(2);
        // VM 3: a block, then a range across two blocks.
        w.map(3, base, base + 2 * block, Mode.R | Mode.X);
        w.unmap(3, base + block - 2 * PAGE, base + block + 2 * PAGE);
        w.map(3, base + block - PAGE, base + block + PAGE, Mode.INVALID);
        w.defrag(3);
    }

    @ConformanceRule(id = "HW-2", level = Level.OPTIONAL, requires = ArchFeature.HARDWARE_WALK,
            title = "after shares, lends, donates and relinquishes of every access the hardware grants what the modes promise")
    void hw2SharingOperations(ArchUnderTest under) {
        Walked w = new Walked(under);
        long base = w.base;
        long block = w.block;
        w.map(1, base, base + 2 * block, Mode.R | Mode.W | Mode.X);
        for (int access = 0; access < 4; access++) {
            long page = base + (5 + access) * PAGE;
            w.share(ShareType.SHARE, 1, 2, access, page, 1);
            w.share(ShareType.LEND, 1, 3, access, base + block + access * PAGE, 1);
        }
        for (int access = 0; access < 4; access++) {
            w.share(ShareType.RELINQUISH, 2, 1, 0, base + (5 + access) * PAGE, 1);
            w.share(ShareType.RELINQUISH, 3, 1, 0, base + block + access * PAGE, 1);
        }
        w.share(ShareType.DONATE, 1, 2, 1, base, 1, base + block - PAGE, 1);
        w.share(ShareType.DONATE, 2, 3, 2, base, 1);
        w.share(ShareType.SHARE, 3, 1, 0, base, 1);
        w.share(ShareType.RELINQUISH, 1, 3, 0, base, 1);
        w.defrag(1);
    }

    @ConformanceRule(id = "HW-3", level = Level.OPTIONAL, requires = ArchFeature.HARDWARE_WALK,
            title = "the hypervisor's stage-1 mappings of every readable mode are granted as mapped")
    void hw3Stage1Mappings(ArchUnderTest under) {
        Machine machine = under.boot(POOL_PAGES, 1);
        HardwareWalk walk = machine.arch().hardwareWalk().orElseThrow(() -> new AssertionError(under
                + " declares " + ArchFeature.HARDWARE_WALK + " but its arch offers no hardware walk"));
        PageTable table = machine.hypervisorTable();
        long block = Addresses.entrySize(1);
        long base = block;
        long end = PageTable.addressSpaceEnd(table.format(), Stage.STAGE1);
        if (Long.compareUnsigned(base + 2 * block, end) > 0) {
            throw new IllegalStateException(under + ": stage-1 address space ends at 0x" + Long.toHexString(end));
        }
        // Stage 1 has no ownership state and always allows reads of what it maps: the modes to
        // prove are R with any of W, X and D; INVALID maps an entry that must fault.
        List<Integer> modes = new ArrayList<>();
        for (int mode = 0; mode <= ACCESS_BITS; mode++) {
            if ((mode & Mode.R) != 0) {
                modes.add(mode);
            }
        }
        // What each sampled page should be: a mode, or -1 for nothing (a fault).
        TreeMap<Long, Integer> expected = new TreeMap<>(Long::compareUnsigned);
        for (long page = base - PAGE; page != base + 2 * block + PAGE; page += PAGE) {
            expected.put(page, -1);
        }
        List<long[]> steps = new ArrayList<>();
        steps.add(new long[] {base, base + 2 * block, Mode.R | Mode.W | Mode.X});
        for (int i = 0; i < modes.size(); i++) {
            steps.add(new long[] {base + (3 + i) * PAGE, base + (4 + i) * PAGE, modes.get(i)});
        }
        steps.add(new long[] {base + block, base + 2 * block, Mode.R | Mode.D});
        steps.add(new long[] {base + block + PAGE, base + block + 2 * PAGE, Mode.R | Mode.INVALID});
        steps.add(new long[] {base + 2 * PAGE, base + 3 * PAGE, Mode.INVALID | Mode.UNOWNED}); // an unmap
        for (long[] step : steps) {
            int mode = (int) step[2];
            String operation = "map s1 0x" + Long.toHexString(step[0]) + " 0x" + Long.toHexString(step[1]) + " mode "
                    + Mode.describe(mode) + " (0x" + Integer.toHexString(mode) + ")";
            assertTrue(table.map(PhysicalAddress.of(step[0]), PhysicalAddress.of(step[1]), mode, machine.pool()),
                    under + ": the pool ran out: " + operation);
            // The api has no stage-1 canonical mode; a format that cannot represent a mode at stage 2
            // (its canonical mode) is taken to grant the same at stage 1, for example a device mode
            // without an encoding for device memory.
            int granted = table.format().canonicalStage2Mode(mode);
            for (long page = step[0]; page != step[1]; page += PAGE) {
                expected.put(page, (granted & Mode.INVALID) != 0 ? -1 : granted);
            }
            for (Map.Entry<Long, Integer> entry : expected.entrySet()) {
                long address = entry.getKey() + 0x28;
                int want = entry.getValue();
                HardwareWalk.Translation t = walk.translate(Stage.STAGE1, machine.tableMemory()::table,
                        table.rootAddress(), address);
                boolean ok = want < 0 ? t instanceof HardwareWalk.Fault
                        : t instanceof HardwareWalk.Granted g && g.outputAddress() == address
                                && g.access() == (want & ACCESS_BITS);
                if (!ok) {
                    fail(under + ": after " + operation + ", the hypervisor's stage-1 address 0x"
                            + Long.toHexString(address) + " should " + (want < 0 ? "fault"
                                    : "be granted " + Mode.describe(want) + " (0x" + Integer.toHexString(want) + ")")
                            + " but the hardware walk gives " + WalkComparison.describe(t));
                }
            }
        }
    }
}
