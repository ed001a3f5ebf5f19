package org.memshare.kit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a method that makes one rule per item of a family, such as {@code CORPUS-<trace>} per
 * corpus trace, as dynamic tests. The method takes an {@link ArchesUnderTest} and returns one
 * container per arch and configuration (display name {@code ARCH CONFIG}) holding one test per rule
 * (display name {@code ID [level] title}); a rule that does not apply aborts with the reason from
 * {@link ArchesUnderTest#skipReason}.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@TestFactory
@ExtendWith(ConformanceExtension.class)
public @interface RuleFamily {

    /** The family's id, for example {@code CORPUS}; each rule's id is this, a dash and the item's name. */
    String id();

    /** How binding the family's rules are. */
    Level level() default Level.REQUIRED;

    /** One line that says what each rule of the family checks. */
    String title();
}
