package org.memshare.cli;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.memshare.engine.plugin.ArchRegistry;
import org.memshare.trace.Comparison;
import org.memshare.trace.Corpus;
import org.memshare.trace.CorpusCase;
import org.memshare.trace.TraceReplayer;
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
            "With no FILE or DIR, checks the corpus bundled with memshare (Hafnium's own outputs). A DIR is"
                + " searched with its subdirectories; a trace there with no X.expected is named as skipped.",
            "Prints 'PASS X' or 'FAIL X' as each trace is checked (a progress line instead of the PASS lines on a"
                + " terminal), then 'N passed, M failed' (', K skipped' if any). Exits 0 only if every trace matched.",
            "With --update, OVERWRITES each X.expected (or creates it) with the trace's output instead of comparing.",
            "With --json, one JSON object per trace (name, result, passed, difference, reason), then a summary"
                + " (docs/json.md)."})
final class CheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE|DIR", arity = "0..*", description = "trace files, or directories of them")
    List<Path> paths = new ArrayList<>();

    @Option(names = "--only", paramLabel = "GLOB", description = "check only the traces whose name matches, e.g. 'mm-fake-*'")
    String only = "*";

    @Option(names = "--update", description = {"write each trace's output to its X.expected instead of comparing:"
            + " OVERWRITES existing expected files (and creates missing ones); needs FILE or DIR. Prints 'WROTE X'"
            + " for each file whose content changed, 'SAME X' for the others."})
    boolean update;

    @Option(names = "--json", description = {"write one JSON object per trace instead of the text: name, result"
            + " (pass, fail or skip), passed, difference (outputLine, expected, actual, text), reason; then"
            + " {\"summary\": {passed, failed, skipped}} (docs/json.md)"})
    boolean json;

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
        if (update && paths.isEmpty()) {
            throw new CliException("--update needs FILE or DIR: the bundled corpus cannot be rewritten");
        }
        if (update && json) {
            throw new CliException("--json reports a check; it does not go with --update");
        }
        List<Case> cases;
        List<String> skipped = new ArrayList<>();
        try {
            cases = collect(matcher, skipped);
        } catch (IOException e) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("memshare check: cannot read " + e.getMessage());
            err.flush();
            return 2;
        }
        try (PluginOptions.Plugins plugins = pluginOptions.open()) {
            if (update) {
                return update(out, cases, skipped, plugins.registry(), policyOptions.resolve(plugins));
            }
            return check(out, cases, skipped, plugins.registry(), policyOptions.resolve(plugins));
        }
    }

    /** {@code --update}: each trace's output to its expected file, written only if it changed. */
    private int update(PrintWriter out, List<Case> cases, List<String> missing, ArchRegistry registry,
            PolicyOptions.Resolved policies) {
        List<Case> all = new ArrayList<>(cases);
        for (String name : missing) {
            all.add(missingCases.get(name));
        }
        all.sort(Comparator.comparing(Case::name));
        int written = 0;
        int same = 0;
        for (Case c : all) {
            String actual;
            try {
                StringWriter output = new StringWriter();
                try (InputStream trace = Files.newInputStream(c.files().trace())) {
                    new TraceReplayer(registry, output, null, policies.factories(),
                            policies.selected()).replay(trace);
                }
                actual = output.toString();
                Path expected = c.files().expected();
                if (Files.isRegularFile(expected) && Files.readString(expected, StandardCharsets.UTF_8).equals(actual)) {
                    same++;
                    out.println("SAME " + c.name());
                } else {
                    Files.writeString(expected, actual, StandardCharsets.UTF_8);
                    written++;
                    out.println("WROTE " + c.name());
                }
            } catch (IOException e) {
                out.flush();
                PrintWriter err = spec.commandLine().getErr();
                err.println("memshare check: cannot update " + c.name() + ": " + Failures.describe(e));
                err.flush();
                return 2;
            }
            out.flush();
        }
        out.println(written + " written, " + same + " unchanged");
        out.flush();
        return 0;
    }

    private int check(PrintWriter out, List<Case> cases, List<String> skipped, ArchRegistry registry,
            PolicyOptions.Resolved policies) {
        boolean interactive = !json && Console.interactive();
        for (String name : skipped) {
            if (json) {
                out.println(Json.object(result(name, "skip", null, "no " + name + ".expected")));
            } else {
                out.println("SKIP " + name + " (no " + name + ".expected)");
            }
        }
        out.flush();
        int passed = 0;
        int failed = 0;
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            if (interactive) {
                out.printf("\r[%d/%d] %-40s", i + 1, cases.size(), c.name());
                out.flush();
            }
            Optional<Comparison.Difference> difference;
            String unreadable = null;
            try {
                difference = compare(registry, policies, c);
            } catch (IOException e) {
                unreadable = "cannot read " + (e instanceof java.nio.file.NoSuchFileException
                        ? e.getMessage() + ": no such file" : Failures.describe(e));
                difference = Optional.empty();
            } catch (OutOfMemoryError e) {
                if (interactive) {
                    out.print("\r");
                }
                out.println(json ? Json.object(result(c.name(), "fail", null, "the heap ran out")) : "FAIL " + c.name());
                out.flush();
                Failures.outOfMemory(spec.commandLine().getErr(), "memshare check", "replaying " + c.name());
                return 2;
            }
            if (difference.isEmpty() && unreadable == null) {
                passed++;
                if (json) {
                    out.println(Json.object(result(c.name(), "pass", null, null)));
                } else if (!interactive) {
                    out.println("PASS " + c.name());
                }
            } else {
                failed++;
                if (interactive) {
                    out.print("\r");
                }
                if (json) {
                    out.println(Json.object(result(c.name(), "fail", difference.orElse(null), unreadable)));
                } else {
                    out.println("FAIL " + c.name());
                    out.print(unreadable != null ? "  " + unreadable + "\n" : difference.get().description());
                }
            }
            out.flush();
        }
        if (interactive) {
            out.printf("\r%-60s\r", "");
        }
        if (json) {
            Map<String, Object> counts = new LinkedHashMap<>();
            counts.put("passed", passed);
            counts.put("failed", failed);
            counts.put("skipped", skipped.size());
            out.println(Json.object(Map.of("summary", counts)));
        } else {
            out.println(passed + " passed, " + failed + " failed" + (skipped.isEmpty() ? "" : ", " + skipped.size() + " skipped"));
        }
        out.flush();
        return failed == 0 && passed > 0 ? 0 : 1;
    }

    /** One trace's line of {@code --json}: name, result, passed, difference, reason. */
    private static Map<String, Object> result(String name, String result, Comparison.Difference difference,
            String reason) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("name", name);
        fields.put("result", result);
        fields.put("passed", result.equals("pass"));
        if (difference == null) {
            fields.put("difference", null);
        } else {
            Map<String, Object> parts = new LinkedHashMap<>();
            parts.put("outputLine", difference.outputLine());
            parts.put("expected", difference.expected().orElse(null));
            parts.put("actual", difference.actual().orElse(null));
            parts.put("text", difference.description());
            fields.put("difference", parts);
        }
        fields.put("reason", reason);
        return fields;
    }

    /** Replays a case and compares it, streaming the trace and the expected output from files. */
    private static Optional<Comparison.Difference> compare(ArchRegistry registry, PolicyOptions.Resolved policies,
            Case c) throws IOException {
        if (c.bundled() != null) {
            return Comparison.firstDifference(c.bundled().expected(),
                    Comparison.replay(registry, policies.factories(), policies.selected(), c.bundled().trace()));
        }
        try (InputStream trace = Files.newInputStream(c.files().trace());
                Reader expected = new InputStreamReader(Files.newInputStream(c.files().expected()),
                        StandardCharsets.UTF_8)) {
            return Comparison.firstDifference(registry, policies.factories(), policies.selected(), trace,
                    new BufferedReader(expected, 1 << 16));
        }
    }

    /** The cases {@link #collect} found without an expected file, by name, for {@code --update}. */
    private final Map<String, Case> missingCases = new HashMap<>();

    /**
     * The cases to check. A directory is searched with its subdirectories (a case there is named
     * by its path below the directory, without {@code .trace}); a trace found there with no
     * expected file is added to {@code skipped}. A trace named on its own is always a case.
     */
    private List<Case> collect(PathMatcher matcher, List<String> skipped) throws IOException {
        List<Case> cases = new ArrayList<>();
        if (paths.isEmpty()) {
            for (CorpusCase c : Corpus.bundled(name -> matcher.matches(Path.of(name)))) {
                cases.add(new Case(c.name(), c, null));
            }
            return cases;
        }
        for (Path path : paths) {
            if (!Files.isDirectory(path)) {
                Corpus.CaseFiles c = Corpus.caseFiles(path);
                if (matcher.matches(Path.of(c.name()))) {
                    cases.add(new Case(c.name(), null, c));
                }
                continue;
            }
            List<Path> traces;
            try (Stream<Path> files = Files.walk(path)) {
                traces = files.filter(f -> f.getFileName().toString().endsWith(".trace") && Files.isRegularFile(f))
                        .sorted().toList();
            }
            for (Path trace : traces) {
                String file = path.relativize(trace).toString().replace(File.separatorChar, '/');
                String name = file.substring(0, file.length() - ".trace".length());
                // --only matches the name below DIR (sub/x) or the file's own stem (x).
                if (!matcher.matches(Path.of(name)) && !matcher.matches(Path.of(Corpus.caseFiles(trace).name()))) {
                    continue;
                }
                Corpus.CaseFiles c = Corpus.caseFiles(trace);
                Case found = new Case(name, null, new Corpus.CaseFiles(name, c.trace(), c.expected()));
                if (Files.isRegularFile(c.expected())) {
                    cases.add(found);
                } else {
                    skipped.add(name);
                    missingCases.put(name, found);
                }
            }
        }
        return cases;
    }
}
