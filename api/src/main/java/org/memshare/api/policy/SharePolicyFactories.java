package org.memshare.api.policy;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.regex.Pattern;

/**
 * The named policies a class loader offers ({@link SharePolicyFactory} services), and the
 * resolution of specs {@code NAME[:ARGS]}. Immutable and thread-safe.
 */
public final class SharePolicyFactories {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]*");

    private final Map<String, SharePolicyFactory> byName;

    private SharePolicyFactories(Map<String, SharePolicyFactory> byName) {
        this.byName = byName;
    }

    /** The factories {@code loader} finds, by name; the first of two with one name wins. */
    public static SharePolicyFactories load(ClassLoader loader) {
        Map<String, SharePolicyFactory> found = new LinkedHashMap<>();
        try {
            for (SharePolicyFactory factory : ServiceLoader.load(SharePolicyFactory.class, loader)) {
                String name = factory.name();
                if (name == null || !NAME.matcher(name).matches()) {
                    throw new IllegalStateException("policy factory " + factory.getClass().getName()
                            + " has the name '" + name + "'; a name is lowercase letters, digits and '-', starting with a letter");
                }
                found.putIfAbsent(name, factory);
            }
        } catch (ServiceConfigurationError e) {
            throw new IllegalStateException("a policy factory cannot be loaded: " + e.getMessage(), e);
        }
        return of(found.values());
    }

    /** The factories on this class's own class loader (the bundled ones when the engine is there). */
    public static SharePolicyFactories load() {
        return load(SharePolicyFactories.class.getClassLoader());
    }

    /** These factories, by name (the first of two with one name wins). */
    public static SharePolicyFactories of(Iterable<? extends SharePolicyFactory> factories) {
        Map<String, SharePolicyFactory> map = new LinkedHashMap<>();
        for (SharePolicyFactory factory : factories) {
            map.putIfAbsent(requireNonNull(factory, "a factory is null").name(), factory);
        }
        List<SharePolicyFactory> sorted = new ArrayList<>(map.values());
        sorted.sort(Comparator.comparing(SharePolicyFactory::name));
        Map<String, SharePolicyFactory> byName = new LinkedHashMap<>();
        sorted.forEach(f -> byName.put(f.name(), f));
        return new SharePolicyFactories(byName);
    }

    /** Every factory, by name. */
    public List<SharePolicyFactory> all() {
        return List.copyOf(byName.values());
    }

    /** The factory named {@code name}, if any. */
    public Optional<SharePolicyFactory> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /**
     * The factory and arguments of {@code spec} ({@code NAME} or {@code NAME:ARGS}), checked by
     * creating one policy (and dropping it).
     *
     * @throws IllegalArgumentException if no factory has the name (the message lists those found)
     *     or the factory refuses the arguments
     */
    public Selected resolve(String spec) {
        requireNonNull(spec, "spec is null");
        int colon = spec.indexOf(':');
        String name = colon < 0 ? spec : spec.substring(0, colon);
        String args = colon < 0 ? "" : spec.substring(colon + 1);
        SharePolicyFactory factory = byName.get(name);
        if (factory == null) {
            throw new IllegalArgumentException("no policy named '" + name + "'; found: "
                    + (byName.isEmpty() ? "none" : String.join(", ", byName.keySet())));
        }
        Selected selected = new Selected(factory, args);
        try {
            requireNonNull(factory.create(args), "the factory returned null");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("policy '" + name + "': " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("policy '" + name + "' failed to create a policy: " + e, e);
        }
        return selected;
    }

    /**
     * A factory and the arguments it accepted.
     *
     * @param factory the named factory
     * @param args the arguments (empty if none)
     */
    public record Selected(SharePolicyFactory factory, String args) {
        public Selected {
            requireNonNull(factory, "factory is null");
            requireNonNull(args, "args is null");
        }

        /** A fresh policy, for one machine. */
        public SharePolicy create() {
            return requireNonNull(factory.create(args), "policy factory '" + factory.name() + "' returned null");
        }

        /** {@code NAME} or {@code NAME:ARGS}. */
        public String spec() {
            return args.isEmpty() ? factory.name() : factory.name() + ":" + args;
        }
    }

    /** A description of every factory and its parameters, one block per factory, for people. */
    public String describe() {
        StringBuilder text = new StringBuilder();
        for (SharePolicyFactory factory : byName.values()) {
            StringBuilder usage = new StringBuilder(factory.name());
            List<SharePolicyFactory.Parameter> parameters = factory.parameters();
            for (int i = 0; i < parameters.size(); i++) {
                SharePolicyFactory.Parameter p = parameters.get(i);
                usage.append(i == 0 ? (p.required() ? ":" : "[:") : (p.required() ? "," : "[,")).append(p.name());
                if (!p.required()) {
                    usage.append(']');
                }
            }
            text.append(usage).append('\n');
            text.append("    ").append(factory.description()).append('\n');
            for (SharePolicyFactory.Parameter p : parameters) {
                text.append("    ").append(p.name()).append(": ").append(p.meaning())
                        .append(p.required() ? " (required)" : " (default " + p.defaultValue() + ")").append('\n');
            }
        }
        return text.toString();
    }
}
