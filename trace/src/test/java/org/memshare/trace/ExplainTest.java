package org.memshare.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link Replay.Builder#explain()}: the engine's reason after every refusal (one of each family),
 * failure and fault, a share's decoded descriptor after it, and the canonical output unchanged
 * underneath; and the {@link ReplayLine}s a format of one's own receives.
 */
class ExplainTest {

    private static String explained(String trace) throws IOException {
        StringWriter out = new StringWriter();
        Replay.builder().explain().build().run(new StringReader(trace), out);
        return out.toString();
    }

    private static String canonical(String trace) throws IOException {
        StringWriter out = new StringWriter();
        Replay.standard().run(new StringReader(trace), out);
        return out.toString();
    }

    /** The output line of trace line {@code n} (its first line). */
    private static String line(String output, int n) {
        return output.lines().filter(l -> l.startsWith(n + ": ")).findFirst().orElseThrow(
                () -> new AssertionError("no line " + n + " in\n" + output));
    }

    /** What LineFormat.explained() promises: dropping '#' lines and ' # ...' tails gives the canonical output. */
    static String strip(String explained) {
        StringBuilder canonical = new StringBuilder();
        for (String l : explained.split("\n", -1)) {
            if (l.startsWith("#")) {
                continue;
            }
            int comment = l.indexOf(" # ");
            canonical.append(comment < 0 ? l : l.substring(0, comment)).append('\n');
        }
        return canonical.substring(0, canonical.length() - 1);
    }

    private static final String SHARES = """
            init arch=fake pool_pages=64 vms=3 policy=no-exec:3
            map 1 0x200000 0x210000 0x7
            share type=lend from=1 to=3 attrs=0x60 c=0x200000:1
            share type=lend from=1 to=2 attrs=0x60 c=0x200800:1
            share type=lend from=1 to=2 attrs=0x60 c=0x300000:1
            share type=lend from=1 to=1 attrs=0x60 c=0x200000:1
            sharebytes type=lend from=1 to=2 hex=0000
            share type=7 from=1 to=2 attrs=0x60 c=0x200000:1
            share type=share from=1 to=2 attrs=0x21 flags=1 tag=0x2a c=0x200000:1,0x202000:2
            """;

    @Test
    void everyRefusalFamilyEndsInTheEnginesReason() throws IOException {
        String out = explained(SHARES);
        // A policy (DENIED): the policy's own words.
        assertTrue(line(out, 3).endsWith(" # VM 3 may not receive executable memory: the lend from VM 1 would give it"
                + " mode 0x27"), out);
        assertTrue(line(out, 3).startsWith("3: DENIED bytes="), out);
        // The decoder's rules.
        assertTrue(line(out, 4).endsWith(" # constituent 0 (0x200800, 1 page) is not aligned to 4096 bytes"), out);
        // The transition table.
        assertTrue(line(out, 5).endsWith(" # no lend transition from sender mode INVALID|UNOWNED|SHARED (0x70) and"
                + " receiver mode INVALID|UNOWNED|SHARED (0x70)"), out);
        // The hypervisor's own checks, before any decoding.
        assertTrue(line(out, 6).endsWith(" # a VM cannot send to itself"), out);
        assertTrue(line(out, 7).endsWith(" # the region is 2 bytes, shorter than its 24-byte header"), out);
        assertTrue(line(out, 8).endsWith(" # unknown memory message type 7"), out);
        // A success has no reason, only its descriptor.
        assertEquals(line(canonical(SHARES), 9), line(out, 9));
    }

    @Test
    void everyShareIsFollowedByItsDecodedDescriptor() throws IOException {
        List<String> lines = explained(SHARES).lines().toList();
        int at = lines.indexOf(line(explained(SHARES), 9));
        assertEquals("#   share from 1 to 2 attrs RO_X(0x21) flags 0x1 (clear) tag 0x2a pages 3: 0x200000+1, 0x202000+2",
                lines.get(at + 1));
        int refused = lines.indexOf(line(explained(SHARES), 3));
        assertEquals("#   lend from 1 to 3 attrs RW_X(0x60) flags 0x0 tag 0x0 pages 1: 0x200000+1", lines.get(refused + 1));
        int unknownType = lines.indexOf(line(explained(SHARES), 8));
        assertEquals("#   type 7 from 1 to 2 attrs RW_X(0x60) flags 0x0 tag 0x0 pages 1: 0x200000+1",
                lines.get(unknownType + 1));
        int undecodable = lines.indexOf(line(explained(SHARES), 7));
        assertEquals("#   lend from 1 to 2: the region does not decode", lines.get(undecodable + 1));
    }

