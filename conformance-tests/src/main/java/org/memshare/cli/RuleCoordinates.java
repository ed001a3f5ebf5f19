package org.memshare.cli;

import java.lang.reflect.Method;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.memshare.kit.ConformanceRule;

/**
 * Which rule, level, arch and configuration an executed test belongs to.
 *
 * <p>Two shapes of rule are understood. A {@link ConformanceRule} method is a test template whose
 * invocations are named {@code ARCH CONFIG} ({@code aarch64 pa_bits=40}); its id and level are
 * read from the annotation, through the invocation's {@link MethodSource}. A dynamic rule (the
 * corpus) is a dynamic test named {@code ID [level] title} inside a dynamic container named
 * {@code ARCH CONFIG}; its id and level are read from its name.
 *
 * @param ruleId the rule id, or the test's display name if it is no rule
 * @param level {@code required}, {@code optional}, {@code untested}, or {@code -} if unknown
 * @param arch the arch's name, or {@code -} if the event is not one configuration's
 * @param configuration {@code pa_bits=40} and any properties, or {@code -}
 * @param rule whether {@code ruleId} is a rule id at all
 */
record RuleCoordinates(String ruleId, String level, String arch, String configuration, boolean rule) {
    private static final String UNKNOWN = "-";

    /** A rule's display name: {@code ID [level] title}. */
    static final Pattern RULE_NAME = Pattern.compile("^(\\S+-\\S+) \\[(required|optional|untested)\\](?: .*)?$");
    /** An invocation's or a configuration container's display name: {@code ARCH pa_bits=N [key=value...]}. */
    private static final Pattern WHERE = Pattern.compile("^(\\S+) (pa_bits=\\S+(?: \\S+=\\S*)*)$");

    /** The rule family: the id up to its first dash ({@code PT} for {@code PT-3}), or {@code ""} for no rule. */
    String family() {
        int dash = ruleId.indexOf('-');
        return rule && dash > 0 ? ruleId.substring(0, dash) : "";
    }

    /** The coordinates of {@code test}, found on it or its ancestors in {@code plan}. */
    static RuleCoordinates of(TestPlan plan, TestIdentifier test) {
        String id = null;
        String level = null;
        String arch = null;
        String configuration = null;
        for (TestIdentifier node = test; node != null; node = plan.getParent(node).orElse(null)) {
            if (id == null) {
                Optional<ConformanceRule> annotation = annotation(node.getSource().orElse(null));
                Matcher name = RULE_NAME.matcher(node.getDisplayName());
                if (annotation.isPresent()) {
                    id = annotation.get().id();
                    level = annotation.get().level().label();
                } else if (name.matches()) {
                    id = name.group(1);
                    level = name.group(2);
                }
            }
            Matcher where = WHERE.matcher(node.getDisplayName());
            if (arch == null && where.matches()) {
                arch = where.group(1);
                configuration = where.group(2);
            }
        }
        if (id == null) {
            return new RuleCoordinates(test.getDisplayName(), UNKNOWN, orUnknown(arch), orUnknown(configuration), false);
        }
        return new RuleCoordinates(id, level, orUnknown(arch), orUnknown(configuration), true);
    }

    /** The {@link ConformanceRule} of the method {@code source} names, if it is one. */
    static Optional<ConformanceRule> annotation(TestSource source) {
        return method(source).map(m -> m.getAnnotation(ConformanceRule.class));
    }

    /** The Java method {@code source} names, if it names one that can be loaded. */
    static Optional<Method> method(TestSource source) {
        if (source instanceof MethodSource methodSource) {
            try {
                return Optional.of(methodSource.getJavaMethod());
            } catch (RuntimeException | LinkageError e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /**
     * The family a class of dynamic rules holds, from its name: {@code CorpusRules} holds
     * {@code CORPUS}.
     */
    static String familyOfClass(Class<?> rulesClass) {
        String name = rulesClass.getSimpleName();
        return (name.endsWith("Rules") ? name.substring(0, name.length() - "Rules".length()) : name)
                .toUpperCase(Locale.ROOT);
    }

    private static String orUnknown(String value) {
        return value == null ? UNKNOWN : value;
    }
}
