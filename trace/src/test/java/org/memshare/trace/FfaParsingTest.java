package org.memshare.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.memshare.api.ffa.FfaShareKind;
import org.memshare.api.ffa.FfaVersion;
import org.memshare.trace.Operation.ConstituentArg;
import org.memshare.trace.Operation.ReceiverArg;


/** The FF-A lines of the trace language: what each well-formed line means, and the reason a malformed one gives. */
class FfaParsingTest {

    private static Operation parse(String line) {
        ParsedLine parsed = TraceParser.parse(7, line);
        return assertInstanceOf(ParsedLine.Op.class, parsed, () -> "malformed: " + parsed).operation();
    }

    private static String error(String line) {
        ParsedLine parsed = TraceParser.parse(7, line);
        return assertInstanceOf(ParsedLine.Malformed.class, parsed, () -> "parsed: " + parsed).reason();
    }

    @Test
    void initTakesOneVersionForEveryVmOrOnePerVm() {
        Operation.Init every = (Operation.Init) parse("init arch=fake pool_pages=64 vms=3 ffa=1.0");
        assertEquals(List.of(FfaVersion.V1_0, FfaVersion.V1_0, FfaVersion.V1_0), every.ffaVersions());
        assertEquals(Map.of(), every.properties(), "ffa= is not an arch property");
        Operation.Init each = (Operation.Init) parse("init arch=fake pool_pages=64 vms=3 ffa=1.2,1.1,1.3");
        assertEquals(List.of(FfaVersion.V1_2, FfaVersion.V1_1, FfaVersion.V1_3), each.ffaVersions());
        assertEquals(List.of(), ((Operation.Init) parse("init arch=fake pool_pages=64 vms=3")).ffaVersions());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "init arch=fake pool_pages=64 vms=3 ffa=1.0,1.2 | 'ffa' names 2 versions for 3 VMs (want one for every VM, or one per VM)",
        "init arch=fake pool_pages=64 vms=2 ffa=1.4 | 'ffa' must name FF-A versions 1.0, 1.1, 1.2 or 1.3, was '1.4'",
        "init arch=fake pool_pages=64 vms=2 ffa=0x10002 | 'ffa' must name FF-A versions 1.0, 1.1, 1.2 or 1.3, was '0x10002'",
        "init arch=fake pool_pages=64 vms=2 ffa=1.2, | 'ffa' must name FF-A versions 1.0, 1.1, 1.2 or 1.3, was ''",
        "init arch=fake pool_pages=64 vms=2 ffa= | empty value for 'ffa' (want ffa=1.2 or one version per VM: ffa=1.0,1.2)",
        "init arch=fake pool_pages=64 vms=2 ffa=1.2 ffa=1.1 | argument 'ffa' given twice",
    })
    void aBadFfaVersionListIsAnError(String line, String reason) {
        assertEquals(reason, error(line));
    }

    @Test
    void ffaVersionTakesMajorDotMinorOrTheRawRegister() {
        assertEquals(new Operation.FfaVersionCall(2, 0x10001), parse("ffa_version vm=2 version=1.1"));
        assertEquals(new Operation.FfaVersionCall(2, 0x10003), parse("ffa_version vm=2 version=0x10003"));
        assertEquals(new Operation.FfaVersionCall(1, 0x8001_0002), parse("ffa_version vm=1 version=0x80010002"),
                "bit 31 is the engine's to refuse, not the parser's");
        assertEquals("ffa_version", Operation.nameOf(parse("ffa_version vm=1 version=1.0")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "ffa_version vm=1 | missing argument 'version' to 'ffa_version'",
        "ffa_version version=1.2 | missing argument 'vm' to 'ffa_version'",
        "ffa_version vm=1 version=1.x | 'version' must be MAJOR.MINOR (1.2) or a 32-bit number (0x10002), was '1.x'",
        "ffa_version vm=1 version=1.2.3 | 'version' must be MAJOR.MINOR (1.2) or a 32-bit number (0x10002), was '1.2.3'",
        "ffa_version vm=1 version=0x100000000 | 'version' must fit in 32 bits, was 0x100000000",
        "ffa_version vm=0 version=1.2 | vm must be between 1 and 65535, was 0",
        "ffa_version vm=1 version=1.2 extra=1 | unknown argument 'extra' to 'ffa_version'",
    })
    void aBadVersionLineIsAnError(String line, String reason) {
        assertEquals(reason, error(line));
    }

    @Test
    void aSendBuilderKeepsEveryArgumentAndLeavesDefaultsToTheReplay() {
        Operation.MemSend send = (Operation.MemSend) parse(
                "mem_lend from=1 to=2:ro+x,3 attrs=0x2f flags=1 tag=0x1234 handle=5 c=0x200000:2,0x300000:1 fragment=64");
        assertEquals(new Operation.MemSend(FfaShareKind.LEND, 1,
                List.of(new ReceiverArg(2, OptionalInt.of(0x9)), new ReceiverArg(3, OptionalInt.empty())),
                OptionalInt.of(0x2f), 1, 0x1234, 5,
                List.of(new ConstituentArg(0x200000, 2), new ConstituentArg(0x300000, 1)), OptionalLong.of(64)), send);
        assertEquals("mem_lend", Operation.nameOf(send));

        Operation.MemSend bare = (Operation.MemSend) parse("mem_donate from=3 to=1 c=none");
        assertEquals(new Operation.MemSend(FfaShareKind.DONATE, 3, List.of(new ReceiverArg(1, OptionalInt.empty())),
                OptionalInt.empty(), 0, 0, 0, List.of(), OptionalLong.empty()), bare);
        assertEquals("mem_share", Operation.nameOf(parse("mem_share from=1 to=2 c=0x1000:1")));
    }

    @Test
    void permissionsAreAByteADashOrRoRwWithXOrNx() {
        Operation.MemSend send = (Operation.MemSend) parse("mem_share from=1 to=2:-,3:rw+nx,4:ro,5:0x6,6:10 c=none");
        assertEquals(List.of(OptionalInt.of(0), OptionalInt.of(0x6), OptionalInt.of(0x1), OptionalInt.of(0x6),
                OptionalInt.of(10)), send.receivers().stream().map(ReceiverArg::permissions).toList());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "mem_lend to=2 c=0x1000:1 | missing argument 'from' to 'mem_lend'",
        "mem_lend from=1 c=0x1000:1 | missing argument 'to' to 'mem_lend'",
        "mem_lend from=1 to=2 | missing argument 'c' to 'mem_lend'",
        "mem_lend from=0 to=2 c=none | 'from' must be a VM between 1 and 65535, was 0",
        "mem_lend from=1 to=2, c=none | 'to' has an empty receiver (want R[:PERM],...)",
        "mem_lend from=1 to=:rw c=none | 'to' has an empty receiver (want R[:PERM],...)",
        "mem_lend from=1 to=0x10000 c=none | receiver 0x10000 in 'to' must fit in 16 bits",
        "mem_lend from=1 to=2:rwx c=none | bad permissions 'rwx' for receiver 2 (a byte, -, ro or rw, optionally +x or +nx)",
        "mem_lend from=1 to=2:0x100 c=none | bad permissions '0x100' for receiver 2 (a byte, -, ro or rw, optionally +x or +nx)",
        "mem_lend from=1 to=2 c=0x1000 | constituent '0x1000' is not ADDR:PAGES",
        "mem_lend from=1 to=2 c=0x1000:0x100000000 | constituent '0x1000:0x100000000' has more pages than 32 bits hold",
        "mem_lend from=1 to=2 attrs=0x10000 c=none | 'attrs' must fit in 16 bits, was 0x10000",
        "mem_lend from=1 to=2 flags=0x100000000 c=none | 'flags' must fit in 32 bits, was 0x100000000",
        "mem_lend from=1 to=2 tag=x c=none | bad number for 'tag': 'x' (want 0x hexadecimal or decimal, unsigned 64-bit)",
        "mem_lend from=1 to=2 fragment=0x100000000 c=none | 'fragment' must fit in 32 bits, was 0x100000000",
        "mem_lend from=1 to=2 c=none vm=1 | unknown argument 'vm' to 'mem_lend'",
        "mem_lend from=1 from=1 to=2 c=none | argument 'from' given twice",
        "mem_lend 1 2 | 'mem_lend' takes key=value arguments, not '1'",
    })
    void aBadSendBuilderIsAnError(String line, String reason) {
        assertEquals(reason, error(line));
    }

    @Test
    void aSendOfBytesTakesTheTypeTheBytesAndOptionallyTheTotalLength() {
        Operation.MemSendBytes send = (Operation.MemSendBytes) parse("mem_send type=share vm=2 hex=00ff10 total=0x40");
        assertEquals(FfaShareKind.SHARE, send.kind());
        assertEquals(2, send.vm());
        assertArrayEquals(new byte[] {0, (byte) 0xff, 0x10}, send.tx());
        assertEquals(OptionalLong.of(0x40), send.total());
        Operation.MemSendBytes empty = (Operation.MemSendBytes) parse("mem_send type=donate vm=1 hex=");
        assertEquals(0, empty.tx().length, "an empty TX is the engine's to refuse");
        assertEquals(OptionalLong.empty(), empty.total());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "mem_send vm=1 hex=00 | missing argument 'type' to 'mem_send'",
        "mem_send type=relinquish vm=1 hex=00 | unknown FF-A transaction type 'relinquish' (donate, lend or share)",
        "mem_send type=lend vm=1 | missing argument 'hex' to 'mem_send'",
        "mem_send type=lend vm=1 hex=0 | 'hex' must have an even number of digits, has 1",
        "mem_send type=lend vm=1 hex=0g | 'hex' has a character that is not a hex digit at 0",
        "mem_send type=lend vm=1 hex=00 total=0x100000000 | 'total' must fit in 32 bits, was 0x100000000",
    })
    void aBadSendOfBytesIsAnError(String line, String reason) {
        assertEquals(reason, error(line));
    }

    @Test
    void hexLongerThanTheTxBufferIsAnError() {
        assertEquals("'hex' is 4097 bytes; the TX buffer holds 4096",
                error("mem_send type=lend vm=1 hex=" + "00".repeat(4097)));
        assertEquals(4096, ((Operation.MemSendBytes) parse("mem_send type=lend vm=1 hex=" + "00".repeat(4096))).tx().length);
    }

    @Test
    void fragTxTakesBytesOrTheNextPieceOfWhatABuilderKeptBack() {
        Operation.MemFragTx bytes = (Operation.MemFragTx) parse("mem_frag_tx vm=1 handle=0x8000000000000000 hex=0102 sender=3");
        assertEquals(0x8000_0000_0000_0000L, bytes.handle());
        assertArrayEquals(new byte[] {1, 2}, bytes.tx());
        assertEquals(3, bytes.sender());
        assertEquals(new Operation.MemFragTxNext(1, 5, OptionalLong.of(32), 0),
                parse("mem_frag_tx vm=1 handle=5 length=32"));
        assertEquals(new Operation.MemFragTxNext(1, 5, OptionalLong.empty(), 0), parse("mem_frag_tx vm=1 handle=5"));
        assertEquals("mem_frag_tx", Operation.nameOf(parse("mem_frag_tx vm=1 handle=5")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "mem_frag_tx vm=1 | missing argument 'handle' to 'mem_frag_tx'",
        "mem_frag_tx vm=1 handle=5 hex=00 length=1 | 'mem_frag_tx' takes hex= or length=, not both",
        "mem_frag_tx vm=1 handle=5 sender=0x10000 | 'sender' must fit in 16 bits, was 0x10000",
        "mem_frag_tx vm=1 handle=5 length=-1 | bad number for 'length': '-1' (want 0x hexadecimal or decimal, unsigned 64-bit)",
    })
    void aBadFragTxIsAnError(String line, String reason) {
        assertEquals(reason, error(line));
    }

    @Test
    void aRetrieveBuilderKeepsItsArgumentsAndTheBytesFormOnlyTheVm() {
        assertEquals(new Operation.MemRetrieve(2, 0x8000_0000_0000_0001L, 1, Optional.of(FfaShareKind.LEND),
                List.of(new ReceiverArg(2, OptionalInt.of(0xa)), new ReceiverArg(3, OptionalInt.empty())),
                OptionalInt.of(0), 0x400, 7),
                parse("mem_retrieve vm=2 handle=0x8000000000000001 from=1 type=lend to=2:rw+x,3 attrs=0 flags=0x400 tag=7"));
        assertEquals(new Operation.MemRetrieve(2, 1, 0, Optional.empty(), List.of(), OptionalInt.empty(), 0, 0),
                parse("mem_retrieve vm=2 handle=1 from=0"));
        Operation.MemRetrieveBytes bytes = (Operation.MemRetrieveBytes) parse("mem_retrieve vm=3 hex=abcd");
        assertEquals(3, bytes.vm());
        assertArrayEquals(new byte[] {(byte) 0xab, (byte) 0xcd}, bytes.tx());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "mem_retrieve vm=2 from=1 | missing argument 'handle' to 'mem_retrieve'",
        "mem_retrieve vm=2 handle=1 | missing argument 'from' to 'mem_retrieve'",
        "mem_retrieve vm=2 handle=1 from=0x10000 | 'from' must fit in 16 bits, was 0x10000",
        "mem_retrieve vm=2 handle=1 from=1 type=give | unknown FF-A transaction type 'give' (donate, lend or share)",
        "mem_retrieve vm=2 handle=1 from=1 to= | empty value for 'to'",
        "mem_retrieve vm=2 hex=00 handle=1 | 'mem_retrieve vm=V hex=HEX' takes no other argument",
        "mem_retrieve vm=2 handle=1 from=1 offset=3 | unknown argument 'offset' to 'mem_retrieve'",
    })
    void aBadRetrieveIsAnError(String line, String reason) {
        assertEquals(reason, error(line));
    }

    @Test
    void fragRxReleaseRelinquishAndReclaimKeepTheirArguments() {
        assertEquals(new Operation.MemFragRx(2, 9, 0xfe0, 0), parse("mem_frag_rx vm=2 handle=9 offset=0xfe0"));
        assertEquals(new Operation.MemFragRx(2, 9, -1, 4), parse("mem_frag_rx vm=2 handle=9 offset=0xffffffff sender=4"));
        assertEquals(new Operation.RxRelease(3), parse("rx_release vm=3"));
        assertEquals(new Operation.MemRelinquish(2, 9, 1, List.of(2, 3)),
                parse("mem_relinquish vm=2 handle=9 flags=1 endpoints=2,3"));
        assertEquals(new Operation.MemRelinquish(2, 9, 0, List.of()), parse("mem_relinquish vm=2 handle=9"));
        assertArrayEquals(new byte[] {1}, ((Operation.MemRelinquishBytes) parse("mem_relinquish vm=2 hex=01")).tx());
        assertEquals(new Operation.MemReclaim(1, 9, 1), parse("mem_reclaim vm=1 handle=9 flags=1"));
        assertEquals(new Operation.MemReclaim(1, 9, 0), parse("mem_reclaim vm=1 handle=9"));
        assertEquals("rx_release", Operation.nameOf(parse("rx_release vm=3")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "mem_frag_rx vm=2 handle=9 | missing argument 'offset' to 'mem_frag_rx'",
        "mem_frag_rx vm=2 handle=9 offset=0x100000000 | 'offset' must fit in 32 bits, was 0x100000000",
        "rx_release | missing argument 'vm' to 'rx_release'",
        "rx_release vm=1 handle=2 | unknown argument 'handle' to 'rx_release'",
        "mem_relinquish vm=2 | missing argument 'handle' to 'mem_relinquish'",
        "mem_relinquish vm=2 handle=9 endpoints=2, | 'endpoints' has an empty entry (want ID,...)",
        "mem_relinquish vm=2 handle=9 endpoints=0x10000 | endpoint 0x10000 must fit in 16 bits",
        "mem_relinquish vm=2 hex=00 flags=1 | 'mem_relinquish vm=V hex=HEX' takes no other argument",
        "mem_reclaim vm=1 | missing argument 'handle' to 'mem_reclaim'",
        "mem_reclaim vm=1 handle=0x10000000000000000 | bad number for 'handle': '0x10000000000000000' (want 0x hexadecimal or decimal, unsigned 64-bit)",
        "mem_reclaim vm=1 handle=1 flags=0x100000000 | 'flags' must fit in 32 bits, was 0x100000000",
    })
    void aBadFragRxReleaseRelinquishOrReclaimIsAnError(String line, String reason) {
        assertEquals(reason, error(line));
    }

    @Test
    void tooManyRelinquishEndpointsForTheTxBufferAreAnError() {
        String ids = String.join(",", Collections.nCopies(2041, "2"));
        assertEquals("2041 endpoints do not fit the 4096-byte TX buffer",
                error("mem_relinquish vm=2 handle=9 endpoints=" + ids));
    }
}
