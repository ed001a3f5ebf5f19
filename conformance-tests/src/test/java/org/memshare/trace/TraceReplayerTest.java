package org.memshare.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.memshare.engine.plugin.ArchRegistry;

/** The canonical output of good lines, and the error lines (with no change of state) for bad ones. */
class TraceReplayerTest {
    private static final ArchRegistry REGISTRY = ArchRegistry.discover();

    /** Output and error count of replaying {@code lines}. */
    private record Run(String output, int errors) {
    }

    private static Run run(String... lines) {
        StringWriter out = new StringWriter();
        int errors = new TraceReplayer(REGISTRY, out).replay(TraceParser.parseAll(List.of(lines)));
        return new Run(out.toString(), errors);
    }

    private static final String INIT = "init arch=fake pool_pages=64 vms=2";

    @Test
    void eachOperationPrintsItsResultPrefixedWithItsLineNumber() {
        Run run = run(
                "# a comment",
                INIT,
                "",
                "map vm=1 begin=0x200000 end=0x400000 mode=0x7  # trailing comment",
                "mode vm=1 begin=0x200000 end=0x201000",
                "pool");
        // 64 pages less the stage-1 root and two 4-page stage-2 roots, less one level-1 table for the block.
        assertEquals("2: ok\n4: ok\n5: mode 0x7\n6: free 54\n", run.output());
        assertEquals(0, run.errors());
    }

    @Test
    void positionalArgumentsMeanTheSameAsKeyedOnes() {
        Run keyed = run(INIT, "map vm=1 begin=0x200000 end=0x400000 mode=0x7", "dump vm=1");
        Run positional = run(INIT, "map 1 0x200000 0x400000 0x7", "dump vm=1");
        assertEquals(keyed.output(), positional.output());
        assertTrue(keyed.output().contains("3: L1 0x200000 block attrs=0x7000000000000 mode=0x7"), keyed.output());
    }

    @Test
    void decimalAndHexadecimalNumbersAreAccepted() {
        Run run = run(INIT, "map 1 2097152 0x400000 7", "mode 1 0x200000 4194304");
        assertEquals("1: ok\n2: ok\n3: mode 0x7\n", run.output());
    }

    @Test
    void anUnknownOperationIsAnError() {
        Run run = run(INIT, "frobnicate vm=1");
        assertEquals("1: ok\n2: error unknown operation 'frobnicate'\n", run.output());
        assertEquals(1, run.errors());
    }

    @Test
    void aBadNumberIsAnErrorThatNamesTheArgument() {
        Run run = run(INIT, "map vm=1 begin=0xzz end=0x1000 mode=0x3", "map vm=1 begin=-1 end=0x1000 mode=0x3",
                "map vm=1 begin=0x1 end=18446744073709551616 mode=0x3");
        assertEquals(3, run.errors());
        assertTrue(run.output().contains("2: error bad number for 'begin': '0xzz'"), run.output());
        assertTrue(run.output().contains("3: error bad number for 'begin': '-1'"), run.output());
        assertTrue(run.output().contains("4: error bad number for 'end'"), run.output());
    }

    @Test
    void aMissingArgumentIsAnError() {
        Run run = run(INIT, "map vm=1 begin=0x0 end=0x1000", "init arch=fake vms=1");
        assertTrue(run.output().contains("2: error missing argument 'mode' to 'map'"), run.output());
        assertTrue(run.output().contains("3: error missing argument 'pool_pages' to 'init'"), run.output());
        assertEquals(2, run.errors());
    }

    @Test
    void unknownOrRepeatedArgumentsAreErrors() {
        Run run = run(INIT, "defrag vm=1 colour=blue", "defrag vm=1 vm=2", "pool extra");
        assertEquals(3, run.errors(), run.output());
        assertTrue(run.output().contains("2: error unknown argument 'colour' to 'defrag'"), run.output());
        assertTrue(run.output().contains("3: error argument 'vm' given twice"), run.output());
    }

    @Test
    void anOperationBeforeInitIsAnError() {
        Run run = run("pool", "map 1 0x0 0x1000 0x3");
        assertEquals(2, run.errors());
        assertTrue(run.output().startsWith("1: error no machine: 'pool' needs a successful init first\n"), run.output());
        assertTrue(run.output().contains("2: error no machine: 'map'"), run.output());
    }

    @Test
    void afterAFailedInitThereIsNoMachine() {
        Run run = run(INIT, "init arch=fake pool_pages=4 vms=2", "pool");
        assertEquals("1: ok\n2: fail\n3: error no machine: 'pool' needs a successful init first\n", run.output());
    }

    @Test
    void aPoolTooSmallForTheRootTablesFailsInit() {
        // The stage-1 root takes page 0; each fake stage-2 root takes 4 pages aligned to 4, so
        // VM 1 gets pages 4-7 (pages 1-3 stay free) and VM 2 pages 8-11.
        assertEquals("1: ok\n", run("init arch=fake pool_pages=12 vms=2").output());
        assertEquals("1: fail\n", run("init arch=fake pool_pages=11 vms=2").output());
    }

