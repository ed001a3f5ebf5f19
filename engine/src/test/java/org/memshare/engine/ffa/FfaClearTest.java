package org.memshare.engine.ffa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.memshare.engine.ffa.FfaFixture.BASE;
import static org.memshare.engine.ffa.FfaFixture.PAGE;
import static org.memshare.engine.ffa.FfaFixture.c;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.memshare.api.ffa.FfaConstituent;
import org.memshare.api.ffa.FfaShareKind;
import org.memshare.api.ffa.Relinquish;
import org.memshare.api.ffa.TransactionFlags;

/** When each step clears memory: send (lend, donate), relinquish by the last borrower, reclaim; never retrieve. */
class FfaClearTest {
    private static final List<FfaConstituent> REGION = List.of(c(BASE, 1), c(BASE + 2 * PAGE, 1));

    private static void assertCleared(FfaFixture f, boolean cleared, String when) {
        for (FfaConstituent c : REGION) {
            if (cleared) {
                assertEquals(0, f.word(c.address()), when + ": 0x" + Long.toHexString(c.address()) + " is cleared");
            } else {
                assertNotEquals(0, f.word(c.address()), when + ": 0x" + Long.toHexString(c.address()) + " is kept");
            }
        }
        assertNotEquals(0, f.word(BASE + PAGE), when + ": the page between the constituents is never cleared");
    }

    @ParameterizedTest
    @EnumSource(value = FfaShareKind.class, names = {"LEND", "DONATE"})
    void aSendWithClearZeroesTheMemoryBeforeAnyRetrieve(FfaShareKind kind) {
        for (FfaFixture.Arch arch : FfaFixture.Arch.values()) {
            FfaFixture f = FfaFixture.boot(arch);
            f.fillPattern();
            f.sendOk(kind, 1, REGION, TransactionFlags.CLEAR, 2);
            assertCleared(f, true, "after the send");
        }
    }

    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void theRetrieveClearFlagsAreOnlyValidated(FfaFixture.Arch arch) {
        FfaFixture f = FfaFixture.boot(arch);
        f.fillPattern();
        long handle = f.sendOk(FfaShareKind.LEND, 1, REGION, 0, 2);
        FfaOutcome retrieved = f.retrieve(2, handle, 1, FfaShareKind.LEND, TransactionFlags.CLEAR_ON_RELINQUISH, 2);
        assertEquals(Optional.empty(), retrieved.check(), retrieved::toString);
        f.ffa.rxRelease(2);
        assertCleared(f, false, "after the retrieve");
        f.relinquishOk(2, handle);
        assertCleared(f, false, "clear-on-relinquish is not recorded: the relinquish's own flag decides");
    }

    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void theLastBorrowerClearsAtRelinquishAndAnEarlierOnesFlagIsDropped(FfaFixture.Arch arch) {
        FfaFixture f = FfaFixture.boot(arch);
        f.fillPattern();
        long handle = f.sendOk(FfaShareKind.LEND, 1, REGION, 0, 2, 3);
        f.retrieveOk(2, handle, 1, FfaShareKind.LEND, 2, 3);
        f.retrieveOk(3, handle, 1, FfaShareKind.LEND, 2, 3);
        assertEquals(Optional.empty(), f.relinquish(2, handle, Relinquish.FLAG_CLEAR).check());
        assertCleared(f, false, "VM 3 still holds it: VM 2's clear is dropped");
        assertEquals(Optional.empty(), f.relinquish(3, handle, Relinquish.FLAG_CLEAR).check());
        assertCleared(f, true, "the last borrower's clear");
        f.reclaimOk(1, handle);
    }

    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void aReclaimWithClearZeroesTheMemoryItGivesBack(FfaFixture.Arch arch) {
        FfaFixture f = FfaFixture.boot(arch);
        f.fillPattern();
        long handle = f.sendOk(FfaShareKind.LEND, 1, REGION, 0, 2);
        f.retrieveOk(2, handle, 1, FfaShareKind.LEND, 2);
        f.relinquishOk(2, handle);
        assertCleared(f, false, "before the reclaim");
        assertEquals(Optional.empty(), f.reclaim(1, handle, 1).check());
        assertCleared(f, true, "after the reclaim");
        f.assertMapped("reclaimed", BASE, 1, 1, FfaFixture.RWX);
    }

    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void aClearLeavesNoStage1TablesBehind(FfaFixture.Arch arch) {
        FfaFixture f = FfaFixture.boot(arch);
        long free = f.machine.pool().freeCount();
        long handle = f.sendOk(FfaShareKind.LEND, 1, REGION, TransactionFlags.CLEAR, 2);
        f.reclaim(1, handle, 1);
        assertEquals(free, f.machine.pool().freeCount(), "the stage-1 tables of the clears went back to the pool");
    }
}
