package org.memshare.kit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;
import org.memshare.api.arch.ArchConfig;
import org.memshare.api.arch.ArchFeature;
import org.memshare.api.arch.ArchPlugin;
import org.memshare.engine.plugin.ArchRegistry;

/**
 * Resolves the plugins and configurations under test from the {@link KitKeys configuration keys}
 * and runs each {@link ConformanceRule} once per configuration, skipping in this one place, with
 * the reason, what does not apply. Also resolves {@link ArchesUnderTest} for rules that handle
 * every configuration themselves (the corpus).
 *
 * <p>Plugins are found with {@link java.util.ServiceLoader} through the thread's context class
 * loader, so a launcher that loads plugin jars in a class loader of its own (as
 * {@code memshare conformance --plugin} does) sets it as the context loader.
 */
final class ConformanceExtension implements TestTemplateInvocationContextProvider, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ConformanceExtension.class);

    @Override
    public boolean supportsTestTemplate(ExtensionContext context) {
        return context.getTestMethod().map(m -> m.isAnnotationPresent(ConformanceRule.class)).orElse(false);
    }

    @Override
    public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
        ConformanceRule rule = context.getRequiredTestMethod().getAnnotation(ConformanceRule.class);
        ArchesUnderTest all = archesUnderTest(context);
        return all.all().stream().map(arch -> invocation(rule, arch, all));
    }

    private static TestTemplateInvocationContext invocation(ConformanceRule rule, ArchUnderTest arch,
            ArchesUnderTest all) {
        return new TestTemplateInvocationContext() {
            @Override
            public String getDisplayName(int invocationIndex) {
                return arch.toString();
            }

            @Override
            public List<Extension> getAdditionalExtensions() {
                return List.of(new Applicability(rule, arch, all), new Resolver(arch));
            }
        };
    }

    /** Why {@code rule} does not apply to {@code arch}, if it does not: the one place rules are skipped. */
    static Optional<String> whyNotApplicable(ConformanceRule rule, ArchUnderTest arch) {
        if (rule.level() == Level.UNTESTED) {
            return Optional.of("untested: " + rule.untestedBecause());
        }
        Optional<String> refusal = arch.refusal();
        if (refusal.isPresent()) {
            return refusal;
        }
        Set<ArchFeature> missing = EnumSet.noneOf(ArchFeature.class);
        missing.addAll(Arrays.asList(rule.requires()));
        missing.removeAll(arch.features());
        if (!missing.isEmpty()) {
            return Optional.of("needs " + missing.stream().map(Enum::name).collect(Collectors.joining(", "))
                    + ", which " + arch.name() + " does not declare");
        }
        return Optional.empty();
    }

    /** Disables an invocation that does not apply, or whose lower layers fail, with the reason. */
    private record Applicability(ConformanceRule rule, ArchUnderTest arch, ArchesUnderTest all)
            implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return whyNotApplicable(rule, arch).or(() -> all.skipReason(rule.id(), arch))
                    .map(ConditionEvaluationResult::disabled)
                    .orElseGet(() -> ConditionEvaluationResult.enabled("applies to " + arch));
        }
    }

    /** Hands the invocation's arch to the rule. */
    private record Resolver(ArchUnderTest arch) implements ParameterResolver {
        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == ArchUnderTest.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return arch;
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == ArchesUnderTest.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return archesUnderTest(context);
    }

    /** The arches under test, worked out once per run and configuration keys. */
    static ArchesUnderTest archesUnderTest(ExtensionContext context) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (String key : List.of(KitKeys.ARCH, KitKeys.PA_BITS, KitKeys.SEED, KitKeys.POOL_FACTORY,
                KitKeys.LAYERS)) {
            context.getConfigurationParameter(key).ifPresent(value -> keys.put(key, value.strip()));
        }
        ClassLoader loader = Optional.ofNullable(Thread.currentThread().getContextClassLoader())
                .orElse(ConformanceExtension.class.getClassLoader());
        record CacheKey(ClassLoader loader, Map<String, String> keys) {
        }
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(new CacheKey(loader, keys),
                k -> resolve(context, loader, keys), ArchesUnderTest.class);
    }

    private static ArchesUnderTest resolve(ExtensionContext context, ClassLoader loader, Map<String, String> keys) {
        ArchRegistry registry = ArchRegistry.discover(loader);
        List<ArchPlugin> plugins;
        String only = keys.get(KitKeys.ARCH);
        if (only != null && !only.isEmpty()) {
            try {
                plugins = List.of(registry.require(only));
            } catch (IllegalArgumentException e) {
                throw new ExtensionConfigurationException(KitKeys.ARCH + "=" + only + ": " + e.getMessage());
            }
        } else {
            plugins = registry.plugins();
        }
        if (plugins.isEmpty()) {
            throw new ExtensionConfigurationException("no arch plugin found on the class path: put the plugin's jar"
                    + " on the test class path (it must list its ArchPlugin in"
                    + " META-INF/services/org.memshare.api.arch.ArchPlugin)");
        }
        long seed = parseLong(KitKeys.SEED, keys.get(KitKeys.SEED), KitKeys.DEFAULT_SEED);
        PoolFactory pools = poolFactory(loader, keys.get(KitKeys.POOL_FACTORY));
        List<ArchUnderTest> all = new ArrayList<>();
        for (ArchPlugin plugin : plugins) {
            Map<String, String> properties = new LinkedHashMap<>();
            for (String property : plugin.properties().keySet()) {
                context.getConfigurationParameter(KitKeys.PROPERTY_PREFIX + property)
                        .ifPresent(value -> properties.put(property, value.strip()));
            }
            for (ArchConfig listed : configurations(plugin, keys.get(KitKeys.PA_BITS))) {
                Map<String, String> merged = new LinkedHashMap<>(listed.properties());
                merged.putAll(properties);
                all.add(new ArchUnderTest(plugin, new ArchConfig(listed.paBits(), merged), registry, seed,
                        pools));
            }
        }
        String layers = keys.getOrDefault(KitKeys.LAYERS, "on");
        if (!layers.equals("on") && !layers.equals("off")) {
            throw new ExtensionConfigurationException(KitKeys.LAYERS + " must be on or off, was '" + layers + "'");
        }
        return new ArchesUnderTest(all, layers.equals("on") ? Optional.of(new Layers()) : Optional.empty());
    }

    private static PoolFactory poolFactory(ClassLoader loader, String className) {
        if (className == null || className.isEmpty()) {
            return ArchUnderTest.ENGINE_POOLS;
        }
        try {
            Class<?> type = Class.forName(className, true, loader);
            return (PoolFactory) type.getConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new ExtensionConfigurationException(KitKeys.POOL_FACTORY + "=" + className
                    + " must name a PoolFactory with a public no-argument constructor: " + e, e);
        }
    }

    /** The one PA size configured, or every configuration the plugin lists. */
    private static List<ArchConfig> configurations(ArchPlugin plugin, String configured) {
        if (configured != null && !configured.isEmpty()) {
            long bits = parseLong(KitKeys.PA_BITS, configured, 0);
            if (bits < 1 || bits > 64) {
                throw new ExtensionConfigurationException(KitKeys.PA_BITS + " must be 1 to 64, was " + configured);
            }
            return List.of(ArchConfig.withPaBits((int) bits));
        }
        return plugin.configurations();
    }

    private static long parseLong(String key, String value, long fallback) {
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            return Long.decode(value);
        } catch (NumberFormatException e) {
            throw new ExtensionConfigurationException(key + " must be a number, was '" + value + "'");
        }
    }
}
