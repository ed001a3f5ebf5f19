package org.memshare.examples.tutorial;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.memshare.api.arch.Arch;
import org.memshare.api.arch.ArchConfig;
import org.memshare.api.arch.ArchFeature;
import org.memshare.api.arch.ArchPlugin;
import org.memshare.api.arch.BasicArch;
import org.memshare.api.arch.CacheMaintenance;
import org.memshare.api.arch.UnsupportedConfigurationException;

/**
 * The {@code tutorial} arch: the entry point memshare finds with {@link java.util.ServiceLoader}
 * (listed in {@code META-INF/services/org.memshare.api.arch.ArchPlugin}).
 *
 * <p>What it offers:
 * <ul>
 *   <li>a page-table format of its own ({@link TutorialPageTableFormat}), 4 KiB pages, three or
 *       four levels depending on the PA size ({@link TutorialGeometry});</li>
 *   <li>{@link ArchFeature#CONFIGURABLE_PA_SIZE}: PA sizes 39, 40 and 48, each listed by
 *       {@link #configurations()}, so the conformance kit proves every one of them;</li>
 *   <li>{@link ArchFeature#TLB_MODEL}: TLB maintenance that reports every invalidation to
 *       observers ({@link TutorialTlb}), so the kit's TLB rules can check that no stale
 *       translation survives a change;</li>
 *   <li>no data-cache model ({@link CacheMaintenance#NONE}) and no hardware walk: the kit skips
 *       the rules that need them, with the reason.</li>
 * </ul>
 *
 * <p>Every {@link #create} returns a new arch with a TLB of its own, so observers registered on
 * one machine never see another machine's maintenance.
 */
public final class TutorialArchPlugin implements ArchPlugin {

    /** The name traces, the command line and the kit's {@code memshare.arch} key use. */
    public static final String NAME = "tutorial";

    private static final Set<ArchFeature> FEATURES = Set.of(ArchFeature.TLB_MODEL, ArchFeature.CONFIGURABLE_PA_SIZE);

    /** ServiceLoader needs a public no-argument constructor. */
    public TutorialArchPlugin() {
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
        return "memshare's example plugin: a 4 KiB-granule format of its own, 3 or 4 levels, PA sizes "
                + TutorialGeometry.SUPPORTED_PA_BITS.stream().map(String::valueOf).collect(Collectors.joining(", "))
                + "; TLB maintenance model";
    }

    /** One configuration per supported PA size, smallest first. */
    @Override
    public List<ArchConfig> configurations() {
        return TutorialGeometry.SUPPORTED_PA_BITS.stream().map(ArchConfig::withPaBits).toList();
    }

    /**
     * {@inheritDoc}
     *
     * @throws UnsupportedConfigurationException if the PA size is not one of 39, 40 and 48, or a
     *     property is given (this arch understands none, and a misspelt one should not pass
     *     unnoticed)
     */
    @Override
    public Arch create(ArchConfig config) {
        UnsupportedConfigurationException.refuseUnknownProperties(NAME, config.properties(), properties().keySet());
        TutorialGeometry geometry = TutorialGeometry.of(config.paBits());
        return new BasicArch(NAME, new TutorialPageTableFormat(geometry), new TutorialTlb(), CacheMaintenance.NONE,
                FEATURES);
    }
}
