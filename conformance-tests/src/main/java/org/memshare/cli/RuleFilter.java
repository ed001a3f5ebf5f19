package org.memshare.cli;

import java.lang.reflect.Method;
import java.util.Optional;
import org.junit.jupiter.api.TestFactory;
import org.junit.platform.engine.FilterResult;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.launcher.PostDiscoveryFilter;
import org.memshare.kit.ConformanceRule;

/**
 * Keeps the rules {@code --rules} selects. A {@link ConformanceRule} method is kept if its id
 * matches; a {@link TestFactory} of dynamic rules (the corpus) if its class's family could match,
 * its individual rules being filtered as they run.
 */
final class RuleFilter implements PostDiscoveryFilter {
    private final RuleGlob glob;

    RuleFilter(RuleGlob glob) {
        this.glob = glob;
    }

    @Override
    public FilterResult apply(TestDescriptor descriptor) {
        Optional<Method> method = RuleCoordinates.method(descriptor.getSource().orElse(null));
        if (method.isEmpty()) {
            return FilterResult.included("not a method");
        }
        ConformanceRule rule = method.get().getAnnotation(ConformanceRule.class);
        if (rule != null) {
            return FilterResult.includedIf(glob.matches(rule.id()),
                    () -> rule.id() + " matches " + glob, () -> rule.id() + " does not match " + glob);
        }
        if (method.get().isAnnotationPresent(TestFactory.class)) {
            String family = RuleCoordinates.familyOfClass(method.get().getDeclaringClass());
            return FilterResult.includedIf(glob.mayMatchFamily(family),
                    () -> family + " rules may match " + glob, () -> family + " rules cannot match " + glob);
        }
        return FilterResult.includedIf(glob.everything(), () -> "every test runs", () -> "not a rule");
    }
}
