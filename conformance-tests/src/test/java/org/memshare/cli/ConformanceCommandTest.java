package org.memshare.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import picocli.CommandLine;

/** {@code memshare conformance} and {@code --plugin}, run as a user would, against the bundled arches and a broken jar. */
class ConformanceCommandTest {
    private static final Pattern SUMMARY = Pattern.compile("^(\\d+) passed, (\\d+) failed, (\\d+) skipped$");
    private static final Pattern ROW = Pattern.compile("^(ARCH-\\d+) +required +(\\S+) +(pa_bits=\\d+) +(passed|FAILED|skipped) +(\\d+|-)$");

    @TempDir
    Path dir;

    private record Result(int status, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }

        String lastLine() {
            List<String> lines = lines();
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        }

        int count(int group) {
            Matcher summary = SUMMARY.matcher(lastLine());
            assertTrue(summary.matches(), "the last line is the summary: " + out);
            return Integer.parseInt(summary.group(group));
        }
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = MemshareCommand.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        int status = cli.execute(args);
        return new Result(status, out.toString(), err.toString());
    }

    private Path brokenJar() throws IOException {
        return PluginJar.of(dir.resolve("no-pages.jar"), NoPagesPlugin.class);
    }

    @Test
    void theArchRulesPassOnABundledArchWithATableAndASummary() {
        Result result = run("conformance", "--arch", "fake", "--rules", "ARCH-*");
        assertEquals(0, result.status(), result.out() + result.err());
        assertEquals("", result.err());
        List<String> lines = result.lines();
        int header = lines.indexOf("rule    level     arch  configuration  outcome  time (ms)");
        assertTrue(header >= 0, "the table's header: " + result.out());
        List<String> rows = lines.subList(header + 1, lines.size() - 1);
        assertFalse(rows.isEmpty(), result.out());
        Set<String> ids = new TreeSet<>();
        for (String row : rows) {
            Matcher m = ROW.matcher(row);
            assertTrue(m.matches(), "a row of rule, level, arch, configuration, outcome, time: '" + row + "'");
            assertEquals("fake", m.group(2));
            assertEquals("pa_bits=40", m.group(3));
            assertEquals("passed", m.group(4));
            ids.add(m.group(1));
        }
        assertTrue(ids.containsAll(Set.of("ARCH-1", "ARCH-2", "ARCH-9")), ids.toString());
        assertEquals(rows.size(), result.count(1));
        assertEquals(0, result.count(2));
        assertEquals(0, result.count(3));
        assertTrue(lines.contains("ARCH: " + rows.size() + " passed, 0 failed, 0 skipped"),
                "one line per family when output is redirected: " + result.out());
        assertTrue(header > lines.indexOf("ARCH: " + rows.size() + " passed, 0 failed, 0 skipped"));
    }

    @Test
    void theTableIsOrderedByRuleIdAndRunsEveryConfigurationOfEveryArch() {
        Result result = run("conformance", "--rules", "ARCH-1,ARCH-10,ARCH-2");
        assertEquals(0, result.status(), result.out() + result.err());
        List<String> rows = result.lines().stream().filter(l -> l.startsWith("ARCH-")).toList();
        // aarch64 lists six PA sizes and fake one, for each of ARCH-1 and ARCH-2 (there is no ARCH-10)
        assertEquals(14, rows.size(), result.out());
        assertTrue(rows.subList(0, 7).stream().allMatch(r -> r.startsWith("ARCH-1 ")), result.out());
        assertTrue(rows.stream().anyMatch(r -> r.matches("ARCH-2 +required +aarch64 +pa_bits=32 +passed.*")), result.out());
        assertEquals(14, result.count(1));
    }

    @Test
    void reportsAreJUnitXmlThatNameTheRules() throws Exception {
        Path reports = dir.resolve("reports");
        Result result = run("conformance", "--arch", "fake", "--rules", "ARCH-*", "--reports", reports.toString());
        assertEquals(0, result.status(), result.out() + result.err());
        List<Path> files;
        try (Stream<Path> listed = Files.list(reports)) {
            files = listed.filter(p -> p.toString().endsWith(".xml")).toList();
        }
        assertFalse(files.isEmpty(), "no XML in " + reports);
        List<String> testcaseRules = new ArrayList<>();
        for (Path file : files) {
            Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
            NodeList testcases = xml.getElementsByTagName("testcase");
            for (int i = 0; i < testcases.getLength(); i++) {
                Element testcase = (Element) testcases.item(i);
                Matcher rule = Pattern.compile("rule: (ARCH-\\d+)").matcher(testcase.getTextContent());
                assertTrue(rule.find(), "a test case names its rule: " + testcase.getTextContent());
                testcaseRules.add(rule.group(1));
            }
        }
        assertEquals(result.count(1), testcaseRules.size(), "one test case per invocation");
        assertTrue(testcaseRules.containsAll(List.of("ARCH-1", "ARCH-5", "ARCH-9")), testcaseRules.toString());
    }

    @Test
    void aRequiredRuleFailingOnAPluginJarExitsOneAndShowsTheMessage() throws IOException {
        Result result = run("conformance", "--plugin", brokenJar().toString(), "--arch", NoPagesPlugin.NAME,
                "--rules", "ARCH-*");
        assertEquals(1, result.status(), result.out() + result.err());
        List<String> lines = result.lines();
        int failed = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).matches("ARCH-1 +required +no-pages +pa_bits=40 +FAILED +\\d+")) {
                failed = i;
            }
        }
        assertTrue(failed >= 0, "ARCH-1 fails on the broken plugin: " + result.out());
        assertTrue(lines.get(failed + 1).startsWith("    ") && lines.get(failed + 1).contains("must allow pages at level 0"),
                "the failure's first line goes under the row: " + result.out());
        assertTrue(result.count(2) >= 1, result.out());
        assertTrue(result.lastLine().matches("\\d+ passed, [1-9]\\d* failed, \\d+ skipped"), result.lastLine());
    }

    @Test
    void archsListsAPluginJarWithItsFeaturesConfigurationsAndProperties() throws IOException {
        Result result = run("archs", "--plugin", brokenJar().toString());
        assertEquals(0, result.status(), result.err());
        assertTrue(result.out().contains("no-pages   features: none"), result.out());
        assertTrue(result.out().contains("the fake format refusing pages at level 0"), result.out());
        assertTrue(result.out().contains("configurations: pa_bits=40\n"), result.out());
        assertTrue(result.out().contains("properties: flavour (default plain)"), result.out());
        assertTrue(result.out().contains("aarch64"), "the bundled arches stay: " + result.out());
        assertTrue(result.out().contains("configurations: pa_bits=32, pa_bits=36, pa_bits=40"), result.out());
    }

    @Test
    void aDirectoryOfPluginJarsLoadsEveryJarInIt() throws IOException {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        PluginJar.of(plugins.resolve("no-pages.jar"), NoPagesPlugin.class);
        Result result = run("archs", "--plugin", plugins.toString());
        assertEquals(0, result.status(), result.err());
        assertTrue(result.out().contains("no-pages"), result.out());
        assertFalse(run("archs").out().contains("no-pages"), "the broken plugin is not on the class path itself");
    }

    @Test
    void replayAndCheckTakePluginsToo() throws IOException {
        Path trace = Files.writeString(dir.resolve("t.trace"), "init arch=no-pages pool_pages=64 vms=1\npool\n");
        Result with = run("replay", "--plugin", brokenJar().toString(), trace.toString());
        assertEquals(0, with.status(), with.out() + with.err());
        assertEquals("1: ok\n2: free 59\n", with.out());
        Result without = run("replay", trace.toString());
        assertEquals(1, without.status(), without.out());
        Files.writeString(dir.resolve("t.expected"), "1: ok\n2: free 59\n");
        Result check = run("check", "--plugin", brokenJar().toString(), dir.resolve("t.trace").toString());
        assertEquals(0, check.status(), check.out());
    }

    @Test
    void aMissingPluginJarIsAClearErrorOnEveryCommand() {
        String missing = dir.resolve("missing.jar").toString();
        for (String[] args : List.of(new String[] {"archs", "--plugin", missing},
                new String[] {"conformance", "--plugin", missing},
                new String[] {"check", "--plugin", missing, "--only", "mm-fake-1001"})) {
            Result result = run(args);
            assertEquals(2, result.status(), String.join(" ", args) + ": " + result.out() + result.err());
            assertTrue(result.err().contains("--plugin " + missing + ": no such jar or directory"), result.err());
            assertFalse(result.err().contains("\tat "), "no stack trace: " + result.err());
        }
    }

    @Test
    void anUnknownArchIsAClearErrorWithoutAStackTrace() {
        Result result = run("conformance", "--arch", "riscv");
        assertEquals(2, result.status(), result.out() + result.err());
        assertEquals("", result.out());
        assertTrue(result.err().startsWith("memshare conformance: unknown arch 'riscv' (found: aarch64, fake)"),
                result.err());
        assertFalse(result.err().contains("\tat "), "no stack trace: " + result.err());
    }

    @Test
    void pluginPropertiesAndTheArchKeyCanBePassedWithD() {
        Result result = run("conformance", "-Dmemshare.arch=aarch64", "-Dmemshare.arch.ctr_el0=0x8444c004",
                "--pa-bits", "36", "--rules", "ARCH-8");
        assertEquals(0, result.status(), result.out() + result.err());
        assertTrue(result.out().contains("ARCH-8  required  aarch64  pa_bits=36 ctr_el0=0x8444c004  passed"), result.out());
        assertEquals(1, result.count(1));
        Result unknown = run("conformance", "-Dmemshare.arch=riscv");
        assertEquals(2, unknown.status(), unknown.out() + unknown.err());
        assertTrue(unknown.err().contains("unknown arch 'riscv'"), unknown.err());
    }

    @Test
    void aGlobThatMatchesNoRuleIsAClearError() {
        Result result = run("conformance", "--rules", "NOPE-*");
        assertEquals(2, result.status(), result.out() + result.err());
        assertTrue(result.err().contains("no rule matches --rules 'NOPE-*'"), result.err());
    }

    @Test
    void aPaSizeThePluginRefusesIsSkippedWithTheReasonAndExitsZero() {
        Result result = run("conformance", "--arch", "aarch64", "--pa-bits", "52", "--rules", "ARCH-1,ARCH-2");
        assertEquals(0, result.status(), result.out() + result.err());
        assertEquals(2, result.count(3), result.out());
        assertTrue(result.out().contains("skipped") && result.out().contains("aarch64 refuses pa_bits=52"), result.out());
    }
}
