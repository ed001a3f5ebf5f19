package org.memshare.kit.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.memshare.kit.rules.ArchRules;

/** A plugin that refuses its own default configuration is skipped, with its reason, never failed. */
class RefusingPluginTest {

    @Test
    void everyRuleIsSkippedWithThePluginsReason() {
        EngineExecutionResults results = KitRun.run("refusing", "refusing", ArchRules.class);

        assertEquals(0, results.testEvents().failed().count(), KitRun.failureMessages(results));
        assertEquals(9, results.testEvents().skipped().count());
        assertTrue(KitRun.skipReasons(results).stream().allMatch(r -> r.contains(RefusingPlugin.REASON)
                && r.startsWith("refusing refuses pa_bits=40")), KitRun.skipReasons(results).toString());
    }

    @Test
    void aBundledArchRunsEveryArchRuleAtEachConfigurationItLists() {
        EngineExecutionResults results = KitRun.run(null, "aarch64", ArchRules.class);

        assertEquals(0, results.testEvents().failed().count(), KitRun.failureMessages(results));
        assertEquals(9 * 6, results.testEvents().succeeded().count());
    }
}
