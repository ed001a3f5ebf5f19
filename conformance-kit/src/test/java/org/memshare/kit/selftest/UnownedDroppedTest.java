package org.memshare.kit.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.memshare.kit.rules.AcsDonateRules;
import org.memshare.kit.rules.AcsLendRules;
import org.memshare.kit.rules.AcsRelinquishReclaimRules;
import org.memshare.kit.rules.AcsShareRules;
import org.memshare.kit.rules.ArchRules;
import org.memshare.kit.rules.FfaRules;

/**
 * "UNOWNED lost when decoding a borrower's mapping" ({@link UnownedDroppedPlugin}): a borrower's
 * R|W|UNOWNED reads back as R|W, so the engine takes the borrower for an owner. The lowest rule that
 * catches it is ARCH-8 (a mode's round trip); the FFA rules catch it on their own, through the modes
 * the borrowers read back and the relinquishes the engine then refuses; so do the ACS rules whose
 * tests have a borrower relinquish.
 */
class UnownedDroppedTest {
    private static final String DIRECTORY = "unowned-dropped";
    private static final Map<String, String> LAYERS_OFF_AT_40 = Map.of("memshare.layers", "off", "memshare.pa_bits", "40");

    @Test
    void layeredArch8IsTheLowestRuleThatCatchesItAndEveryFfaRuleIsSkippedNamingIt() {
        EngineExecutionResults results = KitRun.run(DIRECTORY, UnownedDroppedPlugin.NAME, Map.of("memshare.pa_bits", "40"),
                ArchRules.class, FfaRules.class);

        assertEquals(List.of("ARCH-8"), KitRun.failedRules(results), KitRun.failureMessages(results));
        assertEquals(7, results.testEvents().skipped().count(), "every FFA rule at the one configuration");
        assertTrue(KitRun.skipReasons(results).stream().allMatch(r -> r.startsWith("skipped: ARCH-8 fails")),
                KitRun.skipReasons(results).toString());
    }

    /**
     * With the layering off, every FFA rule fails: the lifecycles, the borrowers and the fragments
     * read a borrower's mode without UNOWNED; the hardware walk's lifecycles, the clearing and the
     * refusals stop at a relinquish the engine refuses (the borrower reads as an owner), and the
     * refusals also see a borrower lend on what it borrowed.
     */
    @Test
    void everyFfaRuleCatchesItOnItsOwnWithAMessageNamingTheBorrowersMode() {
        EngineExecutionResults results = KitRun.run(DIRECTORY, UnownedDroppedPlugin.NAME, LAYERS_OFF_AT_40, FfaRules.class);

        assertEquals(List.of("FFA-1", "FFA-2", "FFA-3", "FFA-4", "FFA-5", "FFA-6", "FFA-7"), KitRun.failedRules(results),
                KitRun.failureMessages(results));
        String messages = KitRun.failureMessages(results);
        assertTrue(messages.contains("VM 2 has R|W (0x3)") && messages.contains("expected R|W|UNOWNED (0x23)"), messages);
        assertTrue(messages.contains("a borrower lending on what it borrowed: answered FfaResult[SUCCESS"), messages);
    }

    /**
     * The ACS rules whose tests have a borrower relinquish, or check its mode or access, fail; the
     * input-error families pass: a refusal changes nothing whatever the borrower reads.
     */
    @Test
    void theAcsRulesWhereABorrowerRelinquishesCatchItToo() {
        EngineExecutionResults results = KitRun.run(DIRECTORY, UnownedDroppedPlugin.NAME, LAYERS_OFF_AT_40,
                AcsShareRules.class, AcsLendRules.class, AcsDonateRules.class, AcsRelinquishReclaimRules.class);

        assertEquals(List.of("ACS-donate_state_machine", "ACS-ffa_mem_lend", "ACS-ffa_mem_share",
                "ACS-lend_lower_upper_boundary", "ACS-lend_multiple_retrievals", "ACS-lend_retrieve_input_checks",
                "ACS-lend_retrieve_mem_access", "ACS-lend_rw_retrieve_ro", "ACS-lend_state_machine", "ACS-mem_lend_impdef",
                "ACS-mem_lend_mmio", "ACS-mem_security_state_ns_bit_retrieve_check", "ACS-mem_share_impdef",
                "ACS-reclaim_input_error_checks", "ACS-reclaim_zero_flag", "ACS-relinquish_mem_unmap_check",
                "ACS-relinquish_state_machine", "ACS-share_lower_upper_boundary", "ACS-share_multi_borrower_flag_check",
                "ACS-share_multiple_retrievals", "ACS-share_relinquish_input_checks", "ACS-share_ro_retrieve_rw",
                "ACS-share_rw_retrieve_ro", "ACS-share_state_machine"), KitRun.failedRules(results),
                KitRun.failureMessages(results));
    }

    @Test
    void ffaRulesPassOnTheBundledArchesAtEveryConfiguration() {
        EngineExecutionResults fake = KitRun.run(null, "fake", FfaRules.class);
        EngineExecutionResults aarch64 = KitRun.run(null, "aarch64", FfaRules.class);

        assertEquals(List.of(), KitRun.failedRules(fake), KitRun.failureMessages(fake));
        assertEquals(List.of(), KitRun.failedRules(aarch64), KitRun.failureMessages(aarch64));
        assertEquals(6, fake.testEvents().succeeded().count(), "6 rules at fake's one configuration");
        assertEquals(List.of("skipped: FFA-2 needs HARDWARE_WALK"), KitRun.skipReasons(fake).stream()
                .map(r -> r.contains("HARDWARE_WALK") ? "skipped: FFA-2 needs HARDWARE_WALK" : r).toList());
        assertEquals(7 * 6, aarch64.testEvents().succeeded().count(), "7 rules at aarch64's 6 PA sizes");
    }
}
