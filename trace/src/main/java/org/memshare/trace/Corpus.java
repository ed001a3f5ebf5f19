package org.memshare.trace;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Sets of {@code NAME.trace} / {@code NAME.expected} pairs: from a directory, or the corpus
 * bundled in this jar (Hafnium's own outputs, kept as a zip of text). Cases come sorted by name.
 */
public final class Corpus {
    /** Where the bundled corpus lives on the class path. */
    public static final String BUNDLED_RESOURCE = "/org/memshare/corpus/corpus.zip";

    private Corpus() {
    }

    /** The cases bundled with memshare whose names {@code filter} accepts. */
    public static List<CorpusCase> bundled(Predicate<String> filter) {
        Map<String, String> traces = new TreeMap<>();
        Map<String, String> expected = new TreeMap<>();
        try (InputStream raw = Corpus.class.getResourceAsStream(BUNDLED_RESOURCE)) {
            if (raw == null) {
                throw new IllegalStateException("the bundled corpus " + BUNDLED_RESOURCE + " is missing from the class path");
            }
            try (ZipInputStream zip = new ZipInputStream(raw)) {
                for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                    String file = entry.getName().substring(entry.getName().lastIndexOf('/') + 1);
                    if (file.endsWith(".trace") && filter.test(stem(file))) {
                        traces.put(stem(file), new String(zip.readAllBytes(), StandardCharsets.UTF_8));
                    } else if (file.endsWith(".expected") && filter.test(stem(file))) {
                        expected.put(stem(file), new String(zip.readAllBytes(), StandardCharsets.UTF_8));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bundled corpus", e);
        }
        return pair(traces, expected);
    }

    /** Every case bundled with memshare. */
    public static List<CorpusCase> bundled() {
        return bundled(name -> true);
    }

    /**
     * The cases of a directory: each {@code X.trace} with an {@code X.expected} beside it.
     *
     * @throws IOException if the directory cannot be listed or a file read
     */
    public static List<CorpusCase> directory(Path dir) throws IOException {
        Map<String, String> traces = new TreeMap<>();
        Map<String, String> expected = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files.sorted()::iterator) {
                String name = file.getFileName().toString();
                if (name.endsWith(".trace")) {
                    traces.put(stem(name), Files.readString(file));
                    Path answer = file.resolveSibling(stem(name) + ".expected");
                    if (Files.isRegularFile(answer)) {
                        expected.put(stem(name), Files.readString(answer));
                    }
                }
            }
        }
        return pair(traces, expected);
    }

    /** The case of one trace file, whose expected output is {@code X.expected} beside it. */
    public static CorpusCase file(Path trace) throws IOException {
        String name = trace.getFileName().toString();
        Path answer = trace.resolveSibling(stem(name) + ".expected");
        return new CorpusCase(stem(name), Files.readString(trace), Files.readString(answer));
    }

    /**
     * A case of a directory, by its files, for a check that streams them instead of reading them
     * whole.
     *
     * @param name the trace's file name without {@code .trace}
     * @param trace the trace file
     * @param expected its expected output, {@code X.expected} beside it
     */
    public record CaseFiles(String name, Path trace, Path expected) {
    }

    /**
     * The cases of a directory by their files, sorted by name: each {@code X.trace} with an
     * {@code X.expected} beside it.
     *
     * @throws IOException if the directory cannot be listed
     */
    public static List<CaseFiles> files(Path dir) throws IOException {
        List<CaseFiles> cases = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files.sorted()::iterator) {
                String name = file.getFileName().toString();
                Path answer = file.resolveSibling(stem(name) + ".expected");
                if (name.endsWith(".trace") && Files.isRegularFile(answer)) {
                    cases.add(new CaseFiles(stem(name), file, answer));
                }
            }
        }
        return cases;
    }

    /** The case of one trace file, whose expected output is {@code X.expected} beside it. */
    public static CaseFiles caseFiles(Path trace) {
        String name = trace.getFileName().toString();
        return new CaseFiles(stem(name), trace, trace.resolveSibling(stem(name) + ".expected"));
    }

    private static List<CorpusCase> pair(Map<String, String> traces, Map<String, String> expected) {
        List<CorpusCase> cases = new ArrayList<>();
        traces.forEach((name, trace) -> {
            String answer = expected.get(name);
            if (answer != null) {
                cases.add(new CorpusCase(name, trace, answer));
            }
        });
        return cases;
    }

    private static String stem(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot < 0 ? fileName : fileName.substring(0, dot);
    }
}
