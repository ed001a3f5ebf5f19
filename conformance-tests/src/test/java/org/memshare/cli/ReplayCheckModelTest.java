package org.memshare.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.memshare.cli.CliRun.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.memshare.cli.CliRun.Result;
import org.memshare.trace.Corpus;
import org.memshare.trace.CorpusCase;

/** {@code memshare replay --check-model}: the ownership model after every operation of a trace. */
class ReplayCheckModelTest {

    @TempDir
    Path dir;

    @Test
    void bundledShareTracesPassWithTheirOutputUnchanged() throws IOException {
        List<CorpusCase> cases = Corpus.bundled(name -> name.startsWith("share-") || name.startsWith("bytes-fake"));
        assertTrue(cases.size() >= 2, "bundled share traces: " + cases.size());
        for (CorpusCase c : cases) {
            Path trace = Files.writeString(dir.resolve(c.name() + ".trace"), c.trace());
            Result result = run("replay", "--check-model", trace.toString());
            assertEquals(0, result.status(), c.name() + ": " + firstModelLine(result.out()));
            assertEquals(c.expected(), result.out(), c.name());
        }
    }

    @Test
    void aGoodTraceOfSharesAndAccessesPasses() throws IOException {
        Path trace = Files.writeString(dir.resolve("good.trace"), String.join("\n",
                "init arch=fake pool_pages=64 vms=3",
                "map 1 0x200000 0x208000 0x7",
                "share type=share from=1 to=2 attrs=0x3c c=0x200000:2",
                "share type=lend from=1 to=3 c=0x202000:1,0x204000:2",
                "share type=lend from=1 to=3 c=0x200000:1",
                "access vm=2 addr=0x201ff8 op=w",
                "access vm=1 addr=0x202000 op=r",
                "write vm=3 addr=0x205000 value=7",
                "share type=relinquish from=3 to=1 c=0x202000:1,0x204000:2",
                "share type=donate from=1 to=3 c=0x206000:2",
                "unmap 3 0x206000 0x207000",
                "share type=donate from=3 to=2 c=0x206000:2",
                ""));
        Result result = run("replay", "--check-model", trace.toString());
        Result plain = run("replay", trace.toString());
        assertEquals(0, result.status(), result.out());
        assertEquals(plain.out(), result.out());
        assertTrue(result.out().contains("3: SUCCESS") && result.out().contains("5: INVALID_PARAMETERS")
                && result.out().contains("12: INVALID_PARAMETERS"), result.out());
    }

    @Test
    void ffaStepsAreReadBackSoLaterAccessesAreJudgedByTheModesTheyLeft() throws IOException {
        Path trace = Files.writeString(dir.resolve("ffa.trace"), String.join("\n",
                "init arch=fake pool_pages=64 vms=2",
                "map 1 0x200000 0x208000 0x7",
                "mem_lend from=1 to=2 c=0x200000:2",
                "access vm=1 addr=0x200000 op=r",
                "mem_retrieve vm=2 handle=0x8000000000000000 from=1 type=lend",
                "write vm=2 addr=0x201000 value=7",
                "access vm=2 addr=0x201000 op=x",
                "mem_relinquish vm=2 handle=0x8000000000000000",
                "mem_reclaim vm=1 handle=0x8000000000000000",
                "read vm=1 addr=0x201000",
                "share type=lend from=1 to=2 c=0x200000:1",
                "rx_release vm=2",
                "share type=lend from=1 to=2 c=0x200000:1",
                "access vm=2 addr=0x200000 op=r",
                ""));
        Result result = run("replay", "--check-model", trace.toString());
        Result plain = run("replay", trace.toString());
        assertEquals(0, result.status(), result.out());
        assertEquals(plain.out(), result.out(), "no model line: every answer is what the modes allow");
        // 11: the retrieve response still fills VM 2's RX buffer, which is its mailbox: BUSY.
        assertTrue(result.out().contains("4: fault") && result.out().contains("6: ok") && result.out().contains("7: fault")
                && result.out().contains("10: value 0x7") && result.out().contains("11: BUSY")
                && result.out().contains("12: SUCCESS") && result.out().contains("13: SUCCESS")
                && result.out().contains("14: ok"), result.out());
    }

    @Test
    void aPluginThatDropsTheSharedBitBreaksTheModelAtTheFirstShare() throws IOException {
        Path jar = PluginJar.of(dir.resolve("drops-shared.jar"), DropsSharedPlugin.class);
        Path trace = Files.writeString(dir.resolve("broken.trace"), String.join("\n",
                "init arch=" + DropsSharedPlugin.NAME + " pool_pages=64 vms=2",
                "map 1 0x200000 0x204000 0x7",
                "share type=lend from=1 to=2 c=0x200000:1",
                "# a share: the owner's mode should gain SHARED",
                "share type=share from=1 to=2 c=0x201000:1",
                "share type=share from=1 to=2 c=0x202000:1",
                "pool",
                ""));
        Result plain = run("replay", "--plugin", jar.toString(), trace.toString());
        assertEquals(0, plain.status(), plain.out() + plain.err());
        Result checked = run("replay", "--plugin", jar.toString(), "--check-model", trace.toString());
        assertEquals(1, checked.status(), checked.out() + checked.err());
        List<String> modelLines = checked.out().lines().filter(l -> l.contains(": model ")).toList();
        assertEquals(1, modelLines.size(), checked.out());
        assertEquals("5: model page 0x201000 VM 1: expected R|W|X|SHARED (0x47) after this share, actual R|W|X (0x7)",
                modelLines.get(0));
        // The canonical output is otherwise unchanged, the model line right after its operation's.
        assertEquals(plain.out(), checked.out().lines().filter(l -> !l.contains(": model "))
                .collect(Collectors.joining("\n", "", "\n")));
        assertTrue(checked.out().contains("5: SUCCESS bytes=") && checked.out().indexOf("5: model")
                > checked.out().indexOf("5: SUCCESS"), checked.out());
    }

    @Test
    void anErrorLineAndABrokenModelBothExitOne() throws IOException {
        Path trace = Files.writeString(dir.resolve("error.trace"), "init arch=fake pool_pages=64 vms=1\nbogus\n");
        Result result = run("replay", "--check-model", trace.toString());
        assertEquals(1, result.status());
        assertTrue(!result.out().contains(": model "), result.out());
        Result missing = run("replay", "--check-model", dir.resolve("missing.trace").toString());
        assertEquals(2, missing.status());
    }

    private static String firstModelLine(String out) {
        return out.lines().filter(l -> l.contains(": model ")).findFirst().orElse("no model line");
    }
}
