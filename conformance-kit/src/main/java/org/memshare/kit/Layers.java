package org.memshare.kit;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.platform.commons.support.ReflectionSupport;
import org.opentest4j.TestAbortedException;

/**
 * The layers of rule families: a rule runs on a configuration only if every rule of the layers
 * below passes there, so a broken plugin fails the lowest rule that catches it and the rules
 * built on top are skipped with that rule's name instead of failing in a cascade.
 *
 * <p>Layer 0 is ARCH (the encoding); 1 is PT and POOL (tables and the pool on that encoding); 2 is
 * SHARE, TLB, HW and CORPUS (behaviour of the engine on those tables); 3 is FFA (the FF-A memory
 * flows, built on the same tables and sharing core); 4 is MODEL (long random runs) and ACS (the
 * profile of Arm's FF-A ACS), which would only restate a lower failure. The verdict of a lower
 * layer is worked out by running its rules here, once per configuration, whatever order JUnit runs
 * the classes in.
 */
final class Layers {
    /** Where the rule classes live; each is named {@code <Family>Rules}. */
    static final String RULES_PACKAGE = "org.memshare.kit.rules";

    private static final Map<String, Integer> LAYER_OF_FAMILY = Map.of(
            "ARCH", 0, "PT", 1, "POOL", 1, "SHARE", 2, "TLB", 2, "HW", 2, "CORPUS", 2, "FFA", 3, "MODEL", 4, "ACS", 4);

    /** First failure found per configuration and layer, computed once. */
    private final Map<ArchUnderTest, Map<Integer, Optional<String>>> verdicts = new HashMap<>();

    /** The family of a rule id: what comes before its first dash. */
    static String family(String ruleId) {
        int dash = ruleId.indexOf('-');
        return dash < 0 ? ruleId : ruleId.substring(0, dash);
    }

    /** The layer of a rule id; a family the kit does not layer sits at the bottom. */
    static int layer(String ruleId) {
        return LAYER_OF_FAMILY.getOrDefault(family(ruleId), 0);
    }

    /** Why a rule {@code ruleId} must not run on {@code arch}: the first failing rule of a lower layer, as a {@link SkipReasons} reason. */
    synchronized Optional<String> blockedBelow(String ruleId, ArchUnderTest arch, ArchesUnderTest all) {
        Map<Integer, Optional<String>> known = verdicts.computeIfAbsent(arch, a -> new HashMap<>());
        for (int layer = 0; layer < layer(ruleId); layer++) {
            // Not computeIfAbsent: running a layer's rules asks for the verdicts of the layers below.
            Optional<String> failure = known.get(layer);
            if (failure == null) {
                failure = firstFailure(layer, arch, all);
                known.put(layer, failure);
            }
            if (failure.isPresent()) {
                return Optional.of(SkipReasons.blockedBy(failure.get()));
            }
        }
        return Optional.empty();
    }

    private static Optional<String> firstFailure(int layer, ArchUnderTest arch, ArchesUnderTest all) {
        for (Method method : rulesOfLayer(layer)) {
            ConformanceRule rule = method.getAnnotation(ConformanceRule.class);
            if (rule != null) {
                try {
                    if (ConformanceExtension.whyNotApplicable(rule, arch).isPresent()) {
                        continue;
                    }
                } catch (RuntimeException e) {
                    // A plugin that throws instead of answering fails that rule as surely as a wrong answer.
                    return Optional.of(rule.id());
                }
                Optional<String> failure = run(method, arch, rule.id());
                if (failure.isPresent()) {
                    return failure;
                }
            } else {
                Optional<String> failure = runFactory(method, arch, all);
                if (failure.isPresent()) {
                    return failure;
                }
            }
        }
        return Optional.empty();
    }

    /** The rule methods (templates and families of dynamic rules) of one layer, in a stable order. */
    private static List<Method> rulesOfLayer(int layer) {
        List<Method> methods = new ArrayList<>();
        for (Class<?> type : ReflectionSupport.findAllClassesInPackage(RULES_PACKAGE,
                c -> c.getSimpleName().endsWith("Rules"), name -> true)) {
            for (Method method : type.getDeclaredMethods()) {
                Optional<String> id = ruleIdOf(method);
                if (id.isPresent() && layer(id.get()) == layer) {
                    methods.add(method);
                }
            }
        }
        methods.sort(Comparator.comparing((Method m) -> m.getDeclaringClass().getName()).thenComparing(Method::getName));
        return methods;
    }

    /** The id of a rule method: from its annotation, or from a {@link RuleFamily} of dynamic rules. */
    private static Optional<String> ruleIdOf(Method method) {
        ConformanceRule rule = method.getAnnotation(ConformanceRule.class);
        if (rule != null) {
            return Optional.of(rule.id());
        }
        RuleFamily family = method.getAnnotation(RuleFamily.class);
        return family == null ? Optional.empty() : Optional.of(family.id());
    }

    private static Optional<String> run(Method method, ArchUnderTest arch, String ruleId) {
        try {
            Object rules = method.getDeclaringClass().getConstructor().newInstance();
            method.setAccessible(true);
            method.invoke(rules, arch);
            return Optional.empty();
        } catch (InvocationTargetException e) {
            return verdict(ruleId, e.getCause());
        } catch (ReflectiveOperationException | IllegalArgumentException e) {
            return Optional.of(ruleId + " cannot be run: " + e);
        }
    }

    private static Optional<String> runFactory(Method method, ArchUnderTest arch, ArchesUnderTest all) {
        RuleFamily family = method.getAnnotation(RuleFamily.class);
        try {
            Object rules = method.getDeclaringClass().getConstructor().newInstance();
            method.setAccessible(true);
            Object nodes = method.invoke(rules, all.only(arch));
            return runNodes(nodes, family.id());
        } catch (InvocationTargetException e) {
            return verdict(family.id(), e.getCause());
        } catch (ReflectiveOperationException | IllegalArgumentException e) {
            return Optional.of(family.id() + " cannot be run: " + e);
        }
    }

    private static Optional<String> runNodes(Object nodes, String familyId) {
        List<Object> list = nodes instanceof Stream<?> s ? s.map(Object.class::cast).toList()
                : nodes instanceof Collection<?> c ? List.copyOf(c)
                : nodes instanceof DynamicNode n ? List.of(n) : List.of();
        for (Object node : list) {
            if (node instanceof DynamicContainer container) {
                Optional<String> failure = runNodes(container.getChildren(), familyId);
                if (failure.isPresent()) {
                    return failure;
                }
            } else if (node instanceof DynamicTest test) {
                try {
                    test.getExecutable().execute();
                } catch (Throwable t) {
                    Optional<String> failure = verdict(test.getDisplayName(), t);
                    if (failure.isPresent()) {
                        return failure;
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** A thrown rule is a failure, unless it aborted (a skip is no failure). */
    private static Optional<String> verdict(String ruleId, Throwable thrown) {
        if (thrown instanceof TestAbortedException) {
            return Optional.empty();
        }
        // The failing rule's own message is in its own report; naming it keeps the skips of every
        // configuration one reason, so reports can group them.
        return Optional.of(ruleId.contains(" [") ? ruleId.substring(0, ruleId.indexOf(" [")) : ruleId);
    }
}
