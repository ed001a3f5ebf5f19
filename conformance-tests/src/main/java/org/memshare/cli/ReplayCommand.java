package org.memshare.cli;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.memshare.trace.TraceParser;
import org.memshare.trace.TraceReplayer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code memshare replay FILE}: the canonical output of a trace on standard output. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Replays a trace and prints its canonical output. Exits 1 if a line was malformed.")
final class ReplayCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "the trace to replay")
    Path file;

    @Mixin
    PluginOptions pluginOptions;

    @Override
    public Integer call() throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            spec.commandLine().getErr().println("memshare replay: cannot read " + file + ": " + e);
            return 2;
        }
        Writer out = spec.commandLine().getOut();
        try (PluginOptions.Plugins plugins = pluginOptions.open()) {
            int errors = new TraceReplayer(plugins.registry(), out).replay(TraceParser.parseAll(lines));
            out.flush();
            return errors == 0 ? 0 : 1;
        }
    }
}
