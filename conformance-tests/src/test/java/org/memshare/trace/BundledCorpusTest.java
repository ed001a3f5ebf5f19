package org.memshare.trace;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.memshare.engine.plugin.ArchRegistry;

/**
 * Replays the traces of the bundled corpus that the engine supports so far and compares each
 * output with Hafnium's, byte for byte.
 */
class BundledCorpusTest {
    /** Every profile of the corpus. */
    private static final List<String> PROFILES = List.of("mm-", "share-", "oom-", "bytes-");

    private static final ArchRegistry REGISTRY = ArchRegistry.discover();

    @TestFactory
    Stream<DynamicTest> everyTraceMatchesHafniumByteForByte() {
        List<CorpusCase> cases = Corpus.bundled(name -> PROFILES.stream().anyMatch(name::startsWith));
        assertFalse(cases.isEmpty(), "the bundled corpus has no trace for " + PROFILES);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Optional<String> difference = Comparison.difference(c.expected(), Comparison.replay(REGISTRY, c.trace()));
            assertTrue(difference.isEmpty(), () -> c.name() + " differs from Hafnium's output:\n" + difference.get());
        }));
    }

    @Test
    void theBundledCorpusHoldsEveryProfile() {
        List<CorpusCase> all = Corpus.bundled();
        for (String profile : List.of("mm-fake-", "mm-aarch64-", "share-", "oom-", "bytes-")) {
            assertTrue(all.stream().anyMatch(c -> c.name().startsWith(profile)), "no " + profile + " trace bundled");
        }
    }
}
