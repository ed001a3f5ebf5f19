package org.memshare.kit;

import java.lang.reflect.Method;
import java.util.Comparator;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;

/**
 * Runs the rule classes layer by layer (ARCH first, MODEL and ACS last), so reports read from the encoding
 * up. Results do not depend on the order: it is for people. Select it with the configuration
 * parameter {@code junit.jupiter.testclass.order.default=org.memshare.kit.LayerOrder};
 * {@code memshare conformance} does.
 */
public final class LayerOrder implements ClassOrderer {

    @Override
    public void orderClasses(ClassOrdererContext context) {
        context.getClassDescriptors().sort(Comparator
                .comparingInt((org.junit.jupiter.api.ClassDescriptor d) -> layerOf(d.getTestClass()))
                .thenComparing(d -> d.getTestClass().getName()));
    }

    /** The layer of the first rule a class declares; classes without rules go last. */
    private static int layerOf(Class<?> type) {
        for (Method method : type.getDeclaredMethods()) {
            ConformanceRule rule = method.getAnnotation(ConformanceRule.class);
            if (rule != null) {
                return Layers.layer(rule.id());
            }
            RuleFamily family = method.getAnnotation(RuleFamily.class);
            if (family != null) {
                return Layers.layer(family.id());
            }
        }
        return Integer.MAX_VALUE;
    }
}
