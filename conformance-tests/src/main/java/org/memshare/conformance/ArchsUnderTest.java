package org.memshare.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.memshare.api.arch.Arch;
import org.memshare.api.arch.ArchConfig;
import org.memshare.api.arch.ArchPlugin;
import org.memshare.api.arch.UnsupportedConfigurationException;
import org.memshare.engine.plugin.ArchRegistry;

/**
 * The arches the conformance rules run against: the plugin named by the configuration key
 * {@value #ARCH_KEY} (a system property or a JUnit configuration parameter's system property),
 * or every plugin on the class path, each at its default configuration.
 */
public final class ArchsUnderTest {
    /** Names the one plugin to test; unset means every plugin found. */
    public static final String ARCH_KEY = "memshare.arch";
    /** The PA size to create the arches with; unset means {@link ArchConfig#DEFAULT_PA_BITS}. */
    public static final String PA_BITS_KEY = "memshare.pa_bits";

    private ArchsUnderTest() {
    }

    /** The arches to test, created from their plugins. */
    public static List<Arch> arches() {
        ArchRegistry registry = ArchRegistry.discover();
        String only = System.getProperty(ARCH_KEY);
        List<ArchPlugin> plugins = only == null || only.isBlank()
                ? registry.plugins()
                : List.of(registry.require(only.strip()));
        int paBits = paBits(System.getProperty(PA_BITS_KEY));
        List<Arch> arches = new ArrayList<>();
        for (ArchPlugin plugin : plugins) {
            try {
                arches.add(plugin.create(ArchConfig.withPaBits(paBits)));
            } catch (UnsupportedConfigurationException e) {
                throw new IllegalStateException("arch '" + plugin.name() + "' refuses the configuration under test: "
                        + e.getMessage(), e);
            }
        }
        if (arches.isEmpty()) {
            throw new IllegalStateException("no arch plugin found on the class path");
        }
        return arches;
    }

    private static int paBits(String value) {
        if (value == null || value.isBlank()) {
            return ArchConfig.DEFAULT_PA_BITS;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalStateException(PA_BITS_KEY + " must be a number of bits, was '" + value + "'", e);
        }
    }

    /** One argument per arch, named after it, for {@code @MethodSource}. */
    public static Stream<Arguments> arguments() {
        return arches().stream().map(arch -> Arguments.of(arch.name(), arch));
    }
}
