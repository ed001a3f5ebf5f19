package org.memshare.kit.selftest;

import org.memshare.api.arch.PageTableFormat;
import org.memshare.api.mode.Mode;

/**
 * aarch64 with one defect: {@code stage2AttrsToMode} loses the UNOWNED state bit of a valid
 * mapping, so a borrower's mapping reads back as its owner's (R|W|UNOWNED as R|W). Encoding is
 * untouched, and invalid entries (an owner that lent, an unmapped page) read back right: only what
 * the engine reads of a borrower is wrong.
 */
public final class UnownedDroppedPlugin extends BrokenAarch64Plugin {
    static final String NAME = "unowned-dropped";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    PageTableFormat format(PageTableFormat real) {
        return new DelegatingFormat(real) {
            @Override
            public int stage2AttrsToMode(long attrs) {
                int mode = super.stage2AttrsToMode(attrs);
                return (mode & Mode.INVALID) == 0 ? mode & ~Mode.UNOWNED : mode;
            }
        };
    }
}
