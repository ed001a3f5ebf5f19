package org.memshare.arch.aarch64;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.memshare.api.arch.Arch;
import org.memshare.api.arch.ArchConfig;
import org.memshare.api.arch.ArchFeature;
import org.memshare.api.arch.ArchPlugin;
import org.memshare.api.arch.PageTableFormat;
import org.memshare.api.arch.UnsupportedConfigurationException;

/**
 * The {@code aarch64} arch: VMSAv8-64 descriptors for the 4 KiB granule as Hafnium writes them,
 * a stage-2 geometry derived from the PA size ({@link Aarch64Geometry}), and models of the TLB
 * ({@link Aarch64Tlb}) and data-cache ({@link Aarch64DataCache}) maintenance Hafnium performs, and a
 * hardware walk decoded from the raw descriptor bits ({@link org.memshare.api.arch.HardwareWalk},
 * feature {@link ArchFeature#HARDWARE_WALK}).
 *
 * <p>Configuration: {@link ArchConfig#paBits()} must be one of
 * {@link Aarch64Geometry#SUPPORTED_PA_BITS}. One property is understood:
 * {@value #CTR_EL0_PROPERTY}, the CTR_EL0 value that sets the data-cache line size (hex with
 * {@code 0x}, or decimal; default {@value Aarch64DataCache#DEFAULT_CTR_EL0_HEX}, 64-byte lines).
 * Any other property is refused, so that a misspelt one does not go unnoticed.
 *
 * <p>Each {@link #create} returns a fresh {@link Aarch64Tlb} and {@link Aarch64DataCache}; observers
 * are added through {@link org.memshare.api.arch.TlbMaintenance#addObserver} and
 * {@link org.memshare.api.arch.CacheMaintenance#addObserver}.
 */
public final class Aarch64ArchPlugin implements ArchPlugin {
    /** The name traces use. */
    public static final String NAME = "aarch64";

    /** The property naming the CTR_EL0 value. */
    public static final String CTR_EL0_PROPERTY = "ctr_el0";

    private static final Set<ArchFeature> FEATURES =
            Set.of(ArchFeature.TLB_MODEL, ArchFeature.DCACHE_MODEL, ArchFeature.CONFIGURABLE_PA_SIZE,
                    ArchFeature.HARDWARE_WALK);

    /**
     * The format for a {@code paBits}-bit PA, for tests and tools that need it without a machine.
     *
     * @throws UnsupportedConfigurationException if the PA size is not supported
     */
    public static PageTableFormat format(int paBits) {
        return new Aarch64PageTableFormat(Aarch64Geometry.of(paBits));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<ArchFeature> features() {
        return FEATURES;
    }

    @Override
    public String description() {
        return "VMSAv8-64 descriptors, 4 KiB granule, as Hafnium encodes them; PA sizes "
                + Aarch64Geometry.SUPPORTED_PA_BITS.stream().map(String::valueOf).collect(Collectors.joining(", "))
                + "; TLB and data-cache maintenance models; hardware walk";
    }

    /** {@value #CTR_EL0_PROPERTY}, whose default gives 64-byte data-cache lines. */
    @Override
    public Map<String, String> properties() {
        return Map.of(CTR_EL0_PROPERTY, Aarch64DataCache.DEFAULT_CTR_EL0_HEX);
    }

    /** One configuration per supported PA size, in increasing order. */
    @Override
    public List<ArchConfig> configurations() {
        return Aarch64Geometry.SUPPORTED_PA_BITS.stream().sorted().map(ArchConfig::withPaBits).toList();
    }

    /**
     * {@inheritDoc}
     *
     * @throws UnsupportedConfigurationException if the PA size is not supported, a property is
     *     unknown, or {@value #CTR_EL0_PROPERTY} is not a number or gives lines too large
     */
    @Override
    public Arch create(ArchConfig config) {
        UnsupportedConfigurationException.refuseUnknownProperties(NAME, config.properties(), properties().keySet());
        Aarch64Geometry geometry = Aarch64Geometry.of(config.paBits());
        String ctr = config.properties().get(CTR_EL0_PROPERTY);
        Aarch64DataCache cache = ctr == null
                ? new Aarch64DataCache()
                : new Aarch64DataCache(Aarch64DataCache.parseCtrEl0(ctr));
        return new Aarch64Arch(NAME, new Aarch64PageTableFormat(geometry), new Aarch64Tlb(), cache, FEATURES,
                new Aarch64HardwareWalk(geometry));
    }
}
