package org.memshare.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.memshare.cli.map.OwnershipMap;
import org.memshare.trace.LineFormat;
import org.memshare.trace.TraceReplayer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code memshare replay FILE}: the canonical output of a trace on standard output. The trace is
 * read and run line by line, and each line's output is flushed before the next line is read, so
 * a trace of any length runs in the memory its machine needs.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Replays a trace and prints its canonical output, line by line as it runs.",
            "FILE '-' reads standard input. Named sharing policies come from the trace ('init ... policy=NAME[:ARGS]',"
                + " docs/traces.md) and from --policy; 'memshare policies' lists them.",
            "Exit status: 0 if every line ran; 1 if a line was an error or, with --check-model, an operation broke"
                + " the ownership model; 2 if the trace could not be read or the heap ran out."})
final class ReplayCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "the trace to replay, or - for standard input")
    Path file;

    @Mixin
    PluginOptions pluginOptions;

    @Mixin
    PolicyOptions policyOptions;

    @Option(names = "--check-model", description = {"After every operation, check the conformance kit's ownership"
            + " model (docs/traces.md, \"Checking the ownership model\"). The output is unchanged but for one line"
            + " 'N: model ...' after the first operation that breaks it; the replay goes on."})
    boolean checkModel;

    @Mixin
    MapOption mapOption;

    @Option(names = "--explain", description = {"Add the engine's reason to every refusal, failure and fault as a trailing"
            + " comment ('3: DENIED bytes=... # VM 3 may only receive read-only memory'), and each share's decoded"
            + " descriptor on the lines after it, which start with '#'. Without it the output is the canonical one."})
    boolean explain;

    @Option(names = "--json", description = {"Write one JSON object per output line instead of the text: line, kind, op,"
            + " args, outcome, value, text (the canonical line), reason, error, descriptor (docs/json.md)."})
    boolean json;

    @Override
    public Integer call() {
        if (explain && json) {
            throw new CliException("--explain and --json do not go together: the JSON carries the reasons and descriptors");
        }
        if (json && mapOption.html != null) {
            throw new CliException("--html and --json do not go together: the map shows each operation's text output"
                    + " (use --explain with --html for the reasons)");
        }
        Writer out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean stdin = file.toString().equals("-");
        InputStream in;
        try {
            in = stdin ? System.in : Files.newInputStream(file);
        } catch (IOException e) {
            err.println("memshare replay: cannot read " + file + ": " + Failures.describe(e));
            err.flush();
            return 2;
        }
        try (PluginOptions.Plugins plugins = pluginOptions.open();
                OwnershipMap map = mapOption.open(stdin ? "standard input" : file.toString())) {
            ModelCheck model = checkModel ? new ModelCheck() : null;
            PolicyOptions.Resolved policies = policyOptions.resolve(plugins);
            LineFormat format = json ? Json.lines() : explain ? LineFormat.explained() : null;
            TraceReplayer replayer = new TraceReplayer(plugins.registry(), map.tap(out), map.observer(model),
                    policies.factories(), policies.selected(), format);
            try {
                int errors = replayer.replay(map.tap(in));
                out.flush();
                mapOption.write(map);
                return errors == 0 && (model == null || model.brokenAt() == 0) ? 0 : 1;
            } catch (IOException e) {
                err.println("memshare replay: cannot read " + (stdin ? "standard input" : file) + " after line "
                        + replayer.lineNumber() + ": " + Failures.describe(e));
                return 2;
            } catch (OutOfMemoryError e) {
                int line = replayer.lineNumber();
                replayer = null; // let the machine go before printing
                Failures.outOfMemory(err, "memshare replay", "at line " + line + " of " + (stdin ? "standard input" : file));
                return 2;
            }
        } finally {
            if (!stdin) {
                try {
                    in.close();
                } catch (IOException ignored) {
                    // nothing was written; the replay's outcome stands
                }
            }
            err.flush();
        }
    }
}
