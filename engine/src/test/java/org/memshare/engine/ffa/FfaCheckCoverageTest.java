package org.memshare.engine.ffa;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every check the FF-A engine makes ({@link FfaCheck}) has a case in the check tests on every
 * bundled arch, so a check added to the engine fails here until a test reproduces it. The one
 * exception is {@link FfaCheck#SEND_BEYOND_PA_RANGE} on AArch64, whose stage 2 covers the PA range
 * exactly: memory past it cannot be mapped, so the check cannot be reached (as in Hafnium).
 */
class FfaCheckCoverageTest {
    private static final Set<FfaCheck> UNREACHABLE_ON_AARCH64 = EnumSet.of(FfaCheck.SEND_BEYOND_PA_RANGE);

    static List<FfaCheckCase> allCases() {
        List<FfaCheckCase> all = new ArrayList<>();
        all.addAll(FfaSendChecksTest.CASES);
        all.addAll(FfaRetrieveChecksTest.CASES);
        all.addAll(FfaReturnChecksTest.CASES);
        return all;
    }

    @ParameterizedTest(name = "every check has a case on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void everyCheckIsReproduced(FfaFixture.Arch arch) {
        Set<FfaCheck> expected = EnumSet.allOf(FfaCheck.class);
        if (arch == FfaFixture.Arch.AARCH64) {
            expected.removeAll(UNREACHABLE_ON_AARCH64);
        }
        Set<FfaCheck> covered = EnumSet.noneOf(FfaCheck.class);
        for (FfaCheckCase c : allCases()) {
            if (c.arches().contains(arch)) {
                covered.add(c.check());
            }
        }
        Set<FfaCheck> missing = EnumSet.copyOf(expected);
        missing.removeAll(covered);
        assertEquals(EnumSet.noneOf(FfaCheck.class), missing, "checks without a test on " + arch);
        assertEquals(expected, covered);
    }
}
