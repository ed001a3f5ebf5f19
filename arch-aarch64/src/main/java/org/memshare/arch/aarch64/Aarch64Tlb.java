package org.memshare.arch.aarch64;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.memshare.api.addr.Addresses;
import org.memshare.api.addr.IntermediatePhysicalAddress;
import org.memshare.api.addr.VirtualAddress;
import org.memshare.api.arch.Stage;
import org.memshare.api.arch.TlbMaintenance;
import org.memshare.api.arch.TlbObserver;

/**
 * TLB maintenance as Hafnium performs it on CPUs without range invalidation (before Armv8.4):
 * a range of at most {@value #MAX_PAGE_INVALIDATIONS} pages is invalidated one page at a time,
 * a larger range by invalidating everything (stage 1) or everything of the VM (stage 2). After
 * page-by-page stage-2 invalidation the VM's stage-1 translations are invalidated as well.
 *
 * <p>The instructions are reported to {@link TlbObserver}s. With none registered, the
 * maintenance calls return at once: they cost one volatile read.
 *
 * <p>The range is handled exactly as Hafnium does: in unsigned arithmetic, the size compared in
 * bytes, and pages counted from {@code begin >> 12} up to but excluding {@code end >> 12}, so an
 * unaligned end leaves its last partial page out and a range whose end lies below its begin
 * counts as huge.
 */
public final class Aarch64Tlb implements TlbMaintenance {

    /** The most pages invalidated one by one; above this, everything goes (as Linux does too). */
    public static final int MAX_PAGE_INVALIDATIONS = Addresses.ENTRIES_PER_TABLE;

    /** Copy-on-write, so the maintenance calls read it without locking. */
    private final List<TlbObserver> observers = new CopyOnWriteArrayList<>();

    /** Registers {@code observer}; it sees every later maintenance instruction. Registering twice reports twice. */
    @Override
    public void addObserver(TlbObserver observer) {
        requireNonNull(observer, "observer is null");
        observers.add(observer);
    }

    /** Unregisters one registration of {@code observer}; returns whether it was registered. */
    @Override
    public boolean removeObserver(TlbObserver observer) {
        return observers.remove(observer);
    }

    /** Whether any observer is registered. */
    public boolean isObserved() {
        return !observers.isEmpty();
    }

    @Override
    public void invalidateStage1(VirtualAddress begin, VirtualAddress end) {
        List<TlbObserver> watching = observers;
        if (watching.isEmpty()) {
            return;
        }
        invalidate(watching, Stage.STAGE1, TlbObserver.NO_VM, begin.value(), end.value());
    }

    /**
     * {@inheritDoc}
     *
     * <p>On hardware the instructions act on the VMID currently loaded in VTTBR_EL2; the model
     * reports {@code vmId}, the VM whose table changed.
     */
    @Override
    public void invalidateStage2(int vmId, IntermediatePhysicalAddress begin, IntermediatePhysicalAddress end) {
        List<TlbObserver> watching = observers;
        if (watching.isEmpty()) {
            return;
        }
        invalidate(watching, Stage.STAGE2, vmId, begin.value(), end.value());
    }

    private static void invalidate(List<TlbObserver> watching, Stage stage, int vmId, long begin, long end) {
        if (Long.compareUnsigned(end - begin, (long) MAX_PAGE_INVALIDATIONS * Addresses.PAGE_SIZE) > 0) {
            for (TlbObserver observer : watching) {
                observer.invalidateAll(stage, vmId);
            }
            return;
        }
        long firstPage = begin >>> Addresses.PAGE_BITS;
        long endPage = end >>> Addresses.PAGE_BITS;
        for (long page = firstPage; Long.compareUnsigned(page, endPage) < 0; page++) {
            long address = page << Addresses.PAGE_BITS;
            for (TlbObserver observer : watching) {
                observer.invalidatePage(stage, vmId, address);
            }
        }
        if (stage == Stage.STAGE2) {
            for (TlbObserver observer : watching) {
                observer.invalidateGuestStage1(vmId);
            }
        }
    }

    @Override
    public String toString() {
        return "aarch64 TLB maintenance (" + observers.size() + " observer" + (observers.size() == 1 ? "" : "s") + ")";
    }
}
