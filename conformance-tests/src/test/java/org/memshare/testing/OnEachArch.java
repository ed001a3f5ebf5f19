package org.memshare.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.memshare.kit.ArchUnderTest;
import org.memshare.kit.fixture.Arches;

/**
 * Runs a test once per arch plugin on the test class path (the bundled arches here), each at its
 * own configuration ({@link Arches#configuration}: the 40-bit PA one if the plugin lists it, else
 * its first); the method takes the {@link ArchUnderTest} and boots a machine of it. Which arches
 * run is whatever the class path holds: no arch is named.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedTest(name = "[{0}]")
@MethodSource("org.memshare.testing.OnEachArch$Source#arches")
public @interface OnEachArch {

    /** The source of {@link OnEachArch} (an annotation cannot hold a method). */
    final class Source {
        private Source() {
        }

        /** The arches a test annotated with {@link OnEachArch} runs on. */
        static List<ArchUnderTest> arches() {
            return Arches.discovered();
        }
    }
}
