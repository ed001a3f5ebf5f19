package org.memshare.kit.selftest;

import org.memshare.api.arch.PageTableFormat;

/**
 * aarch64 with one defect: {@code stage2AttrsToMode} drops the exclusive software bit (bit 56)
 * before decoding, so every stage-2 mode reads as SHARED. Encoding is untouched, so the tables
 * hold the right bits and only what the engine reads back is wrong.
 */
public final class ExclusiveBitDroppedPlugin extends BrokenAarch64Plugin {
    static final String NAME = "exclusive-dropped";
    /** The aarch64 stage-2 software bit that says "exclusive access". */
    static final long EXCLUSIVE_BIT = 1L << 56;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    PageTableFormat format(PageTableFormat real) {
        return new DelegatingFormat(real) {
            @Override
            public int stage2AttrsToMode(long attrs) {
                return super.stage2AttrsToMode(attrs & ~EXCLUSIVE_BIT);
            }
        };
    }
}
