package org.memshare.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.memshare.engine.machine.Machine;
import org.memshare.engine.mm.PageTable;
import org.memshare.engine.plugin.ArchRegistry;

/** {@code init arch=aarch64} builds the stage-2 geometry Hafnium derives from the PA size (DESIGN.md section 2). */
class Aarch64InitTest {

    private static TraceReplayer replay(String line, StringWriter out) {
        TraceReplayer replayer = new TraceReplayer(ArchRegistry.discover(), out);
        replayer.replay(TraceParser.parseAll(List.of(line)));
        return replayer;
    }

    @ParameterizedTest(name = "{0}-bit PA: max level {1}, {2} root tables, space ends at {3}")
    @CsvSource({"32, 1, 4, 0x100000000", "36, 2, 1, 0x8000000000", "40, 2, 2, 0x10000000000",
        "42, 2, 8, 0x40000000000", "44, 3, 1, 0x1000000000000", "48, 3, 1, 0x1000000000000"})
    void initGivesHafniumsLevelsAndRootCounts(int paBits, int maxLevel, int roots, String end) {
        StringWriter out = new StringWriter();
        TraceReplayer replayer = replay("init arch=aarch64 pa_bits=" + paBits + " pool_pages=64 vms=2", out);
        assertEquals("1: ok\n", out.toString());
        Machine machine = replayer.machine().orElseThrow();
        PageTable table = machine.vm(2).orElseThrow().table();
        assertEquals(maxLevel, table.maxLevel());
        assertEquals(roots, table.rootTableCount());
        assertEquals(Long.decode(end), table.addressSpaceEnd());
        // The hypervisor's own table always has max level 2 and one root table.
        assertEquals(2, machine.hypervisorTable().maxLevel());
        assertEquals(1, machine.hypervisorTable().rootTableCount());
    }

    @ParameterizedTest(name = "{0}-bit PA fails")
    @ValueSource(ints = {0, 31, 33, 39, 41, 47, 50, 52, 64, 65})
    void anUnsupportedPaSizeFailsInit(int paBits) {
        StringWriter out = new StringWriter();
        TraceReplayer replayer = replay("init arch=aarch64 pa_bits=" + paBits + " pool_pages=64 vms=2", out);
        assertEquals("1: fail\n", out.toString());
        assertTrue(replayer.machine().isEmpty());
        assertEquals(0, replayer.errors());
    }
}
