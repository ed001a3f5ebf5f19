package org.memshare.arch.fake;

import java.util.Set;
import org.memshare.api.arch.Arch;
import org.memshare.api.arch.BasicArch;
import org.memshare.api.arch.ArchConfig;
import org.memshare.api.arch.ArchFeature;
import org.memshare.api.arch.ArchPlugin;
import org.memshare.api.arch.CacheMaintenance;
import org.memshare.api.arch.PageTableFormat;
import org.memshare.api.arch.TlbMaintenance;
import org.memshare.api.arch.UnsupportedConfigurationException;

/**
 * The {@code fake} arch: Hafnium's readable test format, a complete page-table format with no
 * hardware behind it (no TLB, no cache). It ignores the PA size and refuses every property.
 */
public final class FakeArchPlugin implements ArchPlugin {
    /** The name traces use. */
    public static final String NAME = "fake";

    private static final PageTableFormat FORMAT = new FakePageTableFormat();

    /** The format, for tests and tools that need it without a machine. */
    public static PageTableFormat format() {
        return FORMAT;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<ArchFeature> features() {
        return Set.of();
    }

    @Override
    public String description() {
        return "Hafnium's fake format: mode bits at bit 48, entries shifted by twice their level; no TLB or cache";
    }

    /**
     * {@inheritDoc}
     *
     * @throws UnsupportedConfigurationException if the configuration names a property: fake
     *     understands none, and refuses them as every plugin does
     *     ({@code fake does not understand the properties [svpbmt]; supported: none})
     */
    @Override
    public Arch create(ArchConfig config) {
        UnsupportedConfigurationException.refuseUnknownProperties(NAME, config.properties(), properties().keySet());
        return new BasicArch(NAME, FORMAT, TlbMaintenance.NONE, CacheMaintenance.NONE, Set.of());
    }
}
