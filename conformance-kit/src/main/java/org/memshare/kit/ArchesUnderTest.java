package org.memshare.kit;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * Every arch and configuration under test, for a {@link RuleFamily} that makes its rules per
 * configuration itself (the corpus does).
 */
public final class ArchesUnderTest {
    private final List<ArchUnderTest> all;
    private final Layers layers;

    ArchesUnderTest(List<ArchUnderTest> all, Layers layers) {
        this.all = List.copyOf(all);
        this.layers = requireNonNull(layers, "layers is null");
    }

    /** In plugin-name order, then configuration order. */
    public List<ArchUnderTest> all() {
        return all;
    }

    /** The same, restricted to one configuration. */
    ArchesUnderTest only(ArchUnderTest arch) {
        return new ArchesUnderTest(List.of(arch), layers);
    }

    /**
     * Why rule {@code ruleId} must be skipped on {@code arch}, if it must: the plugin refuses the
     * configuration, or a rule of a lower layer fails there.
     */
    public Optional<String> skipReason(String ruleId, ArchUnderTest arch) {
        Optional<String> refusal = arch.refusal();
        return refusal.isPresent() ? refusal : layers.blockedBelow(ruleId, arch, this);
    }
}
