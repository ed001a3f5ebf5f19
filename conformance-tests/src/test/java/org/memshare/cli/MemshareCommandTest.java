package org.memshare.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.memshare.cli.CliRun.run;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.memshare.cli.CliRun.Result;
import picocli.CommandLine;

/** The command line's exit statuses and where it writes. */
class MemshareCommandTest {

    @TempDir
    Path dir;

    @Test
    void aGoodReplayExitsZeroAndWritesNothingToStandardError() throws IOException {
        Path trace = Files.writeString(dir.resolve("good.trace"), "init arch=fake pool_pages=64 vms=1\npool\n");
        Result result = run("replay", trace.toString());
        assertEquals(0, result.status());
        assertEquals("1: ok\n2: free 59\n", result.out());
        assertEquals("", result.err());
    }

    @Test
    void aMalformedLineMakesReplayExitOneWithoutAStackTrace() throws IOException {
        Path trace = Files.writeString(dir.resolve("bad.trace"), "init arch=fake pool_pages=64 vms=1\nmap 1 zz 0x1000 0x3\n");
        Result result = run("replay", trace.toString());
        assertEquals(1, result.status());
        assertTrue(result.out().contains("2: error bad number for 'begin': 'zz'"), result.out());
        assertEquals("", result.err());
    }

    @Test
    void anUnreadableFileIsReportedOnStandardError() {
        Result result = run("replay", dir.resolve("missing.trace").toString());
        assertEquals(2, result.status());
        assertTrue(result.err().contains("cannot read"), result.err());
        assertTrue(!result.err().contains("\tat "), "no stack trace: " + result.err());
    }

    @Test
    void checkComparesWithTheExpectedFileAndCounts() throws IOException {
        Files.writeString(dir.resolve("a.trace"), "init arch=fake pool_pages=64 vms=1\npool\n");
        Files.writeString(dir.resolve("a.expected"), "1: ok\n2: free 59\n");
        Files.writeString(dir.resolve("b.trace"), "init arch=fake pool_pages=64 vms=1\npool\n");
        Files.writeString(dir.resolve("b.expected"), "1: ok\n2: free 60\n");
        Result result = run("check", dir.toString());
        assertEquals(1, result.status());
        assertTrue(result.out().contains("FAIL b"), result.out());
        assertTrue(result.out().contains("expected: 2: free 60"), result.out());
        assertTrue(result.out().contains("actual:   2: free 59"), result.out());
        assertTrue(result.out().endsWith("1 passed, 1 failed\n"), result.out());
    }

    @Test
    void checkWithNoArgumentChecksTheBundledCorpus() {
        Result result = run("check", "--only", "mm-fake-100[12]");
        assertEquals(0, result.status(), result.out());
        assertEquals("PASS mm-fake-1001\nPASS mm-fake-1002\n2 passed, 0 failed\n", result.out());
    }

    @Test
    void archsListsTheBundledPlugins() {
        Result result = run("archs");
        assertEquals(0, result.status());
        assertTrue(result.out().contains("fake"), result.out());
    }

    @Test
    void aByteThatIsNotUtf8IsAnErrorLineNotARefusalOfTheTrace() throws IOException {
        Path trace = dir.resolve("latin1.trace");
        Files.write(trace, "init arch=fake pool_pages=64 vms=1 # caf\u00e9\npool\n"
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        Result result = run("replay", trace.toString());
        assertEquals(1, result.status());
        assertEquals("1: error the line is not valid UTF-8: byte 0xe9 at column 41 (a trace is UTF-8 text, comments"
                + " included)\n2: error no machine: 'pool' needs a successful init first\n", result.out());
        assertEquals("", result.err());
    }

    @Test
    void replayOfDashReadsStandardInput() {
        java.io.InputStream stdin = System.in;
        try {
            System.setIn(new java.io.ByteArrayInputStream("init arch=fake pool_pages=64 vms=1\npool\n".getBytes()));
            Result result = run("replay", "-");
            assertEquals(0, result.status(), result.err());
            assertEquals("1: ok\n2: free 59\n", result.out());
        } finally {
            System.setIn(stdin);
        }
    }

    @Test
    void checkOfADirectoryStreamsTracesWithBadBytesAndAMissingExpectedFails() throws IOException {
        Files.write(dir.resolve("c.trace"), new byte[] {'p', 'o', 'o', 'l', (byte) 0xff, '\n'});
        Files.writeString(dir.resolve("c.expected"),
                "1: error the line is not valid UTF-8: byte 0xff at column 5 (a trace is UTF-8 text, comments included)\n");
        assertTrue(run("check", dir.toString()).out().endsWith("1 passed, 0 failed\n"));
        Result missing = run("check", dir.resolve("nothing.trace").toString());
        assertEquals(1, missing.status());
        assertTrue(missing.out().contains("FAIL nothing"), missing.out());
        assertTrue(missing.out().contains("cannot read"), missing.out());
        assertTrue(!missing.out().contains("\tat ") && !missing.err().contains("\tat "), missing.err());
    }

    @Test
    void anInternalErrorIsOneLineOnStandardErrorWithoutAStackTrace() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = MemshareCommand.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        int status = cli.getExecutionExceptionHandler().handleExecutionException(
                new IllegalStateException("boom"), cli.getSubcommands().get("replay"), null);
        assertEquals(2, status);
        assertEquals("memshare replay: internal error: java.lang.IllegalStateException: boom (please report it; set"
                + " MEMSHARE_DEBUG=1 for the stack trace)\n", err.toString());
    }

