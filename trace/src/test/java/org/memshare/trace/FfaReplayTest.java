package org.memshare.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.memshare.engine.plugin.ArchRegistry;

/**
 * Replay of the FF-A lines: the canonical output of docs/traces.md, each builder's layout in the
 * caller's version, fragments kept back and sent on, and the trace errors. The expected outputs
 * of the first tests are what Hafnium main itself printed for the same traces (its FF-A code
 * built natively as an oracle).
 */
class FfaReplayTest {
    private static final ArchRegistry REGISTRY = ArchRegistry.discover();

    private record Run(String output, int errors) {
        List<String> lines() {
            return Arrays.asList(output.split("\n"));
        }
    }

    private static Run run(String trace) {
        StringWriter out = new StringWriter();
        int errors = new TraceReplayer(REGISTRY, out).replay(TraceParser.parseAll(trace.lines().toList()));
        return new Run(out.toString(), errors);
    }

    @Test
    void theWorkedExampleOfTheDocsPrintsWhatTheDocsSay() {
        Run run = run(FfaExplainTest.WORKED_EXAMPLE);
        assertEquals("""
                1: ok
                2: ok
                3: SUCCESS handle=0x8000000000000000 bytes=01002f000000000000000000000000000000000000000000200000000200000030000000000000000000000000000000020002007000000000000000000000000000000000000000000000000000000003000100700000000000000000000000000000000000000000000000000000000200000001000000000000000000000000002000000000000200000000000000
                4: mode 0x17
                5: MEM_RETRIEVE_RESP total=0x60 fragment=0x60 bytes=01002f001000000000000000000000800000000000000000100000000100000030000000000000000000000000000000030005004000000000000000000000000200000001000000000000000000000000002000000000000200000000000000
                6: mode 0x21
                7: BUSY bytes=01002f0010000000000000000000008000000000000000001000000002000000300000000000000000000000000000000200020000000000000000000000000003000100000000000000000000000000
                8: SUCCESS
                9: DENIED
                10: SUCCESS bytes=000000000000008000000000010000000300
                11: SUCCESS
                12: mode 0x7
                """, run.output());
        assertEquals(0, run.errors());
    }

    @Test
    void eachBuilderLaysItsDescriptorOutInItsCallersVersion() {
        Run run = run("""
                init arch=fake pool_pages=64 vms=4 ffa=1.0,1.1,1.2,1.3
                map 1 0x200000 0x204000 0x7
                map 2 0x300000 0x304000 0x7
                map 4 0x400000 0x404000 0x7
                mem_donate from=1 to=3 c=0x200000:1
                mem_lend from=2 to=1 c=0x300000:1
                mem_share from=4 to=1,2 flags=0 tag=0x55 c=0x400000:1
                mem_retrieve vm=1 handle=0x8000000000000001 from=2 type=lend
                mem_relinquish vm=3 handle=0x8000000000000000 endpoints=3,4
                """);
        // v1.0: 32-byte header, 16-byte descriptors, donate's permissions unspecified, attributes 0.
        assertEquals("5: SUCCESS handle=0x8000000000000000 bytes=0100000000000000000000000000000000000000000000000000"
                + "000001000000030000003000000000000000000000000100000001000000000000000000000000002000000000000100000000000000",
                run.lines().get(4));
        // v1.1: 48-byte header saying 16-byte descriptors at 48; a one-borrower lend: rw, attributes 0.
        assertEquals("6: SUCCESS handle=0x8000000000000001 bytes=02000000000000000000000000000000000000000000000010000000"
                + "0100000030000000000000000000000000000000010002004000000000000000000000000100000001000000000000000000000000"
                + "003000000000000100000000000000", run.lines().get(5));
        // v1.3 as v1.2: 32-byte descriptors with zero impdef; a share: attributes 0x2f; the tag.
        assertEquals("7: SUCCESS handle=0x8000000000000002 bytes=04002f0000000000000000000000000055000000000000002000000002"
                + "0000003000000000000000000000000000000001000200700000000000000000000000000000000000000000000000000000000200"
                + "0200700000000000000000000000000000000000000000000000000000000100000001000000000000000000000000004000000000"
                + "000100000000000000", run.lines().get(6));
        // VM 1 retrieves in its v1.0 layout: rw+nx by default for a one-borrower lend, type bits 0x10.
        assertEquals("8: MEM_RETRIEVE_RESP total=0x50 fragment=0x50 bytes=020000001000000001000000000000800000000000000000"
                + "000000000100000001000600300000000000000000000000010000000100000000000000000000000000300000000000010000000"
                + "0000000", run.lines().get(7));
        // Two endpoints: the descriptor says so and Hafnium refuses it.
        assertEquals("9: INVALID_PARAMETERS bytes=0000000000000080000000000200000003000400", run.lines().get(8));
    }

