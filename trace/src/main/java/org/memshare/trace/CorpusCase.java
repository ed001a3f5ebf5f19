package org.memshare.trace;

import static java.util.Objects.requireNonNull;

/**
 * One scenario of a corpus: a trace and the output the reference printed for it.
 *
 * @param name the file name without {@code .trace}
 * @param trace the trace's text
 * @param expected the expected output's text
 */
public record CorpusCase(String name, String trace, String expected) {
    public CorpusCase {
        requireNonNull(name, "name is null");
        requireNonNull(trace, "trace is null");
        requireNonNull(expected, "expected is null");
    }
}
