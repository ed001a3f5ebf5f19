package org.memshare.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.memshare.api.ffa.CompositeRegion;
import org.memshare.api.ffa.EndpointAccess;
import org.memshare.api.ffa.FfaConstituent;
import org.memshare.api.ffa.MemoryTransaction;
import org.memshare.api.ffa.Rejection;
import org.memshare.engine.ffa.FfaMemory;
import org.memshare.engine.machine.Machine;
import org.memshare.engine.plugin.ArchRegistry;

/**
 * FF-A lines under {@link Replay.Builder#explain()} and a {@link LineFormat} of one's own: every
 * error names its check with the values (one check per ABI here), the bytes a line sent or
 * received are decoded into an {@link FfaDescriptor} whose fields are the bytes' own, a retrieve
 * response in pieces, the v1.0 and v1.1 layouts, descriptors the codec rejects, and the canonical
 * output unchanged underneath.
 */
class FfaExplainTest {

    /** The worked example of docs/traces.md, "FF-A". */
    static final String WORKED_EXAMPLE = """
            init arch=fake pool_pages=64 vms=3 ffa=1.2,1.2,1.1
            map 1 0x200000 0x210000 0x7
            mem_lend from=1 to=2,3:ro c=0x200000:2
            mode 1 0x200000 0x202000
            mem_retrieve vm=3 handle=0x8000000000000000 from=1 type=lend to=2:rw,3:ro
            mode 3 0x200000 0x202000
            mem_retrieve vm=3 handle=0x8000000000000000 from=1 type=lend to=2:rw,3:ro
            rx_release vm=3
            mem_reclaim vm=1 handle=0x8000000000000000
            mem_relinquish vm=3 handle=0x8000000000000000
            mem_reclaim vm=1 handle=0x8000000000000000
            mode 1 0x200000 0x202000
            """;

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

    /** Every line the replay hands a format, by the trace line that printed it (the last one wins). */
    private static Map<Integer, ReplayLine> lines(String trace) throws IOException {
        Map<Integer, ReplayLine> seen = new java.util.HashMap<>();
        Replay.builder().format((line, text) -> seen.put(line.number(), line)).build()
                .run(new StringReader(trace), new StringWriter());
        return seen;
    }

    /** The explained output's line for trace line {@code n} and the {@code #} lines after it. */
    private static List<String> block(String explained, int n) {
        List<String> all = explained.lines().toList();
        int at = 0;
        while (!all.get(at).startsWith(n + ": ")) {
            at++;
        }
        List<String> block = new ArrayList<>(List.of(all.get(at)));
        for (int i = at + 1; i < all.size() && all.get(i).startsWith("#"); i++) {
            block.add(all.get(i));
        }
        return block;
    }

    private static FfaDescriptor descriptor(ReplayLine line) {
        return (FfaDescriptor) line.descriptor().orElseThrow(() -> new AssertionError("no descriptor: " + line));
    }

