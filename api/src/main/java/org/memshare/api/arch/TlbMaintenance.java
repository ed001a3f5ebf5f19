package org.memshare.api.arch;

import org.memshare.api.addr.IntermediatePhysicalAddress;
import org.memshare.api.addr.VirtualAddress;

/**
 * TLB invalidation that software owes the hardware after it changes a page table. The engine
 * calls these exactly where Hafnium would; an arch that models no TLB implements them as no-ops
 * (see {@link #NONE}).
 */
public interface TlbMaintenance {

    /** The maintenance of an arch that models no TLB: nothing to do. */
    TlbMaintenance NONE = new TlbMaintenance() {
        @Override
        public void invalidateStage1(VirtualAddress begin, VirtualAddress end) {
        }

        @Override
        public void invalidateStage2(int vmId, IntermediatePhysicalAddress begin, IntermediatePhysicalAddress end) {
        }
    };

    /** Invalidates the hypervisor's translations of {@code [begin, end)}. */
    void invalidateStage1(VirtualAddress begin, VirtualAddress end);

    /** Invalidates VM {@code vmId}'s stage-2 translations of {@code [begin, end)}. */
    void invalidateStage2(int vmId, IntermediatePhysicalAddress begin, IntermediatePhysicalAddress end);

    /**
     * Registers {@code observer}, which then sees every later maintenance instruction as the
     * hardware would execute it. Registering twice reports twice.
     *
     * @throws UnsupportedOperationException unless the arch declares {@link ArchFeature#TLB_MODEL}
     *     (the default)
     */
    default void addObserver(TlbObserver observer) {
        throw new UnsupportedOperationException("this TLB maintenance cannot be observed: the arch does not declare "
                + ArchFeature.TLB_MODEL);
    }

    /** Unregisters one registration of {@code observer}; returns whether it was registered (the default: false). */
    default boolean removeObserver(TlbObserver observer) {
        return false;
    }
}
