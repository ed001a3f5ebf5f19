package org.memshare.api.arch;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** An arch plugin cannot honour a configuration; the message says what it supports. */
public final class UnsupportedConfigurationException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public UnsupportedConfigurationException(String message) {
        super(message);
    }

    /**
     * Refuses the properties of {@code config} that are not in {@code supported}, in the words every
     * plugin uses: {@code NAME does not understand the properties [a, b]; supported: x, y} (or
     * {@code supported: none}). Does nothing when every property is supported.
     *
     * @param plugin the plugin's name
     * @param properties the properties a configuration names
     * @param supported the properties the plugin understands
     * @throws UnsupportedConfigurationException naming the unknown properties, sorted
     */
    public static void refuseUnknownProperties(String plugin, Map<String, String> properties,
            Collection<String> supported) {
        requireNonNull(plugin, "plugin is null");
        requireNonNull(properties, "properties is null");
        requireNonNull(supported, "supported is null");
        Set<String> unknown = new TreeSet<>(properties.keySet());
        unknown.removeAll(supported);
        if (!unknown.isEmpty()) {
            throw new UnsupportedConfigurationException(plugin + " does not understand the properties " + unknown
                    + "; supported: " + (supported.isEmpty() ? "none" : String.join(", ", new TreeSet<>(supported))));
        }
    }
}
