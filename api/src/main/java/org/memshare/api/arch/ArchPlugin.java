package org.memshare.api.arch;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The entry point of an architecture plugin, found with {@link java.util.ServiceLoader}: list the
 * implementing class in {@code META-INF/services/org.memshare.api.arch.ArchPlugin}. A plugin
 * compiles against {@code memshare-api} alone.
 *
 * <p>What the engine enforces on the {@link Arch} a plugin creates (else the machine is refused as
 * a broken plugin, and conformance rule ARCH-2 fails): both stages have a max level from
 * {@value PageTableFormat#MIN_MAX_LEVEL} to {@value PageTableFormat#MAX_MAX_LEVEL} and a root table
 * count that is a power of two from 1 to {@value PageTableFormat#MAX_ROOT_TABLES}, the roots
 * concatenated and aligned to their count; the page pool's first and last pages must survive
 * {@link PageTableFormat#clearPa(long)}. The contract of the format itself (modes, canonical modes,
 * absent entries, {@code combineTableEntryAttrs}) is in {@link PageTableFormat}.
 *
 * <p>Configuration: {@link #create(ArchConfig)} receives a PA size and properties. Properties come
 * from a trace's {@code init} (every argument of {@code init} other than {@code arch},
 * {@code pa_bits}, {@code pool_pages} and {@code vms}), from the conformance kit's keys
 * {@code memshare.arch.NAME}, and from {@link #configurations()}. Every plugin refuses a property it
 * does not understand alike, with an {@link UnsupportedConfigurationException} whose message
 * reads {@code NAME does not understand the properties [KEYS]; supported: LIST} (LIST is
 * {@code none} for a plugin without properties), so a misspelt property never passes unnoticed.
 */
public interface ArchPlugin {

    /** The name traces and the command line use to select the plugin, for example {@code aarch64}. */
    String name();

    /** The optional behaviour every arch this plugin creates offers. */
    Set<ArchFeature> features();

    /** A one-line description for listings such as {@code memshare archs}. */
    default String description() {
        return name();
    }

    /**
     * Creates the arch for one machine.
     *
     * @throws UnsupportedConfigurationException if the configuration cannot be honoured, with a
     *     message that says what is supported
     */
    Arch create(ArchConfig config);

    /**
     * Every configuration the plugin accepts and wants proven: the conformance kit runs its rules
     * once at each. A plugin with a configurable PA size ({@link ArchFeature#CONFIGURABLE_PA_SIZE})
     * lists one configuration per size it supports; a configuration may also name properties (a
     * property it leaves out takes its default from {@link #properties()}). The default:
     * {@link ArchConfig#defaults()} alone.
     */
    default List<ArchConfig> configurations() {
        return List.of(ArchConfig.defaults());
    }

    /**
     * Every property {@link #create} understands (beyond the PA size), each with the value it
     * takes when a configuration names none. The conformance kit reads the key
     * {@code memshare.arch.NAME} for each. The default: none.
     */
    default Map<String, String> properties() {
        return Map.of();
    }
}