    @Test
    void manyConstituentsContinueEightToALine() throws IOException {
        StringBuilder c = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            c.append(i == 0 ? "" : ",").append("0x").append(Long.toHexString(0x200000 + 0x2000L * i)).append(":1");
        }
        String out = explained("init arch=fake pool_pages=64 vms=2\nmap 1 0x200000 0x300000 0x7\n"
                + "share type=lend from=1 to=2 attrs=0x40 c=" + c + "\n");
        List<String> lines = out.lines().toList();
        assertEquals("#   lend from 1 to 2 attrs RW_NX(0x40) flags 0x0 tag 0x0 pages 10 in 10 constituents:", lines.get(3));
        assertEquals("#     0x200000+1, 0x202000+1, 0x204000+1, 0x206000+1, 0x208000+1, 0x20a000+1, 0x20c000+1,"
                + " 0x20e000+1", lines.get(4));
        assertEquals("#     0x210000+1, 0x212000+1", lines.get(5));
        assertEquals(6, lines.size());
    }

    @Test
    void aShareThatRunsOutOfPoolSaysWhere() throws IOException {
        // 12 pages hold the roots (1, then 4 and 4 aligned to 4 pages): the 3 pages skipped for
        // the alignment are left for tables, and the map takes 2.
        String trace = """
                init arch=fake pool_pages=12 vms=2
                map 1 0x200000 0x201000 0x7
                pool
                share type=lend from=1 to=2 attrs=0x60 c=0x200000:1
                """;
        String out = explained(trace);
        assertEquals("3: free 1", line(out, 3));
        assertTrue(line(out, 4).startsWith("4: NO_MEMORY bytes="), out);
        assertTrue(line(out, 4).endsWith(" # the page pool ran out preparing the receiver's table (VM 2) for constituent 0"
                + " (0x200000, 1 page): the page pool had 1 free page, the prepare needs 2 new tables; nothing changed"),
                out);
    }

    @Test
    void aMapThatRunsOutOfPoolSaysWhatItHadAndNeeds() throws IOException {
        String out = explained("""
                init arch=fake pool_pages=12 vms=2
                map 1 0x40000000 0x40001000 0x7
                map 1 0x200000 0x201000 0x7
                prepare 2 0x200000 0x201000 0x7
                unmap 1 0x200000 0x201000
                """);
        assertEquals("2: ok", line(out, 2));
        assertEquals("3: fail # the page pool had 1 free page, the map needs 2 new tables", line(out, 3));
        assertEquals("4: fail # the page pool had no free pages, the prepare needs 2 new tables", line(out, 4));
        assertEquals("5: ok", line(out, 5));
    }

    @Test
    void faultsSayWhatTheVmsModeAllows() throws IOException {
        String out = explained("""
                init arch=fake pool_pages=64 vms=2
                map 1 0x200000 0x202000 0x7
                share type=lend from=1 to=2 attrs=0x00 c=0x201000:1
                write vm=2 addr=0x201000 value=1
                read vm=1 addr=0x201000
                access vm=2 addr=0x200000 op=r
                access vm=2 addr=0x201000 op=x
                read vm=2 addr=0x201000
                """);
        assertEquals("4: fault # VM 2 has no write access at 0x201000: mode R|UNOWNED (0x21)", line(out, 4));
        assertEquals("5: fault # VM 1 has no read access at 0x201000: mode R|W|X|INVALID (0x17), not valid in its stage-2"
                + " table", line(out, 5));
        assertEquals("6: fault # VM 2 has no read access at 0x200000: mode INVALID|UNOWNED|SHARED (0x70), not valid in"
                + " its stage-2 table", line(out, 6));
        assertEquals("7: fault # VM 2 has no execute access at 0x201000: mode R|UNOWNED (0x21)", line(out, 7));
        assertEquals("8: value 0x0", line(out, 8));
    }

    @Test
    void aModeThatFailsSaysWhy() throws IOException {
        String out = explained("""
                init arch=fake pool_pages=64 vms=1
                map 1 0x200000 0x201000 0x7
                mode 1 0x200000 0x202000
                mode 1 0x1fffffff000 0x20000001000
                """);
        assertEquals("3: fail # the range has more than one mode: R|W|X (0x7) at 0x200000, INVALID|UNOWNED|SHARED (0x70)"
                + " at 0x201000", line(out, 3));
        assertEquals("4: fail # the range ends at 0x20000001000, beyond the address space (it ends at 0x20000000000)",
                line(out, 4));
    }

    @Test
    void eachInitFailureSaysWhy() throws IOException {
        String out = explained("""
                init arch=fake pa_bits=65 pool_pages=64 vms=1
                init arch=fake pool_pages=64 vms=1 colour=blue
                init arch=fake pool_pages=11 vms=2
                init arch=fake pool_pages=68719476737 vms=1
                init arch=fake pool_pages=68719476736 vms=1
                init arch=fake pool_pages=12 vms=2
                """);
        assertEquals("1: fail # pa_bits 65 is not between 1 and 64", line(out, 1));
        assertTrue(line(out, 2).startsWith("2: fail # fake does not understand the properties [colour]"), out);
        // The second VM's 4 root tables are aligned to 4 pages: pages 1 to 3 stay unused by the roots.
        assertEquals("3: fail # a pool of 11 pages cannot hold the root tables, which need 12: 1 for the hypervisor's"
                + " stage-1 root and 4 for each of 2 VMs' stage-2 roots (aligned to 4 pages)", line(out, 3));
        assertEquals("4: fail # poolPages must be between 0 and 2^36, was 68719476737", line(out, 4));
        assertTrue(line(out, 5).startsWith("5: fail # a pool of 68719476736 pages at 0x80000000 reaches "), out);
        assertEquals("6: ok", line(out, 6), "the pool the reason names is enough");
    }

    @Test
    void errorsAndSuccessesCarryNoComment() throws IOException {
        String trace = "map 1 0x0 0x1000 0x7\ninit arch=fake pool_pages=64 vms=1\nmap 1 0x0 0x1000 0x7\ndefrag 1\ndump vm=1\n"
                + "pool\nmode 1 0x0 0x1000\nbogus x=1\n";
        assertEquals(canonical(trace), explained(trace));
    }

    @Test
    void strippingTheCommentsGivesTheCanonicalOutputBack() throws IOException {
        assertEquals(canonical(SHARES), strip(explained(SHARES)));
    }

    @Test
    void aFormatOfOnesOwnSeesEveryLineWithItsOperationReasonAndDescriptor() throws IOException {
        List<ReplayLine> seen = new ArrayList<>();
        StringWriter out = new StringWriter();
        Replay.builder().format((line, text) -> {
            seen.add(line);
            text.append(line.canonical()).append('\n');
        }).build().run(new StringReader("init arch=fake pool_pages=64 vms=2\nmap 1 0x0 0x1000 0x7\ndump vm=1\n"
                + "share type=lend from=1 to=2 attrs=0x60 c=0x1000:1\nnope\n"), out);
        assertEquals(canonical("init arch=fake pool_pages=64 vms=2\nmap 1 0x0 0x1000 0x7\ndump vm=1\n"
                + "share type=lend from=1 to=2 attrs=0x60 c=0x1000:1\nnope\n"), out.toString());
        assertEquals(List.of(ReplayLine.Kind.RESULT, ReplayLine.Kind.RESULT, ReplayLine.Kind.ENTRY, ReplayLine.Kind.ENTRY,
                ReplayLine.Kind.ENTRY, ReplayLine.Kind.RESULT, ReplayLine.Kind.RESULT, ReplayLine.Kind.ERROR),
                seen.stream().map(ReplayLine::kind).toList());
        ReplayLine share = seen.get(6);
        assertEquals("INVALID_PARAMETERS", share.outcome());
        assertEquals(Optional.of("share"), share.operation().map(Operation::nameOf));
        assertTrue(share.reason().orElseThrow().startsWith("no lend transition from sender mode"), share::toString);
        SpciDescriptor descriptor = (SpciDescriptor) share.descriptor().orElseThrow();
        assertEquals(1, descriptor.type());
        assertEquals(0x1000, descriptor.region().orElseThrow().constituents().get(0).address());
        assertEquals(Optional.empty(), seen.get(7).operation(), "a malformed line has no operation");
        assertEquals("error", seen.get(7).outcome());
        assertEquals("end", seen.get(5).outcome());
        assertEquals("entry", seen.get(2).outcome());
    }

    @Test
    void fieldsFollowTheDocumentedSchema() throws IOException {
        List<ReplayLine> seen = new ArrayList<>();
        Replay.builder().format((line, text) -> seen.add(line)).build().run(new StringReader(
                "init arch=fake pool_pages=64 vms=2\nmap 1 0x0 0x1000 0x7\nmode 1 0x0 0x1000\npool\nread vm=1 addr=0x8\n"
                        + "unmap 1 0 0x1000 extra\n"), new StringWriter());
        Map<String, Object> init = seen.get(0).fields();
        assertEquals(List.of("line", "kind", "op", "args", "outcome", "value", "text", "reason", "check", "error", "descriptor"),
                List.copyOf(init.keySet()));
        assertEquals("fake", ((Map<?, ?>) init.get("args")).get("arch"));
        assertEquals("0x7", seen.get(2).fields().get("value"));
        assertEquals(Long.parseLong(seen.get(3).text().substring("free ".length())), seen.get(3).fields().get("value"));
        assertEquals("0x0", seen.get(4).fields().get("value"));
        Map<String, Object> error = seen.get(5).fields();
        assertEquals("error", error.get("kind"));
        assertEquals(null, error.get("op"));
        assertEquals("too many arguments to 'unmap': 'extra'", error.get("error"));
        assertEquals("6: error too many arguments to 'unmap': 'extra'", error.get("text"));
    }

    @Test
    void anOperationThisVersionDoesNotListGetsItsRecordComponents() {
        Map<String, Object> args = new LinkedHashMap<>();
        Arguments.components(new Operation.Access(2, 0x1000, Operation.AccessKind.W), args);
        assertEquals(Map.of("vm", 2, "address", 4096L, "kind", "W"), args);
    }
}
