package org.memshare.engine.mm;

import org.memshare.api.addr.Addresses;
import org.memshare.api.arch.PageTableFormat;

/** Collects the attributes of the leaves over a range and aborts at the first that differs. */
final class ModeVisitor implements TableVisitor {
    private final PageTableFormat format;
    private boolean seen;
    private long attrs;
    private long firstAddress;
    /** Where the walk found other attributes, and which, after it aborted. */
    private long otherAddress;
    private long otherAttrs;

    ModeVisitor(PageTableFormat format) {
        this.format = format;
    }

    ModeVisitor reset() {
        seen = false;
        attrs = 0;
        return this;
    }

    /** Whether the walk saw any leaf. */
    boolean seen() {
        return seen;
    }

    /** The attributes every leaf seen had (after an abort: the first leaf's). */
    long attrs() {
        return attrs;
    }

    /** The address the first leaf was seen at. */
    long firstAddress() {
        return firstAddress;
    }

    /** After an abort: the address of the first leaf whose attributes differ. */
    long otherAddress() {
        return otherAddress;
    }

    /** After an abort: that leaf's attributes. */
    long otherAttrs() {
        return otherAttrs;
    }

    @Override
    public int flags() {
        return LEAF;
    }

    /**
     * The leaf visits of a table of pages, entries from {@code index} over {@code [begin, end)}
     * (clipped to the table), in a loop of this class's own, as {@link UpdateVisitor#visitPages}
     * does for an update.
     *
     * @return false at the first page whose attributes differ
     */
    boolean visitPages(long[] table, int index, long begin, long end) {
        int first = index;
        for (int stop = index + UpdateVisitor.pageCount(begin, end); index < stop; index++) {
            long entryAttrs = format.attrs(table[index], 0);
            if (!seen) {
                attrs = entryAttrs;
                firstAddress = pageOf(begin);
                seen = true;
            } else if (entryAttrs != attrs) {
                // Only a refusal pays for naming where: the reasons of get-mode need it.
                otherAddress = pageOf(begin) + ((long) (index - first) << Addresses.PAGE_BITS);
                otherAttrs = entryAttrs;
                return false;
            }
        }
        return true;
    }

    private static long pageOf(long address) {
        return address & -(1L << Addresses.PAGE_BITS);
    }

    @Override
    public long visit(int flag, long[] table, int index, int level, long address, long end) {
        long entryAttrs = format.attrs(table[index], level);
        if (!seen) {
            attrs = entryAttrs;
            firstAddress = address;
            seen = true;
        } else if (entryAttrs != attrs) {
            otherAddress = address;
            otherAttrs = entryAttrs;
            return ABORT;
        }
        return SKIP;
    }
}
