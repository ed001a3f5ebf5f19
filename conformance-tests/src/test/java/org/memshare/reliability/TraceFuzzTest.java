package org.memshare.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.memshare.engine.plugin.ArchRegistry;
import org.memshare.trace.Operation;
import org.memshare.trace.ParsedLine;
import org.memshare.trace.TraceParser;
import org.memshare.trace.TraceReplayer;

/**
 * Fuzzes the trace parser and replayer with arbitrary text (the input's bytes as UTF-8, lines
 * ended by LF or CRLF). No exception escapes, and line by line:
 * <ul>
 *   <li>a blank or comment-only line prints nothing;</li>
 *   <li>a malformed line prints exactly one line, {@code N: error <reason>};</li>
 *   <li>an operation prints at least one line, every one of them prefixed {@code N: } with its
 *       own line number, and an error it prints is counted;</li>
 * </ul>
 * and replaying the same text again prints the same bytes.
 *
 * <p>Resource limits are the replay's to enforce (issue 9, other half); until they land, an input
 * whose {@code init} asks for more than {@value #MAX_VMS} VMs or {@value #MAX_POOL_PAGES} pool pages
 * is out of scope here and returns at once, so the fuzzer measures the parser and the engine, not
 * the heap. Regression inputs: {@code TraceFuzzTestInputs/trace}.
 */
class TraceFuzzTest {
    static final int MAX_VMS = 16;
    static final long MAX_POOL_PAGES = 16384;
    private static final ArchRegistry REGISTRY = ArchRegistry.discover();

    @FuzzTest(maxDuration = "5m")
    void trace(byte[] data) {
        List<String> lines = lines(new String(data, StandardCharsets.UTF_8));
        List<ParsedLine> parsed = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            ParsedLine line = TraceParser.parse(i + 1, lines.get(i));
            assertEquals(i + 1, line.number(), "the parsed line's number");
            if (line instanceof ParsedLine.Op op && op.operation() instanceof Operation.Init init
                    && (init.vms() > MAX_VMS || Long.compareUnsigned(init.poolPages(), MAX_POOL_PAGES) > 0)) {
                return;
            }
            parsed.add(line);
        }
        String first = replay(parsed);
        assertEquals(first, replay(parsed), "a second replay of the same trace");
    }

    /** Replays line by line, checking what each line printed; returns the whole output. */
    private static String replay(List<ParsedLine> parsed) {
        StringWriter sink = new StringWriter();
        TraceReplayer replayer = new TraceReplayer(REGISTRY, sink);
        int errors = 0;
        for (ParsedLine line : parsed) {
            int start = sink.getBuffer().length();
            int errorsBefore = replayer.errors();
            replayer.execute(line);
            replayer.flush();
            String printed = sink.getBuffer().substring(start);
            String prefix = line.number() + ": ";
            assertTrue(printed.isEmpty() || printed.endsWith("\n"),
                    () -> "line " + line.number() + " printed an unterminated line: " + printed);
            List<String> out = printed.isEmpty() ? List.of() : List.of(printed.substring(0, printed.length() - 1).split("\n", -1));
            int errorLines = 0;
            for (String o : out) {
                if (!o.startsWith(prefix)) {
                    fail("line " + line.number() + " (" + line + ") printed a line without its prefix: " + o);
                }
                if (o.startsWith(prefix + "error ")) {
                    errorLines++;
                }
            }
            if (line instanceof ParsedLine.Blank) {
                assertEquals(List.of(), out, "a blank line printed something");
            } else if (line instanceof ParsedLine.Malformed malformed) {
                assertEquals(List.of(prefix + "error " + malformed.reason()), out, "what a malformed line printed");
            } else {
                assertTrue(!out.isEmpty(), () -> "line " + line.number() + " (" + line + ") printed nothing");
            }
            assertEquals(errorLines, replayer.errors() - errorsBefore,
                    () -> "line " + line.number() + " printed errors that were not counted, or counted silent ones: " + out);
            errors += errorLines;
        }
        assertEquals(errors, replayer.errors(), "errors counted");
        return sink.toString();
    }

    /** The lines of {@code text}: LF ends a line, a CR before it is dropped; a last line without LF counts. */
    static List<String> lines(String text) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int lf = text.indexOf('\n', start);
            int end = lf < 0 ? text.length() : lf;
            int contentEnd = end > start && text.charAt(end - 1) == '\r' ? end - 1 : end;
            lines.add(text.substring(start, contentEnd));
            start = end + 1;
        }
        return lines;
    }
}
