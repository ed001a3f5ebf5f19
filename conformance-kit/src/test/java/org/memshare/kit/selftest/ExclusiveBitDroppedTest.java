package org.memshare.kit.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.memshare.kit.rules.ArchRules;
import org.memshare.kit.rules.ShareRules;

/**
 * "The exclusive bit dropped when decoding" ({@link ExclusiveBitDroppedPlugin}): every stage-2
 * mode reads back as SHARED. The lowest rule that catches it is ARCH-8 (a mode's round trip);
 * the SHARE rules catch it too, on their own, through the states the parties read back.
 */
class ExclusiveBitDroppedTest {
    private static final String DIRECTORY = "exclusive-dropped";

    @Test
    void arch8IsTheArchRuleThatFailsAndItNamesShared() {
        EngineExecutionResults results = KitRun.run(DIRECTORY, ExclusiveBitDroppedPlugin.NAME, ArchRules.class);

        assertEquals(List.of("ARCH-8"), KitRun.failedRules(results), KitRun.failureMessages(results));
        assertTrue(KitRun.failureMessages(results).contains("which read back as 0x40 (SHARED)"), KitRun.failureMessages(results));
    }

    /**
     * With the layering off ({@code memshare.layers=off}), the SHARE rules fail where a party's state matters: SHARE-1 (the table: the
     * owner of exclusive memory reads as a sharer), SHARE-5 and SHARE-6 (their valid shares are
     * refused). The bad-input rules (SHARE-2, 3 and 4) still pass: everything they send is refused
     * either way, and a refusal changes nothing.
     */
    @Test
    void shareRulesAloneFailSharesStateRulesWithAMessageNamingTheSharedState() {
        EngineExecutionResults results = KitRun.run(DIRECTORY, ExclusiveBitDroppedPlugin.NAME,
                Map.of("memshare.layers", "off"), ShareRules.class);

        assertEquals(List.of("SHARE-1", "SHARE-5", "SHARE-6"), KitRun.failedRules(results),
                KitRun.failureMessages(results));
        String messages = KitRun.failureMessages(results);
        assertTrue(messages.contains("setup: VM 1 reads R|W|X|SHARED (0x47) where R|W|X (0x7) was mapped"), messages);
        assertTrue(messages.contains("SHARE-6") && messages.contains("no lend transition from sender mode R|W|X|SHARED (0x47)"), messages);
    }

    /**
     * With the kit's layering (SHARE runs only where every ARCH rule passes), ARCH-8 is the only
     * failure and every SHARE invocation is skipped naming it, even when SHARE runs alone.
     */
    @Test
    void layeredArch8IsTheLowestRuleThatCatchesIt() {
        EngineExecutionResults together = KitRun.run(DIRECTORY, ExclusiveBitDroppedPlugin.NAME, ArchRules.class,
                ShareRules.class);
        EngineExecutionResults alone = KitRun.run(DIRECTORY, ExclusiveBitDroppedPlugin.NAME, ShareRules.class);

        assertEquals(List.of("ARCH-8"), KitRun.failedRules(together), KitRun.failureMessages(together));
        assertEquals(List.of(), KitRun.failedRules(alone), KitRun.failureMessages(alone));
        for (EngineExecutionResults results : List.of(together, alone)) {
            assertEquals(6 * 6, results.testEvents().skipped().count(), "every SHARE invocation is skipped");
            assertTrue(KitRun.skipReasons(results).stream().allMatch(r -> r.startsWith("skipped: ARCH-8 fails")),
                    KitRun.skipReasons(results).toString());
        }
    }

    @Test
    void shareRulesPassOnTheBundledArchesAtEveryConfiguration() {
        EngineExecutionResults fake = KitRun.run(null, "fake", ShareRules.class);
        EngineExecutionResults aarch64 = KitRun.run(null, "aarch64", ShareRules.class);

        assertEquals(List.of(), KitRun.failedRules(fake), KitRun.failureMessages(fake));
        assertEquals(List.of(), KitRun.failedRules(aarch64), KitRun.failureMessages(aarch64));
        assertEquals(6, fake.testEvents().succeeded().count(), "6 rules at fake's one configuration");
        assertEquals(6 * 6, aarch64.testEvents().succeeded().count(), "6 rules at aarch64's 6 PA sizes");
    }
}
