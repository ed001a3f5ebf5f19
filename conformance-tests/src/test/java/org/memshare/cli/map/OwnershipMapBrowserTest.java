package org.memshare.cli.map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.memshare.trace.Corpus;
import org.memshare.trace.CorpusCase;

/**
 * The ownership map in a real browser: Debian's chromium, headless. The page's script runs without
 * an error and draws what the page was written with, steps to a known operation and shows the
 * engine's state there, answers the controls, and the screenshot has the bands' colours where the
 * page puts them. Tagged {@code chromium}: {@code ./mvnw verify} leaves it out, {@code .ci/run}
 * installs chromium and runs it ({@code -Pchromium}).
 */
@Tag("chromium")
class OwnershipMapBrowserTest {
    private static final int WIDTH = 1400;
    private static final int HEIGHT = 1000;

    @TempDir
    Path dir;

    private Chromium chromium;

    @BeforeEach
    void findChromium() throws IOException {
        chromium = new Chromium(dir);
    }

    private Path corpusPage(List<String> out) throws IOException {
        CorpusCase corpus = Corpus.bundled(OwnershipMapPageTest.CORPUS_SHARE::equals).get(0);
        return MapPages.page(dir, OwnershipMapPageTest.CORPUS_SHARE + ".trace", corpus.trace(), out);
    }

    private Document dom(Path page, String fragment) throws IOException, InterruptedException {
        Chromium.Run run = chromium.dumpDom(page.toUri() + fragment, WIDTH, HEIGHT);
        assertFalse(run.err().contains("Uncaught"), run.err());
        Document dom = Jsoup.parse(run.out());
        assertNull(dom.getElementById("map-error"), () -> dom.getElementById("map-error").text());
        assertEquals("ready", dom.body().attr("data-map-state"), "the script ran to its end: " + dom.body().attributes());
        return dom;
    }

    @Test
    void theScriptRedrawsWhatThePageWasWrittenWith() throws Exception {
        Path page = corpusPage(null);
        Document written = MapPages.parse(page);
        Document drawn = dom(page, "");
        for (int vm = 1; vm <= 3; vm++) {
            List<Element> expected = MapPages.runs(written, vm);
            List<Element> actual = MapPages.runs(drawn, vm);
            assertEquals(expected.size(), actual.size(), "runs of VM " + vm);
            assertTrue(expected.size() > 5);
            for (int i = 0; i < expected.size(); i++) {
                Element e = expected.get(i);
                Element a = actual.get(i);
                for (String attr : List.of("data-state", "data-begin", "data-end", "fill", "y", "height", "data-states")) {
                    assertEquals(e.attr(attr), a.attr(attr), "VM " + vm + " run " + i + " " + attr);
                }
                assertEquals(Double.parseDouble(e.attr("x")), Double.parseDouble(a.attr("x")), 0.002);
                assertEquals(Double.parseDouble(e.attr("width")), Double.parseDouble(a.attr("width")), 0.002);
            }
        }
        assertEquals(written.select("#tree-root details.pt-table").size(), drawn.select("#tree-root details.pt-table").size());
        assertEquals(written.getElementById("op-text").text(), drawn.getElementById("op-text").text());
    }

    @Test
    void aKnownStepShowsTheEnginesStateThere() throws Exception {
        Path page = MapPages.page(dir, "hand.trace", MapPages.HAND, null);
        // Operation 5 is the share on line 6; the map is asked for it and for VM 2's table.
        Document drawn = dom(page, "#step=5&vm=2");
        assertEquals("after operation 5 of " + MapPages.HAND_OPERATIONS, drawn.getElementById("step-label").text());
        assertEquals("share type=share from=1 to=2 attrs=0x60 c=0x200000:2", drawn.getElementById("op-text").text());
        String prefix = MapPages.prefix(MapPages.HAND, 6);
        assertEquals(5, MapPages.checkAgainstEngine(drawn, MapPages.machineAfter(prefix), 3));
        assertTrue(drawn.select("rect.run[data-state=" + OwnershipState.LENT.ordinal() + "]").isEmpty(), "the lend is later");
        List<String> out = new ArrayList<>();
        MapPages.page(dir, "dump2.trace", prefix + "dump vm=2\n", out);
        assertEquals(MapPages.tablesDumped(out.get(0), 7), drawn.select("#tree-root details.pt-table").size());
        assertTrue(drawn.selectFirst("#tree-root .tree-head").text().startsWith("VM 2:"));
        // What the share changed is outlined: one run in each of the two VMs.
        assertEquals(2, drawn.select("#changes rect.change").size(), "the shared pages, outlined in VM 1 and in VM 2");
    }

