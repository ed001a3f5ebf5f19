package org.memshare.engine.ffa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.memshare.engine.ffa.FfaSteps.BORROWED_RW;
import static org.memshare.engine.ffa.FfaSteps.LENT;
import static org.memshare.engine.ffa.FfaSteps.NORMAL;
import static org.memshare.engine.ffa.FfaSteps.OWNED;
import static org.memshare.engine.ffa.FfaSteps.P;
import static org.memshare.engine.ffa.FfaSteps.PAGE;
import static org.memshare.engine.ffa.FfaSteps.PAGES;
import static org.memshare.engine.ffa.FfaSteps.RW;
import static org.memshare.engine.ffa.FfaSteps.RW_X;
import static org.memshare.engine.ffa.FfaSteps.S1;
import static org.memshare.engine.ffa.FfaSteps.S2;
import static org.memshare.engine.ffa.FfaSteps.SHARED_OWNER;
import static org.memshare.engine.ffa.FfaSteps.SHARED_RW;
import static org.memshare.engine.ffa.FfaSteps.UNMAPPED;
import static org.memshare.engine.ffa.FfaSteps.c;
import static org.memshare.engine.ffa.FfaSteps.region;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.memshare.api.ffa.EndpointAccess;
import org.memshare.api.ffa.FfaConstituent;
import org.memshare.api.ffa.FfaShareKind;
import org.memshare.api.ffa.MemoryTransaction;
import org.memshare.api.ffa.TransactionFlags;

/**
 * memory_sharing.c's tests of transactions with two borrowers: both retrieve (listing every
 * borrower, or only themselves with the bypass flag), use, relinquish and retrieve again before the
 * lender reclaims; and the sends and retrieves a second borrower makes invalid.
 */
class MemorySharingMultipleBorrowersTest {
    private static final List<FfaConstituent> TWO_AND_ONE = region(c(PAGES, 2), c(PAGES + 3 * PAGE, 1));
    private static final int TYPE_SHARE = 1 << 3;
    private static final int TYPE_LEND = 2 << 3;
    /** Where the primary's 512 extra pages lie, for the fragmented lend. */
    private static final long MANY = 0x1000_0000L;
    /** FRAGMENTED_SHARE_PAGE_COUNT: two pages' worth of constituents, so three fragments. */
    private static final int FRAGMENTED_PAGES = 2 * (int) PAGE / FfaConstituent.SIZE;

    /** Each receiver with RW and the impdef memory_sharing.c gives it: its id, its id + 1. */
    private static EndpointAccess borrower(int vm) {
        return FfaSteps.access(vm, RW, vm, vm + 1);
    }

    /**
     * memory_retrieve_multiple_borrower_base with the memory_increment service: the recipient
     * retrieves, the primary writes {@code i} at byte i of the first page, the recipient increments
     * every byte and the primary sees {@code i + 1}.
     */
    private static void retrieveAndIncrement(FfaSteps s, int recipient, long handle, int flags, EndpointAccess... listed) {
        FfaSteps.Retrieve request = s.retrieve(recipient, handle, P).flags(flags);
        for (EndpointAccess r : listed) {
            request.to(r);
        }
        MemoryTransaction response = request.ok();
        assertEquals(FfaSteps.RW_NX, FfaSteps.granted(response), "a share is granted without execute");
        assertEquals(FfaSteps.impdefOf(recipient), response.receivers().get(0).impdef(),
                "the response carries the retriever's impdef from the send");
        s.fillIndex(P, PAGES, 1);
        s.increment(recipient, PAGES, 1);
        s.assertIndex(P, PAGES, 1, 1);
    }

    private static long shareWithBoth(FfaSteps s) {
        long handle = s.send(FfaShareKind.SHARE, P).to(borrower(S1)).to(borrower(S2)).of(TWO_AND_ONE).ok();
        s.expect("after the share", TWO_AND_ONE, P, SHARED_OWNER, S1, UNMAPPED, S2, UNMAPPED);
        return handle;
    }

    @ParameterizedTest(name = "mem_share_multiple_borrowers on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void memShareMultipleBorrowers(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        long handle = shareWithBoth(s);
        retrieveAndIncrement(s, S1, handle, TYPE_SHARE, borrower(S1), borrower(S2));
        s.expect("after service1 retrieved", TWO_AND_ONE, P, SHARED_OWNER, S1, SHARED_RW, S2, UNMAPPED);
        retrieveAndIncrement(s, S2, handle, TYPE_SHARE, borrower(S1), borrower(S2));
        s.expect("after service2 retrieved", TWO_AND_ONE, P, SHARED_OWNER, S1, SHARED_RW, S2, SHARED_RW);
    }

