package org.memshare.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.memshare.trace.TraceParser;
import picocli.CommandLine;

/** {@code memshare bench}: what it counts and prints, never how long anything took. */
class BenchCommandTest {
    /** The last line as TRACES.md fixes it. */
    private static final Pattern SUMMARY = Pattern.compile(
            "bench: (\\d+) ops, median (\\d+\\.\\d) ns/op \\(min (\\d+\\.\\d), max (\\d+\\.\\d)\\), (\\d+) ops/s");
    private static final Pattern REPEAT = Pattern.compile("repeat (\\d+): \\d+ ns, \\d+\\.\\d ns/op");

    @TempDir
    Path dir;

    private record Result(int status, List<String> out, String err) {
        String last() {
            return out.get(out.size() - 1);
        }
    }

    private Result bench(String trace, String... options) throws IOException {
        Path file = Files.writeString(dir.resolve("t.trace"), trace);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = MemshareCommand.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        String[] args = new String[options.length + 2];
        args[0] = "bench";
        args[1] = file.toString();
        System.arraycopy(options, 0, args, 2, options.length);
        int status = cli.execute(args);
        return new Result(status, out.toString().lines().toList(), err.toString());
    }

    private static Matcher summary(Result result) {
        Matcher matcher = SUMMARY.matcher(result.last());
        assertTrue(matcher.matches(), "last line: " + result.last());
        return matcher;
    }

    private static final String SETUP = """
            # a machine, then churn
            init arch=fake pool_pages=256 vms=2
            map 1 0x200000 0x400000 0x7
            """;

    @Test
    void withAMarkerOnlyTheOperationsAfterItAreCounted() throws IOException {
        Result result = bench(SETUP + """
                #@ measure
                unmap 1 0x200000 0x201000

                # a comment is not an operation
                map 1 0x200000 0x201000 0x7
                defrag 1   # nor is a trailing one
                """, "--repeat", "3");
        assertEquals(0, result.status(), result.err());
        assertEquals("", result.err());
        assertEquals("3", summary(result).group(1));
        assertEquals(4, result.out().size(), result.out()::toString);
        for (int r = 0; r < 3; r++) {
            Matcher repeat = REPEAT.matcher(result.out().get(r));
            assertTrue(repeat.matches(), result.out().get(r));
            assertEquals(String.valueOf(r + 1), repeat.group(1));
        }
    }

    @Test
    void withoutAMarkerEveryOperationIsCounted() throws IOException {
        Result result = bench(SETUP + "pool\n");
        assertEquals(0, result.status(), result.err());
        assertEquals("3", summary(result).group(1));
        assertEquals(6, result.out().size(), "five repeats by default, then the summary");
    }

    @Test
    void oneRepeatIsItsOwnMedian() throws IOException {
        Result result = bench(SETUP + "#@ measure\npool\n", "--repeat", "1");
        assertEquals(0, result.status(), result.err());
        assertEquals(2, result.out().size());
        Matcher summary = summary(result);
        assertEquals("1", summary.group(1));
        assertEquals(summary.group(2), summary.group(3));
        assertEquals(summary.group(2), summary.group(4));
        assertTrue(result.out().get(0).endsWith(" " + summary.group(2) + " ns/op"), result.out().get(0));
    }

    @Test
    void aMalformedTraceReportsItsErrorsAndExitsOne() throws IOException {
        Result result = bench(SETUP + "#@ measure\nmap 1 zz 0x1000 0x3\nmap 9 0x0 0x1000 0x3\npool\n", "--repeat", "2");
        assertEquals(1, result.status());
        assertEquals("3", summary(result).group(1), "malformed lines are operations too");
        assertTrue(result.err().contains("5: error bad number for 'begin': 'zz'"), result.err());
        assertTrue(result.err().contains("6: error no VM 9"), result.err());
        assertTrue(result.err().contains("has 2 error lines"), result.err());
        assertFalse(result.err().contains("\tat "), result.err());
    }

