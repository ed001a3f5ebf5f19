package org.memshare.kit.selftest;

import org.memshare.api.arch.PageTableFormat;

/**
 * aarch64 whose stage-2 encoding swaps read and write, consistently both ways: a mode's R goes to
 * S2AP's write bit and back, so every round trip holds and only the hardware sees the difference.
 */
public final class SwappedPermissionsPlugin extends BrokenAarch64Plugin {
    static final String NAME = "aarch64-swapped-permissions";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    PageTableFormat format(PageTableFormat real) {
        return new DelegatingFormat(real) {
            @Override
            public long modeToStage2Attrs(int mode) {
                return real.modeToStage2Attrs(SWAP_R_AND_W.apply(mode));
            }

            @Override
            public int stage2AttrsToMode(long attrs) {
                return SWAP_R_AND_W.apply(real.stage2AttrsToMode(attrs));
            }
        };
    }
}
