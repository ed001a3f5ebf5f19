package org.memshare.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.memshare.engine.plugin.ArchRegistry;
import org.memshare.trace.Operation;
import org.memshare.trace.ParsedLine;
import org.memshare.trace.TraceParser;
import org.memshare.trace.TraceReplayer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code memshare bench FILE [--repeat N]}: parses the trace (encoding each share's message, as
 * Hafnium's harness does), then replays it N times, each on a fresh machine, timing the
 * operations after {@code #@ measure}; prints a line per repeat and
 * last the summary line of {@link BenchFigures#summary}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Parses a trace (encoding each share line's message, as Hafnium's harness does), then replays it N times, each time on a fresh machine, timing only the"
                + " operations after the line '#@ measure' (all of them if there is none); the operations'"
                + " output is not made, so the time is the operations' own. Prints one line per repeat, then last:",
            "  bench: OPS ops, median M ns/op (min A, max B), R ops/s",
            "over the repeats after the first (the only one if N is 1). Errors in the trace are printed on"
                + " standard error and make the exit status 1."})
final class BenchCommand implements Callable<Integer> {
    /** How many error lines of the trace are printed before the rest are only counted. */
    static final int ERRORS_SHOWN = 20;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "the trace to replay")
    Path file;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "5",
            description = "how many times to replay the trace (default: ${DEFAULT-VALUE}); the first warms up")
    int repeat;

    @Mixin
    PluginOptions pluginOptions;

    @Mixin
    PolicyOptions policyOptions;

    @Override
    public Integer call() {
        if (repeat < 1) {
            throw new CliException("--repeat must be at least 1, was " + repeat);
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            spec.commandLine().getErr().println("memshare bench: cannot read " + file + ": " + e);
            return 2;
        }
        List<ParsedLine> parsed = TraceParser.parseAll(lines);
        List<ParsedLine> timed = encodeShares(parsed);
        int from = BenchFigures.measureFrom(lines);
        int operations = BenchFigures.operations(parsed, from);
        PrintWriter out = spec.commandLine().getOut();
        double[] perOp = new double[repeat];
        int errors = 0;
        try (PluginOptions.Plugins plugins = pluginOptions.open()) {
            ArchRegistry registry = plugins.registry();
            PolicyOptions.Resolved policies = policyOptions.resolve(plugins);
            for (int r = 0; r < repeat; r++) {
                TraceReplayer replayer = TraceReplayer.discardingOutput(registry, policies.factories(),
                        policies.selected());
                for (int i = 0; i < from; i++) {
                    replayer.execute(timed.get(i));
                }
                long start = System.nanoTime();
                for (int i = from; i < timed.size(); i++) {
                    replayer.execute(timed.get(i));
                }
                replayer.flush();
                long nanos = System.nanoTime() - start;
                perOp[r] = BenchFigures.perOperation(nanos, operations);
                out.println(BenchFigures.repeatLine(r + 1, nanos, perOp[r]));
                out.flush();
                if (r == 0) {
                    errors = replayer.errors();
                    if (errors > 0) {
                        reportErrors(registry, policies, parsed);
                    }
                }
            }
        }
        out.println(BenchFigures.summary(operations, perOp));
        out.flush();
        return errors == 0 ? 0 : 1;
    }

    /**
     * The lines with every {@code share} already encoded ({@link Operation.Share#encoded}), as
     * Hafnium's harness encodes a share's message when it parses the trace: the timed loop then
     * sends messages, as the harness's does, and replays them exactly as the share lines would.
     */
    static List<ParsedLine> encodeShares(List<ParsedLine> parsed) {
        List<ParsedLine> encoded = new ArrayList<>(parsed.size());
        for (ParsedLine line : parsed) {
            encoded.add(line instanceof ParsedLine.Op op && op.operation() instanceof Operation.Share share
                    ? new ParsedLine.Op(op.number(), share.encoded()) : line);
        }
        return encoded;
    }

    /** Replays the trace once more, untimed, and prints its error lines on standard error. */
    private void reportErrors(ArchRegistry registry, PolicyOptions.Resolved policies, List<ParsedLine> parsed) {
        ErrorLines errorLines = new ErrorLines();
        int errors = new TraceReplayer(registry, errorLines, null, policies.factories(), policies.selected())
                .replay(parsed);
        PrintWriter err = spec.commandLine().getErr();
        for (String line : errorLines.shown) {
            err.println(line);
        }
        if (errors > errorLines.shown.size()) {
            err.println("... and " + (errors - errorLines.shown.size()) + " more error lines");
        }
        err.println("memshare bench: " + file + " has " + errors + " error line" + (errors == 1 ? "" : "s"));
        err.flush();
    }

    /** Keeps the first {@link #ERRORS_SHOWN} lines of the form {@code N: error ...} of a replay's output. */
    private static final class ErrorLines extends Writer {
        final List<String> shown = new ArrayList<>();
        private final StringBuilder line = new StringBuilder();

        @Override
        public void write(char[] chars, int offset, int length) {
            for (int i = offset; i < offset + length; i++) {
                char c = chars[i];
                if (c == '\n') {
                    String text = line.toString();
                    int colon = text.indexOf(": ");
                    if (colon > 0 && text.startsWith("error ", colon + 2) && shown.size() < ERRORS_SHOWN) {
                        shown.add(text);
                    }
                    line.setLength(0);
                } else {
                    line.append(c);
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
