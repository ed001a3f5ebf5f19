package org.memshare.kit.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.memshare.kit.KitKeys;
import org.memshare.kit.rules.ArchRules;
import org.memshare.kit.rules.PageTableRules;
import org.memshare.kit.rules.PoolRules;

/**
 * The PT and POOL rules pass on the bundled arches at every configuration, and each broken
 * double meant for them fails exactly its rule, with a message that names the problem, while the
 * ARCH rules and the other family stay green.
 */
class PageTableAndPoolSelfTest {
    private static final int ARCH_RULES = 9;
    private static final int PT_RULES = 16;
    private static final int POOL_RULES = 6;
    private static final int RULES = ARCH_RULES + PT_RULES + POOL_RULES;
    /** aarch64 lists PA sizes 32, 36, 40, 42, 44 and 48. */
    private static final int AARCH64_CONFIGURATIONS = 6;

    private static EngineExecutionResults run(String directory, String arch, Map<String, String> keys) {
        return KitRun.run(directory, arch, keys, ArchRules.class, PageTableRules.class, PoolRules.class);
    }

    @Test
    void everyRulePassesOnTheFakeArch() {
        EngineExecutionResults results = run(null, "fake", Map.of());

        assertEquals(List.of(), KitRun.failedRules(results), KitRun.failureMessages(results));
        assertEquals(RULES, results.testEvents().succeeded().count());
    }

    @Test
    void everyRulePassesOnAarch64AtEveryPaSize() {
        EngineExecutionResults results = run(null, "aarch64", Map.of());

        assertEquals(List.of(), KitRun.failedRules(results), KitRun.failureMessages(results));
        assertEquals(RULES * AARCH64_CONFIGURATIONS, results.testEvents().succeeded().count());
    }

    /** The defrag of a table of lent-away blocks hands back a valid block: PT-13 fails, at every PA size. */
    @Test
    void aValidBitCarriedOntoAnInvalidBlockFailsPt13Only() {
        EngineExecutionResults results = run("valid-bit-on-invalid-block", ValidBitOnInvalidBlockPlugin.NAME, Map.of());

        assertEquals(List.of("PT-13"), KitRun.failedRules(results), KitRun.failureMessages(results));
        assertEquals(AARCH64_CONFIGURATIONS, results.testEvents().failed().count(), KitRun.failureMessages(results));
        String messages = KitRun.failureMessages(results);
        assertTrue(messages.contains("an invalid block became valid") && messages.contains("combineTableEntryAttrs"),
                messages);
        assertEquals((RULES - 1) * AARCH64_CONFIGURATIONS, results.testEvents().succeeded().count(), messages);
    }

    /** A pool that drops a freed page: POOL-6 fails, and nothing else does, on both bundled arches. */
    @ParameterizedTest
    @ValueSource(strings = {"fake", "aarch64"})
    void aPoolThatLeaksAPageFailsPool6Only(String arch) {
        EngineExecutionResults results = run(null, arch, Map.of(KitKeys.POOL_FACTORY, LeakyPoolFactory.class.getName()));

        assertEquals(List.of("POOL-6"), KitRun.failedRules(results), KitRun.failureMessages(results));
        String messages = KitRun.failureMessages(results);
        assertTrue(messages.contains("missing (leaked)") && messages.contains("seed"), messages);
        long configurations = arch.equals("fake") ? 1 : AARCH64_CONFIGURATIONS;
        assertEquals(configurations, results.testEvents().failed().count(), messages);
    }
}
