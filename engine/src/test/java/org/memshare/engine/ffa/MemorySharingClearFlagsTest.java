package org.memshare.engine.ffa;

import static org.memshare.engine.ffa.FfaSteps.BORROWED_RW;
import static org.memshare.engine.ffa.FfaSteps.LENT;
import static org.memshare.engine.ffa.FfaSteps.NONE;
import static org.memshare.engine.ffa.FfaSteps.NORMAL;
import static org.memshare.engine.ffa.FfaSteps.OWNED;
import static org.memshare.engine.ffa.FfaSteps.P;
import static org.memshare.engine.ffa.FfaSteps.PAGE;
import static org.memshare.engine.ffa.FfaSteps.PAGES;
import static org.memshare.engine.ffa.FfaSteps.RO;
import static org.memshare.engine.ffa.FfaSteps.RO_NX;
import static org.memshare.engine.ffa.FfaSteps.RW;
import static org.memshare.engine.ffa.FfaSteps.RW_NX;
import static org.memshare.engine.ffa.FfaSteps.S1;
import static org.memshare.engine.ffa.FfaSteps.S2;
import static org.memshare.engine.ffa.FfaSteps.SHARED_OWNER;
import static org.memshare.engine.ffa.FfaSteps.SHARED_RW;
import static org.memshare.engine.ffa.FfaSteps.UNMAPPED;
import static org.memshare.engine.ffa.FfaSteps.access;
import static org.memshare.engine.ffa.FfaSteps.c;
import static org.memshare.engine.ffa.FfaSteps.region;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.memshare.api.ffa.EndpointAccess;
import org.memshare.api.ffa.FfaConstituent;
import org.memshare.api.ffa.FfaShareKind;
import org.memshare.api.ffa.MemoryPermissions;
import org.memshare.api.ffa.TransactionFlags;
import org.memshare.api.mode.Mode;

/**
 * memory_sharing.c's tests of the clear flags: clear at send (lend and donate only, the sender
 * needing write access), the retrieve request's clear and clear-on-relinquish flags (validated,
 * never acted on), and clear at relinquish (the last borrower only; never for a share).
 */
class MemorySharingClearFlagsTest {
    private static final List<FfaConstituent> TWO_PAGES = region(c(PAGES, 2));
    private static final List<FfaConstituent> TWO_AND_ONE = region(c(PAGES, 2), c(PAGES + 3 * PAGE, 1));
    private static final int TYPE_LEND = 2 << 3;
    private static final int CLEAR = TransactionFlags.CLEAR;
    private static final int CLEAR_ON_RELINQUISH = TransactionFlags.CLEAR_ON_RELINQUISH;
    /** A page service1 may only read, standing for the read-only memory of an SP's manifest. */
    private static final long S1_READ_ONLY = 0x7200000L;

    @ParameterizedTest(name = "share_relinquish_clear on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void shareRelinquishClear(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        s.fill(P, PAGES, 2, 'b');
        long handle = s.send(FfaShareKind.SHARE, P).to(S1, RW).of(TWO_PAGES).ok();
        s.retrieve(S1, handle, P).to(S1, RW).ok();
        s.expect("after the retrieve", TWO_PAGES, P, SHARED_OWNER, S1, SHARED_RW);
        // ffa_memory_share_relinquish_clear: clearing shared memory is refused, a plain relinquish is not.
        s.refusedUnchanged(FfaCheck.RELINQUISH_CLEAR_SHARE, () -> s.relinquish(S1, handle, 1));
        s.relinquishOk(S1, handle);
        s.reclaimOk(P, handle);
        s.expect("after the reclaim", TWO_PAGES, P, OWNED, S1, UNMAPPED);
        s.assertBytes(P, PAGES, 2, 'b');
    }

    /**
     * lend_clear: a lend with the clear flag zeroes the memory at send; the service is never run,
     * so the reclaim finds it zeroed (the test's comment says "not cleared" but it asserts zeros).
     */
    @ParameterizedTest(name = "lend_clear on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void lendClear(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        s.fill(P, PAGES, 2, 'b');
        long handle = s.send(FfaShareKind.LEND, P).to(S1, RO).flags(CLEAR).of(TWO_PAGES).ok();
        s.expect("after the lend", TWO_PAGES, P, LENT, S1, UNMAPPED);
        s.assertPhysical(PAGES, 2, 0);
        s.reclaimOk(P, handle);
        s.expect("after the reclaim", TWO_PAGES, P, OWNED, S1, UNMAPPED);
        s.assertBytes(P, PAGES, 2, 0);
    }

