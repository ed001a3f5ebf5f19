package org.memshare.kit.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.memshare.kit.rules.ArchRules;
import org.memshare.kit.rules.PageTableRules;
import org.memshare.kit.rules.PoolRules;

/** A plugin that breaks an ARCH rule fails that rule only; the layers above are skipped, naming it. */
class LayeringSelfTest {

    @Test
    void anEncodingFailureSkipsTheLayersAboveWithItsName() {
        EngineExecutionResults results = KitRun.run("no-pages", NoPagesPlugin.NAME,
                ArchRules.class, PageTableRules.class, PoolRules.class);

        assertEquals(List.of("ARCH-1"), KitRun.failedRules(results), KitRun.failureMessages(results));
        List<String> skipped = KitRun.skipReasons(results);
        assertFalse(skipped.isEmpty(), "the PT and POOL rules must be reported, as skipped");
        assertTrue(skipped.stream().allMatch(r -> r.startsWith("skipped: ARCH-1 fails")), skipped.toString());
        assertEquals(1, results.testEvents().failed().count(), "one configuration, one failing invocation");
    }

    @Test
    void whenTheEncodingIsSoundTheUpperLayersRun() {
        EngineExecutionResults results = KitRun.run(null, "fake", ArchRules.class, PageTableRules.class);

        assertEquals(List.of(), KitRun.failedRules(results), KitRun.failureMessages(results));
        assertEquals(0, results.testEvents().skipped().count(), KitRun.skipReasons(results).toString());
    }
}