    @ParameterizedTest(name = "mem_share_bypass_multiple_borrowers on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void memShareBypassMultipleBorrowers(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        long handle = shareWithBoth(s);
        int bypass = TYPE_SHARE | TransactionFlags.BYPASS_BORROWERS_CHECK;
        retrieveAndIncrement(s, S1, handle, bypass, borrower(S1));
        s.expect("after service1 retrieved", TWO_AND_ONE, P, SHARED_OWNER, S1, SHARED_RW, S2, UNMAPPED);
        retrieveAndIncrement(s, S2, handle, bypass, borrower(S2));
        s.expect("after service2 retrieved", TWO_AND_ONE, P, SHARED_OWNER, S1, SHARED_RW, S2, SHARED_RW);
    }

    @ParameterizedTest(name = "mem_share_bypass_multiple_borrowers_wrong_receiver_count on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void memShareBypassWrongReceiverCount(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        long handle = shareWithBoth(s);
        s.refusedUnchanged(FfaCheck.RETRIEVE_BYPASS_RECEIVER_COUNT, () -> s.retrieve(S1, handle, P)
                .to(borrower(S1)).to(borrower(S2)).flags(TYPE_SHARE | TransactionFlags.BYPASS_BORROWERS_CHECK)
                .outcome());
        s.expect("after the refusal", TWO_AND_ONE, P, SHARED_OWNER, S1, UNMAPPED, S2, UNMAPPED);
    }

    @ParameterizedTest(name = "mem_share_bypass_multiple_borrowers_single_receiver_fails on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void memShareBypassSingleReceiverFails(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        long handle = s.send(FfaShareKind.SHARE, P).to(borrower(S1)).of(TWO_AND_ONE).ok();
        s.refusedUnchanged(FfaCheck.RETRIEVE_BYPASS_SINGLE_BORROWER, () -> s.retrieve(S1, handle, P)
                .to(borrower(S1)).flags(TYPE_SHARE | TransactionFlags.BYPASS_BORROWERS_CHECK).outcome());
        s.expect("after the refusal", TWO_AND_ONE, P, SHARED_OWNER, S1, UNMAPPED);
    }

    /**
     * lend_and_check_memory_increment with two borrowers and two rounds: both retrieve, then each
     * increments the first page and relinquishes (memory_increment_relinquish), twice over
     * before the reclaim, so every byte ends incremented four times.
     */
    private static void lendToBothTwice(FfaSteps s, int retrieveFlags) {
        s.fillIndex(P, PAGES, 1);
        long handle = s.send(FfaShareKind.LEND, P).to(borrower(S1)).to(borrower(S2)).attributes(NORMAL)
                .of(TWO_AND_ONE).ok();
        s.expect("after the lend", TWO_AND_ONE, P, LENT, S1, UNMAPPED, S2, UNMAPPED);
        for (int round = 0; round < 2; round++) {
            for (int vm : new int[] {S1, S2}) {
                s.retrieve(vm, handle, P).to(borrower(S1)).to(borrower(S2)).flags(TYPE_LEND | retrieveFlags).ok();
            }
            s.expect("after both retrieved", TWO_AND_ONE, P, LENT, S1, BORROWED_RW, S2, BORROWED_RW);
            s.increment(S1, PAGES, 1);
            s.relinquishOk(S1, handle);
            s.expect("after service1 relinquished", TWO_AND_ONE, P, LENT, S1, UNMAPPED, S2, BORROWED_RW);
            s.increment(S2, PAGES, 1);
            s.relinquishOk(S2, handle);
            s.expect("after service2 relinquished", TWO_AND_ONE, P, LENT, S1, UNMAPPED, S2, UNMAPPED);
        }
        s.reclaimOk(P, handle);
        s.expect("after the reclaim", TWO_AND_ONE, P, OWNED, S1, UNMAPPED, S2, UNMAPPED);
        s.assertIndex(P, PAGES, 1, 4);
    }

    /**
     * mem_lend_relinquish_reclaim_multiple_borrowers. Its second run means to set clear-on-relinquish
     * in the retrieve requests, but the expression it uses ({@code true & flag}) leaves the flags
     * as in the first run; both runs are reproduced, then a third with the flag really set: it is
     * accepted and not acted on (only a relinquish clears), so the data survives all three.
     */
    @ParameterizedTest(name = "mem_lend_relinquish_reclaim_multiple_borrowers on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void memLendRelinquishReclaimMultipleBorrowers(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        lendToBothTwice(s, 0);
        lendToBothTwice(s, 0);
        lendToBothTwice(s, TransactionFlags.CLEAR_ON_RELINQUISH);
    }

