package org.memshare.trace;

import static java.util.Objects.requireNonNull;

import org.memshare.api.policy.SharePolicyFactories;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.List;
import java.util.Optional;
import org.memshare.engine.plugin.ArchRegistry;

/**
 * Replays a corpus case and compares its output with the expected text, line by line. On a
 * difference it describes the first differing line with both versions and a little context.
 */
public final class Comparison {
    private static final int CONTEXT = 2;
    private static final String LINE_ENDINGS = "  the outputs differ only in line endings or a final newline\n";

    private Comparison() {
    }

    /**
     * The first difference between an expected output and an actual one.
     *
     * @param outputLine the 1-based number of the first output line that differs, or 0 when the
     *     outputs differ only in line endings or a final newline
     * @param expected that line of the expected output, without its line ending; empty past its end
     * @param actual that line of the actual output; empty past its end
     * @param description the difference for people: both lines, with a little context
     */
    public record Difference(int outputLine, Optional<String> expected, Optional<String> actual, String description) {
        public Difference {
            requireNonNull(expected, "expected is null");
            requireNonNull(actual, "actual is null");
            requireNonNull(description, "description is null");
        }

        static Difference lineEndings() {
            return new Difference(0, Optional.empty(), Optional.empty(), LINE_ENDINGS);
        }
    }

    /** The replay's output for {@code trace}, read line by line (LF or CRLF; see {@link TraceLines}). */
    public static String replay(ArchRegistry registry, String trace) {
        return replay(registry, SharePolicyFactories.load(Comparison.class.getClassLoader()), List.of(), trace);
    }

    /**
     * {@link #replay(ArchRegistry, String)} with {@code init policy=} names looked up in
     * {@code factories} and {@code extra} policies for every machine (see {@link TraceReplayer}).
     */
    public static String replay(ArchRegistry registry, SharePolicyFactories factories,
            List<SharePolicyFactories.Selected> extra, String trace) {
        StringWriter output = new StringWriter();
        try {
            new TraceReplayer(registry, output, null, factories, extra).replay(TraceLines.of(trace));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringReader does not fail
        }
        return output.toString();
    }

    /**
     * Replays {@code trace} (UTF-8 bytes) while comparing its output with {@code expected}, both
     * read line by line, so neither the trace nor either output is ever held whole. Empty if the
     * output equals the expected text byte for byte, else a description of the first difference,
     * as {@link #difference(String, String)} gives it.
     *
     * @throws IOException if either input cannot be read
     */
    public static Optional<String> compare(ArchRegistry registry, InputStream trace, Reader expected)
            throws IOException {
        return compare(registry, SharePolicyFactories.load(Comparison.class.getClassLoader()), List.of(), trace,
                expected);
    }

    /** {@link #compare(ArchRegistry, InputStream, Reader)} with policies, as {@link #replay(ArchRegistry, SharePolicyFactories, List, String)}. */
    public static Optional<String> compare(ArchRegistry registry, SharePolicyFactories factories,
            List<SharePolicyFactories.Selected> extra, InputStream trace, Reader expected) throws IOException {
        return firstDifference(registry, factories, extra, trace, expected).map(Difference::description);
    }

    /** {@link #compare(ArchRegistry, SharePolicyFactories, List, InputStream, Reader)}, with the difference's parts. */
    public static Optional<Difference> firstDifference(ArchRegistry registry, SharePolicyFactories factories,
            List<SharePolicyFactories.Selected> extra, InputStream trace, Reader expected) throws IOException {
        ComparingWriter comparing = new ComparingWriter(expected);
        new TraceReplayer(registry, comparing, null, factories, extra).replay(TraceLines.of(trace));
        return comparing.finish();
    }

