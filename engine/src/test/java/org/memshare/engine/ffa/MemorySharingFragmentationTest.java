package org.memshare.engine.ffa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.memshare.engine.ffa.FfaSteps.BORROWED_RW;
import static org.memshare.engine.ffa.FfaSteps.LENT;
import static org.memshare.engine.ffa.FfaSteps.NONE;
import static org.memshare.engine.ffa.FfaSteps.OWNED;
import static org.memshare.engine.ffa.FfaSteps.P;
import static org.memshare.engine.ffa.FfaSteps.PAGE;
import static org.memshare.engine.ffa.FfaSteps.PAGES;
import static org.memshare.engine.ffa.FfaSteps.RW;
import static org.memshare.engine.ffa.FfaSteps.RW_NX;
import static org.memshare.engine.ffa.FfaSteps.S1;
import static org.memshare.engine.ffa.FfaSteps.UNMAPPED;
import static org.memshare.engine.ffa.FfaSteps.c;
import static org.memshare.engine.ffa.FfaSteps.region;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.memshare.api.ffa.FfaConstituent;
import org.memshare.api.ffa.FfaResult;
import org.memshare.api.ffa.FfaShareKind;
import org.memshare.api.ffa.MemoryTransaction;

/**
 * memory_sharing.c's fragmentation tests: a lend too long for one 4 KiB fragment sent with
 * FRAG_TX and retrieved with FRAG_RX; a short lend forced into two fragments; and a retrieve of a
 * share whose last fragment has not been sent. (lend_fragmented_relinquish_multi_receiver is with
 * the multiple borrowers tests.)
 */
class MemorySharingFragmentationTest {
    private static final long MANY = 0x1000_0000L;
    /** FRAGMENTED_SHARE_PAGE_COUNT: two pages' worth of constituents, three fragments. */
    private static final int FRAGMENTED_PAGES = 2 * (int) PAGE / FfaConstituent.SIZE;

    /** ffa_memory_lend_relinquish on {@code region}: retrieve, increment every page, relinquish; the lender reclaims. */
    private static void borrowerUsesAndReturns(FfaSteps s, long handle, List<FfaConstituent> region,
            List<FfaConstituent> whole) {
        MemoryTransaction response = s.retrieve(S1, handle, P).to(S1, RW_NX).ok();
        assertEquals(region, response.composite().orElseThrow().constituents(), "every constituent, in order");
        s.expect("after the retrieve", whole, P, LENT, S1, BORROWED_RW);
        for (FfaConstituent c : whole) {
            s.increment(S1, c.address(), c.pageCount());
        }
        s.relinquishOk(S1, handle);
        s.expect("after the relinquish", whole, P, LENT, S1, UNMAPPED);
        s.reclaimOk(P, handle);
        s.expect("after the reclaim", whole, P, OWNED, S1, UNMAPPED);
        for (FfaConstituent c : whole) {
            s.assertBytes(P, c.address(), c.pageCount(), 'c');
        }
        s.assertFaults(S1, whole.get(0).address());
    }

    /** lend_fragmented_relinquish: 512 one-page constituents, three fragments each way. */
    @ParameterizedTest(name = "lend_fragmented_relinquish on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void lendFragmentedRelinquish(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        s.f.map(P, MANY, FRAGMENTED_PAGES, OWNED);
        s.fill(P, MANY, FRAGMENTED_PAGES, 'b');
        List<FfaConstituent> pages = FfaSteps.onePageEach(MANY, FRAGMENTED_PAGES);
        long handle = s.send(FfaShareKind.LEND, P).to(S1, RW).of(pages).fragmented();
        borrowerUsesAndReturns(s, handle, pages, region(c(MANY, FRAGMENTED_PAGES)));
    }

    /** lend_force_fragmented_relinquish: two constituents sent as two fragments though one would do. */
    @ParameterizedTest(name = "lend_force_fragmented_relinquish on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void lendForceFragmentedRelinquish(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        List<FfaConstituent> region = region(c(PAGES, 1), c(PAGES + PAGE, 2));
        s.fill(P, PAGES, 3, 'b');
        long handle = s.send(FfaShareKind.LEND, P).to(S1, RW).of(region).lastConstituentApart();
        borrowerUsesAndReturns(s, handle, region, region);
    }

    /**
     * fail_fragmented_if_retrieve_before_sent: a share whose last constituent is held back cannot
     * be retrieved (ffa_memory_share_fail_invalid_parameters); the sender's memory has not
     * changed, as the send has not completed.
     */
    @ParameterizedTest(name = "fail_fragmented_if_retrieve_before_sent on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void failFragmentedIfRetrieveBeforeSent(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        List<FfaConstituent> region = region(c(PAGES, 2), c(PAGES + 3 * PAGE, 1));
        FfaSteps.Send send = s.send(FfaShareKind.SHARE, P).to(S1, RW).of(region);
        FfaOutcome first = send.firstFragment(send.bytes().length - FfaConstituent.SIZE);
        assertEquals(FfaResult.Function.MEM_FRAG_RX, first.result().function(), first::toString);
        long handle = first.result().handle().orElseThrow();
        s.expect("with the send incomplete", region, P, OWNED, S1, UNMAPPED);
        s.refusedUnchanged(FfaCheck.RETRIEVE_NOT_FULLY_SENT, () -> s.retrieve(S1, handle, P).to(S1, NONE).outcome());
        s.expect("after the refusal", region, P, OWNED, S1, UNMAPPED);
        assertEquals(1, s.f.ffa.shareStatesInUse(), "the partial send keeps its share state");
    }
}
