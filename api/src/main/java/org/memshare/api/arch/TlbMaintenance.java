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
}
