package org.memshare.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.memshare.cli.CliRun.run;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.memshare.cli.CliRun.Result;

/** check's per-trace lines, skips, subdirectories and --update; errors on stderr; usage; help; share types. */
class CommandLinePolishTest {

    private static final String TRACE = "init arch=fake pool_pages=64 vms=1\npool\n";
    private static final String OUTPUT = "1: ok\n2: free 59\n";

    @TempDir
    Path dir;

    @Test
    void checkPrintsEachResultAsItHappensWhenRedirected() throws IOException {
        Files.writeString(dir.resolve("a.trace"), TRACE);
        Files.writeString(dir.resolve("a.expected"), OUTPUT);
        Files.writeString(dir.resolve("b.trace"), TRACE);
        Files.writeString(dir.resolve("b.expected"), "1: ok\n2: free 60\n");
        // Each result is written (and flushed) before the next trace runs: the writer sees PASS a
        // before anything about b.
        List<String> flushed = new ArrayList<>();
        StringWriter buffer = new StringWriter();
        PrintWriter out = new PrintWriter(buffer) {
            @Override
            public void flush() {
                super.flush();
                flushed.add(buffer.toString());
            }
        };
        int status = MemshareCommand.commandLine().setOut(out).setErr(new PrintWriter(new StringWriter()))
                .execute("check", dir.toString());
        assertEquals(1, status);
        assertTrue(flushed.stream().anyMatch(s -> s.equals("PASS a\n")), flushed.toString());
        assertTrue(buffer.toString().startsWith("PASS a\nFAIL b\n"), buffer.toString());
        assertTrue(buffer.toString().endsWith("1 passed, 1 failed\n"), buffer.toString());
    }

    @Test
    void checkSearchesSubdirectoriesAndNamesTracesWithoutAnExpectedFile() throws IOException {
        Path sub = Files.createDirectories(dir.resolve("sub/deeper"));
        Files.writeString(sub.resolve("c.trace"), TRACE);
        Files.writeString(sub.resolve("c.expected"), OUTPUT);
        Files.writeString(dir.resolve("lonely.trace"), TRACE);
        Result result = run("check", dir.toString());
        assertEquals(0, result.status(), result.out());
        assertTrue(result.out().contains("SKIP lonely (no lonely.expected)"), result.out());
        assertTrue(result.out().contains("PASS sub/deeper/c"), result.out());
        assertTrue(result.out().endsWith("1 passed, 0 failed, 1 skipped\n"), result.out());
        // --only matches the path below DIR or the trace's own name.
        assertEquals("PASS sub/deeper/c\n1 passed, 0 failed\n", run("check", "--only", "c", dir.toString()).out());
        assertEquals("PASS sub/deeper/c\n1 passed, 0 failed\n",
                run("check", "--only", "sub/*/c", dir.toString()).out());
    }

    @Test
    void checkUpdateWritesExpectedFilesAndTheyThenPass() throws IOException {
        Files.writeString(dir.resolve("a.trace"), TRACE);
        Files.writeString(dir.resolve("a.expected"), "stale\n");
        Files.writeString(dir.resolve("n.trace"), TRACE);
        Files.writeString(dir.resolve("s.trace"), TRACE);
        Files.writeString(dir.resolve("s.expected"), OUTPUT);
        Result update = run("check", "--update", dir.toString());
        assertEquals(0, update.status(), update.err());
        assertEquals("WROTE a\nWROTE n\nSAME s\n2 written, 1 unchanged\n", update.out());
        assertEquals(OUTPUT, Files.readString(dir.resolve("a.expected")));
        assertEquals(OUTPUT, Files.readString(dir.resolve("n.expected")));
        assertTrue(run("check", dir.toString()).out().endsWith("3 passed, 0 failed\n"));
    }

    @Test
    void checkUpdateRefusesTheBundledCorpusAndItsHelpSaysItOverwrites() {
        Result result = run("check", "--update");
        assertEquals(2, result.status());
        assertEquals("", result.out());
        assertTrue(result.err().contains("--update needs FILE or DIR"), result.err());
        assertTrue(run("check", "--help").out().contains("OVERWRITES"));
    }

    @Test
    void checkWritesItsErrorsToStandardError() {
        Result result = run("check", "--only", "x", dir.resolve("no-such-dir").resolve("x.trace").toString(),
                "--plugin", dir.resolve("nothing.jar").toString());
        assertEquals(2, result.status());
        assertEquals("", result.out());
        assertTrue(result.err().contains("no such jar"), result.err());
    }

    @Test
    void memshareWithNoCommandPrintsItsUsageOnStandardErrorAndExitsTwo() {
        Result result = run();
        assertEquals(2, result.status());
        assertTrue(result.err().contains("Usage: memshare"), result.err());
        assertTrue(result.err().contains("replay"), result.err());
        assertEquals("", result.out());
    }

    @Test
    void everyCommandsHelpPointsToTheTraceDocumentation() {
        for (String command : new String[] {"replay", "check", "bench", "archs", "policies", "conformance"}) {
            Result help = run(command, "--help");
            assertEquals(0, help.status(), command);
            assertTrue(help.out().contains("docs/traces.md"), command + ": " + help.out());
        }
        assertTrue(run("--help").out().contains("docs/traces.md"));
    }

    @Test
    void aShareTypeThatIsNeitherANumberNorANameIsReportedAsSuch() throws IOException {
        Path trace = Files.writeString(dir.resolve("t.trace"), "init arch=fake pool_pages=64 vms=2\n"
                + "share type=lent from=1 to=2 c=0x200000:1\n"
                + "share type=0xzz from=1 to=2 c=0x200000:1\n");
        Result result = run("replay", trace.toString());
        assertEquals(1, result.status());
        assertTrue(result.out().contains(
                "2: error unknown share type 'lent' (donate, lend, share, relinquish or a number)"), result.out());
        assertFalse(result.out().contains("bad number for 'type': 'lent'"), result.out());
        assertTrue(result.out().contains("3: error bad number for 'type': '0xzz'"), result.out());
    }
}