    @Test
    void everyStepOfACorpusTraceShowsTheEnginesState() throws Exception {
        CorpusCase corpus = Corpus.bundled(OwnershipMapPageTest.CORPUS_SHARE::equals).get(0);
        Path page = corpusPage(null);
        List<Integer> lines = new ArrayList<>(new TreeSet<>(corpus.expected().lines()
                .map(l -> Integer.parseInt(l.substring(0, l.indexOf(':')))).toList()));
        for (int step : new int[] {5, 20, 40}) {
            Document drawn = dom(page, "#step=" + step);
            int line = lines.get(step - 1);
            assertEquals("line " + line, drawn.getElementById("op-line").text());
            int checked = MapPages.checkAgainstEngine(drawn, MapPages.machineAfter(MapPages.prefix(corpus.trace(), line)), 3);
            assertTrue(checked > 3, "step " + step + ": " + checked);
        }
    }

    @Test
    void theControlsWork() throws Exception {
        Path page = corpusPage(null);
        String driver = new String(OwnershipMapBrowserTest.class.getResourceAsStream("map-driver.js").readAllBytes(),
                StandardCharsets.UTF_8);
        Path driven = dir.resolve("driven.html");
        Files.writeString(driven, Files.readString(page).replace("</body>", "<script>\n" + driver + "</script>\n</body>"));
        Document dom = dom(driven, "");
        Element report = dom.getElementById("driver-report");
        assertEquals("done", report.attr("data-result"), report.text());
        Map<String, String> checks = new TreeMap<>();
        for (Element check : report.select("li")) {
            checks.put(check.attr("data-check"), check.attr("data-ok"));
        }
        assertTrue(checks.size() >= 10, checks.toString());
        checks.forEach((name, ok) -> assertEquals("true", ok, name + ": " + report.text()));
    }

    @Test
    void theScreenshotShowsTheBandsInTheirColours() throws Exception {
        Path page = corpusPage(null);
        Path png = dir.resolve("map.png");
        chromium.screenshot(page.toUri().toString(), WIDTH, HEIGHT, png);
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(WIDTH, image.getWidth());
        assertEquals(HEIGHT, image.getHeight());
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < HEIGHT; y += 3) {
            for (int x = 0; x < WIDTH; x += 3) {
                colours.add(image.getRGB(x, y) & 0xffffff);
            }
        }
        assertTrue(colours.size() > 20, "a page with text and bands, not a blank: " + colours.size() + " colours");

        // Where the bands are in the window comes from the page's DOM in the same window; which
        // state each run has, and so its colour, from the page as written.
        Element svg = dom(page, "").getElementById("bands");
        Document written = MapPages.parse(page);
        double[] box = numbers(svg.attr("data-box"));
        double[] viewBox = numbers(svg.attr("viewBox").replace(' ', ','));
        double sx = box[2] / viewBox[2];
        double sy = box[3] / viewBox[3];
        Set<OwnershipState> seen = new HashSet<>();
        Map<String, Integer> columns = new TreeMap<>();
        for (int vm = 1; vm <= 3; vm++) {
            for (Element run : MapPages.runs(written, vm)) {
                double x = Double.parseDouble(run.attr("x"));
                double w = Double.parseDouble(run.attr("width"));
                if (w * sx < 6) {
                    continue;
                }
                int px = (int) Math.round(box[0] + (x + w / 2 - viewBox[0]) * sx);
                int py = (int) Math.round(box[1] + (Double.parseDouble(run.attr("y"))
                        + Double.parseDouble(run.attr("height")) / 2 - viewBox[1]) * sy);
                assertTrue(px < WIDTH && py < HEIGHT, "the band lies in the window: " + px + "," + py);
                OwnershipState state = OwnershipState.values()[Integer.parseInt(run.attr("data-state"))];
                int expected = Integer.parseInt(state.colour().substring(1), 16);
                int actual = image.getRGB(px, py) & 0xffffff;
                assertTrue(close(expected, actual), String.format("VM %d run %s at %d,%d: %06x, not %06x", vm,
                        run.attr("data-begin"), px, py, actual, expected));
                seen.add(state);
                columns.merge(run.attr("data-begin") + "-" + run.attr("data-end") + "@" + px, 1, Integer::sum);
            }
        }
        assertTrue(seen.size() >= 4, "states seen in the screenshot: " + seen);
        assertTrue(columns.values().stream().anyMatch(n -> n >= 2),
                "a share lines up: one page range drawn at one place in two bands");
    }

    private static boolean close(int a, int b) {
        for (int shift = 0; shift <= 16; shift += 8) {
            if (Math.abs(((a >> shift) & 0xff) - ((b >> shift) & 0xff)) > 3) {
                return false;
            }
        }
        return true;
    }

    private static double[] numbers(String list) {
        return Arrays.stream(list.split(",")).mapToDouble(Double::parseDouble).toArray();
    }
}
