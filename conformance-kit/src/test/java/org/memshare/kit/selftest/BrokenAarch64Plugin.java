package org.memshare.kit.selftest;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.memshare.api.arch.Arch;
import org.memshare.api.arch.ArchConfig;
import org.memshare.api.arch.ArchFeature;
import org.memshare.api.arch.ArchPlugin;
import org.memshare.api.arch.CacheMaintenance;
import org.memshare.api.arch.HardwareWalk;
import org.memshare.api.arch.PageTableFormat;
import org.memshare.api.arch.TlbMaintenance;
import org.memshare.arch.aarch64.Aarch64ArchPlugin;

/**
 * The bundled aarch64 plugin with one piece of every arch it creates replaced by a broken one:
 * same configurations, features and properties, same hardware walk and cache.
 */
abstract class BrokenAarch64Plugin implements ArchPlugin {
    private final ArchPlugin real = new Aarch64ArchPlugin();

    /** The format every created arch uses instead of the real one. */
    PageTableFormat format(PageTableFormat real) {
        return real;
    }

    /** The TLB maintenance every created arch uses instead of the real one. */
    TlbMaintenance tlb(TlbMaintenance real) {
        return real;
    }

    @Override
    public Set<ArchFeature> features() {
        return real.features();
    }

    @Override
    public List<ArchConfig> configurations() {
        return real.configurations();
    }

    @Override
    public Map<String, String> properties() {
        return real.properties();
    }

    @Override
    public Arch create(ArchConfig config) {
        Arch arch = real.create(config);
        return new Wrapped(name(), format(arch.format()), tlb(arch.tlb()), arch);
    }

    /** The real arch with another name, format and TLB maintenance. */
    private record Wrapped(String name, PageTableFormat format, TlbMaintenance tlb, Arch real) implements Arch {
        @Override
        public CacheMaintenance cache() {
            return real.cache();
        }

        @Override
        public Set<ArchFeature> features() {
            return real.features();
        }

        @Override
        public Optional<HardwareWalk> hardwareWalk() {
            return real.hardwareWalk();
        }
    }

    /** Swaps the R and W bits of a mode. */
    static final UnaryOperator<Integer> SWAP_R_AND_W = mode -> (mode & ~3) | ((mode & 1) << 1) | ((mode & 2) >> 1);
}
