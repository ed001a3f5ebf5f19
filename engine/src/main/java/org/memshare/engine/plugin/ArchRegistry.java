package org.memshare.engine.plugin;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.memshare.api.arch.ArchPlugin;

/**
 * The arch plugins found on a class path with {@link ServiceLoader}, by name. A name that matches
 * nothing, or more than one plugin, fails fast with a message that lists what was found.
 */
public final class ArchRegistry {
    private final List<ArchPlugin> plugins;

    private ArchRegistry(List<ArchPlugin> plugins) {
        this.plugins = List.copyOf(plugins);
    }

    /** The plugins visible to this class's class loader. */
    public static ArchRegistry discover() {
        return discover(ArchRegistry.class.getClassLoader());
    }

    /** The plugins visible to {@code loader}. */
    public static ArchRegistry discover(ClassLoader loader) {
        List<ArchPlugin> found = new ArrayList<>();
        ServiceLoader.load(ArchPlugin.class, loader).forEach(found::add);
        found.sort(Comparator.comparing(ArchPlugin::name));
        return new ArchRegistry(found);
    }

    /** A registry of exactly these plugins (tests, embedders). */
    public static ArchRegistry of(ArchPlugin... plugins) {
        return new ArchRegistry(List.of(plugins));
    }

    /** Every plugin, sorted by name. */
    public List<ArchPlugin> plugins() {
        return plugins;
    }

    /** The plugin called {@code name}, if exactly one is. */
    public Optional<ArchPlugin> find(String name) {
        requireNonNull(name, "name is null");
        List<ArchPlugin> matches = plugins.stream().filter(p -> p.name().equals(name)).toList();
        return matches.size() == 1 ? Optional.of(matches.get(0)) : Optional.empty();
    }

    /**
     * The plugin called {@code name}.
     *
     * @throws IllegalArgumentException if none or several are called so; the message lists the plugins found
     */
    public ArchPlugin require(String name) {
        requireNonNull(name, "name is null");
        List<ArchPlugin> matches = plugins.stream().filter(p -> p.name().equals(name)).toList();
        if (matches.size() == 1) {
            return matches.get(0);
        }
        if (matches.isEmpty()) {
            throw new IllegalArgumentException("unknown arch '" + name + "' (found: " + names() + ")");
        }
        throw new IllegalArgumentException("several arch plugins are called '" + name + "': "
                + matches.stream().map(p -> p.getClass().getName()).collect(Collectors.joining(", ")));
    }

    /** The names found, comma separated, or "none". */
    public String names() {
        return plugins.isEmpty() ? "none" : plugins.stream().map(ArchPlugin::name).collect(Collectors.joining(", "));
    }
}
