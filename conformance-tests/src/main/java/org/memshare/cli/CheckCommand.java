package org.memshare.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.memshare.engine.plugin.ArchRegistry;
import org.memshare.trace.Comparison;
import org.memshare.trace.Corpus;
import org.memshare.trace.CorpusCase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code memshare check [FILE... | DIR]}: replays each trace and compares it with its expected
 * output. With no argument it checks the corpus bundled with memshare.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Replays each X.trace and compares its output with X.expected byte for byte.",
            "With no FILE or DIR, checks the corpus bundled with memshare (Hafnium's own outputs).",
            "Ends with a line 'N passed, M failed'; exits 0 only if every trace matched."})
final class CheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE|DIR", arity = "0..*", description = "trace files, or directories of them")
    List<Path> paths = new ArrayList<>();

    @Option(names = "--only", paramLabel = "GLOB", description = "check only the traces whose name matches, e.g. 'mm-fake-*'")
    String only = "*";

    @Mixin
    PluginOptions pluginOptions;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + only);
        List<CorpusCase> cases;
        try {
            cases = collect(matcher);
        } catch (IOException e) {
            out.println("memshare check: cannot read " + e.getMessage());
            out.flush();
            return 2;
        }
        try (PluginOptions.Plugins plugins = pluginOptions.open()) {
            return check(out, cases, plugins.registry());
        }
    }

    private static int check(PrintWriter out, List<CorpusCase> cases, ArchRegistry registry) {
        boolean interactive = Console.interactive();
        int passed = 0;
        int failed = 0;
        for (int i = 0; i < cases.size(); i++) {
            CorpusCase c = cases.get(i);
            if (interactive) {
                out.printf("\r[%d/%d] %-40s", i + 1, cases.size(), c.name());
                out.flush();
            }
            Optional<String> difference = Comparison.difference(c.expected(), Comparison.replay(registry, c.trace()));
            if (difference.isEmpty()) {
                passed++;
            } else {
                failed++;
                if (interactive) {
                    out.print("\r");
                }
                out.println("FAIL " + c.name());
                out.print(difference.get());
            }
        }
        if (interactive) {
            out.printf("\r%-60s\r", "");
        }
        out.println(passed + " passed, " + failed + " failed");
        out.flush();
        return failed == 0 && passed > 0 ? 0 : 1;
    }

    private List<CorpusCase> collect(PathMatcher matcher) throws IOException {
        List<CorpusCase> cases = new ArrayList<>();
        if (paths.isEmpty()) {
            cases.addAll(Corpus.bundled(name -> matcher.matches(Path.of(name))));
            return cases;
        }
        for (Path path : paths) {
            List<CorpusCase> found = Files.isDirectory(path) ? Corpus.directory(path) : List.of(Corpus.file(path));
            for (CorpusCase c : found) {
                if (matcher.matches(Path.of(c.name()))) {
                    cases.add(c);
                }
            }
        }
        return cases;
    }
}