    @Test
    void aFragmentedSendKeepsItsRestForFragTxAndRefusesToSendMoreThanIsLeft() {
        Run run = run("""
                init arch=fake pool_pages=64 vms=2
                map 1 0x200000 0x210000 0x7
                mem_lend from=1 to=2 c=0x200000:1,0x202000:1,0x204000:1 fragment=112
                mem_frag_tx vm=1 handle=0x8000000000000000 length=16
                mem_frag_tx vm=1 handle=0x8000000000000000 length=32
                mem_frag_tx vm=1 handle=0x8000000000000000
                mem_frag_tx vm=1 handle=0x8000000000000000 length=16
                mem_frag_tx vm=1 handle=0x8000000000000000
                mode 1 0x204000 0x205000
                mem_retrieve vm=2 handle=0x8000000000000000 from=1 type=lend
                rx_release vm=2
                rx_release vm=2
                mem_share from=1 to=2 c=0x208000:1 fragment=200
                """);
        List<String> lines = run.lines();
        assertEquals("3: MEM_FRAG_RX handle=0x8000000000000000 offset=0x70 bytes="
                + "01000000000000000000000000000000000000000000000020000000010000003000000000000000000000000000000002000200"
                + "50000000000000000000000000000000000000000000000000000000030000000300000000000000000000000000200000000000"
                + "0100000000000000"
                , lines.get(2));
        assertEquals("4: MEM_FRAG_RX handle=0x8000000000000000 offset=0x80", lines.get(3));
        assertEquals("5: error length=32 but 16 bytes of VM 1's descriptor are left to send", lines.get(4));
        assertEquals("6: SUCCESS handle=0x8000000000000000", lines.get(5));
        assertEquals("7: error length=16 but 0 bytes of VM 1's descriptor are left to send", lines.get(6));
        assertEquals("8: INVALID_PARAMETERS", lines.get(7), "nothing left: an empty fragment, which Hafnium refuses");
        assertEquals("9: mode 0x17", lines.get(8));
        assertEquals("10: MEM_RETRIEVE_RESP total=0x90 fragment=0x90 bytes="
                + "01000000100000000000000000000080000000000000000020000000010000003000000000000000000000000000000002000600"
                + "50000000000000000000000000000000000000000000000000000000030000000300000000000000000000000000200000000000"
                + "01000000000000000020200000000000010000000000000000402000000000000100000000000000"
                , lines.get(9));
        assertEquals("11: SUCCESS", lines.get(10));
        assertEquals("12: DENIED", lines.get(11), "nothing in RX");
        assertEquals("13: error fragment=200 is more than the descriptor's 112 bytes", lines.get(12));
        assertEquals(3, run.errors());
    }

    @Test
    void aVersionChangesTheLayoutUntilTheVmsFirstOtherCall() {
        Run run = run("""
                init arch=fake pool_pages=64 vms=2 ffa=1.2
                ffa_version vm=1 version=1.0
                map 1 0x200000 0x210000 0x7
                mem_lend from=1 to=2 c=0x200000:1
                ffa_version vm=1 version=1.1
                ffa_version vm=1 version=0x10000
                ffa_version vm=2 version=1.4
                ffa_version vm=2 version=0x80010002
                ffa_version vm=2 version=1.1
                """);
        List<String> lines = run.lines();
        assertEquals("2: version 0x10003", lines.get(1));
        assertTrue(lines.get(3).startsWith("4: SUCCESS handle=0x8000000000000000 bytes=0100000000000000"
                + "00000000000000000000000000000000000000000100000002000200"), "v1.0 layout: " + lines.get(3));
        assertEquals("5: NOT_SUPPORTED", lines.get(4), "VM 1 has made an FF-A call");
        assertEquals("6: version 0x10003", lines.get(5), "asking for the version it has is fine");
        assertEquals("7: NOT_SUPPORTED", lines.get(6));
        assertEquals("8: NOT_SUPPORTED", lines.get(7));
        assertEquals("9: version 0x10003", lines.get(8));
    }

    @Test
    void whatCannotBecomeACallIsATraceErrorThatChangesNothing() {
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            many.append(i == 0 ? "" : ",").append("0x").append(Long.toHexString(0x200000 + 0x1000L * i)).append(":1");
        }
        Run run = run("init arch=fake pool_pages=64 vms=2 ffa=1.0,1.2\n"
                + "mem_lend from=3 to=1 c=0x200000:1\n"
                + "rx_release vm=9\n"
                + "mem_share from=1 to=2 attrs=0x12f c=0x200000:1\n"
                + "mem_retrieve vm=1 handle=1 from=2 attrs=0x100\n"
                + "mem_lend from=2 to=1 c=" + many + "\n"
                + "mem_share from=2 to=1 attrs=0x12f c=0x200000:1\n");
        List<String> lines = run.lines();
        assertEquals("2: error no VM 3 (this machine has VMs 1 to 2)", lines.get(1));
        assertEquals("3: error no VM 9 (this machine has VMs 1 to 2)", lines.get(2));
        assertEquals("4: error attrs=0x12f does not fit the 8-bit attributes of VM 1's v1.0 descriptor", lines.get(3));
        assertEquals("5: error attrs=0x100 does not fit the 8-bit attributes of VM 1's v1.0 descriptor", lines.get(4));
        assertEquals("6: error the descriptor is 4896 bytes, more than the 4096-byte TX buffer holds; send its first "
                + "fragment with fragment=", lines.get(5));
        assertTrue(lines.get(6).startsWith("7: DENIED bytes=02002f01"), "v1.2 takes 16 bits (Hafnium never checks bits 15-7; the pages are not mapped): " + lines.get(6));
        assertEquals(5, run.errors());
    }

    @Test
    void bytesFormsSendExactlyTheirBytes() {
        Run run = run("""
                init arch=fake pool_pages=64 vms=2
                mem_send type=lend vm=1 hex=0100 total=0x40
                mem_retrieve vm=2 hex=abcd
                mem_relinquish vm=2 hex=00000000000000800000000001000000
                mem_frag_tx vm=1 handle=0x8000000000000005 hex=00000000000000000000000000000000
                mem_frag_rx vm=2 handle=0x8000000000000000 offset=0x10
                mem_reclaim vm=1 handle=0x8000000000000000
                """);
        assertEquals("""
                1: ok
                2: INVALID_PARAMETERS bytes=0100
                3: INVALID_PARAMETERS bytes=abcd
                4: INVALID_PARAMETERS bytes=00000000000000800000000001000000
                5: INVALID_PARAMETERS
                6: INVALID_PARAMETERS
                7: INVALID_PARAMETERS
                """, run.output());
    }
}
