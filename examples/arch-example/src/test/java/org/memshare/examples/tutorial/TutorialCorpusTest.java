package org.memshare.examples.tutorial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.memshare.engine.plugin.ArchRegistry;
import org.memshare.trace.Corpus;
import org.memshare.trace.CorpusCase;
import org.memshare.trace.TraceParser;
import org.memshare.trace.TraceReplayer;

/**
 * A differential test against Hafnium itself. The tutorial arch at PA 40 has the tree of aarch64
 * at PA 40 (max level 2, two root tables, blocks at levels 0 to 2), and at PA 48 the tree of
 * aarch64 at PA 44 (max level 3, one root table, 2^48), so Hafnium's own outputs for those traces
 * (memshare's bundled corpus) must come out of the tutorial arch unchanged, except what the
 * encoding decides: the raw entries and attributes a dump prints, and the mode an absent entry
 * reads back as (aarch64: 0x7c; tutorial: 0x70, with R, W, X and D of positive sense). Every
 * share answer, mode, pool count, out-of-memory failure and dump line's kind and address must
 * agree.
 *
 * <p>A plugin whose geometry matches no corpus arch cannot do this; the conformance kit's rules
 * are what prove it.
 */
class TutorialCorpusTest {

    private static final String AARCH64_PA40 = "arch=aarch64 pa_bits=40";
    private static final String AARCH64_PA44 = "arch=aarch64 pa_bits=44";

    static Stream<Named<CorpusCase>> aarch64TracesWithATutorialTwin() {
        return Corpus.bundled().stream()
                .filter(c -> c.trace().contains(AARCH64_PA40) || c.trace().contains(AARCH64_PA44))
                .map(c -> Named.of(c.name(), c));
    }

    @Test
    void theCorpusHasTracesToCompare() {
        assertTrue(aarch64TracesWithATutorialTwin().count() >= 20, "too few aarch64 traces at PA 40 or 44 in the corpus");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("aarch64TracesWithATutorialTwin")
    void reproducesHafniumsOutputUpToTheEncoding(CorpusCase hafnium) {
        String onTutorial = hafnium.trace()
                .replace(AARCH64_PA40, "arch=tutorial pa_bits=40")
                .replace(AARCH64_PA44, "arch=tutorial pa_bits=48");

        assertEquals(withoutEncoding(hafnium.expected()), withoutEncoding(replay(onTutorial)), hafnium.name());
    }

    private static String replay(String trace) {
        StringWriter output = new StringWriter();
        TraceReplayer replayer = new TraceReplayer(ArchRegistry.discover(TutorialCorpusTest.class.getClassLoader()), output);
        replayer.replay(TraceParser.parseAll(List.of(trace.split("\n"))));
        return output.toString();
    }

    /** The output with what only the encoding decides taken out (see the class comment). */
    private static String withoutEncoding(String output) {
        return output.replaceAll(" (attrs|pte)=0x[0-9a-f]+", "")
                .replaceAll("mode([ =])0x7c\\b", "mode$10x70");
    }
}
