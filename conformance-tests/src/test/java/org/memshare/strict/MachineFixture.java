package org.memshare.strict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.inject.Module;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.memshare.api.addr.PhysicalAddress;
import org.memshare.api.mode.Mode;
import org.memshare.api.spci.Constituent;
import org.memshare.api.spci.MemoryAccess;
import org.memshare.api.spci.MemoryAttributes;
import org.memshare.api.spci.MemoryRegion;
import org.memshare.api.spci.MemoryRegionCodec;
import org.memshare.api.spci.ReceiverAttributes;
import org.memshare.api.spci.ShareType;
import org.memshare.api.spci.SpciError;
import org.memshare.engine.hypervisor.Hypervisor;
import org.memshare.engine.machine.Machine;
import org.memshare.engine.machine.MachineConfig;
import org.memshare.engine.machine.MachineResult;
import org.memshare.engine.machine.Machines;
import org.memshare.engine.mm.PageTable;
import org.memshare.engine.plugin.ArchRegistry;
import org.memshare.engine.spci.SpciResult;

/**
 * A three-VM machine with memory mapped and filled with a pattern, and a snapshot of everything a
 * share may change: every VM's stage-2 table, the hypervisor's stage-1 table, the pool's free
 * count, the resident pages and the memory at chosen addresses.
 *
 * <p>Layout (identity-mapped, as Hafnium's VMs are):
 * <ul>
 *   <li>VM 1 owns {@link #VM1_BASE} to {@link #VM1_END} R|W|X: a 2 MiB block and 16 pages after it;</li>
 *   <li>VM 2 owns 16 pages at {@link #VM2_BASE} R|W|X;</li>
 *   <li>VM 3 owns 4 pages at {@link #VM3_BASE} R|W.</li>
 * </ul>
 * The first and last words of every page above hold a pattern ({@link #pattern(long)}).
 */
public final class MachineFixture {
    /** The arches every test runs on. */
    public static final String[] ARCHES = {"fake", "aarch64"};
    public static final long PAGE = Constituent.PAGE_SIZE;
    public static final long VM1_BASE = 0x4000_0000L;
    public static final long VM1_END = VM1_BASE + 0x20_0000L + 16 * PAGE;
    public static final long VM2_BASE = 0x5000_0000L;
    public static final long VM2_END = VM2_BASE + 16 * PAGE;
    public static final long VM3_BASE = 0x6000_0000L;
    public static final long VM3_END = VM3_BASE + 4 * PAGE;
    public static final int RWX = Mode.R | Mode.W | Mode.X;
    /** RW_NX, normal memory, as a raw 16-bit attribute field. */
    public static final int RW_NX = MemoryAttributes.of(MemoryAccess.RW_NX, true, 0, 0).value();
    /** RW_X, normal memory, as a raw 16-bit attribute field. */
    public static final int RW_X = MemoryAttributes.of(MemoryAccess.RW_X, true, 0, 0).value();

    private static final ArchRegistry REGISTRY = ArchRegistry.discover();
    private static final long POOL_PAGES = 512;

    private final Machine machine;
    private final Hypervisor hypervisor;
    private final List<Long> probes = new ArrayList<>();

    private MachineFixture(Machine machine) {
        this.machine = machine;
        this.hypervisor = new Hypervisor(machine);
    }

    /** The machine on {@code arch} with the layout above, with {@code modules} installed. */
    public static MachineFixture create(String arch, Module... modules) {
        MachineFixture fixture = bare(arch, modules);
        fixture.map(1, VM1_BASE, VM1_END, RWX);
        fixture.map(2, VM2_BASE, VM2_END, RWX);
        fixture.map(3, VM3_BASE, VM3_END, Mode.R | Mode.W);
        fixture.fillPages(VM1_BASE, VM1_END);
        fixture.fillPages(VM2_BASE, VM2_END);
        fixture.fillPages(VM3_BASE, VM3_END);
        return fixture;
    }

    /** The machine on {@code arch} with nothing mapped and no pattern. */
    public static MachineFixture bare(String arch, Module... modules) {
        MachineResult result = Machines.create(MachineConfig.of(arch, 40, POOL_PAGES, 3), REGISTRY, modules);
        assertTrue(result instanceof MachineResult.Created, () -> "no machine: " + result);
        return new MachineFixture(((MachineResult.Created) result).machine());
    }

    public Machine machine() {
        return machine;
    }

    public Hypervisor hypervisor() {
        return hypervisor;
    }

    /** The end of a VM's stage-2 address space. */
    public long addressSpaceEnd() {
        return machine.vms().get(0).table().addressSpaceEnd();
    }

    /** Maps {@code [begin, end)} into VM {@code vm}'s stage 2 with {@code mode}; fails the test if it cannot. */
    public void map(int vm, long begin, long end, int mode) {
        PageTable table = machine.vm(vm).orElseThrow().table();
        assertTrue(table.map(PhysicalAddress.of(begin), PhysicalAddress.of(end), mode, machine.pool()),
                () -> "map of 0x" + Long.toHexString(begin) + "..0x" + Long.toHexString(end) + " into VM " + vm);
    }

    /** The value {@link #fill} writes at {@code address}: never zero. */
    public static long pattern(long address) {
        return 0x5a5a_0000_0000_0001L ^ address;
    }

    /** Writes {@link #pattern} at each address (rounded down to 8 bytes) and probes it from then on. */
    public void fill(long... addresses) {
        for (long address : addresses) {
            long aligned = address & ~7L;
            machine.memory().write64(PhysicalAddress.of(aligned), pattern(aligned));
            probes.add(aligned);
        }
    }