    private static ByteBuffer bytesOf(ReplayLine line) {
        String text = line.text();
        byte[] bytes = HexFormat.of().parseHex(text.substring(text.indexOf("bytes=") + "bytes=".length()));
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void theWorkedExampleExplainedIsTheCanonicalOutputWithComments() throws IOException {
        String explained = explained(WORKED_EXAMPLE);
        assertEquals(canonical(WORKED_EXAMPLE), ExplainTest.strip(explained));
        assertEquals(List.of(
                "9: DENIED # RECLAIM_NOT_RELINQUISHED (a borrower still holds the memory): receiver 0x3 still holds"
                        + " 0x8000000000000000"), block(explained, 9));
        List<String> response = block(explained, 5);
        assertEquals(List.of(
                "#   retrieve response to VM 3, v1.1: 0x60 bytes",
                "#   sender 1, attributes 0x2f (normal write-back inner), flags 0x10 (TYPE=LEND), handle 0x8000000000000000,"
                        + " tag 0x0",
                "#   48-byte header, 1 receiver at 0x30, 16 bytes each",
                "#   0x30 receiver[0]: VM 3, permissions RO+NX (0x5), flags 0x0, composite offset 0x40",
                "#   0x40 composite: 2 pages, 1 constituent",
                "#   0x50 constituent[0]: 0x200000+2"), response.subList(1, response.size()));
        assertEquals(List.of("10: SUCCESS bytes=000000000000008000000000010000000300",
                "#   relinquish from VM 3, v1.1: handle 0x8000000000000000, flags 0x0, endpoints 3"), block(explained, 10));
        // Nothing to explain: successes without bytes, version answers, modes.
        assertEquals(List.of("8: SUCCESS"), block(explained, 8));
        assertEquals(List.of("11: SUCCESS"), block(explained, 11));
    }

    @Test
    void eachAbisRefusalNamesItsCheckAndTheValues() throws IOException {
        String trace = """
                init arch=fake pool_pages=64 vms=3
                map 1 0x200000 0x210000 0x7
                ffa_version vm=2 version=1.4
                mem_donate from=1 to=2,3 c=0x200000:1
                mem_lend from=1 to=4 c=0x200000:1
                mem_frag_tx vm=1 handle=0x8000000000000005 hex=00000000000000000000000000000000
                mem_share from=1 to=2 tag=0x7 c=0x200000:1
                mem_retrieve vm=2 handle=0x8000000000000000 from=1 type=share tag=0x8
                mem_frag_rx vm=2 handle=0x8000000000000000 offset=0x60
                rx_release vm=2
                mem_relinquish vm=2 handle=0x8000000000000000 endpoints=3
                mem_reclaim vm=2 handle=0x8000000000000000
                """;
        Map<Integer, ReplayLine> lines = lines(trace);
        String[][] expected = {
            {"3", "VERSION_INCOMPATIBLE", "the requested version is not compatible with 1.3 (major 1, minor at most 3)",
                "version 1.4 is not compatible with 1.3"},
            {"4", "SEND_DONATE_RECEIVER_COUNT", "a donate has more than one receiver", "a donate to 2 receivers"},
            {"5", "SEND_RECEIVER_NOT_A_VM_OR_SELF", "a receiver is not a VM of the machine (no other world is modelled),"
                + " or is the caller", "receiver 0x4 is not a VM of this machine"},
            {"6", "FRAG_TX_UNKNOWN_HANDLE", "no share state has the handle", "handle 0x8000000000000005"},
            {"8", "RETRIEVE_TAG", "the tag differs from the send's", "tag 0x8, the send's is 0x7"},
            {"9", "FRAG_RX_NOT_IN_PROGRESS", "the caller has not started, or has finished, retrieving",
                "VM 2 has retrieved 0 of 1 fragments"},
            {"10", "RX_RELEASE_EMPTY", "the RX buffer holds nothing", "VM 2's RX buffer holds nothing"},
            {"11", "RELINQUISH_NOT_CALLER", "the endpoint is not the caller", "endpoint 0x3 is not the caller VM 2"},
            {"12", "RECLAIM_NOT_SENDER", "the caller is not the transaction's sender",
                "VM 2 did not send 0x8000000000000000 (VM 0x1 did)"},
        };
        for (String[] e : expected) {
            ReplayLine line = lines.get(Integer.parseInt(e[0]));
            assertEquals(Optional.of(e[1]), line.check(), line::toString);
            assertEquals(Optional.of(e[1] + " (" + e[2] + "): " + e[3]), line.reason(), line::toString);
            assertEquals(e[1], line.fields().get("check"));
            assertEquals(line.reason().get(), line.fields().get("reason"));
        }
        String explained = explained(trace);
        assertEquals("8: INVALID_PARAMETERS bytes=" + HexFormat.of().formatHex(bytesOf(lines.get(8)).array())
                + " # RETRIEVE_TAG (the tag differs from the send's): tag 0x8, the send's is 0x7", block(explained, 8).get(0));
        // A success and a version answer carry neither.
        assertEquals(Optional.empty(), lines.get(7).check());
        assertEquals(Optional.empty(), lines.get(7).reason());
        assertNull(lines.get(7).fields().get("check"));
        assertEquals(canonical(trace), ExplainTest.strip(explained));
    }

    @Test
    void aRetrieveResponsesFieldsAreItsBytes() throws IOException {
        ReplayLine line = lines(WORKED_EXAMPLE).get(5);
        FfaDescriptor d = descriptor(line);
        ByteBuffer b = bytesOf(line);
        assertEquals(FfaDescriptor.Kind.RETRIEVE_RESPONSE, d.kind());
        assertEquals(3, d.vm());
        assertEquals("1.1", d.version().toString());
        assertEquals(b.capacity(), d.length());
        assertEquals(0x60, d.totalLength().getAsLong(), "w1, as total=0x60 says");
        MemoryTransaction tx = d.transaction().orElseThrow();
        assertEquals(b.getShort(0) & 0xffff, tx.sender());
        assertEquals(b.getShort(2) & 0xffff, tx.attributes().value());
        assertEquals(b.getInt(4), tx.flags().value());
        assertEquals(b.getLong(8), tx.handle());
        assertEquals(b.getLong(16), tx.tag());
        assertEquals(b.getInt(24), tx.accessDescriptorSize());
        assertEquals(b.getInt(28), tx.receiverCount());
        assertEquals(b.getInt(32), tx.receiversOffset());
        int at = (int) tx.receiversOffset();
        EndpointAccess r = tx.receivers().get(0);
        assertEquals(b.getShort(at) & 0xffff, r.receiver());
        assertEquals(b.get(at + 2) & 0xff, r.permissions().value());
        assertEquals(b.get(at + 3) & 0xff, r.flags());
        assertEquals(b.getInt(at + 4), r.compositeOffset());
        int composite = (int) r.compositeOffset();
        CompositeRegion c = tx.composite().orElseThrow();
        assertEquals(b.getInt(composite), c.totalPageCount());
        assertEquals(b.getInt(composite + 4), c.constituentCount());
        FfaConstituent first = c.constituents().get(0);
        assertEquals(b.getLong(composite + 16), first.address());
        assertEquals(b.getInt(composite + 24), first.pageCount());
        // What a person checks first, stated: VM 3 got the pages read-only, not executable.
        assertEquals(3, r.receiver());
        assertEquals("RO+NX", r.permissions().toString());
        assertEquals(List.of(FfaConstituent.of(0x200000, 2)), c.constituents());

        Map<String, Object> fields = d.fields();
        assertEquals("ffa", fields.get("protocol"));
        assertEquals("retrieveResponse", fields.get("kind"));
        assertEquals("0x8000000000000000", fields.get("handle"));
        assertEquals(List.of("TYPE=LEND"), fields.get("flagNames"));
        assertEquals(Map.of("vm", 3, "permissions", "0x5", "access", "RO+NX", "flags", "0x0", "compositeOffset", 64L,
                "impdef", List.of("0x0", "0x0"), "reserved", "0x0"), ((List<?>) fields.get("receivers")).get(0));
        assertEquals(List.of(Map.of("address", "0x200000", "pages", 2L)), fields.get("constituents"));
    }

    /** VM 1 (v1.2) lends 300 one-page runs to VM 2 (v1.0) in two fragments; VM 2's response comes in two too. */
    private static String fragmented() {
        StringBuilder c = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            c.append(i == 0 ? "" : ",").append("0x").append(Long.toHexString(0x200000 + 0x2000L * i)).append(":1");
        }
        return "init arch=fake pool_pages=256 vms=2 ffa=1.2,1.0\n"
                + "map 1 0x200000 0x500000 0x7\n"
                + "mem_lend from=1 to=2 c=" + c + " fragment=4000\n"
                + "mem_frag_tx vm=1 handle=0x8000000000000000\n"
                + "mem_retrieve vm=2 handle=0x8000000000000000 from=1 type=lend\n"
                + "rx_release vm=2\n"
                + "mem_frag_rx vm=2 handle=0x8000000000000000 offset=0xf80\n";
    }

