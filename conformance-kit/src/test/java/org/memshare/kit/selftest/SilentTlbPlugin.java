package org.memshare.kit.selftest;

import org.memshare.api.addr.IntermediatePhysicalAddress;
import org.memshare.api.addr.VirtualAddress;
import org.memshare.api.arch.TlbMaintenance;
import org.memshare.api.arch.TlbObserver;

/** aarch64 whose TLB invalidation does nothing: it accepts observers but never reports (or performs) an invalidation. */
public final class SilentTlbPlugin extends BrokenAarch64Plugin {
    static final String NAME = "aarch64-silent-tlb";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    TlbMaintenance tlb(TlbMaintenance real) {
        return new TlbMaintenance() {
            @Override
            public void invalidateStage1(VirtualAddress begin, VirtualAddress end) {
            }

            @Override
            public void invalidateStage2(int vmId, IntermediatePhysicalAddress begin, IntermediatePhysicalAddress end) {
            }

            @Override
            public void addObserver(TlbObserver observer) {
            }
        };
    }
}
