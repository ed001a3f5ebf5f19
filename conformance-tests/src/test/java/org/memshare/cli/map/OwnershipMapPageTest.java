package org.memshare.cli.map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.memshare.cli.map.MapPages.HAND;
import static org.memshare.cli.map.MapPages.HAND_OPERATIONS;
import static org.memshare.cli.map.MapPages.HAND_STATES;
import static org.memshare.cli.map.MapPages.runs;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.memshare.engine.machine.Machine;
import org.memshare.trace.Corpus;
import org.memshare.trace.CorpusCase;

/**
 * The page {@code memshare replay --html} writes, read as HTML: a band per VM coloured as the
 * engine's modes say, one slider step per operation, the page-table tree with the tables a dump
 * shows; on a hand trace whose states are known and on a corpus share trace.
 */
class OwnershipMapPageTest {
    /** A corpus trace with every kind of share and three VMs, ending with a dump of each VM. */
    static final String CORPUS_SHARE = "share-aarch64-1001";

    @TempDir
    Path dir;

    @Test
    void theHandTraceShowsEveryStateWhereItIs() throws IOException {
        Document page = MapPages.parse(MapPages.page(dir, "hand.trace", HAND, null));
        for (int vm = 1; vm <= 3; vm++) {
            assertNotNull(page.selectFirst("svg#bands g.band[data-vm=" + vm + "]"), "band of VM " + vm);
        }
        List<String> found = new ArrayList<>();
        for (int vm = 1; vm <= 3; vm++) {
            for (Element run : runs(page, vm)) {
                found.add(vm + " " + run.attr("data-begin") + " " + run.attr("data-end") + " " + run.attr("fill"));
            }
        }
        List<String> expected = new ArrayList<>();
        for (Object[] s : HAND_STATES) {
            expected.add(s[0] + " 0x" + Long.toHexString((Long) s[1]) + " 0x" + Long.toHexString((Long) s[2]) + " "
                    + ((OwnershipState) s[3]).colour());
        }
        assertEquals(expected, found, "every run, in order, with its state's colour");
        // The share lines up: VM 1's shared pages and VM 2's borrowed ones are drawn at the same place.
        Element owner = runs(page, 1).get(0);
        Element borrower = runs(page, 2).get(0);
        assertEquals(owner.attr("x"), borrower.attr("x"));
        assertEquals(owner.attr("width"), borrower.attr("width"));
    }

    @Test
    void theSliderHasOneStepPerOperationAndShowsTheLastOne() throws IOException {
        Document page = MapPages.parse(MapPages.page(dir, "hand.trace", HAND, null));
        Element slider = page.getElementById("step");
        assertEquals("1", slider.attr("min"));
        assertEquals(String.valueOf(HAND_OPERATIONS), slider.attr("max"));
        assertEquals(String.valueOf(HAND_OPERATIONS), slider.attr("value"));
        assertEquals("line 9", page.getElementById("op-line").text());
        assertEquals("dump vm=1", page.getElementById("op-text").text());
        assertTrue(page.getElementById("op-output").text().startsWith("9: L2 0x0 table"),
                page.getElementById("op-output").text());
        assertEquals("after operation 8 of 8", page.getElementById("step-label").text());
    }

    @Test
    void theTreeHasTheTablesADumpShows() throws IOException {
        List<String> out = new ArrayList<>();
        Document page = MapPages.parse(MapPages.page(dir, "hand.trace", HAND, out));
        long tables = MapPages.tablesDumped(out.get(0), 9);
        assertTrue(tables >= 2, out.get(0));
        assertEquals(tables, page.select("#tree-root details.pt-table").size());
        // Fake stage 2: four root tables, each one collapsible.
        assertEquals(4, page.select("#tree-root details.pt-root").size());
        Element shared = page.selectFirst("#tree-root .pt-leaf[data-begin=0x200000]");
        assertEquals(String.valueOf(OwnershipState.OWNED_SHARED.ordinal()), shared.attr("data-state"), shared.text());
        assertTrue(shared.text().contains("2 pages, mode 0x47 (R|W|X|SHARED), owned shared"), shared.text());
    }

