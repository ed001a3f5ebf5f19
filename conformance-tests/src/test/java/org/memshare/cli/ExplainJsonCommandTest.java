package org.memshare.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.memshare.cli.CliRun.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.memshare.cli.CliRun.Result;

/** {@code memshare replay --explain / --json} and {@code memshare check --json}, run as a user would. */
class ExplainJsonCommandTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    private Path trace(String text) throws IOException {
        return Files.writeString(dir.resolve("t.trace"), text);
    }

    private static String line(String output, int n) {
        return output.lines().filter(l -> l.startsWith(n + ": ")).findFirst()
                .orElseThrow(() -> new AssertionError("no line " + n + " in\n" + output));
    }

    @Test
    void replayExplainAddsReasonsAndDescriptorsAndKeepsTheExitStatus() throws IOException {
        Path t = trace("""
                init arch=fake pool_pages=64 vms=3
                map 1 0x200000 0x210000 0x7
                share type=lend from=1 to=3 attrs=0x60 c=0x200000:1
                access vm=1 addr=0x200000 op=w
                """);
        Result result = run("replay", "--explain", "--policy", "no-exec:3", t.toString());
        assertEquals(0, result.status(), result.err());
        assertEquals("", result.err());
        assertTrue(line(result.out(), 3).startsWith("3: DENIED bytes="), result.out());
        assertTrue(line(result.out(), 3).endsWith(" # VM 3 may not receive executable memory: the lend from VM 1 would"
                + " give it mode 0x27"), result.out());
        assertTrue(result.out().contains("\n#   lend from 1 to 3 attrs RW_X(0x60) flags 0x0 tag 0x0 pages 1: 0x200000+1\n"),
                result.out());
        assertEquals("4: ok", line(result.out(), 4), "the refused lend changed nothing");
        assertEquals(CorpusExplainJsonTest.strip(result.out()),
                run("replay", "--policy", "no-exec:3", t.toString()).out());
    }

    @Test
    void replayJsonWritesOneObjectPerLineAndErrorsStillExitOne() throws IOException {
        Path t = trace("init arch=fake pool_pages=64 vms=1\nmap 1 0x0 0x1000 0x7\nbogus\nmode 1 0x0 0x2000\n");
        Result result = run("replay", "--json", t.toString());
        assertEquals(1, result.status());
        List<String> lines = result.out().lines().toList();
        assertEquals(4, lines.size(), result.out());
        JsonNode error = MAPPER.readTree(lines.get(2));
        assertEquals("error", error.get("kind").asText());
        assertEquals("unknown operation 'bogus'", error.get("error").asText());
        JsonNode mode = MAPPER.readTree(lines.get(3));
        assertEquals("fail", mode.get("outcome").asText());
        assertEquals("the range has more than one mode: R|W|X (0x7) at 0x0, INVALID|UNOWNED|SHARED (0x70) at 0x1000",
                mode.get("reason").asText());
        assertEquals("0x2000", mode.get("args").get("end").asText());
        StringBuilder texts = new StringBuilder();
        for (String l : lines) {
            texts.append(MAPPER.readTree(l).get("text").asText()).append('\n');
        }
        assertEquals(run("replay", t.toString()).out(), texts.toString());
    }

    @Test
    void replayJsonCarriesTheModelChecksNotes() throws IOException {
        Path t = trace("init arch=fake pool_pages=64 vms=2\nmap 1 0x0 0x1000 0x7\n"
                + "share type=share from=1 to=2 attrs=0x60 c=0x0:1\n");
        Result result = run("replay", "--json", "--check-model", t.toString());
        assertEquals(0, result.status(), result.out() + result.err());
        assertEquals(3, result.out().lines().count(), "no note when the model holds");
        for (String l : result.out().lines().toList()) {
            assertTrue(MAPPER.readTree(l).isObject());
        }
    }

    @Test
    void htmlAndJsonTogetherAreRefusedBeforeAnythingIsWritten() throws IOException {
        Path page = dir.resolve("map.html");
        Result result = run("replay", "--json", "--html", page.toString(), trace("pool\n").toString());
        assertEquals(2, result.status());
        assertEquals("", result.out());
        assertTrue(result.err().contains("--html and --json do not go together"), result.err());
        assertFalse(Files.exists(page), "no page is written");
    }

    @Test
    void explainAndJsonTogetherAreRefused() throws IOException {
        Result result = run("replay", "--explain", "--json", trace("pool\n").toString());
        assertEquals(2, result.status());
        assertEquals("", result.out());
        assertTrue(result.err().contains("--explain and --json do not go together"), result.err());
    }

    @Test
    void checkJsonReportsPassFailAndSkipThenASummary() throws IOException {
        Files.writeString(dir.resolve("a.trace"), "init arch=fake pool_pages=64 vms=1\npool\n");
        Files.writeString(dir.resolve("a.expected"), "1: ok\n2: free 59\n");
        Files.writeString(dir.resolve("b.trace"), "init arch=fake pool_pages=64 vms=1\npool\n");
        Files.writeString(dir.resolve("b.expected"), "1: ok\n2: free 60\n");
        Files.writeString(dir.resolve("c.trace"), "pool\n");
        Result result = run("check", "--json", dir.toString());
        assertEquals(1, result.status());
        assertEquals("""
                {"name":"c","result":"skip","passed":false,"difference":null,"reason":"no c.expected"}
                {"name":"a","result":"pass","passed":true,"difference":null,"reason":null}
                {"name":"b","result":"fail","passed":false,"difference":{"outputLine":2,"expected":"2: free 60",\
                "actual":"2: free 59","text":"  first difference at output line 2:\\n      1: ok\\n    expected: 2: free 60\\n\
                    actual:   2: free 59\\n"},"reason":null}
                {"summary":{"passed":1,"failed":1,"skipped":1}}
                """, result.out());
    }

    @Test
    void checkJsonOfTheBundledCorpusPassesEveryTrace() throws IOException {
        Result result = run("check", "--json");
        assertEquals(0, result.status(), result.out());
        List<String> lines = result.out().lines().toList();
        assertEquals(49, lines.size());
        for (String l : lines.subList(0, 48)) {
            JsonNode node = MAPPER.readTree(l);
            assertEquals("pass", node.get("result").asText(), l);
            assertTrue(node.get("passed").asBoolean(), l);
        }
        assertEquals(48, MAPPER.readTree(lines.get(48)).get("summary").get("passed").asInt());
    }

    @Test
    void checkJsonWithUpdateIsRefused() {
        Result result = run("check", "--json", "--update", dir.toString());
        assertEquals(2, result.status());
        assertTrue(result.err().contains("--json reports a check; it does not go with --update"), result.err());
    }

    @Test
    void checkJsonNamesAnUnreadableExpectedFile() throws IOException {
        Path t = Files.writeString(dir.resolve("lonely.trace"), "pool\n");
        Result result = run("check", "--json", t.toString());
        assertEquals(1, result.status());
        JsonNode node = MAPPER.readTree(result.out().lines().findFirst().orElseThrow());
        assertEquals("fail", node.get("result").asText());
        assertTrue(node.get("difference").isNull());
        assertTrue(node.get("reason").asText().startsWith("cannot read "), node.toString());
    }

    private static final Pattern NEED = Pattern.compile("which need (\\d+):");

    @Test
    void everyAarch64InitFailureSaysWhyAndTheRootTablesNeedWhatTheReasonSays() throws IOException {
        Path t = trace("""
                init arch=aarch64 pa_bits=39 pool_pages=64 vms=1
                init arch=aarch64 pool_pages=64 vms=1 ctr_el0=0x1f0000
                init arch=aarch64 pool_pages=64 vms=1 ctr_el0=cafe
                init arch=aarch64 pool_pages=64 vms=1 l2=on
                """);
        String out = run("replay", "--explain", t.toString()).out();
        assertEquals("1: fail # aarch64 does not support a 39-bit physical address size; supported sizes: 32, 36, 40,"
                + " 42, 44, 48", line(out, 1));
        assertEquals("2: fail # CTR_EL0 0x1f0000 has DminLine 15 (131072-byte lines); supported: DminLine 0 to 13 (4 to"
                + " 32768 bytes)", line(out, 2));
        assertEquals("3: fail # ctr_el0 must be a 64-bit number, hex with 0x or decimal, was 'cafe'", line(out, 3));
        assertEquals("4: fail # aarch64 does not understand the properties [l2]; supported: ctr_el0", line(out, 4));

        // The pool the reason names is exactly enough, at every PA size (their root counts differ).
        for (int paBits : new int[] {32, 36, 40, 42, 44, 48}) {
            String init = "init arch=aarch64 pa_bits=" + paBits + " vms=3 pool_pages=";
            Matcher need = NEED.matcher(run("replay", "--explain", trace(init + "1\n").toString()).out());
            assertTrue(need.find(), "pa_bits " + paBits);
            int pages = Integer.parseInt(need.group(1));
            String shortOne = run("replay", "--explain", trace(init + (pages - 1) + "\n").toString()).out();
            assertTrue(shortOne.startsWith("1: fail # a pool of " + (pages - 1) + " pages cannot hold the root tables, which need "
                    + pages + ": "), shortOne);
            assertEquals("1: ok\n", run("replay", "--explain", trace(init + pages + "\n").toString()).out(),
                    "pa_bits " + paBits);
        }
    }

    /** The README's example, and the lines docs/traces.md quotes from it, are what --explain prints. */
    @Test
    void theDocumentedExampleIsWhatExplainPrints() throws IOException {
        Path base = Path.of(System.getProperty("basedir", ".")).resolve("..").normalize();
        String readme = Files.readString(base.resolve("README.md"));
        int example = readme.indexOf("### Why: `--explain` and `--json`");
        int cat = readme.indexOf("$ cat why.trace\n", example) + "$ cat why.trace\n".length();
        int command = readme.indexOf("$ ./memshare replay --explain why.trace\n", cat);
        String trace = readme.substring(cat, command);
        int output = command + "$ ./memshare replay --explain why.trace\n".length();
        String shown = readme.substring(output, readme.indexOf("```", output));

        String printed = run("replay", "--explain", trace(trace).toString()).out()
                .replaceAll("bytes=[0-9a-f]+", "bytes=0000...0000");
        assertEquals(shown, printed);

        String traces = Files.readString(base.resolve("docs/traces.md"));
        int quoted = traces.indexOf("```\n", traces.indexOf("## Reasons: `memshare replay --explain`")) + 4;
        for (String line : traces.substring(quoted, traces.indexOf("```", quoted)).split("\n")) {
            assertTrue(printed.contains(line + "\n"), "docs/traces.md quotes a line --explain does not print: " + line);
        }
    }

    @Test
    void theHelpOfReplayAndCheckNamesTheFlags() {
        assertTrue(run("replay", "--help").out().contains("--explain"));
        assertTrue(run("replay", "--help").out().contains("--json"));
        assertTrue(run("check", "--help").out().contains("--json"));
    }
}