    @Test
    void aFragmentedRetrieveResponseIsDecodedPieceByPiece() throws IOException {
        String trace = fragmented();
        Map<Integer, ReplayLine> lines = lines(trace);
        assertTrue(lines.get(3).text().startsWith("MEM_FRAG_RX handle=0x8000000000000000 offset=0xfa0 "), lines.get(3).text());
        FfaDescriptor send = descriptor(lines.get(3));
        assertEquals(4000, send.length());
        assertEquals(4896, send.totalLength().getAsLong());
        assertEquals(244, send.constituents().size(), "(4000 - 96) / 16 in the first fragment");
        FfaDescriptor rest = descriptor(lines.get(4));
        assertEquals(FfaDescriptor.Kind.SEND_FRAGMENT, rest.kind());
        assertEquals(56, rest.constituents().size());

        FfaDescriptor first = descriptor(lines.get(5));
        assertTrue(lines.get(5).text().startsWith("MEM_RETRIEVE_RESP total=0x1300 fragment=0xf80 "), lines.get(5).text());
        assertEquals(0xf80, first.length());
        assertEquals(0x1300, first.totalLength().getAsLong());
        assertEquals(300, first.transaction().orElseThrow().composite().orElseThrow().constituentCount());
        FfaDescriptor next = descriptor(lines.get(7));
        assertEquals(FfaDescriptor.Kind.RETRIEVE_FRAGMENT, next.kind());
        assertEquals(0xf80, next.offset().getAsLong());
        assertEquals(0x380, next.length());
        assertEquals(first.length() + next.length(), first.totalLength().getAsLong(), "the pieces make the whole");
        List<FfaConstituent> all = new ArrayList<>(first.constituents());
        all.addAll(next.constituents());
        assertEquals(300, all.size());
        for (int i = 0; i < all.size(); i++) {
            assertEquals(FfaConstituent.of(0x200000 + 0x2000L * i, 1), all.get(i), "constituent " + i);
        }

        String explained = explained(trace);
        List<String> response = block(explained, 5);
        assertEquals("#   retrieve response to VM 2, v1.0: 0xf80 of 0x1300 bytes", response.get(1));
        assertEquals("#   0x30 composite: 300 pages, 300 constituents (244 in these bytes)", response.get(5));
        assertEquals("#   0x40 constituents[0..3]: 0x200000+1, 0x202000+1, 0x204000+1, 0x206000+1", response.get(6));
        assertEquals(6 + 244 / 4, response.size(), "the line, 5 of fields, 61 of 4 constituents");
        List<String> fragment = block(explained, 7);
        assertEquals("#   retrieve response fragment to VM 2, v1.0: 0x380 bytes from offset 0xf80, 56 constituents",
                fragment.get(1));
        assertEquals("#   0xf80 constituents[0..3]: 0x3e8000+1, 0x3ea000+1, 0x3ec000+1, 0x3ee000+1", fragment.get(2));
        assertEquals("#   0x12c0 constituents[52..55]: 0x450000+1, 0x452000+1, 0x454000+1, 0x456000+1",
                fragment.get(fragment.size() - 1));
        assertEquals(canonical(trace), ExplainTest.strip(explained));
    }

