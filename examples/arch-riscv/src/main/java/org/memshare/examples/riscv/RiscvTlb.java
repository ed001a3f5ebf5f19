package org.memshare.examples.riscv;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.memshare.api.addr.Addresses;
import org.memshare.api.addr.IntermediatePhysicalAddress;
import org.memshare.api.addr.VirtualAddress;
import org.memshare.api.arch.Stage;
import org.memshare.api.arch.TlbMaintenance;
import org.memshare.api.arch.TlbObserver;

/**
 * The riscv TLB maintenance: after a G-stage change, {@code HFENCE.GVMA} by guest physical address
 * (rs1 = GPA >> 2) and VMID (rs2 = the VM's id) page by page, or {@code HFENCE.GVMA x0, vmid} for a
 * range of more than {@value #MAX_PAGE_FENCES} pages; after a change of the hypervisor's own table,
 * {@code SFENCE.VMA} by virtual address, or {@code SFENCE.VMA x0, x0}. Each fence is reported to the
 * {@link TlbObserver}s as what it invalidates (one page, or everything of the VM or the
 * hypervisor) and to the {@link Fence} listeners as the instruction itself.
 *
 * <p>The range is rounded outwards to pages; a range whose end wraps past 2^64 counts as huge.
 * Thread-safe: listeners live in copy-on-write lists.
 */
final class RiscvTlb implements TlbMaintenance {

    /** The most pages fenced one by one; a larger range is fenced whole. */
    static final int MAX_PAGE_FENCES = 32;

    private final List<TlbObserver> observers = new CopyOnWriteArrayList<>();
    private final List<Consumer<Fence>> fenceListeners = new CopyOnWriteArrayList<>();

    @Override
    public void addObserver(TlbObserver observer) {
        observers.add(requireNonNull(observer, "observer is null"));
    }

    @Override
    public boolean removeObserver(TlbObserver observer) {
        return observers.remove(observer);
    }

    /** Registers {@code listener}, which then sees every later fence instruction. */
    void addFenceListener(Consumer<Fence> listener) {
        fenceListeners.add(requireNonNull(listener, "listener is null"));
    }

    @Override
    public void invalidateStage1(VirtualAddress begin, VirtualAddress end) {
        requireNonNull(begin, "begin is null");
        requireNonNull(end, "end is null");
        fence(Stage.STAGE1, TlbObserver.NO_VM, begin.value(), end.value());
    }

    @Override
    public void invalidateStage2(int vmId, IntermediatePhysicalAddress begin, IntermediatePhysicalAddress end) {
        requireNonNull(begin, "begin is null");
        requireNonNull(end, "end is null");
        fence(Stage.STAGE2, vmId, begin.value(), end.value());
    }

    private void fence(Stage stage, int vmId, long begin, long end) {
        if (begin == end || (observers.isEmpty() && fenceListeners.isEmpty())) {
            return;
        }
        long first = Addresses.roundDownToPage(begin);
        long last = Addresses.roundUpToPage(end);
        boolean wraps = Long.compareUnsigned(end, begin) < 0 || last == 0;
        if (wraps || Long.compareUnsigned(last - first, MAX_PAGE_FENCES * Addresses.PAGE_SIZE) > 0) {
            issue(stage == Stage.STAGE2 ? Fence.hfenceGvmaAll(vmId) : Fence.sfenceVmaAll());
            for (TlbObserver observer : observers) {
                observer.invalidateAll(stage, vmId);
            }
            return;
        }
        for (long page = first; page != last; page += Addresses.PAGE_SIZE) {
            issue(stage == Stage.STAGE2 ? Fence.hfenceGvma(page, vmId) : Fence.sfenceVma(page));
            for (TlbObserver observer : observers) {
                observer.invalidatePage(stage, vmId, page);
            }
        }
    }

    private void issue(Fence fence) {
        for (Consumer<Fence> listener : fenceListeners) {
            listener.accept(fence);
        }
    }

    @Override
    public String toString() {
        return "riscv TLB maintenance (HFENCE.GVMA, SFENCE.VMA)";
    }
}
