package org.memshare.api.arch;

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
}