    @Test
    void aV1_0AndAV1_1RetrieverEachGetTheirOwnLayout() throws IOException {
        String trace = """
                init arch=fake pool_pages=64 vms=3 ffa=1.2,1.0,1.1
                map 1 0x200000 0x210000 0x7
                mem_share from=1 to=2,3 c=0x200000:1,0x204000:2
                mem_retrieve vm=2 handle=0x8000000000000000 from=1 type=share to=2,3
                mem_retrieve vm=3 handle=0x8000000000000000 from=1 type=share to=2,3
                """;
        String explained = explained(trace);
        assertEquals(List.of(
                "#   retrieve response to VM 2, v1.0: 0x60 bytes",
                "#   sender 1, attributes 0x2f (normal write-back inner), flags 0x8 (TYPE=SHARE), handle 0x8000000000000000,"
                        + " tag 0x0",
                "#   v1.0 layout: 32-byte header, 1 receiver at 0x20, 16 bytes each",
                "#   0x20 receiver[0]: VM 2, permissions RW+NX (0x6), flags 0x0, composite offset 0x30",
                "#   0x30 composite: 3 pages, 2 constituents",
                "#   0x40 constituents[0..1]: 0x200000+1, 0x204000+2"), tail(block(explained, 4)));
        assertEquals(List.of(
                "#   retrieve response to VM 3, v1.1: 0x70 bytes",
                "#   sender 1, attributes 0x2f (normal write-back inner), flags 0x8 (TYPE=SHARE), handle 0x8000000000000000,"
                        + " tag 0x0",
                "#   48-byte header, 1 receiver at 0x30, 16 bytes each",
                "#   0x30 receiver[0]: VM 3, permissions RW+NX (0x6), flags 0x0, composite offset 0x40",
                "#   0x40 composite: 3 pages, 2 constituents",
                "#   0x50 constituents[0..1]: 0x200000+1, 0x204000+2"), tail(block(explained, 5)));
        // The send itself, in the sender's v1.2 layout: 32-byte receivers.
        assertEquals("#   48-byte header, 2 receivers at 0x30, 32 bytes each", block(explained, 3).get(3));
        Map<Integer, ReplayLine> lines = lines(trace);
        assertEquals(16L, descriptor(lines.get(4)).fields().get("accessDescriptorSize"));
        assertEquals(32L, descriptor(lines.get(4)).fields().get("receiversOffset"));
        assertEquals(48L, descriptor(lines.get(5)).fields().get("receiversOffset"));
        assertEquals(canonical(trace), ExplainTest.strip(explained));
    }

