package org.memshare.api.arch;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The entry point of an architecture plugin, found with {@link java.util.ServiceLoader}: list the
 * implementing class in {@code META-INF/services/org.memshare.api.arch.ArchPlugin}. A plugin
 * compiles against {@code memshare-api} alone.
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
     * once at each. A plugin with a configurable PA size lists one configuration per size it
     * supports. The default: {@link ArchConfig#defaults()} alone.
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