    @ParameterizedTest(name = "fail_if_multi_receiver_donate on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void failIfMultiReceiverDonate(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        s.refusedUnchanged(FfaCheck.SEND_DONATE_RECEIVER_COUNT, () -> s.send(FfaShareKind.DONATE, P)
                .to(borrower(S1)).to(borrower(S2)).attributes(NORMAL).of(TWO_AND_ONE).outcome());
        s.expect("after the refusal", TWO_AND_ONE, P, OWNED, S1, UNMAPPED, S2, UNMAPPED);
    }

    /** fail_multiple_receiver_mem_share_lend: a lend and a share to these two receivers are both refused by {@code check}. */
    private static void lendAndShareRefused(FfaSteps s, FfaCheck check, EndpointAccess first, EndpointAccess second) {
        for (FfaShareKind kind : new FfaShareKind[] {FfaShareKind.LEND, FfaShareKind.SHARE}) {
            s.refusedUnchanged(check,
                    () -> s.send(kind, P).to(first).to(second).attributes(NORMAL).of(TWO_AND_ONE).outcome());
        }
        s.expect("after the refusals", TWO_AND_ONE, P, OWNED, S1, UNMAPPED, S2, UNMAPPED);
    }

    @ParameterizedTest(name = "fail_if_one_receiver_wrong_permissions on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void failIfOneReceiverWrongPermissions(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        lendAndShareRefused(s, FfaCheck.SEND_INSTRUCTION_ACCESS_SPECIFIED, borrower(S1),
                FfaSteps.access(S2, RW_X, S2, S2 + 1));
    }

    @ParameterizedTest(name = "fail_if_repeated_borrower on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void failIfRepeatedBorrower(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        lendAndShareRefused(s, FfaCheck.SEND_RECEIVER_REPEATED, borrower(S1), borrower(S1));
    }

    @ParameterizedTest(name = "fail_if_one_receiver_is_self on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void failIfOneReceiverIsSelf(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        lendAndShareRefused(s, FfaCheck.SEND_RECEIVER_NOT_A_VM_OR_SELF, borrower(S1), borrower(P));
    }

    /**
     * lend_fragmented_relinquish_multi_receiver: 512 one-page constituents (three fragments) lent
     * to both; each retrieves through FRAG_RX, increments every page and relinquishes
     * (ffa_memory_lend_relinquish); the primary reclaims and sees both increments; then both
     * fault.
     */
    @ParameterizedTest(name = "lend_fragmented_relinquish_multi_receiver on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void lendFragmentedRelinquishMultiReceiver(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        s.f.map(P, MANY, FRAGMENTED_PAGES, OWNED);
        List<FfaConstituent> pages = FfaSteps.onePageEach(MANY, FRAGMENTED_PAGES);
        List<FfaConstituent> whole = region(c(MANY, FRAGMENTED_PAGES));
        s.fill(P, MANY, FRAGMENTED_PAGES, 'b');
        long handle = s.send(FfaShareKind.LEND, P).to(borrower(S1)).to(borrower(S2)).attributes(NORMAL).of(pages)
                .fragmented();
        s.expect("after the lend", whole, P, LENT, S1, UNMAPPED, S2, UNMAPPED);
        for (int vm : new int[] {S1, S2}) {
            MemoryTransaction response = s.retrieve(vm, handle, P).to(borrower(S1)).to(borrower(S2)).flags(TYPE_LEND)
                    .ok();
            assertEquals(pages, response.composite().orElseThrow().constituents());
            s.expect("after VM " + vm + " retrieved", whole, P, LENT, vm, BORROWED_RW);
            s.increment(vm, MANY, FRAGMENTED_PAGES);
            s.relinquishOk(vm, handle);
            s.expect("after VM " + vm + " relinquished", whole, P, LENT, vm, UNMAPPED);
        }
        s.reclaimOk(P, handle);
        s.expect("after the reclaim", whole, P, OWNED, S1, UNMAPPED, S2, UNMAPPED);
        s.assertBytes(P, MANY, FRAGMENTED_PAGES, 'd');
        s.assertFaults(S1, MANY);
        s.assertFaults(S2, MANY);
    }
}
