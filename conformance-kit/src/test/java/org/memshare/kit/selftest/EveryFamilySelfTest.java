package org.memshare.kit.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.memshare.kit.KitKeys;
import org.memshare.kit.SkipReasons;
import org.memshare.kit.rules.AcsDonateRules;
import org.memshare.kit.rules.AcsLendRules;
import org.memshare.kit.rules.AcsRelinquishReclaimRules;
import org.memshare.kit.rules.AcsShareRules;
import org.memshare.kit.rules.ArchRules;
import org.memshare.kit.rules.CorpusRules;
import org.memshare.kit.rules.FfaRules;
import org.memshare.kit.rules.HardwareRules;
import org.memshare.kit.rules.ModelRules;
import org.memshare.kit.rules.PageTableRules;
import org.memshare.kit.rules.PoolRules;
import org.memshare.kit.rules.ShareRules;
import org.memshare.kit.rules.TlbRules;

/**
 * Every broken plugin against EVERY family at once, as a user runs the kit: exactly the rules meant
 * for its defect fail; every rule of its own layer and below that is not meant for it passes; the
 * layers above are skipped naming the failing rule. One PA size keeps it quick; the per-family
 * self-tests cover every configuration.
 */
class EveryFamilySelfTest {
    private static final Class<?>[] EVERY_FAMILY = {ArchRules.class, PageTableRules.class, PoolRules.class,
        ShareRules.class, TlbRules.class, HardwareRules.class, CorpusRules.class, FfaRules.class, ModelRules.class,
        AcsShareRules.class, AcsLendRules.class, AcsDonateRules.class, AcsRelinquishReclaimRules.class};

    static Stream<Arguments> brokenPlugins() {
        return Stream.of(
                Arguments.of("no-pages", NoPagesPlugin.NAME, Map.of(), List.of("ARCH-1")),
                Arguments.of("exclusive-dropped", ExclusiveBitDroppedPlugin.NAME, Map.of(), List.of("ARCH-8")),
                Arguments.of("unowned-dropped", UnownedDroppedPlugin.NAME, Map.of(), List.of("ARCH-8")),
                Arguments.of("valid-bit-on-invalid-block", ValidBitOnInvalidBlockPlugin.NAME, Map.of(),
                        List.of("PT-13")),
                Arguments.of(null, "aarch64", Map.of(KitKeys.POOL_FACTORY, LeakyPoolFactory.class.getName()),
                        List.of("POOL-6")),
                Arguments.of("silent-tlb", SilentTlbPlugin.NAME, Map.of(), List.of("TLB-1", "TLB-2")),
                Arguments.of("swapped-permissions", SwappedPermissionsPlugin.NAME, Map.of(), List.of("HW-1", "HW-2")),
                Arguments.of("offset-table", OffsetTablePlugin.NAME, Map.of(), List.of("HW-1", "HW-2", "HW-3")));
    }

    @ParameterizedTest(name = "{1} {2} fails exactly {3}")
    @MethodSource("brokenPlugins")
    void exactlyTheRulesMeantForTheDefectFail(String directory, String arch, Map<String, String> keys,
            List<String> expected) {
        Map<String, String> parameters = new LinkedHashMap<>(keys);
        parameters.put(KitKeys.PA_BITS, "40");
        EngineExecutionResults results = KitRun.run(directory, arch, parameters, EVERY_FAMILY);

        assertEquals(expected, KitRun.failedRules(results), KitRun.failureMessages(results));
        String lowest = expected.get(0);
        for (String reason : KitRun.skipReasons(results)) {
            boolean blocked = SkipReasons.failingLowerRule(reason).map(expected::contains).orElse(false);
            boolean unrelated = reason.contains("written for") || reason.contains("which " + arch + " does not declare")
                    || reason.startsWith("untested: ");
            assertTrue(blocked || unrelated, "an unexpected skip, not caused by " + lowest + ": " + reason);
        }
    }

    @org.junit.jupiter.api.Test
    void aPluginThatRefusesItsConfigurationIsSkippedByEveryFamilyWithItsReason() {
        EngineExecutionResults results = KitRun.run("refusing", "refusing", EVERY_FAMILY);

        assertEquals(List.of(), KitRun.failedRules(results), KitRun.failureMessages(results));
        assertEquals(0, results.testEvents().succeeded().count(), "nothing can pass on a refused configuration");
        assertTrue(KitRun.skipReasons(results).stream().allMatch(r -> r.contains(RefusingPlugin.REASON)
                || r.startsWith("untested: ")),
                KitRun.skipReasons(results).toString());
    }
}
