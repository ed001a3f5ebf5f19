package org.memshare.examples.riscv;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.memshare.api.arch.Arch;
import org.memshare.api.arch.ArchConfig;
import org.memshare.api.arch.ArchFeature;
import org.memshare.api.arch.ArchPlugin;
import org.memshare.api.arch.UnsupportedConfigurationException;

/**
 * The {@code riscv} arch: RISC-V hypervisor G-stage tables for VMs (Sv39x4 up to a 41-bit PA,
 * Sv48x4 up to 50; see {@link GStageScheme} for why not Sv57x4) and the hypervisor's own Sv39 table,
 * found with {@link java.util.ServiceLoader}.
 *
 * <p>Features: {@link ArchFeature#CONFIGURABLE_PA_SIZE} (any PA size up to 50 bits;
 * {@link #configurations()} lists one per scheme: 41 and 50, each with and without Svpbmt), {@link ArchFeature#TLB_MODEL} (HFENCE.GVMA and SFENCE.VMA, see
 * {@link RiscvTlb}) and {@link ArchFeature#HARDWARE_WALK} (see {@link RiscvHardwareWalk}). No
 * data-cache model.
 *
 * <p>Property {@value #SVPBMT}: {@code 1} (the default) if the harts have the Svpbmt extension, so
 * device memory is PBMT = IO; {@code 0} if not, and then a valid device mode is not representable
 * and its canonical mode is invalid (see {@link RiscvPageTableFormat}). The default is 1 because
 * device memory needs a memory type, and the RVA22S64 and later profiles require Svpbmt. Any other
 * property, or another value, is refused.
 */
public final class RiscvArchPlugin implements ArchPlugin {

    /** The name traces, the command line and the kit's {@code memshare.arch} key use. */
    public static final String NAME = "riscv";

    /** The property that says whether the harts have Svpbmt: {@code 0} or {@code 1}. */
    public static final String SVPBMT = "svpbmt";

    /** The hypervisor's own table is Sv39: three levels, one root table. */
    static final int STAGE1_MAX_LEVEL = 2;

    /** One PA size per G-stage scheme the plugin accepts, each the largest it serves. */
    static final List<Integer> PROVEN_PA_BITS = List.of(41, 50);

    static final Set<ArchFeature> FEATURES = Set.of(ArchFeature.CONFIGURABLE_PA_SIZE, ArchFeature.TLB_MODEL,
            ArchFeature.HARDWARE_WALK);

    /** ServiceLoader needs a public no-argument constructor. */
    public RiscvArchPlugin() {
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
        return "RISC-V hypervisor G-stage (Sv39x4 to 41-bit PA, Sv48x4 to 50) and Sv39 stage 1;"
                + " PBMT=IO device memory (svpbmt); HFENCE.GVMA/SFENCE.VMA TLB model; hardware walk";
    }

    /** PA 41 (Sv39x4) and 50 (Sv48x4), with Svpbmt (the default). */
    @Override
    public List<ArchConfig> configurations() {
        // Each scheme with Svpbmt (the default), then again without it, where device modes are canonical.
        List<ArchConfig> with = PROVEN_PA_BITS.stream().map(ArchConfig::withPaBits).toList();
        List<ArchConfig> without = PROVEN_PA_BITS.stream()
                .map(bits -> new ArchConfig(bits, Map.of(SVPBMT, "0"))).toList();
        return java.util.stream.Stream.concat(with.stream(), without.stream()).toList();
    }

    @Override
    public Map<String, String> properties() {
        return Map.of(SVPBMT, "1");
    }

    /** The G-stage scheme a configuration chooses. */
    public static GStageScheme scheme(ArchConfig config) {
        return GStageScheme.forPaBits(config.paBits());
    }

    /**
     * {@inheritDoc}
     *
     * @throws UnsupportedConfigurationException if the PA size is above 50 bits, a property other
     *     than {@value #SVPBMT} is named, or {@value #SVPBMT} is not {@code 0} or {@code 1}
     */
    @Override
    public Arch create(ArchConfig config) {
        UnsupportedConfigurationException.refuseUnknownProperties(NAME, config.properties(), properties().keySet());
        String svpbmt = config.properties().getOrDefault(SVPBMT, properties().get(SVPBMT));
        if (!svpbmt.equals("0") && !svpbmt.equals("1")) {
            throw new UnsupportedConfigurationException("riscv property " + SVPBMT + " must be 0 or 1, was '" + svpbmt
                    + "'");
        }
        boolean hasSvpbmt = svpbmt.equals("1");
        GStageScheme scheme = scheme(config);
        return new RiscvArch(new RiscvPageTableFormat(scheme, hasSvpbmt), new RiscvTlb(),
                new RiscvHardwareWalk(scheme, hasSvpbmt));
    }
}