    @Test
    void aRepeatBelowOneIsRefused() throws IOException {
        Result result = bench(SETUP, "--repeat", "0");
        assertEquals(2, result.status());
        assertTrue(result.err().contains("--repeat must be at least 1"), result.err());
    }

    @Test
    void aMissingPluginJarIsACommandError() throws IOException {
        Result result = bench(SETUP, "--plugin", dir.resolve("missing.jar").toString());
        assertEquals(2, result.status());
        assertTrue(result.err().contains("no such jar or directory"), result.err());
    }

    @Test
    void theMarkerIsRecognisedAsHafniumsHarnessRecognisesIt() {
        assertTrue(BenchFigures.isMeasureMarker("#@ measure"));
        assertTrue(BenchFigures.isMeasureMarker("  \t#@measure"));
        assertTrue(BenchFigures.isMeasureMarker("#@ \tmeasure  # from here"));
        assertFalse(BenchFigures.isMeasureMarker("#@ measured"));
        assertFalse(BenchFigures.isMeasureMarker("# measure"));
        assertFalse(BenchFigures.isMeasureMarker("pool #@ measure"));
        List<String> lines = List.of("init arch=fake pool_pages=64 vms=1", "#@ measure", "pool", "#@ measure", "pool", "");
        assertEquals(4, BenchFigures.measureFrom(lines));
        assertEquals(1, BenchFigures.operations(TraceParser.parseAll(lines), BenchFigures.measureFrom(lines)));
        assertEquals(0, BenchFigures.measureFrom(List.of("pool")));
    }

    @Test
    void theSummaryIsPrintedAsTheNativeHarnessPrintsIt() {
        // Repeats after the first: 300, 100, 200 -> median 200; an even count averages the middle two.
        assertEquals("bench: 40000 ops, median 200.0 ns/op (min 100.0, max 300.0), 5000000 ops/s",
                BenchFigures.summary(40000, new double[] {9999, 300, 100, 200}));
        assertEquals("bench: 7 ops, median 150.0 ns/op (min 100.0, max 200.0), 6666667 ops/s",
                BenchFigures.summary(7, new double[] {1, 100, 200}));
        // C rounds the exact binary value, ties to even: 0.25 -> 0.2, 0.35 (0.34999...) -> 0.3, 2.5 -> 2.
        assertEquals("0.2", BenchFigures.decimal(0.25, 1));
        assertEquals("0.3", BenchFigures.decimal(0.35, 1));
        assertEquals("2", BenchFigures.decimal(2.5, 0));
        assertEquals("bench: 0 ops, median 0.0 ns/op (min 0.0, max 0.0), 0 ops/s",
                BenchFigures.summary(0, new double[] {0}));
    }

    @Test
    void sharesEncodedBeforeTimingReplayExactlyAsTheShareLinesDo() {
        // bench encodes every share line's message before it times the replay, as Hafnium's
        // harness does when it parses: on every corpus trace that must print the expected output.
        org.memshare.engine.plugin.ArchRegistry registry = org.memshare.engine.plugin.ArchRegistry.discover();
        int shares = 0;
        for (org.memshare.trace.CorpusCase c : org.memshare.trace.Corpus.bundled()) {
            List<org.memshare.trace.ParsedLine> parsed = TraceParser.parseAll(c.trace().lines().toList());
            List<org.memshare.trace.ParsedLine> encoded = BenchCommand.encodeShares(parsed);
            assertEquals(parsed.size(), encoded.size());
            for (int i = 0; i < parsed.size(); i++) {
                if (parsed.get(i) instanceof org.memshare.trace.ParsedLine.Op op
                        && op.operation() instanceof org.memshare.trace.Operation.Share) {
                    shares++;
                    assertTrue(((org.memshare.trace.ParsedLine.Op) encoded.get(i)).operation()
                            instanceof org.memshare.trace.Operation.ShareBytes, c.name() + " line " + (i + 1));
                }
            }
            StringWriter out = new StringWriter();
            new org.memshare.trace.TraceReplayer(registry, out).replay(encoded);
            assertEquals(c.expected(), out.toString(), c.name());
        }
        assertTrue(shares > 800, "the corpus's share lines: " + shares);
    }

