package org.memshare.kit.selftest;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.memshare.api.arch.Arch;
import org.memshare.api.arch.ArchConfig;
import org.memshare.api.arch.ArchFeature;
import org.memshare.api.arch.ArchPlugin;
import org.memshare.api.arch.BasicArch;
import org.memshare.api.arch.PageTableFormat;
import org.memshare.api.arch.Stage;
import org.memshare.arch.aarch64.Aarch64ArchPlugin;

/**
 * aarch64 with one defect: {@code combineTableEntryAttrs} ORs the table entry's valid bit (bit 0)
 * into the block's attributes, so defrag of a table of invalid (lent-away) blocks hands back a
 * valid block. Only PT-13 should catch it. A plain delegating class, not a mock: the format is on
 * every walk's hot path.
 */
public final class ValidBitOnInvalidBlockPlugin implements ArchPlugin {
    static final String NAME = "aarch64-valid-bit-on-invalid-block";
    private static final long VALID = 1L;
    private final Aarch64ArchPlugin real = new Aarch64ArchPlugin();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<ArchFeature> features() {
        return real.features();
    }

    @Override
    public Map<String, String> properties() {
        return real.properties();
    }

    @Override
    public List<ArchConfig> configurations() {
        return real.configurations();
    }

    @Override
    public Arch create(ArchConfig config) {
        Arch arch = real.create(config);
        return new BasicArch(NAME, new Format(Aarch64ArchPlugin.format(config.paBits())), arch.tlb(), arch.cache(),
                arch.features());
    }

    /** The aarch64 format but for its combination of a table entry's attributes with its blocks'. */
    private record Format(PageTableFormat real) implements PageTableFormat {
        @Override
        public long combineTableEntryAttrs(long tableAttrs, long blockAttrs) {
            return real.combineTableEntryAttrs(tableAttrs, blockAttrs) | (tableAttrs & VALID);
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
}
