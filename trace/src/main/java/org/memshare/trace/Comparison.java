package org.memshare.trace;

import java.io.StringWriter;
import java.util.List;
import java.util.Optional;
import org.memshare.engine.plugin.ArchRegistry;

/**
 * Replays a corpus case and compares its output with the expected text, line by line. On a
 * difference it describes the first differing line with both versions and a little context.
 */
public final class Comparison {
    private static final int CONTEXT = 2;

    private Comparison() {
    }

    /** The replay's output for {@code trace}. */
    public static String replay(ArchRegistry registry, String trace) {
        StringWriter output = new StringWriter();
        new TraceReplayer(registry, output).replay(TraceParser.parseAll(trace.lines().toList()));
        return output.toString();
    }

    /** Empty if {@code actual} equals {@code expected} byte for byte, else a description of the first difference. */
    public static Optional<String> difference(String expected, String actual) {
        if (expected.equals(actual)) {
            return Optional.empty();
        }
        List<String> want = expected.lines().toList();
        List<String> got = actual.lines().toList();
        int i = 0;
        while (i < want.size() && i < got.size() && want.get(i).equals(got.get(i))) {
            i++;
        }
        StringBuilder text = new StringBuilder();
        if (i == want.size() && i == got.size()) {
            text.append("  the outputs differ only in line endings or a final newline\n");
            return Optional.of(text.toString());
        }
        text.append("  first difference at output line ").append(i + 1).append(":\n");
        for (int k = Math.max(0, i - CONTEXT); k < i; k++) {
            text.append("      ").append(want.get(k)).append('\n');
        }
        text.append("    expected: ").append(i < want.size() ? want.get(i) : "<end of output>").append('\n');
        text.append("    actual:   ").append(i < got.size() ? got.get(i) : "<end of output>").append('\n');
        for (int k = i + 1; k < Math.min(want.size(), i + 1 + CONTEXT); k++) {
            text.append("      ").append(want.get(k)).append('\n');
        }
        return Optional.of(text.toString());
    }
}