    @Test
    void anUnknownArchIsAnErrorListingTheArchesFound() {
        Run run = run("init arch=sparc pool_pages=64 vms=1");
        assertEquals(1, run.errors());
        assertTrue(run.output().startsWith("1: error unknown arch 'sparc' (found: "), run.output());
        assertTrue(run.output().contains("fake"), run.output());
    }

    @Test
    void aVmOutOfRangeIsAnError() {
        Run run = run(INIT, "map vm=3 begin=0x0 end=0x1000 mode=0x3", "dump vm=0", "defrag 70000");
        assertEquals(3, run.errors(), run.output());
        assertTrue(run.output().contains("2: error no VM 3 (this machine has VMs 1 to 2)"), run.output());
        assertTrue(run.output().contains("3: error vm must be between 1 and 65535, was 0"), run.output());
    }

    @Test
    void aCommitWithoutItsPrepareIsAnErrorAndChangesNothing() {
        Run run = run(INIT, "dump vm=1", "pool",
                "commit vm=1 begin=0x200000 end=0x201000 mode=0x3",
                "dump vm=1", "pool");
        assertEquals("1: ok\n2: end\n3: free 55\n"
                + "4: error commit of 0x200000..0x201000 mode 0x3 has no matching prepare (nothing changed)\n"
                + "5: end\n6: free 55\n", run.output());
        assertEquals(1, run.errors());
    }

    @Test
    void aCommitAfterItsPrepareSucceeds() {
        Run run = run(INIT, "prepare vm=1 begin=0x200000 end=0x201000 mode=0x3",
                "commit vm=1 begin=0x200000 end=0x201000 mode=0x3", "mode 1 0x200000 0x201000");
        assertEquals("1: ok\n2: ok\n3: ok\n4: mode 0x3\n", run.output());
    }

    @Test
    void aCommitMatchesOnlyAPrepareOfTheSameRangeAndModeAndUsesItUp() {
        Run run = run(INIT, "prepare 1 0x200000 0x201000 0x3",
                "commit 1 0x200000 0x201000 0x7",
                "commit 1 0x200000 0x201000 0x3",
                "commit 1 0x200000 0x201000 0x3");
        assertTrue(run.output().contains("3: error commit of 0x200000..0x201000 mode 0x7 has no matching prepare"),
                run.output());
        assertTrue(run.output().contains("4: ok\n"), run.output());
        assertTrue(run.output().contains("5: error commit of 0x200000..0x201000 mode 0x3 has no matching prepare"),
                run.output());
    }

    @Test
    void aCommitWhosePreparedTablesWereMergedAwayAllocatesAgainAsHafniumDoes() {
        // The second prepare splits blocks that the first commit then replaces whole; the second
        // commit must split them again (mm-aarch64-1006 in the corpus does this).
        Run run = run(INIT, "prepare 1 0x0 0x40000000 0x3", "prepare 1 0x1000 0x2000 0x7",
                "commit 1 0x0 0x40000000 0x3", "pool", "commit 1 0x1000 0x2000 0x7", "pool",
                "mode 1 0x1000 0x2000", "mode 1 0x2000 0x3000");
        assertEquals("1: ok\n2: ok\n3: ok\n4: ok\n5: free 55\n6: ok\n7: free 53\n8: mode 0x7\n9: mode 0x3\n",
                run.output());
    }

    @Test
    void aCommitThatNeedsMoreThanThePoolHasIsAnErrorAndMapsNothing() {
        Run run = run("init arch=fake pool_pages=12 vms=2", "prepare 1 0x0 0x40000000 0x3",
                "prepare 1 0x1000 0x2000 0x7", "map 1 0x3000 0x4000 0x1", "map 1 0x5000 0x6000 0x1",
                "commit 1 0x0 0x40000000 0x3", "map 2 0x0 0x1000 0x1", "map 2 0x200000 0x201000 0x1",
                "map 2 0x400000 0x401000 0x1", "pool", "commit 1 0x1000 0x2000 0x7", "mode 1 0x1000 0x2000");
        assertTrue(run.output().contains("10: free 0\n"), run.output());
        assertTrue(run.output().contains("11: error commit of 0x1000..0x2000 needs more tables than the pool holds"),
                run.output());
        assertTrue(run.output().contains("12: mode 0x3\n"), run.output());
    }

    @Test
    void aCommitWalkReusesTablesItFreesAsHafniumsDoesEvenWithAnEmptyPool() {
        // Checked against Hafnium's own mm.c: the commit frees the [0, 2 MiB) table, then splits
        // [2 MiB, 4 MiB) with it.
        Run run = run("init arch=fake pool_pages=8 vms=1", "map 1 0 0x1000 0x7", "prepare 1 0 0x201000 0x3",
                "map 1 0x200000 0x400000 0x7", "map 1 0x40000000 0x40200000 0x7", "pool",
                "commit 1 0 0x201000 0x3", "pool", "mode 1 0 0x1000");
        assertEquals("1: ok\n2: ok\n3: ok\n4: ok\n5: ok\n6: free 0\n7: ok\n8: free 0\n9: mode 0x3\n", run.output());
    }

