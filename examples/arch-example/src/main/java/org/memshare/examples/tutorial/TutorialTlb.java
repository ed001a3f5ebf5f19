package org.memshare.examples.tutorial;

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
 * The tutorial arch's TLB maintenance: what software must tell the hardware after it changes a
 * page table, reported to {@link TlbObserver}s one instruction at a time (the plugin declares
 * {@link org.memshare.api.arch.ArchFeature#TLB_MODEL}, which promises exactly that).
 *
 * <p>The imaginary hardware has two instructions: invalidate one page (by address) and invalidate
 * everything (of the hypervisor at stage 1, of one VM at stage 2). A range is invalidated page by
 * page up to {@value #MAX_PAGE_INVALIDATIONS} pages and with one invalidate-everything above that,
 * because a loop of thousands of instructions costs more than refilling the TLB. Invalidating
 * more than asked is always correct; invalidating less leaves stale translations, which the
 * conformance kit's TLB rules catch.
 *
 * <p>The range is rounded outwards to whole pages, so a partial page at either end is still
 * dropped. A range whose end lies below its begin (it wrapped past 2^64) counts as huge.
 *
 * <p>This TLB also caches combined translations (guest virtual address straight to physical),
 * which an invalidation by IPA cannot find; so after page-by-page stage-2 invalidation it drops
 * the VM's guest stage-1 translations too ({@link TlbObserver#invalidateGuestStage1}), as Arm
 * hardware needs. After an invalidate-everything of the VM there is nothing left to drop.
 *
 * <p>Thread-safe: the observer list is copy-on-write, so maintenance reads it without locking,
 * and with no observer registered each call returns at once.
 */
final class TutorialTlb implements TlbMaintenance {

    /** The most pages invalidated one by one; a larger range invalidates everything. */
    static final int MAX_PAGE_INVALIDATIONS = 32;

    private final List<TlbObserver> observers = new CopyOnWriteArrayList<>();

    /** Registers {@code observer}; it sees every later instruction. Registering twice reports twice. */
    @Override
    public void addObserver(TlbObserver observer) {
        observers.add(requireNonNull(observer, "observer is null"));
    }

    /** Unregisters one registration of {@code observer}; returns whether it was registered. */
    @Override
    public boolean removeObserver(TlbObserver observer) {
        return observers.remove(observer);
    }

    @Override
    public void invalidateStage1(VirtualAddress begin, VirtualAddress end) {
        requireNonNull(begin, "begin is null");
        requireNonNull(end, "end is null");
        invalidate(Stage.STAGE1, TlbObserver.NO_VM, begin.value(), end.value());
    }

    @Override
    public void invalidateStage2(int vmId, IntermediatePhysicalAddress begin, IntermediatePhysicalAddress end) {
        requireNonNull(begin, "begin is null");
        requireNonNull(end, "end is null");
        invalidate(Stage.STAGE2, vmId, begin.value(), end.value());
    }

    /** Reports the instructions that invalidate {@code [begin, end)} of {@code stage} for {@code vmId}. */
    private void invalidate(Stage stage, int vmId, long begin, long end) {
        if (observers.isEmpty() || begin == end) {
            return;
        }
        long first = Addresses.roundDownToPage(begin);
        long last = Addresses.roundUpToPage(end);
        boolean wraps = Long.compareUnsigned(end, begin) < 0 || last == 0;
        long maxBytes = MAX_PAGE_INVALIDATIONS * Addresses.PAGE_SIZE;
        if (wraps || Long.compareUnsigned(last - first, maxBytes) > 0) {
            for (TlbObserver observer : observers) {
                observer.invalidateAll(stage, vmId);
            }
            return;
        }
        for (long page = first; page != last; page += Addresses.PAGE_SIZE) {
            for (TlbObserver observer : observers) {
                observer.invalidatePage(stage, vmId, page);
            }
        }
        if (stage == Stage.STAGE2) {
            for (TlbObserver observer : observers) {
                observer.invalidateGuestStage1(vmId);
            }
        }
    }

    @Override
    public String toString() {
        return "tutorial TLB maintenance (" + observers.size() + " observer" + (observers.size() == 1 ? "" : "s") + ")";
    }
}
