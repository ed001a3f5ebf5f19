package org.memshare.kit.selftest;

import static java.util.Objects.requireNonNull;

import org.memshare.api.arch.PageTableFormat;
import org.memshare.api.arch.Stage;

/**
 * A page-table format that passes every call to a real one; a broken plugin overrides the one
 * method it breaks. (A Mockito delegating mock would do the same, but rules call the format
 * millions of times and a mock makes them minutes slower.)
 */
class DelegatingFormat implements PageTableFormat {
    final PageTableFormat real;

    DelegatingFormat(PageTableFormat real) {
        this.real = requireNonNull(real, "real is null");
    }

    @Override
    public long absentPte(int level) {
        return real.absentPte(level);
    }

    @Override
    public long tablePte(int level, long tablePa) {
        return real.tablePte(level, tablePa);
    }

    @Override
    public long blockPte(int level, long pa, long attrs) {
        return real.blockPte(level, pa, attrs);
    }

    @Override
    public boolean isBlockAllowed(int level) {
        return real.isBlockAllowed(level);
    }

    @Override
    public boolean isPresent(long pte, int level) {
        return real.isPresent(pte, level);
    }

    @Override
    public boolean isValid(long pte, int level) {
        return real.isValid(pte, level);
    }

    @Override
    public boolean isBlock(long pte, int level) {
        return real.isBlock(pte, level);
    }

    @Override
    public boolean isTable(long pte, int level) {
        return real.isTable(pte, level);
    }

    @Override
    public long clearPa(long pa) {
        return real.clearPa(pa);
    }

    @Override
    public long blockAddress(long pte, int level) {
        return real.blockAddress(pte, level);
    }

    @Override
    public long tableAddress(long pte, int level) {
        return real.tableAddress(pte, level);
    }

    @Override
    public long attrs(long pte, int level) {
        return real.attrs(pte, level);
    }

    @Override
    public long combineTableEntryAttrs(long tableAttrs, long blockAttrs) {
        return real.combineTableEntryAttrs(tableAttrs, blockAttrs);
    }

    @Override
    public long modeToStage1Attrs(int mode) {
        return real.modeToStage1Attrs(mode);
    }

    @Override
    public long modeToStage2Attrs(int mode) {
        return real.modeToStage2Attrs(mode);
    }

    @Override
    public int stage2AttrsToMode(long attrs) {
        return real.stage2AttrsToMode(attrs);
    }

    @Override
    public int maxLevel(Stage stage) {
        return real.maxLevel(stage);
    }

    @Override
    public int rootTableCount(Stage stage) {
        return real.rootTableCount(stage);
    }
}