    @ParameterizedTest(name = "share_clear on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void shareClear(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        s.fill(P, PAGES, 2, 'b');
        s.refusedUnchanged(FfaCheck.SEND_FLAGS,
                () -> s.send(FfaShareKind.SHARE, P).to(S1, RO).flags(CLEAR).of(TWO_PAGES).outcome());
        s.expect("after the refusal", TWO_PAGES, P, OWNED, S1, UNMAPPED);
        s.assertBytes(P, PAGES, 2, 'b');
    }

    @ParameterizedTest(name = "ffa_validate_retrieve_req_clear_flag_if_mem_share on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void validateRetrieveReqClearFlagIfMemShare(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        s.refusedUnchanged(FfaCheck.SEND_FLAGS,
                () -> s.send(FfaShareKind.SHARE, P).to(S1, RW).flags(CLEAR).of(TWO_AND_ONE).outcome());
        long handle = s.send(FfaShareKind.SHARE, P).to(S1, RW).of(TWO_AND_ONE).ok();
        s.refusedUnchanged(FfaCheck.RETRIEVE_CLEAR_ON_SHARE,
                () -> s.retrieve(S1, handle, P).to(S1, RW).flags(CLEAR | CLEAR_ON_RELINQUISH).outcome());
        s.expect("after the refused retrieve", TWO_AND_ONE, P, SHARED_OWNER, S1, UNMAPPED);
        s.reclaimOk(P, handle);
        s.expect("after the reclaim", TWO_AND_ONE, P, OWNED, S1, UNMAPPED);
    }

    /**
     * ffa_validate_retrieve_req_clear_flag_if_RO: a borrower granted RO may not ask for clearing.
     * The clear flag is refused one check earlier in Hafnium's order, because the sender did not
     * clear either; clear-on-relinquish reaches the read-only check. Both DENIED.
     */
    @ParameterizedTest(name = "ffa_validate_retrieve_req_clear_flag_if_RO on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void validateRetrieveReqClearFlagIfRo(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        long handle = s.send(FfaShareKind.LEND, P).to(S1, RO).of(TWO_AND_ONE).ok();
        s.refusedUnchanged(FfaCheck.RETRIEVE_CLEAR_NOT_SENT,
                () -> s.retrieve(S1, handle, P).to(S1, RO_NX).flags(CLEAR).outcome());
        s.refusedUnchanged(FfaCheck.RETRIEVE_CLEAR_READ_ONLY,
                () -> s.retrieve(S1, handle, P).to(S1, RO_NX).flags(CLEAR_ON_RELINQUISH).outcome());
        s.expect("after the refused retrieves", TWO_AND_ONE, P, LENT, S1, UNMAPPED);
        s.reclaimOk(P, handle);
        s.expect("after the reclaim", TWO_AND_ONE, P, OWNED, S1, UNMAPPED);
    }

    @ParameterizedTest(name = "ffa_validate_retrieve_req_clear_flag_if_sender_not_clear on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void validateRetrieveReqClearFlagIfSenderNotClear(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        for (FfaShareKind kind : new FfaShareKind[] {FfaShareKind.LEND, FfaShareKind.DONATE}) {
            boolean lend = kind == FfaShareKind.LEND;
            long handle = s.send(kind, P).to(S1, lend ? RW : NONE).of(TWO_AND_ONE).ok();
            MemoryPermissions asked = lend ? RW : RW_NX;
            s.refusedUnchanged(FfaCheck.RETRIEVE_CLEAR_NOT_SENT,
                    () -> s.retrieve(S1, handle, P).to(S1, asked).flags(CLEAR).outcome());
            s.expect("after the refused retrieve", TWO_AND_ONE, P, lend ? LENT : UNMAPPED, S1, UNMAPPED);
            s.reclaimOk(P, handle);
            s.expect("after the reclaim", TWO_AND_ONE, P, OWNED, S1, UNMAPPED);
        }
    }

    /**
     * lend_zero_memory_after_relinquish: the retrieve asks clear-on-relinquish (which Hafnium does
     * not act on) and the service (memory_increment_relinquish_with_clear_check_not_zeroed) finds
     * the data, increments it and relinquishes with the clear flag: the lender gets zeros back.
     * Again without the retrieve flag: the relinquish flag alone decides, so zeros again.
     */
    @ParameterizedTest(name = "lend_zero_memory_after_relinquish on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void lendZeroMemoryAfterRelinquish(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        for (int retrieveFlags : new int[] {CLEAR_ON_RELINQUISH, 0}) {
            s.fillIndex(P, PAGES, 1);
            long handle = s.send(FfaShareKind.LEND, P).to(S1, RW).of(TWO_AND_ONE).ok();
            s.retrieve(S1, handle, P).to(S1, RW_NX).flags(retrieveFlags).ok();
            s.expect("after the retrieve", TWO_AND_ONE, P, LENT, S1, BORROWED_RW);
            s.assertIndex(S1, PAGES, 1, 0);
            s.increment(S1, PAGES, 1);
            s.relinquishOk(S1, handle, 1);
            s.expect("after the relinquish", TWO_AND_ONE, P, LENT, S1, UNMAPPED);
            s.reclaimOk(P, handle);
            s.expect("after the reclaim", TWO_AND_ONE, P, OWNED, S1, UNMAPPED);
            s.assertBytes(P, PAGES, 1, 0);
        }
    }

    /**
     * lend_zero_memory_after_relinquish_multiple_borrowers: service1 relinquishes with clear while
     * service2 still holds the memory, so nothing is cleared and service2 finds the data; service2,
     * the last borrower, relinquishes with clear and the lender gets zeros back. Run twice, as the
     * Hafnium test does (its retrieve flag expression sets no flag either time).
     */
    @ParameterizedTest(name = "lend_zero_memory_after_relinquish_multiple_borrowers on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void lendZeroMemoryAfterRelinquishMultipleBorrowers(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        EndpointAccess first = access(S1, RW, S1, S1 + 1);
        EndpointAccess second = access(S2, RW, S2, S2 + 1);
        for (int run = 0; run < 2; run++) {
            s.fillIndex(P, PAGES, 1);
            long handle = s.send(FfaShareKind.LEND, P).to(first).to(second).attributes(NORMAL).of(TWO_AND_ONE).ok();
            for (int vm : new int[] {S1, S2}) {
                s.retrieve(vm, handle, P).to(first).to(second).flags(TYPE_LEND).ok();
            }
            s.expect("after both retrieved", TWO_AND_ONE, P, LENT, S1, BORROWED_RW, S2, BORROWED_RW);
            s.increment(S1, PAGES, 1);
            s.relinquishOk(S1, handle, 1);
            s.expect("after service1 relinquished", TWO_AND_ONE, P, LENT, S1, UNMAPPED, S2, BORROWED_RW);
            s.assertIndex(S2, PAGES, 1, 1);
            s.increment(S2, PAGES, 1);
            s.relinquishOk(S2, handle, 1);
            s.expect("after service2 relinquished", TWO_AND_ONE, P, LENT, S1, UNMAPPED, S2, UNMAPPED);
            s.reclaimOk(P, handle);
            s.expect("after the reclaim", TWO_AND_ONE, P, OWNED, S1, UNMAPPED, S2, UNMAPPED);
            s.assertBytes(P, PAGES, 1, 0);
        }
    }

    /**
     * cannot_zero_ro_memory_on_lend_or_donate [SP in Hafnium]
     * (ffa_memory_fail_clear_ro_memory_on_lend_or_donate): a sender that may only read its memory
     * cannot lend or donate it with the clear flag; DENIED.
     */
    @ParameterizedTest(name = "cannot_zero_ro_memory_on_lend_or_donate (as VMs) on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void cannotZeroRoMemoryOnLendOrDonate(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        List<FfaConstituent> page = region(c(S1_READ_ONLY, 1));
        s.f.map(S1, S1_READ_ONLY, 1, Mode.R);
        s.refusedUnchanged(FfaCheck.SEND_CLEAR_WITHOUT_WRITE,
                () -> s.send(FfaShareKind.LEND, S1).to(S2, RO).flags(CLEAR).of(page).outcome());
        s.refusedUnchanged(FfaCheck.SEND_CLEAR_WITHOUT_WRITE,
                () -> s.send(FfaShareKind.DONATE, S1).to(S2, NONE).flags(CLEAR).of(page).outcome());
        s.expect("after the refusals", page, S1, Mode.R, S2, UNMAPPED);
    }

    /**
     * cannot_zero_ro_memory_on_retrieve [SP in Hafnium]
     * (ffa_memory_fail_clear_ro_memory_on_retrieve): read-only memory lent RO cannot be retrieved
     * with clear-on-relinquish; DENIED (ffa_memory_share_fail_denied).
     */
    @ParameterizedTest(name = "cannot_zero_ro_memory_on_retrieve (as VMs) on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void cannotZeroRoMemoryOnRetrieve(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        List<FfaConstituent> page = region(c(S1_READ_ONLY, 1));
        s.f.map(S1, S1_READ_ONLY, 1, Mode.R);
        long handle = s.send(FfaShareKind.LEND, S1).to(S2, RO).of(page).ok();
        s.refusedUnchanged(FfaCheck.RETRIEVE_CLEAR_READ_ONLY,
                () -> s.retrieve(S2, handle, S1).to(S2, RO_NX).flags(CLEAR_ON_RELINQUISH).outcome());
        s.expect("after the refusal", page, S1, Mode.R | Mode.INVALID, S2, UNMAPPED);
    }
}
