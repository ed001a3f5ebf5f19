package org.memshare.cli.map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.memshare.engine.plugin.ArchRegistry;
import org.memshare.trace.ReplayObserver;
import org.memshare.trace.TraceReplayer;

/** What the recorder keeps per step, and how it summarises a trace too long to keep step by step. */
class RecorderTest {

    private static Recorder record(String trace, Recorder.Limits limits, ReplayObserver next) throws IOException {
        StringWriter page = new StringWriter();
        OwnershipMap map = OwnershipMap.to(page, "t", limits);
        TraceReplayer replayer = new TraceReplayer(ArchRegistry.discover(), map.tap(new StringWriter()), map.observer(next));
        replayer.replay(map.tap(new ByteArrayInputStream(trace.getBytes(StandardCharsets.UTF_8))));
        map.write();
        assertTrue(page.toString().endsWith("</html>\n"));
        return map.recorder();
    }

    private static Recorder record(String trace) throws IOException {
        return record(trace, Recorder.Limits.DEFAULT, null);
    }

    @Test
    void onlyWhatChangedIsKeptPerStep() throws IOException {
        Recorder recorder = record(MapPages.HAND);
        List<Recorder.Step> steps = recorder.steps();
        assertEquals(MapPages.HAND_OPERATIONS, steps.size());
        assertTrue(steps.get(0).diffs.isEmpty(), "a fresh machine has empty tables");
        assertEquals(List.of(1), steps.get(1).diffs.stream().map(Recorder.VmDiff::vm).toList(), "map 1 changes VM 1");
        assertEquals(List.of(1, 2), steps.get(4).diffs.stream().map(Recorder.VmDiff::vm).toList(), "a share, both VMs");
        // The share split VM 1's run of 16 pages: the run went, two came.
        Recorder.VmDiff owner = steps.get(4).diffs.get(0);
        assertEquals(1, owner.removed().size());
        assertEquals(2, owner.added().size());
        assertTrue(steps.get(6).diffs.isEmpty(), "mode reads only");
        assertTrue(steps.get(7).diffs.isEmpty(), "dump reads only");
        assertEquals("share type=share from=1 to=2 attrs=0x60 c=0x200000:2", steps.get(4).text);
        assertNull(recorder.capped());
    }

    @Test
    void aNewMachineTakesEveryItemAway() throws IOException {
        Recorder recorder = record("init arch=fake pool_pages=64 vms=2\nmap 1 0x0 0x2000 0x7\n"
                + "init arch=aarch64 pa_bits=32 pool_pages=64 vms=4\nmap 4 0x1000 0x2000 0x7\n");
        assertEquals(2, recorder.machines().size());
        assertEquals("aarch64", recorder.machines().get(1).arch());
        assertEquals(4, recorder.machines().get(1).rootTables(), "aarch64 at 32 bits: 4 root tables");
        Recorder.Step second = recorder.steps().get(2);
        assertEquals(1, second.machine);
        assertEquals(1, second.diffs.size());
        assertTrue(second.diffs.get(0).added().isEmpty());
        assertEquals(List.of(1, 2, 3, 4), recorder.bands());
        Map<Integer, List<Item>> last = States.after(recorder.steps(), 3);
        assertTrue(last.get(1).isEmpty());
        assertEquals(1, last.get(4).stream().filter(i -> i.kind() == Item.LEAVES).count());
    }

    @Test
    void theObserverItWrapsIsCalledAndItsNoteKept() throws IOException {
        StringWriter out = new StringWriter();
        OwnershipMap map = OwnershipMap.to(new StringWriter(), "t", Recorder.Limits.DEFAULT);
        ReplayObserver noting = (line, op, result, machine, hv) -> Optional.of("note " + line);
        new TraceReplayer(ArchRegistry.discover(), map.tap(out), map.observer(noting))
                .replay(map.tap(new ByteArrayInputStream("init arch=fake pool_pages=64 vms=1\npool\n".getBytes())));
        assertEquals("1: ok\n1: note 1\n2: free 58\n2: note 2\n", out.toString().replaceAll("free \\d+", "free 58"));
        assertEquals(List.of("2: free 58", "2: note 2"), map.recorder().steps().get(1).output.lines().stream()
                .map(l -> l.replaceAll("free \\d+", "free 58")).toList());
    }

    private static String churn(int cycles) {
        StringBuilder trace = new StringBuilder("init arch=fake pool_pages=256 vms=2\n");
        for (int i = 0; i < cycles; i++) {
            long page = 0x200000L + (i % 512) * 0x1000L;
            trace.append("map 1 0x").append(Long.toHexString(page)).append(" 0x").append(Long.toHexString(page + 0x1000))
                    .append(" 0x7\nshare type=lend from=1 to=2 attrs=0x60 c=0x").append(Long.toHexString(page))
                    .append(":1\n");
        }
        return trace.toString();
    }

    @Test
    void pastTheStepLimitTheRestIsOneSummaryStepWithTheFinalState() throws IOException {
        Recorder recorder = record(churn(100), new Recorder.Limits(50, 1_000_000, 1_000_000_000), null);
        assertTrue(recorder.capped().contains("more than 50 operations"), recorder.capped());
        List<Recorder.Step> steps = recorder.steps();
        assertEquals(51, steps.size());
        Recorder.Step summary = steps.get(50);
        assertTrue(summary.summary());
        assertEquals(201 - 50, summary.operations);
        assertEquals(51, summary.line);
        assertEquals(201, summary.lastLine);
        // The summary brings the state the last operation left: VM 2 borrowed all 100 pages.
        List<Item> vm2 = States.after(steps, 50).get(2);
        long borrowed = vm2.stream().filter(i -> i.state() == OwnershipState.BORROWED_EXCLUSIVE).mapToLong(Item::pages).sum();
        assertEquals(100, borrowed);
        long beforeSummary = States.after(steps, 49).get(2).stream().filter(i -> i.kind() == Item.LEAVES)
                .mapToLong(Item::pages).sum();
        assertEquals(24, beforeSummary, "steps 2 to 50: 24 lends");
    }

    @Test
    void theChangeAndWalkLimitsStopRecordingToo() throws IOException {
        Recorder byItems = record(churn(100), new Recorder.Limits(10_000, 40, 1_000_000_000), null);
        assertTrue(byItems.capped().startsWith("the recorded changes reached"), byItems.capped());
        assertTrue(byItems.steps().size() < 60);
        Recorder byWalks = record(churn(100), new Recorder.Limits(10_000, 1_000_000, 20_000), null);
        assertTrue(byWalks.capped().startsWith("the table walks reached"), byWalks.capped());
        assertTrue(byWalks.steps().get(byWalks.steps().size() - 1).summary());
        assertFalse(byWalks.steps().get(byWalks.steps().size() - 2).summary());
    }
}
