package org.memshare.reliability;

import com.google.inject.Module;
import java.util.List;
import org.memshare.api.addr.PhysicalAddress;
import org.memshare.engine.hypervisor.Hypervisor;
import org.memshare.engine.machine.Machine;
import org.memshare.engine.machine.MachineConfig;
import org.memshare.engine.machine.MachineResult;
import org.memshare.engine.machine.Machines;
import org.memshare.engine.machine.Vm;
import org.memshare.engine.plugin.ArchRegistry;

/**
 * A booted machine for the reliability tests: VMs that own the memory of {@link #owned} from the
 * start, each page's first word holding a tag, so that a change of ownership, access or content
 * shows up in {@link Snapshot} and {@link OwnershipModel}.
 */
record Rig(String arch, Machine machine, Hypervisor hypervisor, List<Owned> owned) {
    static final long PAGE_SIZE = 4096;
    private static final ArchRegistry REGISTRY = ArchRegistry.discover();

    /** {@code pages} pages at {@code begin} that VM {@code owner} owns at boot, mapped with {@code mode}. */
    record Owned(int owner, long begin, long pages, int mode) {
        long end() {
            return begin + pages * PAGE_SIZE;
        }
    }

    /** The value the first word of the page at {@code address} holds after boot. */
    static long tag(long address) {
        return 0x7a67_0000_0000_0000L ^ address;
    }

    static Rig boot(String arch, int paBits, long poolPages, int vmCount, List<Owned> owned, Module... modules) {
        MachineResult result = Machines.create(MachineConfig.of(arch, paBits, poolPages, vmCount), REGISTRY, modules);
        if (!(result instanceof MachineResult.Created created)) {
            throw new AssertionError("no machine on " + arch + ": " + result);
        }
        Machine machine = created.machine();
        for (Owned o : owned) {
            Vm vm = machine.vm(o.owner()).orElseThrow();
            if (!vm.table().map(PhysicalAddress.of(o.begin()), PhysicalAddress.of(o.end()), o.mode(), machine.pool())) {
                throw new AssertionError("boot: the pool cannot map " + o);
            }
            for (long page = o.begin(); page < o.end(); page += PAGE_SIZE) {
                machine.memory().write64(PhysicalAddress.of(page), tag(page));
            }
        }
        return new Rig(arch, machine, new Hypervisor(machine), List.copyOf(owned));
    }

    int vmCount() {
        return machine.vms().size();
    }
}
