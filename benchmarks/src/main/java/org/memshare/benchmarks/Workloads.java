package org.memshare.benchmarks;

import java.util.ArrayList;
import java.util.List;
import org.memshare.api.addr.PhysicalAddress;
import org.memshare.api.mode.Mode;
import org.memshare.api.spci.Constituent;
import org.memshare.api.spci.MemoryRegion;
import org.memshare.api.spci.ReceiverAttributes;
import org.memshare.engine.hypervisor.Hypervisor;
import org.memshare.engine.machine.Machine;
import org.memshare.engine.machine.MachineConfig;
import org.memshare.engine.machine.MachineResult;
import org.memshare.engine.machine.Machines;
import org.memshare.engine.plugin.ArchRegistry;

/**
 * The machines and regions of the benchmark workloads of TRACES.md (W1, W2, W3), built the way
 * {@code ../shared/tools/bench-traces} builds their traces: aarch64 at 40-bit PA.
 */
final class Workloads {
    static final long PAGE = 4096;
    /** Where W1's window and W2's 1 GiB of VM 1 start. */
    static final long WINDOW_BASE = 0x4000_0000L;
    /** Where W3's fragmented pages start. */
    static final long FRAGMENTED_BASE = 1L << 32;

    private Workloads() {
    }

    /** A fresh machine of the bundled arch {@code arch} at 40-bit PA, with the injector's hypervisor. */
    static MachineResult.Created machine(String arch, long poolPages, int vms) {
        MachineResult result = Machines.create(MachineConfig.of(arch, 40, poolPages, vms), ArchRegistry.discover());
        if (!(result instanceof MachineResult.Created created)) {
            throw new IllegalStateException("cannot make the benchmark machine: " + result);
        }
        return created;
    }

    /** Maps {@code [begin, end)} in VM {@code vm}, or fails loudly: set-up must not go wrong silently. */
    static void map(Machine machine, int vm, long begin, long end, int mode) {
        if (!machine.vm(vm).orElseThrow().table().map(PhysicalAddress.of(begin), PhysicalAddress.of(end), mode,
                machine.pool())) {
            throw new IllegalStateException("set-up map of 0x" + Long.toHexString(begin) + " ran out of memory");
        }
    }

    /** W3's fragmentation: {@code pages} pages from 4 GiB, every other one mapped, alternating R|W and R. */
    static void fragment(Machine machine, int vm, int pages) {
        for (int k = 0; k < pages / 2; k++) {
            long begin = FRAGMENTED_BASE + 2 * k * PAGE;
            map(machine, vm, begin, begin + PAGE, k % 2 == 0 ? Mode.R | Mode.W : Mode.R);
        }
    }

    /** W2's 64 non-contiguous constituents inside VM 1's first GiB, 1 to 16 pages each. */
    static List<Constituent> constituents() {
        List<Constituent> out = new ArrayList<>(64);
        for (int i = 0; i < 64; i++) {
            out.add(Constituent.of(WINDOW_BASE + i * 64 * PAGE, 1 + (i * 7) % 16));
        }
        return out;
    }

    /** A region of W2's constituents for {@code receiver}, with the attributes W2 uses (0x60). */
    static MemoryRegion region(int receiver, List<Constituent> constituents) {
        return MemoryRegion.of(0, 0, List.of(ReceiverAttributes.of(receiver, 0x60)), constituents);
    }

    /** Sends {@code message}; on success the receiver reads and releases it (a reader that takes a copy). */
    static boolean send(Hypervisor hypervisor, int from, int to, byte[] message) {
        boolean ok = hypervisor.send(from, to, message).isSuccess();
        if (ok) {
            hypervisor.release(to);
        }
        return ok;
    }

    /**
     * Sends {@code message}; on success the receiver releases it without reading it
     * ({@link Hypervisor#discard}), so the mailbox makes no copy for a reader.
     */
    static boolean sendDiscarding(Hypervisor hypervisor, int from, int to, byte[] message) {
        boolean ok = hypervisor.send(from, to, message).isSuccess();
        if (ok) {
            hypervisor.discard(to);
        }
        return ok;
    }

    /** xorshift64*, the generator of bench-traces, so the churn has W1's shape. */
    static final class XorShift {
        private long state;

        XorShift(long seed) {
            this.state = seed;
        }

        long next() {
            long s = state;
            s ^= s >>> 12;
            s ^= s << 25;
            s ^= s >>> 27;
            state = s;
            return s * 2685821657736338717L;
        }

        long below(long n) {
            return Long.remainderUnsigned(next(), n);
        }
    }
}
