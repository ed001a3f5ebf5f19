package org.memshare.kit.rules;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.memshare.api.arch.ArchConfig;
import org.memshare.kit.ArchUnderTest;
import org.memshare.kit.ArchesUnderTest;
import org.memshare.kit.Level;
import org.memshare.kit.RuleDisplayNames;
import org.memshare.kit.RuleFamily;
import org.memshare.trace.Comparison;
import org.memshare.trace.Corpus;
import org.memshare.trace.CorpusCase;

/**
 * CORPUS rules: each trace of the corpus bundled with memshare, whose expected output Hafnium's
 * own C code printed, replays byte for byte on the arch and configuration it was written for
 * ({@code CORPUS-<trace>}). On every other arch or configuration the rule is skipped with the
 * configuration it needs. A failure shows the first differing output line with both versions.
 */
@DisplayNameGeneration(RuleDisplayNames.class)
public class CorpusRules {
    private static final String FAMILY = "CORPUS";
    private static final Pattern INIT = Pattern.compile("(?m)^\\s*init\\s+(.*)$");
    private static final Pattern ARCH = Pattern.compile("(?:^|\\s)arch=(\\S+)");
    private static final Pattern PA_BITS = Pattern.compile("(?:^|\\s)pa_bits=(\\S+)");

    /** The configuration a trace was written for: its first {@code init} line's arch and PA size. */
    record Target(String arch, int paBits) {
        static Optional<Target> of(String trace) {
            Matcher init = INIT.matcher(trace);
            if (!init.find()) {
                return Optional.empty();
            }
            Matcher arch = ARCH.matcher(init.group(1));
            if (!arch.find()) {
                return Optional.empty();
            }
            Matcher pa = PA_BITS.matcher(init.group(1));
            int paBits = pa.find() ? Integer.decode(pa.group(1)) : ArchConfig.DEFAULT_PA_BITS;
            return Optional.of(new Target(arch.group(1), paBits));
        }

        boolean matches(ArchUnderTest under) {
            return arch.equals(under.name()) && paBits == under.config().paBits() && under.config().properties().isEmpty();
        }

        @Override
        public String toString() {
            return arch + " pa_bits=" + paBits;
        }
    }

    @RuleFamily(id = FAMILY, level = Level.REQUIRED,
            title = "the bundled Hafnium traces replay byte for byte on the configuration each was written for")
    Stream<DynamicContainer> corpus(ArchesUnderTest arches) {
        return arches.all().stream().map(under -> DynamicContainer.dynamicContainer(under.toString(),
                Corpus.bundled().stream().map(c -> DynamicTest.dynamicTest(
                        FAMILY + "-" + c.name() + " [" + Level.REQUIRED.label() + "] replays byte for byte",
                        () -> replay(c, under, arches)))));
    }

    private static void replay(CorpusCase corpusCase, ArchUnderTest under, ArchesUnderTest arches) {
        Optional<Target> target = Target.of(corpusCase.trace());
        Assumptions.assumeTrue(target.isPresent(), () -> corpusCase.name() + " has no init line naming its arch");
        Assumptions.assumeTrue(target.get().matches(under),
                () -> "written for " + target.get() + " with default properties");
        Optional<String> skip = arches.skipReason(FAMILY + "-" + corpusCase.name(), under);
        Assumptions.assumeTrue(skip.isEmpty(), skip::get);
        String actual = Comparison.replay(under.registry(), corpusCase.trace());
        Comparison.difference(corpusCase.expected(), actual).ifPresent(difference ->
                fail(corpusCase.name() + " on " + under + " differs from Hafnium's output:\n" + difference));
    }
}
