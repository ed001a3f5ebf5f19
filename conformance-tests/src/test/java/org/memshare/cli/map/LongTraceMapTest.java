package org.memshare.cli.map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.memshare.engine.machine.Machine;
import org.memshare.engine.plugin.ArchRegistry;
import org.memshare.trace.TraceReplayer;

/** A trace of 100,000 lines makes a page of a few megabytes that says it is summarised, and the output is whole. */
class LongTraceMapTest {

    @TempDir
    Path dir;

    @Test
    void aHundredThousandLinesMakeASmallSummarisedPage() throws IOException {
        Path trace = dir.resolve("long.trace");
        int lines = 1;
        try (Writer out = Files.newBufferedWriter(trace, StandardCharsets.UTF_8)) {
            out.write("init arch=fake pool_pages=1024 vms=3\n");
            for (int i = 0; lines < 100_000; i++) {
                long at = 0x40000000L + (i % 4096) * 0x1000L;
                String page = "0x" + Long.toHexString(at);
                String range = page + " 0x" + Long.toHexString(at + 0x1000);
                int to = 2 + i % 2;
                out.write("map 1 " + range + " 0x7\n");
                out.write("share type=share from=1 to=" + to + " attrs=0x60 c=" + page + ":1\n");
                out.write("share type=relinquish from=" + to + " to=1 c=" + page + ":1\n");
                // Every fifth page stays lent; the others are asked for their mode.
                out.write(i % 5 == 0 ? "share type=lend from=1 to=" + to + " attrs=0x60 c=" + page + ":1\n"
                        : "mode 1 " + range + "\n");
                lines += 4;
            }
        }
        // Through the Java entry points, as the command line wires them, to keep the machine for the check below.
        Path html = dir.resolve("long.html");
        CountingWriter out = new CountingWriter();
        TraceReplayer replayer;
        try (OwnershipMap map = OwnershipMap.open(html, "long.trace"); InputStream in = Files.newInputStream(trace)) {
            replayer = new TraceReplayer(ArchRegistry.discover(), map.tap(out), map.observer(null));
            assertEquals(0, replayer.replay(map.tap(in)));
            map.write();
        }
        assertEquals(lines, out.lines, "one output line per operation, all written");
        long size = Files.size(html);
        assertTrue(size < 8_000_000, "page of " + size + " bytes");
        Document page = MapPages.parse(html);
        assertEquals(String.valueOf(Recorder.Limits.DEFAULT.steps() + 1), page.getElementById("step").attr("max"));
        Element note = page.selectFirst("header p.note");
        assertTrue(note.text().contains("summarised") && note.text().contains("more than 10000 operations"), note.text());
        assertTrue(page.getElementById("op-line").text().endsWith("\u2013" + lines), page.getElementById("op-line").text());
        // The last step is the state the trace left.
        Machine machine = replayer.machine().orElseThrow();
        int runs = 0;
        for (int vm = 1; vm <= 3; vm++) {
            for (Element rect : MapPages.runs(page, vm)) {
                if (!rect.hasAttr("data-states")) {
                    assertEquals(MapPages.engineState(machine, vm, MapPages.address(rect.attr("data-begin"))).ordinal(),
                            Integer.parseInt(rect.attr("data-state")));
                    runs++;
                }
            }
        }
        assertTrue(runs > 0);
    }

    /** Counts the lines written, keeping nothing. */
    private static final class CountingWriter extends Writer {
        long lines;

        @Override
        public void write(char[] chars, int offset, int count) {
            for (int i = offset; i < offset + count; i++) {
                if (chars[i] == '\n') {
                    lines++;
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
