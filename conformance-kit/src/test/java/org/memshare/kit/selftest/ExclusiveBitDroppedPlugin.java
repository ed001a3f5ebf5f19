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
import org.memshare.arch.aarch64.Aarch64ArchPlugin;

/**
 * aarch64 with one defect: {@code stage2AttrsToMode} drops the exclusive software bit (bit 56)
 * before decoding, so every stage-2 mode reads as SHARED. Encoding is untouched, so the tables
 * hold the right bits and only what the engine reads back is wrong.
 */
public final class ExclusiveBitDroppedPlugin implements ArchPlugin {
    static final String NAME = "exclusive-dropped";
    /** The aarch64 stage-2 software bit that says "exclusive access". */
    static final long EXCLUSIVE_BIT = 1L << 56;

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
        PageTableFormat broken = new DelegatingFormat(arch.format()) {
            @Override
            public int stage2AttrsToMode(long attrs) {
                return super.stage2AttrsToMode(attrs & ~EXCLUSIVE_BIT);
            }
        };
        return new BasicArch(NAME, broken, arch.tlb(), arch.cache(), real.features());
    }
}
