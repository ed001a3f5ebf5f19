package org.memshare.api.arch;

import java.util.Map;
import java.util.Objects;

/**
 * What a machine asks of an architecture when it is created.
 *
 * @param paBits the physical address size in bits (an arch with a fixed geometry ignores it)
 * @param properties further arch-specific settings by name; copied, never null
 */
public record ArchConfig(int paBits, Map<String, String> properties) {

    /** The PA size used when a trace names none. */
    public static final int DEFAULT_PA_BITS = 40;

    public ArchConfig {
        if (paBits <= 0 || paBits > 64) {
            throw new IllegalArgumentException("paBits must be between 1 and 64, was " + paBits);
        }
        properties = Map.copyOf(Objects.requireNonNull(properties, "properties is null"));
    }

    public static ArchConfig withPaBits(int paBits) {
        return new ArchConfig(paBits, Map.of());
    }

    public static ArchConfig defaults() {
        return withPaBits(DEFAULT_PA_BITS);
    }
}