    @Test
    void runningOutOfHeapIsOneLineThatSaysWhatToRaiseNeverAStackTrace() throws IOException {
        Path trace = Files.writeString(dir.resolve("big.trace"), "init arch=fake pool_pages=64 vms=1\npool\npool\n");
        StringWriter err = new StringWriter();
        StringWriter seen = new StringWriter();
        // A sink that runs out of heap at the third line's output, as a huge machine would.
        java.io.Writer exhausted = new java.io.Writer() {
            @Override
            public void write(char[] buffer, int offset, int length) {
                String text = new String(buffer, offset, length);
                // The replay may hand over several lines at once: keep those before line 3's.
                int third = text.startsWith("3: ") ? 0 : text.indexOf("\n3: ") + 1;
                if (third > 0 || text.startsWith("3: ")) {
                    seen.write(text, 0, third);
                    throw new OutOfMemoryError("Java heap space");
                }
                seen.write(text);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        CommandLine cli = MemshareCommand.commandLine().setOut(new PrintWriter(exhausted)).setErr(new PrintWriter(err));
        int status = cli.execute("replay", trace.toString());
        assertEquals(2, status, seen + " / " + err);
        assertEquals("1: ok\n2: free 59\n", seen.toString(), "the lines before were written");
        assertTrue(err.toString().startsWith("memshare replay: out of memory at line 3 of " + trace), err.toString());
        assertTrue(err.toString().contains("MEMSHARE_JAVA_OPTS=-Xmx"), err.toString());
        assertTrue(!err.toString().contains("\tat "), err.toString());
    }

    @Test
    void aTraceWhoseTablesOutgrowTheHeapGetsAnErrorPerLineAndGoesOnWithoutAStackTrace() throws Exception {
        // One page in each of 9000 different 2 MiB ranges needs 9000 tables of pages: 37 MiB,
        // more than a 64 MiB heap holds beside its 32 MiB reserve, though the pool has the pages.
        StringBuilder trace = new StringBuilder("init arch=aarch64 pa_bits=40 pool_pages=16384 vms=1\n");
        for (long i = 0; i < 9000; i++) {
            long page = 0x4000_0000L + (i << 21);
            trace.append("map 1 0x").append(Long.toHexString(page)).append(" 0x").append(Long.toHexString(page + 4096))
                    .append(" 0x3\n");
        }
        trace.append("pool\n");
        Path file = Files.writeString(dir.resolve("tables.trace"), trace);
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-cp", System.getProperty("java.class.path"), MemshareCommand.class.getName(), "replay",
                file.toString())
                .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile()).start();
        assertEquals(1, process.waitFor(), "exit 1: lines were errors");
        assertEquals("", Files.readString(dir.resolve("err.txt")), "nothing on standard error, no stack trace");
        java.util.List<String> out = Files.readAllLines(dir.resolve("out.txt"));
        assertEquals(9002, out.size());
        int firstError = 0;
        while (!out.get(firstError).contains(": error ")) {
            assertTrue(out.get(firstError).endsWith(": ok"), out.get(firstError));
            firstError++;
        }
        assertTrue(firstError > 5000, "the heap held " + firstError + " lines' tables");
        assertTrue(out.get(firstError).contains("error the heap cannot hold the page tables this operation needs"),
                out.get(firstError));
        assertTrue(out.get(firstError).contains("MEMSHARE_JAVA_OPTS=-Xmx1g"), out.get(firstError));
        for (int i = firstError; i < 9001; i++) {
            assertTrue(out.get(i).startsWith((i + 1) + ": error the heap"), out.get(i));
        }
        assertTrue(out.get(9001).startsWith("9002: free "), "the replay went on: " + out.get(9001));
    }
}
