package org.memshare.kit.selftest;

import org.memshare.api.addr.Addresses;
import org.memshare.api.arch.PageTableFormat;

/**
 * aarch64 whose table entries point one page past their table, consistently: {@code tablePte}
 * adds a page to the address and {@code tableAddress} takes it off again, so the engine never
 * notices, but the hardware follows the raw pointer.
 */
public final class OffsetTablePlugin extends BrokenAarch64Plugin {
    static final String NAME = "aarch64-offset-table";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    PageTableFormat format(PageTableFormat real) {
        return new DelegatingFormat(real) {
            @Override
            public long tablePte(int level, long tablePa) {
                return real.tablePte(level, tablePa + Addresses.PAGE_SIZE);
            }

            @Override
            public long tableAddress(long pte, int level) {
                return real.tableAddress(pte, level) - Addresses.PAGE_SIZE;
            }
        };
    }
}
