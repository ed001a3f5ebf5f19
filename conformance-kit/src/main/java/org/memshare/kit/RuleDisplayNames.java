package org.memshare.kit;

import java.lang.reflect.Method;
import org.junit.jupiter.api.DisplayNameGenerator;

/**
 * Names rules {@code ID [level] title} from their {@link ConformanceRule} annotation, so reports
 * show the id and level; anything else keeps JUnit's standard name. Rule classes declare it with
 * {@code @DisplayNameGeneration(RuleDisplayNames.class)}.
 */
public final class RuleDisplayNames extends DisplayNameGenerator.Standard {

    /** The display name of {@code rule}. */
    public static String of(ConformanceRule rule) {
        return rule.id() + " [" + rule.level().label() + "] " + rule.title();
    }

    @Override
    public String generateDisplayNameForMethod(Class<?> testClass, Method testMethod) {
        ConformanceRule rule = testMethod.getAnnotation(ConformanceRule.class);
        return rule != null ? of(rule) : super.generateDisplayNameForMethod(testClass, testMethod);
    }
}
