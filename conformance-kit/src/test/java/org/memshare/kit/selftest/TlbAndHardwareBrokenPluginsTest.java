package org.memshare.kit.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.memshare.kit.rules.ArchRules;
import org.memshare.kit.rules.HardwareRules;
import org.memshare.kit.rules.ModelRules;
import org.memshare.kit.rules.TlbRules;

/**
 * Broken aarch64 variants that only the TLB or the HW rules can catch: each fails exactly the
 * rules meant for it, with a message that names the problem, and the ARCH, TLB, HW and MODEL
 * rules it does not break pass.
 */
class TlbAndHardwareBrokenPluginsTest {
    private static final Class<?>[] RULES = {ArchRules.class, TlbRules.class, HardwareRules.class, ModelRules.class};

    private static EngineExecutionResults run(String directory, String arch) {
        return KitRun.run(directory, arch, RULES);
    }

    private static void assertMessagesSay(EngineExecutionResults results, String... parts) {
        String messages = KitRun.failureMessages(results);
        for (String part : parts) {
            assertTrue(messages.contains(part), "no failure message says \"" + part + "\":\n" + messages);
        }
    }

    @Test
    void aTlbInvalidationThatDoesNothingFailsOnlyTheTlbRules() {
        EngineExecutionResults results = run("silent-tlb", SilentTlbPlugin.NAME);

        assertEquals(List.of("TLB-1", "TLB-2"), KitRun.failedRules(results), KitRun.failureMessages(results));
        assertMessagesSay(results, "still translates IPA 0x", "from its TLB as PA 0x",
                "the TLB maintenance missed an invalidation", "after map vm=1", "after share type=");
        // Every configuration fails, each once per rule.
        assertEquals(2 * 6, results.testEvents().failed().count());
    }

    @Test
    void aPermissionSwappedConsistentlyBothWaysFailsOnlyTheHardwareRules() {
        EngineExecutionResults results = run("swapped-permissions", SwappedPermissionsPlugin.NAME);

        // Only the stage-2 encoding is swapped, so the hypervisor's stage-1 table (HW-3) passes.
        assertEquals(List.of("HW-1", "HW-2"), KitRun.failedRules(results), KitRun.failureMessages(results));
        // VM 1 maps a page read-only; the hardware sees S2AP's write bit instead.
        assertMessagesSay(results, "has mode R (0x1) but the hardware walk gives a grant of W (0x2)",
                "the walk must grant exactly R (0x1)", "entries walked: level ");
    }

    @Test
    void aTableEntryThatPointsAtTheWrongPageFailsOnlyTheHardwareRules() {
        EngineExecutionResults results = run("offset-table", OffsetTablePlugin.NAME);

        // Stage 1 is written with the same table entries, so the hypervisor's table fails too. At
        // PA 48 the offset also pushes a table at the top of the PA range out of it, which the
        // encoding rule ARCH-6 sees first there (and the HW rules are skipped naming it).
        assertEquals(List.of("ARCH-6", "HW-1", "HW-2", "HW-3"), KitRun.failedRules(results),
                KitRun.failureMessages(results));
        assertTrue(KitRun.failureMessages(results).lines().filter(line -> line.startsWith("ARCH-6"))
                .allMatch(line -> line.contains(" pa_bits=48")), KitRun.failureMessages(results));
        // The root entry of VM 1 holds 0x80002003 (raw: table 0x80002000), the format reads 0x80001000.
        assertMessagesSay(results, "but the hardware walk gives a fault", "the mode is valid, so the walk must grant",
                "entries walked: level ", "(the format's table address: 0x");
    }

    @Test
    void theRealPluginPassesTheSameRules() {
        EngineExecutionResults results = run(null, "aarch64");

        assertEquals(List.of(), KitRun.failedRules(results), KitRun.failureMessages(results));
        assertEquals(6 * (9 + 2 + 3 + 3), results.testEvents().succeeded().count());
    }
}
