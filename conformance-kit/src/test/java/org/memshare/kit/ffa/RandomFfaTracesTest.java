package org.memshare.kit.ffa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.memshare.trace.Operation;
import org.memshare.trace.ParsedLine;
import org.memshare.trace.TraceParser;


/** The random FF-A traces: reproducible, well formed, varied, and clear of what crashes Hafnium. */
class RandomFfaTracesTest {
    private static final RandomFfaTraces STANDARD = new RandomFfaTraces(RandomFfaTraces.Settings.standard());

    @Test
    void theSameSeedGivesTheSameTraceAndAnotherSeedAnother() {
        assertEquals(STANDARD.trace(42), STANDARD.trace(42));
        assertNotEquals(STANDARD.trace(42), STANDARD.trace(43));
    }

    @Test
    void everyLineOfTwoHundredTracesParsesAndTheyUseEveryOperation() {
        Map<String, Integer> seen = new HashMap<>();
        for (long seed = 0; seed < 200; seed++) {
            List<ParsedLine> parsed = TraceParser.parseAll(STANDARD.trace(seed));
            for (ParsedLine line : parsed) {
                assertTrue(!(line instanceof ParsedLine.Malformed), () -> "seed " + line);
                if (line instanceof ParsedLine.Op op) {
                    String name = Operation.nameOf(op.operation());
                    if (op.operation() instanceof Operation.MemSend send && send.fragment().isPresent()) {
                        name = "fragmented send";
                    }
                    seen.merge(name, 1, Integer::sum);
                }
            }
        }
        for (String name : List.of("init", "map", "mode", "read", "write", "ffa_version", "mem_donate", "mem_lend",
                "mem_share", "fragmented send", "mem_send", "mem_frag_tx", "mem_retrieve", "mem_frag_rx", "rx_release",
                "mem_relinquish", "mem_reclaim")) {
            assertTrue(seen.getOrDefault(name, 0) > 0, () -> name + " never drawn: " + seen);
        }
        // Mostly aimed: sends are followed by many retrieves, and mutations stay a minority.
        assertTrue(seen.get("mem_retrieve") > seen.get("mem_send"), seen::toString);
    }

    @Test
    void noTraceHoldsAnInputThatCrashesHafnium() {
        for (long seed = 0; seed < 300; seed++) {
            for (ParsedLine line : TraceParser.parseAll(STANDARD.trace(seed))) {
                if (line instanceof ParsedLine.Op op && op.operation() instanceof Operation.MemRetrieveBytes r) {
                    byte[] tx = r.tx();
                    assertTrue(tx.length >= 32 && (tx[28] | tx[29] | tx[30] | tx[31]) != 0,
                            () -> "receiver count 0 (a hypervisor retrieve request): " + HexFormat.of().formatHex(tx));
                }
                if (line instanceof ParsedLine.Op op && op.operation() instanceof Operation.MemSendBytes s) {
                    assertTrue(s.tx().length > 0, "an empty send");
                    assertTrue(s.tx().length < 36 || Integer.compareUnsigned(receiversOffset(s.tx()), -64) < 0,
                            "a receivers offset that wraps Hafnium's 32-bit bounds check");
                }
                if (line instanceof ParsedLine.Op op && op.operation() instanceof Operation.MemRetrieveBytes r) {
                    assertTrue(r.tx().length < 36 || Integer.compareUnsigned(receiversOffset(r.tx()), -64) < 0,
                            "a receivers offset that wraps Hafnium's 32-bit bounds check");
                }
                if (line instanceof ParsedLine.Op op && op.operation() instanceof Operation.MemSend s) {
                    assertTrue(s.fragment().orElse(1) > 0, "an empty first fragment");
                }
            }
        }
    }

    private static int receiversOffset(byte[] tx) {
        return ByteBuffer.wrap(tx).order(ByteOrder.LITTLE_ENDIAN).getInt(32);
    }

    @Test
    void settingsOutsideTheirRangeAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new RandomFfaTraces.Settings(0, 5, 4, 0, false, true));
        assertThrows(IllegalArgumentException.class,
                () -> new RandomFfaTraces.Settings(10, 0, 4, 0, false, true));
    }
}
