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
    /** Empty when the layering is switched off ({@link KitKeys#LAYERS}). */
    private final Optional<Layers> layers;

    ArchesUnderTest(List<ArchUnderTest> all, Optional<Layers> layers) {
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
     * configuration, or a rule of a lower layer fails there (unless the layering is off).
     */
    public Optional<String> skipReason(String ruleId, ArchUnderTest arch) {
        Optional<String> refusal = arch.refusal();
        if (refusal.isPresent() || layers.isEmpty()) {
            return refusal;
        }
        return layers.get().blockedBelow(ruleId, arch, this);
    }
}