    @Test
    void aReplayThatMakesNoOutputRunsEveryOperationAsAReplayDoes() {
        // bench's replayer makes no output; it must still run every operation (errors counted)
        // and leave each corpus trace's machine exactly as a replay that prints does.
        org.memshare.engine.plugin.ArchRegistry registry = org.memshare.engine.plugin.ArchRegistry.discover();
        org.memshare.api.policy.SharePolicyFactories factories =
                org.memshare.api.policy.SharePolicyFactories.load(getClass().getClassLoader());
        int withMachine = 0;
        for (org.memshare.trace.CorpusCase c : org.memshare.trace.Corpus.bundled()) {
            List<org.memshare.trace.ParsedLine> encoded =
                    BenchCommand.encodeShares(TraceParser.parseAll(c.trace().lines().toList()));
            StringWriter printed = new StringWriter();
            org.memshare.trace.TraceReplayer printing = new org.memshare.trace.TraceReplayer(registry, printed);
            org.memshare.trace.TraceReplayer silent =
                    org.memshare.trace.TraceReplayer.discardingOutput(registry, factories, List.of());
            int printingErrors = printing.replay(encoded);
            assertEquals(printingErrors, silent.replay(encoded), c.name());
            assertEquals(c.expected(), printed.toString(), c.name());
            assertEquals(printing.machine().isPresent(), silent.machine().isPresent(), c.name());
            if (printing.machine().isPresent()) {
                withMachine++;
                assertEquals(state(printing.machine().get()), state(silent.machine().get()), c.name());
            }
        }
        assertTrue(withMachine > 40, "corpus traces that end with a machine: " + withMachine);
    }

    @Test
    void aReplayThatMakesNoOutputCountsErrorsAsAReplayDoes() {
        org.memshare.engine.plugin.ArchRegistry registry = org.memshare.engine.plugin.ArchRegistry.discover();
        List<org.memshare.trace.ParsedLine> lines = BenchCommand.encodeShares(TraceParser.parseAll(List.of(
                "map 1 0x200000 0x400000 0x7",
                "init arch=fake pool_pages=64 vms=2",
                "bogus 1 2 3",
                "map 9 0x200000 0x400000 0x7",
                "commit 1 0x200000 0x400000 0x7",
                "map 1 0x200000 0x400000 0x7",
                "share type=lend from=1 to=2 c=0x200000:1",
                "dump vm=1")));
        StringWriter printed = new StringWriter();
        int printingErrors = new org.memshare.trace.TraceReplayer(registry, printed).replay(lines);
        org.memshare.trace.TraceReplayer silent = org.memshare.trace.TraceReplayer.discardingOutput(registry,
                org.memshare.api.policy.SharePolicyFactories.load(getClass().getClassLoader()), List.of());
        assertEquals(4, printingErrors, printed.toString());
        assertEquals(printingErrors, silent.replay(lines));
        assertTrue(printed.toString().contains("7: SUCCESS"), printed.toString());
    }

    /** The pool's free count and every VM's entries, as text. */
    private static String state(org.memshare.engine.machine.Machine machine) {
        StringBuilder text = new StringBuilder("free " + machine.pool().freeCount() + "\n");
        for (org.memshare.engine.machine.Vm vm : machine.vms()) {
            text.append("vm ").append(vm.id()).append('\n');
            vm.table().visit((level, address, pte, kind) -> text.append(level).append(' ')
                    .append(Long.toHexString(address)).append(' ').append(Long.toHexString(pte)).append('\n'));
        }
        return text.toString();
    }
}
