package org.memshare.kit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;
import org.memshare.api.arch.ArchFeature;

/**
 * Marks a method as one conformance rule and carries its machine-readable metadata. The method
 * runs once per arch and configuration under test (see {@link KitKeys}), with an
 * {@link ArchUnderTest} parameter; the kit skips, with the reason, an invocation whose
 * configuration the plugin refuses or whose {@link #requires() feature} it does not declare, and
 * every invocation of an {@link Level#UNTESTED untested} rule.
 *
 * <p>The display name is {@code ID [level] title}, for example
 * {@code PT-3 [required] map never merges}.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@TestTemplate
@ExtendWith(ConformanceExtension.class)
public @interface ConformanceRule {

    /**
     * The stable id: the family, a dash, a number, for example {@code PT-3}; or, in a profile of
     * another suite's tests, the family, a dash and the name of the test family it mirrors, for
     * example {@code ACS-share_state_machine}.
     */
    String id();

    /** How binding the rule is. */
    Level level() default Level.REQUIRED;

    /** The features a plugin must declare for the rule to run; without them it is skipped. */
    ArchFeature[] requires() default {};

    /** One line that says what the rule checks. */
    String title();

    /** For an untested rule: why the kit does not check it. */
    String untestedBecause() default "";
}