    @Test
    void aCommitThePoolCannotSupplyChangesNeitherTablesNorPool() {
        Run run = run("init arch=fake pool_pages=8 vms=1", "prepare 1 0x1000 0x2000 0x7", "unmap 1 0 0x40000000",
                "map 1 0x40000000 0x40001000 0x7", "pool", "dump vm=1",
                "commit 1 0x1000 0x2000 0x7", "pool", "dump vm=1");
        String out = run.output();
        assertTrue(out.contains("5: free 1\n"), out);
        assertTrue(out.contains("8: free 1\n"), out);
        assertTrue(out.contains("7: error commit of 0x1000..0x2000 needs more tables than the pool holds"), out);
        List<String> before = out.lines().filter(l -> l.startsWith("6: ")).map(l -> l.substring(3)).toList();
        List<String> after = out.lines().filter(l -> l.startsWith("9: ")).map(l -> l.substring(3)).toList();
        assertEquals(before, after);
    }

    @Test
    void aPrepareThatFailedStillPairsWithItsCommit() {
        // The prepare runs out of memory; an unmap then frees tables, and the commit allocates
        // what the prepare could not, as Hafnium's commit would.
        Run run = run("init arch=fake pool_pages=8 vms=1", "map 1 0x40000000 0x40001000 0x7",
                "prepare 1 0x1000 0x2000 0x3", "unmap 1 0x40000000 0x40001000", "defrag 1",
                "commit 1 0x1000 0x2000 0x3", "mode 1 0x1000 0x2000");
        assertEquals("1: ok\n2: ok\n3: fail\n4: ok\n5: ok\n6: ok\n7: mode 0x3\n", run.output());
    }

    @Test
    void sharingAndMemoryOperationsPrintWhatEachVmCanTouch() {
        Run run = run(INIT, "map 1 0x40000000 0x40001000 0x7",
                "write vm=1 addr=0x40000000 value=0x1234", "read vm=1 addr=0x40000000",
                "read vm=2 addr=0x40000000", "access vm=2 addr=0x40000000 op=r",
                "share type=lend from=1 to=2 attrs=0x40 c=0x40000000:1",
                "access vm=1 addr=0x40000000 op=r", "access vm=2 addr=0x40000ff8 op=w",
                "access vm=2 addr=0x40000000 op=x", "read vm=2 addr=0x40000000",
                "write vm=2 addr=0x40000004 value=1",
                "share type=share from=1 to=2 c=none", "sharebytes type=lend from=1 to=2 hex=",
                "share type=lend from=1 to=1 c=0x40000000:1", "share type=lend from=1 to=9 c=0x40000000:1");
        // The lend's region, field by field: tag 0, flags 0, page_count 1, one constituent at
        // offset 0x20, one receiver entry {2, 0x40 = RW_NX}, 4 bytes of padding, then
        // {0x40000000, 1 page, reserved 0}, all little-endian.
        String lend = "00000000" + "00000000" + "01000000" + "01000000" + "20000000" + "01000000" + "0200" + "4000"
                + "00000000" + "0000004000000000" + "01000000" + "00000000";
        assertEquals("1: ok\n2: ok\n3: ok\n4: value 0x1234\n5: fault\n6: fault\n"
                + "7: SUCCESS bytes=" + lend + "\n"
                + "8: fault\n9: ok\n10: fault\n11: value 0x1234\n"
                + "12: error 'addr' must be 8-byte aligned, was 0x40000004\n"
                + "13: INVALID_PARAMETERS bytes=0000000000000000000000000000000020000000010000000200000000000000\n"
                + "14: INVALID_PARAMETERS bytes=\n"
                + "15: INVALID_PARAMETERS bytes=" + lend.replace("02004000", "01000000") + "\n"
                + "16: INVALID_PARAMETERS bytes=" + lend.replace("02004000", "09000000") + "\n", run.output());
        assertEquals(1, run.errors());
    }

    @Test
    void dumpOfTheHypervisorTableIsEmptyOnAFreshMachine() {
        assertEquals("1: ok\n2: end\n", run(INIT, "dump s1").output());
    }

    @Test
    void aModeOutside32BitsIsAnError() {
        Run run = run(INIT, "map 1 0x0 0x1000 0x100000000");
        assertTrue(run.output().contains("2: error 'mode' must fit in 32 bits"), run.output());
    }

    @Test
    void theReplayGoesOnAfterAnError() {
        Run run = run(INIT, "bogus", "pool");
        assertEquals("1: ok\n2: error unknown operation 'bogus'\n3: free 55\n", run.output());
    }
}
