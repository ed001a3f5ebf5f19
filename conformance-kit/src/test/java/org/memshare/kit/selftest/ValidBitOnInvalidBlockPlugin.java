package org.memshare.kit.selftest;

import org.memshare.api.arch.PageTableFormat;

/**
 * aarch64 with one defect: {@code combineTableEntryAttrs} ORs the table entry's valid bit (bit 0)
 * into the block's attributes, so defrag of a table of invalid (lent-away) blocks hands back a
 * valid block. Only PT-13 should catch it.
 */
public final class ValidBitOnInvalidBlockPlugin extends BrokenAarch64Plugin {
    static final String NAME = "aarch64-valid-bit-on-invalid-block";
    private static final long VALID = 1L;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    PageTableFormat format(PageTableFormat real) {
        return new DelegatingFormat(real) {
            @Override
            public long combineTableEntryAttrs(long tableAttrs, long blockAttrs) {
                return super.combineTableEntryAttrs(tableAttrs, blockAttrs) | (tableAttrs & VALID);
            }
        };
    }
}