    @Test
    void theStateAfterAKnownStepIsTheEnginesThere() throws IOException {
        // The page of the trace up to line 6 (the share) ends with the state after that step.
        String upToShare = MapPages.prefix(HAND, 6);
        Document page = MapPages.parse(MapPages.page(dir, "share.trace", upToShare, null));
        Machine machine = MapPages.machineAfter(upToShare);
        assertEquals("5", page.getElementById("step").attr("max"));
        int checked = MapPages.checkAgainstEngine(page, machine, 3);
        assertEquals(5, checked, "VM 1: shared and owned; VM 2: borrowed and owned; VM 3: device");
        // Nothing is lent yet.
        assertTrue(page.select("rect.run[data-state=" + OwnershipState.LENT.ordinal() + "]").isEmpty());
    }

    @Test
    void aCorpusShareTraceMatchesTheEngineAndItsDumps() throws IOException {
        CorpusCase corpus = Corpus.bundled(CORPUS_SHARE::equals).get(0);
        List<String> out = new ArrayList<>();
        Document page = MapPages.parse(MapPages.page(dir, CORPUS_SHARE + ".trace", corpus.trace(), out));
        assertEquals(corpus.expected(), out.get(0), "the canonical output is unchanged");
        assertEquals(String.valueOf(MapPages.operations(corpus.expected())), page.getElementById("step").attr("max"));
        int checked = MapPages.checkAgainstEngine(page, MapPages.machineAfter(corpus.trace()), 3);
        assertTrue(checked > 30, "runs checked: " + checked);
        // Lines 89-91 dump VMs 1-3 at the end; the tree shows VM 1's.
        assertEquals(MapPages.tablesDumped(corpus.expected(), 89), page.select("#tree-root details.pt-table").size());
        for (OwnershipState state : List.of(OwnershipState.OWNED_EXCLUSIVE, OwnershipState.OWNED_SHARED,
                OwnershipState.LENT, OwnershipState.BORROWED_EXCLUSIVE, OwnershipState.BORROWED_SHARED,
                OwnershipState.DEVICE)) {
            assertFalse(page.select("rect.run[data-state=" + state.ordinal() + "]").isEmpty(), state.label());
        }
    }

    @Test
    void theLegendNamesEveryStateInItsColour() throws IOException {
        Document page = MapPages.parse(MapPages.page(dir, "hand.trace", HAND, null));
        List<Element> items = page.select("#legend li");
        assertEquals(OwnershipState.values().length, items.size());
        for (OwnershipState state : OwnershipState.values()) {
            Element item = items.get(state.ordinal());
            assertEquals(state.label(), item.text());
            assertTrue(item.selectFirst(".sw").attr("style").contains(state.colour()));
        }
    }

    @Test
    void thePageIsSelfContained() throws IOException {
        Path html = MapPages.page(dir, "hand.trace", HAND, null);
        Document page = MapPages.parse(html);
        assertTrue(page.select("script[src], link[href], img[src], iframe, object, embed").isEmpty());
        String text = Files.readString(html);
        assertFalse(text.replace("http://www.w3.org/2000/svg", "").contains("http://"), "no URL but the SVG namespace");
        assertFalse(text.contains("https://"));
        assertEquals("static", page.body().attr("data-map-state"), "the script marks it ready when it runs");
        assertNotNull(page.getElementById("map-data"));
    }

    @Test
    void everyCorpusTraceKeepsItsOutputAndGetsABandPerVm() throws IOException {
        List<CorpusCase> cases = Corpus.bundled();
        assertEquals(48, cases.size());
        for (CorpusCase c : cases) {
            List<String> out = new ArrayList<>();
            Document page = MapPages.parse(MapPages.page(dir, c.name() + ".trace", c.trace(), out));
            assertEquals(c.expected(), out.get(0), c.name());
            int vms = Integer.parseInt(c.trace().replaceAll("(?s).*?\\binit [^\\n]*vms=(\\d+).*", "$1"));
            assertEquals(vms, page.select("svg#bands g.band").size(), c.name());
            assertEquals(String.valueOf(MapPages.operations(c.expected())), page.getElementById("step").attr("max"),
                    c.name());
        }
    }

