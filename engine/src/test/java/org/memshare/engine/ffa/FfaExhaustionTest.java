package org.memshare.engine.ffa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.memshare.engine.ffa.FfaFixture.BASE;
import static org.memshare.engine.ffa.FfaFixture.BLOCK;
import static org.memshare.engine.ffa.FfaFixture.PAGE;
import static org.memshare.engine.ffa.FfaFixture.c;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.memshare.api.ffa.FfaConstituent;
import org.memshare.api.ffa.FfaError;
import org.memshare.api.ffa.FfaShareKind;
import org.memshare.api.ffa.FfaVersion;
import org.memshare.api.ffa.Handle;
import org.memshare.api.ffa.Relinquish;
import org.memshare.api.ffa.TransactionFlags;

/**
 * NO_MEMORY at every allocation: each step is run once per allocation it makes, on a fresh
 * machine whose pool fails exactly that allocation (a Mockito spy), and must answer NO_MEMORY
 * with nothing changed; one allocation further it succeeds. Also the share-state table's bound.
 */
class FfaExhaustionTest {
    /** Constituents that split VM 1's block and a table-mapped region: tables to prepare, and clears. */
    private static final List<FfaConstituent> REGION = List.of(c(BLOCK + 8 * PAGE, 3), c(BASE + 4 * PAGE, 1));

    /** Sets a fresh fixture up and answers the step to exhaust. */
    private static void exhaust(FfaFixture.Arch arch, String name, Function<FfaFixture, Supplier<FfaOutcome>> scenario) {
        long total = -1;
        for (long k = 1; ; k++) {
            FfaFixture f = FfaFixture.boot(arch);
            Supplier<FfaOutcome> step = scenario.apply(f);
            FfaFixture.Snapshot before = f.snapshot();
            f.faults.failAt(k);
            FfaOutcome outcome = step.get();
            long asked = f.faults.allocations();
            f.faults.failAt(0);
            if (asked < k) {
                assertEquals(Optional.empty(), outcome.check(), name + " with allocation " + k + " (never reached) failing");
                total = k - 1;
                break;
            }
            assertEquals(FfaError.NO_MEMORY, outcome.result().error(), name + ", allocation " + k + ": " + outcome);
            assertEquals(before, f.snapshot(), name + ", allocation " + k + " failing changed something: " + outcome);
        }
        assertTrue(total >= 2, name + " made only " + total + " allocations: the test exercises too little");
    }

    private static long lent(FfaFixture f, int flags) {
        return f.sendOk(FfaShareKind.LEND, 1, REGION, flags, 2);
    }

    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void aLendWithClear(FfaFixture.Arch arch) {
        exhaust(arch, "lend with clear", f -> () -> f.send(FfaShareKind.LEND, 1, REGION, TransactionFlags.CLEAR, 2));
    }

    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void aV1_0Donate(FfaFixture.Arch arch) {
        exhaust(arch, "v1.0 donate", f -> {
            f.ffa.setVersion(1, FfaVersion.V1_0);
            return () -> f.send(FfaShareKind.DONATE, 1, REGION, 0, 2);
        });
    }

    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void aRetrieve(FfaFixture.Arch arch) {
        exhaust(arch, "retrieve", f -> {
            long handle = lent(f, 0);
            return () -> f.retrieve(2, handle, 1, FfaShareKind.LEND, 0, 2);
        });
    }

    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void aRelinquishWithClear(FfaFixture.Arch arch) {
        exhaust(arch, "relinquish with clear", f -> {
            long handle = lent(f, 0);
            f.retrieveOk(2, handle, 1, FfaShareKind.LEND, 2);
            return () -> f.relinquish(2, handle, Relinquish.FLAG_CLEAR);
        });
    }

    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void aReclaimWithClear(FfaFixture.Arch arch) {
        exhaust(arch, "reclaim with clear", f -> {
            long handle = lent(f, 0);
            return () -> f.reclaim(1, handle, 1);
        });
    }

    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void theTableHoldsOneHundredTransactionsAndAFreedSlotsHandleComesBack(FfaFixture.Arch arch) {
        FfaFixture f = FfaFixture.boot(arch);
        long[] handles = new long[ShareStateTable.CAPACITY];
        for (int i = 0; i < handles.length; i++) {
            handles[i] = f.sendOk(FfaShareKind.LEND, 1, List.of(c(BLOCK + i * PAGE, 1)), 0, 2);
            assertEquals(Handle.ofHypervisorSlot(i), handles[i], "lowest free slot first");
        }
        FfaFixture.assertRefused(FfaCheck.SEND_SHARE_STATES_FULL,
                f.send(FfaShareKind.LEND, 1, List.of(c(BASE, 1)), 0, 2));
        f.reclaimOk(1, handles[42]);
        long again = f.sendOk(FfaShareKind.LEND, 1, List.of(c(BASE, 1)), 0, 2);
        assertEquals(handles[42], again, "handles are not unique over time: slot 42's comes back");
        assertEquals(ShareStateTable.CAPACITY, f.ffa.shareStatesInUse());
    }

    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void aLiveTransactionHoldsAPoolPagePerFragmentUntilItIsFreed(FfaFixture.Arch arch) {
        FfaFixture whole = FfaFixture.boot(arch);
        long free = whole.machine.pool().freeCount();
        long oneFragment = whole.sendOk(FfaShareKind.LEND, 1, List.of(c(BLOCK, 1), c(BLOCK + PAGE, 1)), 0, 2);
        long heldByOne = free - whole.machine.pool().freeCount();
        whole.reclaimOk(1, oneFragment);
        whole.machine.vm(1).orElseThrow().table().defrag(whole.machine.pool());
        assertEquals(free, whole.machine.pool().freeCount(), "the reclaim gave everything back");

        FfaFixture split = FfaFixture.boot(arch);
        long twoFragments = split.lendInTwoFragments(1, 1);
        assertEquals(heldByOne + 1, free - split.machine.pool().freeCount(), "one more page for the second fragment");
        split.reclaimOk(1, twoFragments);
        assertEquals(free, split.machine.pool().freeCount());
    }
}
