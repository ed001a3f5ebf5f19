package org.memshare.sharing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs a scenario once per bundled arch plugin; the method takes the arch's name and boots a
 * {@link SharingFixture} with it.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedTest(name = "[{0}]")
@ValueSource(strings = {"fake", "aarch64"})
@interface OnEachArch {
}