    @Test
    void errorLinesAreNotStepsAndTheExitStatusStands() throws IOException {
        Path trace = Files.writeString(dir.resolve("errors.trace"),
                "init arch=fake pool_pages=64 vms=2\nmap 1 0x200000 0x201000 0x7\nmap 9 0x0 0x1000 0x7\nbogus\npool\n");
        Path html = dir.resolve("errors.html");
        MapPages.Run run = MapPages.memshare("replay", "--html", html.toString(), trace.toString());
        MapPages.Run plain = MapPages.memshare("replay", trace.toString());
        assertEquals(1, run.status());
        assertEquals(plain.out(), run.out());
        Document page = MapPages.parse(html);
        assertEquals("3", page.getElementById("step").attr("max"), "init, map and pool ran");
        assertEquals(plain.out().lines().filter(l -> l.startsWith("5: free ")).findFirst().orElseThrow(),
                page.getElementById("op-output").text());
    }

    @Test
    void withCheckModelTheOutputAndTheModelNoteAreKept() throws IOException {
        CorpusCase corpus = Corpus.bundled(CORPUS_SHARE::equals).get(0);
        Path trace = Files.writeString(dir.resolve("c.trace"), corpus.trace());
        Path html = dir.resolve("c.html");
        MapPages.Run run = MapPages.memshare("replay", "--check-model", "--html", html.toString(), trace.toString());
        assertEquals(0, run.status(), run.err());
        assertEquals(corpus.expected(), run.out());
        assertTrue(Files.size(html) > 10_000);
    }

    @Test
    void standardInputIsReadOnceAndItsLinesShown() throws IOException {
        Path html = dir.resolve("stdin.html");
        InputStream saved = System.in;
        try {
            System.setIn(new ByteArrayInputStream(HAND.replace("\n", "\r\n").getBytes()));
            MapPages.Run run = MapPages.memshare("replay", "--html", html.toString(), "-");
            assertEquals(0, run.status(), run.err());
        } finally {
            System.setIn(saved);
        }
        Document page = MapPages.parse(html);
        assertEquals("dump vm=1", page.getElementById("op-text").text(), "CRLF dropped");
        assertTrue(page.title().endsWith("standard input"), page.title());
    }

    @Test
    void anUnwritableOutputFailsBeforeTheReplay() throws IOException {
        Path trace = Files.writeString(dir.resolve("t.trace"), HAND);
        MapPages.Run run = MapPages.memshare("replay", "--html", dir.resolve("no/such/dir/map.html").toString(),
                trace.toString());
        assertEquals(2, run.status());
        assertEquals("", run.out());
        assertTrue(run.err().startsWith("memshare replay: cannot write "), run.err());
        assertFalse(run.err().contains("Exception"), run.err());
    }

    @Test
    void aTraceThatCannotBeReadLeavesNoPage() {
        Path html = dir.resolve("none.html");
        MapPages.Run run = MapPages.memshare("replay", "--html", html.toString(), dir.resolve("missing.trace").toString());
        assertEquals(2, run.status());
        assertFalse(Files.exists(html));
    }

    @Test
    void aBadPolicyLeavesNoPage() throws IOException {
        Path trace = Files.writeString(dir.resolve("t.trace"), HAND);
        Path html = dir.resolve("policy.html");
        MapPages.Run run = MapPages.memshare("replay", "--policy", "nope", "--html", html.toString(), trace.toString());
        assertEquals(2, run.status());
        assertFalse(Files.exists(html), "the file made up front is removed again");
    }

    @Test
    void aTraceWithoutAMachineStillMakesAPage() throws IOException {
        Document page = MapPages.parse(MapPages.page(dir, "empty.trace", "# nothing\n", null));
        assertEquals("0", page.getElementById("step").attr("max"));
        assertTrue(page.select("svg#bands g.band").isEmpty());
        assertNull(page.selectFirst("rect.run"));
    }
}
