package org.memshare.kit.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.memshare.api.addr.IntermediatePhysicalAddress;
import org.memshare.api.arch.ArchConfig;
import org.memshare.api.arch.ArchPlugin;
import org.memshare.api.mode.Mode;
import org.memshare.arch.aarch64.Aarch64ArchPlugin;
import org.memshare.engine.machine.Machine;
import org.memshare.engine.plugin.ArchRegistry;
import org.memshare.kit.ArchUnderTest;
import org.memshare.trace.TraceParser;
import org.memshare.trace.TraceReplayer;

/**
 * A MODEL failure reports the seed and a short trace that replays to the failing state. The
 * "defect" here is a check that objects as soon as VM 3 owns page 1 of the window, which only a
 * donate from VM 1 can bring about.
 */
class ModelShrinkTest {
    private static final ArchPlugin PLUGIN = new Aarch64ArchPlugin();
    private static final ArchRegistry REGISTRY = ArchRegistry.of(PLUGIN);

    private static boolean vm3OwnsPage1(Machine machine, long page) {
        int mode = machine.vm(3).orElseThrow().table()
                .mode(IntermediatePhysicalAddress.of(page), IntermediatePhysicalAddress.of(page + 4096)).orElseThrow();
        return (mode & Mode.UNOWNED) == 0;
    }

    @Test
    void aFailureIsReportedAsTheShortestTraceThatReplaysToIt() {
        ArchUnderTest under = new ArchUnderTest(PLUGIN, ArchConfig.withPaBits(32), REGISTRY, 7);
        ModelRules.Check objection = run -> vm3OwnsPage1(run.machine, run.model.address(1))
                ? Optional.of("VM 3 owns page 1") : Optional.empty();

        AssertionError failure = assertThrows(AssertionError.class,
                () -> ModelRules.runScenario(under, "the test's check", objection));

        String message = failure.getMessage();
        assertTrue(message.contains("seed 7 (operation "), message);
        assertTrue(message.contains(": VM 3 owns page 1"), message);
        String trace = message.substring(message.indexOf("shortest failing trace:\n") + "shortest failing trace:\n".length());
        List<String> lines = trace.lines().toList();
        assertEquals("init arch=aarch64 pa_bits=32 pool_pages=256 vms=3", lines.get(0));
        // The three setup maps, then the one donate that is needed.
        assertEquals(5, lines.size(), message);
        assertTrue(lines.get(4).startsWith("share type=donate from=1 to=3 "), trace);

        StringWriter out = new StringWriter();
        TraceReplayer replayer = new TraceReplayer(REGISTRY, out);
        replayer.replay(TraceParser.parseAll(lines));
        replayer.flush();
        assertEquals(0, replayer.errors(), out.toString());
        assertTrue(out.toString().contains("5: SUCCESS"), out.toString());
        assertTrue(vm3OwnsPage1(replayer.machine().orElseThrow(), 0x200000 + 4096), out.toString());
    }
}