    /** Fills the first and the last word of every page in {@code [begin, end)}. */
    public void fillPages(long begin, long end) {
        for (long page = begin; Long.compareUnsigned(page, end) < 0; page += PAGE) {
            fill(page, page + PAGE - 8);
        }
    }

    /** The memory at {@code address} (8-aligned), read physically. */
    public long peek(long address) {
        return machine.memory().read64(PhysicalAddress.of(address));
    }

    /** Everything a share may change. */
    public record Snapshot(List<List<String>> stage2, List<String> stage1, long freeCount, int residentPages,
            Map<Long, Long> memory) {
    }

    /** Takes a snapshot, reading memory at every probed address. */
    public Snapshot snapshot() {
        List<List<String>> stage2 = new ArrayList<>();
        machine.vms().forEach(vm -> stage2.add(dump(vm.table())));
        Map<Long, Long> memory = new TreeMap<>(Long::compareUnsigned);
        for (long address : probes) {
            memory.put(address, peek(address));
        }
        return new Snapshot(List.copyOf(stage2), dump(machine.hypervisorTable()), machine.pool().freeCount(),
                machine.memory().residentPages(), memory);
    }

    /** Every present entry of {@code table}: level, address, kind and raw entry. */
    public static List<String> dump(PageTable table) {
        List<String> entries = new ArrayList<>();
        table.visit((level, address, pte, kind) -> entries.add(
                "L" + level + " 0x" + Long.toHexString(address) + " " + kind + " pte=0x" + Long.toHexString(pte)));
        return List.copyOf(entries);
    }

    /** Fails unless {@code after} equals {@code before} in every part, naming the part that differs. */
    public static void assertUnchanged(Snapshot before, Snapshot after) {
        assertSameTables(before, after);
        assertEquals(before.freeCount(), after.freeCount(), "the pool's free count changed");
        assertEquals(before.residentPages(), after.residentPages(), "the number of resident pages changed");
        assertEquals(before.memory(), after.memory(), "memory changed");
        assertEquals(before, after);
    }

    /** Fails unless every table in {@code after} is entry for entry as in {@code before}, naming the first difference. */
    public static void assertSameTables(Snapshot before, Snapshot after) {
        for (int i = 0; i < before.stage2().size(); i++) {
            assertSameDump("VM " + (i + 1) + "'s stage-2 table", before.stage2().get(i), after.stage2().get(i));
        }
        assertSameDump("the hypervisor's stage-1 table", before.stage1(), after.stage1());
    }

    private static void assertSameDump(String what, List<String> before, List<String> after) {
        if (before.equals(after)) {
            return;
        }
        int i = 0;
        while (i < before.size() && i < after.size() && before.get(i).equals(after.get(i))) {
            i++;
        }
        String was = i < before.size() ? before.get(i) : "(no entry)";
        String now = i < after.size() ? after.get(i) : "(no entry)";
        fail(what + " changed: entry " + i + " was " + was + ", is now " + now + " (" + before.size() + " entries before, "
                + after.size() + " after)");
    }

    /** Sends {@code message} and releases the receiver's mailbox if it was delivered. */
    public SpciResult send(int from, int to, byte[] message) {
        SpciResult result = hypervisor.send(from, to, message);
        if (result.isSuccess()) {
            assertTrue(hypervisor.release(to).isPresent(), "a successful send delivers the message");
        }
        return result;
    }

    /**
     * Sends {@code message}, asserts that it answers {@code expected} with a reason containing
     * {@code reasonFragment} (ignoring case), that nothing was delivered and that nothing changed.
     *
     * @return the result
     */
    public SpciResult assertRefusedWithoutChange(SpciError expected, String reasonFragment, int from, int to,
            byte[] message) {
        return assertRefusedWithoutChange(expected, reasonFragment, to, () -> hypervisor.send(from, to, message));
    }

    /**
     * Runs {@code call} (a send to VM {@code to}), asserts that it answers {@code expected} with a
     * reason containing {@code reasonFragment} (ignoring case), that nothing was delivered and
     * that nothing changed.
     *
     * @return the result
     */
    public SpciResult assertRefusedWithoutChange(SpciError expected, String reasonFragment, int to,
            Supplier<SpciResult> call) {
        Snapshot before = snapshot();
        SpciResult result = call.get();
        assertEquals(expected, result.error().orElse(null), () -> "the send answered " + result);
        assertTrue(result.reason().toLowerCase().contains(reasonFragment.toLowerCase()),
                () -> "the reason '" + result.reason() + "' does not mention '" + reasonFragment + "'");
        machine.vm(to).ifPresent(vm -> assertFalse(hypervisor.receive(to).isPresent(),
                "a refused message must not be delivered"));
        assertUnchanged(before, snapshot());
        return result;
    }

    /** The message {@code type} carrying a region for receiver {@code receiver} with {@code constituents}. */
    public static byte[] message(ShareType type, int receiver, int attributes, int flags, Constituent... constituents) {
        MemoryRegion region = MemoryRegion.of(0, flags, List.of(ReceiverAttributes.of(receiver, attributes)),
                Arrays.asList(constituents));
        return MemoryRegionCodec.encodeMessage(type, region);
    }

    /** {@link Constituent#of}. */
    public static Constituent c(long address, long pages) {
        return Constituent.of(address, pages);
    }
}