    /** A sink that compares each line written with the next line of an expected text. */
    private static final class ComparingWriter extends Writer {
        private final Reader expected;
        private final StringBuilder pending = new StringBuilder();
        private final StringBuilder expectedLine = new StringBuilder();
        private final java.util.ArrayDeque<String> before = new java.util.ArrayDeque<>();
        private boolean expectedEnded;
        private boolean expectedEndsWithNewline = true;
        private boolean onlyLineEndingsDiffer;
        private int lineNumber;
        private Difference difference;
        private IOException failure;

        ComparingWriter(Reader expected) {
            this.expected = expected;
        }

        /** The next expected line without its LF (a CR before it stays), or null at the end. */
        private String nextExpected() throws IOException {
            if (expectedEnded) {
                return null;
            }
            expectedLine.setLength(0);
            while (true) {
                int c = expected.read();
                if (c < 0) {
                    expectedEnded = true;
                    if (expectedLine.length() == 0) {
                        return null;
                    }
                    expectedEndsWithNewline = false;
                    return expectedLine.toString();
                }
                if (c == '\n') {
                    return expectedLine.toString();
                }
                expectedLine.append((char) c);
            }
        }

        private void compareLine(String actual) throws IOException {
            lineNumber++;
            if (difference != null) {
                return;
            }
            String want = nextExpected();
            if (want != null && (want.equals(actual) || want.equals(actual + "\r"))) {
                onlyLineEndingsDiffer |= !want.equals(actual);
                remember(want);
                return;
            }
            describe(want, actual);
        }

        private void remember(String line) {
            before.addLast(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
            if (before.size() > CONTEXT) {
                before.removeFirst();
            }
        }

        private void describe(String want, String actual) throws IOException {
            StringBuilder text = new StringBuilder();
            text.append("  first difference at output line ").append(lineNumber).append(":\n");
            for (String line : before) {
                text.append("      ").append(line).append('\n');
            }
            text.append("    expected: ").append(want != null ? strip(want) : "<end of output>").append('\n');
            text.append("    actual:   ").append(actual != null ? actual : "<end of output>").append('\n');
            if (want != null) {
                for (int k = 0; k < CONTEXT; k++) {
                    String next = nextExpected();
                    if (next == null) {
                        break;
                    }
                    text.append("      ").append(strip(next)).append('\n');
                }
            }
            difference = new Difference(lineNumber, Optional.ofNullable(want).map(ComparingWriter::strip),
                    Optional.ofNullable(actual), text.toString());
        }

        private static String strip(String line) {
            return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
        }

        @Override
        public void write(char[] buffer, int offset, int length) {
            for (int i = offset; i < offset + length; i++) {
                if (buffer[i] == '\n') {
                    try {
                        compareLine(pending.toString());
                    } catch (IOException e) {
                        failure = failure == null ? e : failure;
                    }
                    pending.setLength(0);
                } else {
                    pending.append(buffer[i]);
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }

        Optional<Difference> finish() throws IOException {
            if (failure != null) {
                throw failure;
            }
            if (pending.length() > 0) {
                compareLine(pending.toString()); // the replayer always ends lines, but be exact
            }
            if (difference == null) {
                String extra = nextExpected();
                if (extra != null) {
                    lineNumber++;
                    describe(extra, null);
                } else if (onlyLineEndingsDiffer || !expectedEndsWithNewline) {
                    difference = Difference.lineEndings();
                }
            }
            return Optional.ofNullable(difference);
        }
    }

    /** Empty if {@code actual} equals {@code expected} byte for byte, else a description of the first difference. */
    public static Optional<String> difference(String expected, String actual) {
        return firstDifference(expected, actual).map(Difference::description);
    }

    /** {@link #difference(String, String)}, with the difference's parts. */
    public static Optional<Difference> firstDifference(String expected, String actual) {
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
            return Optional.of(Difference.lineEndings());
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
        return Optional.of(new Difference(i + 1, i < want.size() ? Optional.of(want.get(i)) : Optional.empty(),
                i < got.size() ? Optional.of(got.get(i)) : Optional.empty(), text.toString()));
    }
}
