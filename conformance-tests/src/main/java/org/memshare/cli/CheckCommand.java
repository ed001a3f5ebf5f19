package org.memshare.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
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

    @Mixin
    PolicyOptions policyOptions;

    /** One case to check: bundled (held as text) or in files (streamed). */
    private record Case(String name, CorpusCase bundled, Corpus.CaseFiles files) {
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + only);
        List<Case> cases;
        try {
            cases = collect(matcher);
        } catch (IOException e) {
            out.println("memshare check: cannot read " + e.getMessage());
            out.flush();
            return 2;
        }
        try (PluginOptions.Plugins plugins = pluginOptions.open()) {
            return check(out, cases, plugins.registry(), policyOptions.resolve(plugins));
        }
    }

    private int check(PrintWriter out, List<Case> cases, ArchRegistry registry, PolicyOptions.Resolved policies) {
        boolean interactive = Console.interactive();
        int passed = 0;
        int failed = 0;
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            if (interactive) {
                out.printf("\r[%d/%d] %-40s", i + 1, cases.size(), c.name());
                out.flush();
            }
            Optional<String> difference;
            try {
                difference = compare(registry, policies, c);
            } catch (IOException e) {
                difference = Optional.of("  cannot read " + (e instanceof java.nio.file.NoSuchFileException
                        ? e.getMessage() + ": no such file" : Failures.describe(e)) + "\n");
            } catch (OutOfMemoryError e) {
                if (interactive) {
                    out.print("\r");
                }
                out.println("FAIL " + c.name());
                out.flush();
                Failures.outOfMemory(spec.commandLine().getErr(), "memshare check", "replaying " + c.name());
                return 2;
            }
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
            out.flush();
        }
        if (interactive) {
            out.printf("\r%-60s\r", "");
        }
        out.println(passed + " passed, " + failed + " failed");
        out.flush();
        return failed == 0 && passed > 0 ? 0 : 1;
    }

    /** Replays a case and compares it, streaming the trace and the expected output from files. */
    private static Optional<String> compare(ArchRegistry registry, PolicyOptions.Resolved policies, Case c)
            throws IOException {
        if (c.bundled() != null) {
            return Comparison.difference(c.bundled().expected(),
                    Comparison.replay(registry, policies.factories(), policies.selected(), c.bundled().trace()));
        }
        try (InputStream trace = Files.newInputStream(c.files().trace());
                Reader expected = new InputStreamReader(Files.newInputStream(c.files().expected()),
                        StandardCharsets.UTF_8)) {
            return Comparison.compare(registry, policies.factories(), policies.selected(), trace,
                    new BufferedReader(expected, 1 << 16));
        }
    }

    private List<Case> collect(PathMatcher matcher) throws IOException {
        List<Case> cases = new ArrayList<>();
        if (paths.isEmpty()) {
            for (CorpusCase c : Corpus.bundled(name -> matcher.matches(Path.of(name)))) {
                cases.add(new Case(c.name(), c, null));
            }
            return cases;
        }
        for (Path path : paths) {
            List<Corpus.CaseFiles> found = Files.isDirectory(path) ? Corpus.files(path)
                    : List.of(Corpus.caseFiles(path));
            for (Corpus.CaseFiles c : found) {
                if (matcher.matches(Path.of(c.name()))) {
                    cases.add(new Case(c.name(), null, c));
                }
            }
        }
        return cases;
    }
}