    private static List<String> tail(List<String> block) {
        return block.subList(1, block.size());
    }

    @Test
    void bytesTheCodecRejectsShowTheRejectionInstead() throws IOException {
        String trace = """
                init arch=fake pool_pages=64 vms=2
                mem_retrieve vm=2 hex=0000
                mem_send type=lend vm=1 hex=010000000000000000000000000000000000000000000000200000000100000030000000000000000000000000000000
                mem_relinquish vm=2 hex=00
                """;
        String explained = explained(trace);
        assertEquals("#   retrieve request from VM 2, v1.2: 0x2 bytes, does not decode: header at offset 0: the descriptor is"
                + " 2 bytes, shorter than its 48-byte v1.2 header", block(explained, 2).get(1));
        assertEquals(List.of("#   lend from VM 1, v1.2: 0x30 bytes, does not decode: receiversOffset at offset 32: the first"
                + " 32-byte receiver at 48 ends at 80, beyond the length 48"), tail(block(explained, 3)));
        assertTrue(block(explained, 3).get(0).endsWith(" # SEND_SANITY_RECEIVERS_BEYOND_FRAGMENT (the receivers end beyond"
                + " the fragment (32-bit sum, as Hafnium)): 1 receivers of 32 bytes from 48 end beyond the 48-byte"
                + " descriptor"), block(explained, 3).get(0));
        assertTrue(block(explained, 4).get(1).startsWith("#   relinquish from VM 2, v1.2: 0x1 bytes, does not decode: header"
                + " at offset 0: "), block(explained, 4).get(1));

        FfaDescriptor send = descriptor(lines(trace).get(3));
        Rejection rejection = send.rejection().orElseThrow();
        assertEquals("receiversOffset", rejection.field());
        assertEquals(32, rejection.offset());
        Map<String, Object> fields = send.fields();
        assertEquals(false, fields.get("decoded"));
        assertEquals(Map.of("error", "INVALID_PARAMETERS", "field", "receiversOffset", "offset", 32L, "reason",
                "the first 32-byte receiver at 48 ends at 80, beyond the length 48"), fields.get("rejection"));
        assertNull(fields.get("receivers"));
        assertNull(fields.get("constituents"));
        assertEquals(canonical(trace), ExplainTest.strip(explained));
    }

    @Test
    void everyFfaDescriptorHasTheSameFieldsInTheSameOrder() throws IOException {
        List<List<String>> keys = new ArrayList<>();
        for (ReplayLine line : lines(fragmented() + "mem_relinquish vm=2 hex=00\nmem_retrieve vm=2 hex=00\n").values()) {
            line.descriptor().ifPresent(d -> keys.add(List.copyOf(d.fields().keySet())));
        }
        assertEquals(6, keys.size());
        for (List<String> k : keys) {
            assertEquals(keys.get(0), k);
        }
        assertEquals(24, keys.get(0).size(), keys.get(0).toString());
    }

    @Test
    void theCanonicalPathBuildsNoReasonAndNoDescriptor() throws IOException {
        TraceReplayer replayer = new TraceReplayer(ArchRegistry.discover(), new StringWriter());
        replayer.replay(new StringReader("init arch=fake pool_pages=64 vms=2\nmap 1 0x200000 0x210000 0x7\n"));
        Machine machine = replayer.machine().orElseThrow();
        Operation.FfaCall refused = new Operation.RxRelease(2);
        Operation.FfaCall send = (Operation.FfaCall) ((ParsedLine.Op) TraceParser.parseAll(
                List.of("mem_lend from=1 to=2 c=0x200000:1")).get(0)).operation();

        FfaReplay plain = new FfaReplay(new FfaMemory(machine), false);
        assertEquals(new FfaReplay.Line("DENIED", null, null, null), run(plain, refused));
        FfaReplay.Line sent = run(plain, send);
        assertTrue(sent.text().startsWith("SUCCESS handle=0x8000000000000000 bytes="), sent.text());
        assertNull(sent.descriptor());

        FfaReplay explaining = new FfaReplay(new FfaMemory(machine), true);
        FfaReplay.Line line = run(explaining, refused);
        assertEquals("RX_RELEASE_EMPTY", line.check());
        assertFalse(line.reason().isEmpty());
    }

    private static FfaReplay.Line run(FfaReplay replay, Operation.FfaCall call) {
        try {
            return replay.run(call);
        } catch (FfaReplay.LineFailure e) {
            throw new AssertionError(e.getMessage());
        }
    }
}
