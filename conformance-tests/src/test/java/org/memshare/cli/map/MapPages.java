package org.memshare.cli.map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.TreeSet;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.memshare.api.addr.IntermediatePhysicalAddress;
import org.memshare.cli.MemshareCommand;
import org.memshare.engine.machine.Machine;
import org.memshare.engine.plugin.ArchRegistry;
import org.memshare.trace.TraceReplayer;

/** Helpers of the ownership map's tests: run {@code memshare replay --html}, read the page, ask the engine. */
final class MapPages {
    /** A hand trace on the fake arch whose every state is known (see {@link #HAND_STATES}). */
    static final String HAND = String.join("\n",
            "init arch=fake pool_pages=64 vms=3",
            "map 1 0x200000 0x210000 0x7",
            "map 2 0x400000 0x402000 0x7",
            "# VM 3 owns device memory",
            "map 3 0x9000000 0x9001000 0xf",
            "share type=share from=1 to=2 attrs=0x60 c=0x200000:2",
            "share type=lend from=1 to=3 attrs=0x60 c=0x204000:1",
            "mode 1 0x200000 0x201000",
            "dump vm=1",
            "");
    /** The hand trace's operations (its lines that are neither blank nor comments). */
    static final int HAND_OPERATIONS = 8;
    /** What the hand trace leaves, by hand: VM, first page address, end address, state. */
    static final Object[][] HAND_STATES = {
        {1, 0x200000L, 0x202000L, OwnershipState.OWNED_SHARED},
        {1, 0x202000L, 0x204000L, OwnershipState.OWNED_EXCLUSIVE},
        {1, 0x204000L, 0x205000L, OwnershipState.LENT},
        {1, 0x205000L, 0x210000L, OwnershipState.OWNED_EXCLUSIVE},
        {2, 0x200000L, 0x202000L, OwnershipState.BORROWED_SHARED},
        {2, 0x400000L, 0x402000L, OwnershipState.OWNED_EXCLUSIVE},
        {3, 0x204000L, 0x205000L, OwnershipState.BORROWED_EXCLUSIVE},
        {3, 0x9000000L, 0x9001000L, OwnershipState.DEVICE},
    };

    private MapPages() {
    }

    /** The exit status and what the command printed. */
    record Run(int status, String out, String err) {
    }

    static Run memshare(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = MemshareCommand.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    /** Writes {@code trace} to {@code dir/name}, replays it with {@code --html} and returns the page's path. */
    static Path page(Path dir, String name, String trace, List<String> expectOutput) throws IOException {
        Path file = Files.writeString(dir.resolve(name), trace);
        Path html = dir.resolve(name + ".html");
        Run run = memshare("replay", "--html", html.toString(), file.toString());
        assertTrue(run.status() <= 1, run.err());
        if (expectOutput != null) {
            expectOutput.add(run.out());
        }
        return html;
    }

    static Document parse(Path html) throws IOException {
        return Jsoup.parse(Files.readString(html, StandardCharsets.UTF_8));
    }

    /** The first {@code lines} lines of {@code trace}. */
    static String prefix(String trace, int lines) {
        String[] all = trace.split("\n", -1);
        return String.join("\n", Arrays.copyOf(all, Math.min(lines, all.length))) + "\n";
    }

    /** The machine a trace leaves, replayed by the engine alone. */
    static Machine machineAfter(String trace) throws IOException {
        TraceReplayer replayer = new TraceReplayer(ArchRegistry.discover(), new StringWriter());
        replayer.replay(new StringReader(trace));
        return replayer.machine().orElseThrow();
    }

    /** The engine's state of VM {@code vm}'s page at {@code address}: its get-mode of that page, classified. */
    static OwnershipState engineState(Machine machine, int vm, long address) {
        OptionalInt mode = machine.vm(vm).orElseThrow().table().mode(IntermediatePhysicalAddress.of(address),
                IntermediatePhysicalAddress.of(address + 4096));
        return OwnershipState.of(mode.orElseThrow());
    }

    /** How many tables (entries printed {@code table}) a dump of line {@code line} printed. */
    static long tablesDumped(String output, int line) {
        return output.lines().filter(l -> l.startsWith(line + ": ") && l.endsWith(" table")).count();
    }

    /** How many distinct lines printed output: the operations that ran (none of the traces used has an error). */
    static int operations(String output) {
        TreeSet<String> lines = new TreeSet<>();
        output.lines().forEach(l -> lines.add(l.substring(0, l.indexOf(':'))));
        return lines.size();
    }

    /** The run rectangles of VM {@code vm}'s band. */
    static List<Element> runs(Document page, int vm) {
        Element band = page.selectFirst("svg#bands g.band[data-vm=" + vm + "]");
        return band == null ? List.of() : new ArrayList<>(band.select("rect.run"));
    }

    static long address(String hex) {
        return Long.parseUnsignedLong(hex.substring(2), 16);
    }

    /**
     * Checks every unmixed run of VMs 1 to {@code vms} against the engine's get-mode of its first
     * and last page, and returns how many runs it checked.
     */
    static int checkAgainstEngine(Document page, Machine machine, int vms) {
        int checked = 0;
        for (int vm = 1; vm <= vms; vm++) {
            for (Element run : runs(page, vm)) {
                if (run.hasAttr("data-states")) {
                    continue;
                }
                OwnershipState drawn = OwnershipState.values()[Integer.parseInt(run.attr("data-state"))];
                assertEquals(drawn.colour(), run.attr("fill"));
                String where = "VM " + vm + " " + run.attr("data-begin") + ".." + run.attr("data-end");
                assertEquals(engineState(machine, vm, address(run.attr("data-begin"))), drawn, where);
                assertEquals(engineState(machine, vm, address(run.attr("data-end")) - 4096), drawn, where);
                checked++;
            }
        }
        return checked;
    }
}
