package org.memshare.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.memshare.cli.CliRun.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.memshare.cli.CliRun.Result;

/** Named policies from traces ({@code init policy=}) and the command line ({@code --policy}), and {@code memshare policies}. */
class PolicyCommandLineTest {
    private static final String SETUP = "map 1 0x200000 0x210000 0x7\n";
    /** Refused by no-exec:3, allowed; refused by donate-needs-clear; refused by lend-cap:16K (1 + 4 > 4 pages); allowed up to the cap; a relinquish frees room. */
    private static final String SHARES = """
            share type=lend from=1 to=3 attrs=0x60 c=0x200000:1
            share type=lend from=1 to=3 attrs=0x40 c=0x200000:1
            share type=donate from=1 to=2 attrs=0x40 c=0x201000:1
            share type=lend from=1 to=2 attrs=0x40 c=0x202000:4
            share type=lend from=1 to=2 attrs=0x40 c=0x202000:3
            share type=lend from=1 to=2 attrs=0x40 c=0x205000:1
            share type=relinquish from=2 to=1 c=0x202000:3
            share type=lend from=1 to=2 attrs=0x40 c=0x205000:3
            """;
    private static final List<String> OUTCOMES = List.of("ok", "ok", "DENIED", "SUCCESS", "DENIED", "DENIED", "SUCCESS",
            "DENIED", "SUCCESS", "SUCCESS");

    @TempDir
    Path dir;

    private static List<String> outcomes(String out) {
        return Arrays.stream(out.split("\n")).map(line -> line.replaceFirst("^[0-9]+: ", "").replaceFirst(" .*", ""))
                .toList();
    }

    @Test
    void initPolicyNamesTheBundledPoliciesAndTheyRefuseWithDenied() throws IOException {
        Path trace = Files.writeString(dir.resolve("p.trace"), "init arch=fake pool_pages=64 vms=3 policy=no-exec:3"
                + " policy=donate-needs-clear policy=lend-cap:16K\n" + SETUP + SHARES);
        Result result = run("replay", trace.toString());
        assertEquals(0, result.status(), result.err());
        assertEquals(OUTCOMES, outcomes(result.out()));
    }

    @Test
    void policyOptionsApplyToEveryMachineOfTheRun() throws IOException {
        Path trace = Files.writeString(dir.resolve("p.trace"), "init arch=fake pool_pages=64 vms=3\n" + SETUP + SHARES);
        Result result = run("replay", "--policy", "no-exec:3", "--policy", "donate-needs-clear", "--policy", "lend-cap:16K",
                trace.toString());
        assertEquals(0, result.status(), result.err());
        assertEquals(OUTCOMES, outcomes(result.out()));

        Result plain = run("replay", trace.toString());
        assertTrue(!plain.out().contains("DENIED"), plain.out());
    }

    @Test
    void theTracesPoliciesAreAskedBeforeTheCommandLines() throws IOException {
        // Both refuse the lend; the reason is not printed, but the trace's policy is asked first and
        // the command line's still applies to a machine whose init names none.
        Path trace = Files.writeString(dir.resolve("p.trace"), "init arch=fake pool_pages=64 vms=3 policy=lend-cap:4K\n"
                + SETUP + "share type=lend from=1 to=2 attrs=0x40 c=0x200000:2\n"
                + "init arch=fake pool_pages=64 vms=3\n" + SETUP + "share type=lend from=1 to=3 attrs=0x60 c=0x200000:1\n");
        Result result = run("replay", "--policy", "no-exec:3", trace.toString());
        assertEquals(List.of("ok", "ok", "DENIED", "ok", "ok", "DENIED"), outcomes(result.out()));
    }

    @Test
    void unknownNamesAndBadArgumentsAreClearErrors() throws IOException {
        Path trace = Files.writeString(dir.resolve("p.trace"), """
                init arch=fake pool_pages=64 vms=1
                init arch=fake pool_pages=64 vms=3 policy=nope
                init arch=fake pool_pages=64 vms=3 policy=no-exec
                init arch=fake pool_pages=64 vms=3 policy=lend-cap:12Q
                init arch=fake pool_pages=64 vms=3 policy=no-escalation:1
                init arch=fake pool_pages=64 vms=3 policy=
                pool
                """);
        Result result = run("replay", trace.toString());
        assertEquals(1, result.status());
        String[] lines = result.out().split("\n");
        assertEquals("2: error no policy named 'nope'; found: donate-needs-clear, lend-cap, no-escalation, no-exec"
                + " (the current machine, if any, is kept)", lines[1]);
        assertTrue(lines[2].startsWith("3: error policy 'no-exec': expected the VMs to protect, as no-exec:VM[,VM...]"), lines[2]);
        assertTrue(lines[3].startsWith("4: error policy 'lend-cap': expected a size in bytes"), lines[3]);
        assertTrue(lines[4].startsWith("5: error policy 'no-escalation': takes no arguments"), lines[4]);
        assertTrue(lines[5].startsWith("6: error empty value for 'policy'"), lines[5]);
        assertEquals("7: free 59", lines[6], "the first machine is kept");

        Result bad = run("replay", "--policy", "bogus", trace.toString());
        assertEquals(2, bad.status());
        assertEquals("", bad.out());
        assertEquals("memshare replay: --policy bogus: no policy named 'bogus'; found: donate-needs-clear, lend-cap,"
                + " no-escalation, no-exec\n", bad.err());
        Result badArgs = run("check", "--policy", "no-exec:0");
        assertEquals(2, badArgs.status());
        assertTrue(badArgs.err().contains("--policy no-exec:0: policy 'no-exec': VM ids are 1 to"), badArgs.err());
    }

    @Test
    void policiesListsTheBundledPoliciesWithTheirParameters() {
        Result result = run("policies");
        assertEquals(0, result.status(), result.err());
        assertEquals("""
                donate-needs-clear
                    refuses a donate that does not ask for the memory to be cleared (FLAG_CLEAR)
                lend-cap[:size]
                    refuses a lend or share that would leave its sender with more than the cap lent or shared out at once
                    size: the cap per VM in bytes, a multiple of 4 KiB, with an optional K, M or G (KiB, MiB, GiB): \
                lend-cap:16M, lend-cap:64K (default 16M)
                no-escalation
                    refuses a share that would give the receiver a permission its source lacks, and a relinquish to an \
                owner that kept less than R|W|X
                no-exec:vms
                    refuses any share that would give one of the VMs memory with X
                    vms: the protected VMs' ids, comma-separated (no-exec:3 or no-exec:2,3) (required)
                """, result.out());
    }

    @Test
    void checkAndBenchTakePolicies() throws IOException {
        Files.writeString(dir.resolve("a.trace"), "init arch=fake pool_pages=64 vms=3\n" + SETUP
                + "share type=lend from=1 to=3 attrs=0x60 c=0x200000:1\n");
        Path trace = dir.resolve("a.trace");
        Result replayed = run("replay", "--policy", "no-exec:3", trace.toString());
        Files.writeString(dir.resolve("a.expected"), replayed.out());
        assertTrue(replayed.out().contains("3: DENIED"), replayed.out());
        assertEquals(0, run("check", "--policy", "no-exec:3", dir.toString()).status());
        assertEquals(1, run("check", dir.toString()).status());
        assertEquals(0, run("bench", "--repeat", "1", "--policy", "no-exec:3", trace.toString()).status());
    }
}
