package org.memshare.kit.selftest;

import java.util.Set;
import org.memshare.api.arch.Arch;
import org.memshare.api.arch.ArchConfig;
import org.memshare.api.arch.ArchFeature;
import org.memshare.api.arch.ArchPlugin;
import org.memshare.api.arch.UnsupportedConfigurationException;

/** A plugin that refuses every configuration, its default included: the kit must skip it, not fail it. */
public final class RefusingPlugin implements ArchPlugin {
    static final String REASON = "this plugin needs a 52-bit PA";

    @Override
    public String name() {
        return "refusing";
    }

    @Override
    public Set<ArchFeature> features() {
        return Set.of();
    }

    @Override
    public Arch create(ArchConfig config) {
        throw new UnsupportedConfigurationException(REASON);
    }
}
