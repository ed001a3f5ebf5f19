package org.memshare.engine.ffa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import static org.memshare.engine.ffa.FfaSteps.RW_X;
import static org.memshare.engine.ffa.FfaSteps.S1;
import static org.memshare.engine.ffa.FfaSteps.S1_PAGE;
import static org.memshare.engine.ffa.FfaSteps.S2;
import static org.memshare.engine.ffa.FfaSteps.SHARED_OWNER;
import static org.memshare.engine.ffa.FfaSteps.SHARED_RO;
import static org.memshare.engine.ffa.FfaSteps.SHARED_RW;
import static org.memshare.engine.ffa.FfaSteps.UNMAPPED;
import static org.memshare.engine.ffa.FfaSteps.c;
import static org.memshare.engine.ffa.FfaSteps.region;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.memshare.api.ffa.FfaConstituent;
import org.memshare.api.ffa.FfaError;
import org.memshare.api.ffa.FfaShareKind;
import org.memshare.api.ffa.MemoryAttributes;
import org.memshare.api.ffa.MemoryTransaction;
import org.memshare.api.ffa.TransactionFlags;
import org.memshare.api.mode.Mode;

/**
 * memory_sharing.c's lifecycle tests: memory sent, retrieved, used, given back and taken back, and
 * what may not be done with memory while it is away. Each test is named after the Hafnium test it
 * reproduces; the services' steps (services/memory.c) are done by the service VMs here, and every
 * party's mode and access is checked after each step. A Hafnium test that shows a VM faulting shows
 * here as that VM being refused the access.
 */
class MemorySharingLifecycleTest {
    /** Two constituents, three pages, as most memory_sharing.c tests send them. */
    private static final List<FfaConstituent> TWO_AND_ONE = region(c(PAGES, 2), c(PAGES + 3 * PAGE, 1));
    private static final List<FfaConstituent> ONE_PAGE = region(c(PAGES, 1));
    private static final int TYPE_SHARE = 1 << 3;
    private static final int TYPE_LEND = 2 << 3;
    private static final int TYPE_DONATE = 3 << 3;

    /** memory_send_reclaim: the sender sends, reclaims without a retrieve, and writes the first page. */
    private static void sendThenReclaim(FfaSteps s, FfaShareKind kind, int sentMode, FfaSteps.Send send) {
        long handle = send.of(TWO_AND_ONE).ok();
        s.expect("after the " + kind, TWO_AND_ONE, P, sentMode, S1, UNMAPPED);
        s.reclaimOk(P, handle);
        s.expect("after the reclaim", TWO_AND_ONE, P, OWNED, S1, UNMAPPED);
        s.fillIndex(P, PAGES, 1);
        assertEquals(0, s.f.ffa.shareStatesInUse());
    }

    @ParameterizedTest(name = "donate_reclaim on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void donateReclaim(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        sendThenReclaim(s, FfaShareKind.DONATE, UNMAPPED, s.send(FfaShareKind.DONATE, P).to(S1, NONE));
    }

    @ParameterizedTest(name = "lend_reclaim on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void lendReclaim(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        sendThenReclaim(s, FfaShareKind.LEND, LENT, s.send(FfaShareKind.LEND, P).to(S1, RW));
    }

    @ParameterizedTest(name = "share_reclaim on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void shareReclaim(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        sendThenReclaim(s, FfaShareKind.SHARE, SHARED_OWNER,
                s.send(FfaShareKind.SHARE, P).to(S1, RW).attributes(NORMAL));
    }

    @ParameterizedTest(name = "share_retrieve_memory_type_not_specified on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void shareRetrieveMemoryTypeNotSpecified(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        s.fill(P, PAGES, 1, 'a');
        long handle = s.send(FfaShareKind.SHARE, P).to(S1, RW).of(ONE_PAGE).ok();
        s.expect("after the share", ONE_PAGE, P, SHARED_OWNER, S1, UNMAPPED);
        // memory_increment_check_mem_attr: a request without memory type (attributes all zero)
        // passes, and the response carries the sender's normal, write-back, inner shareable.
        MemoryTransaction response = s.retrieve(S1, handle, P).to(S1, RW).attributes(new MemoryAttributes(0)).ok();
        assertEquals(NORMAL, response.attributes());
        assertEquals(1, response.receiverCount());
        assertNotEquals(0, response.receivers().get(0).compositeOffset());
        s.expect("after the retrieve", ONE_PAGE, P, SHARED_OWNER, S1, SHARED_RW);
        s.increment(S1, PAGES, 1);
        s.assertBytes(P, PAGES, 1, 'b');
    }

    @ParameterizedTest(name = "concurrent on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void concurrent(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        s.fill(P, PAGES, 1, 'a');
        long handle = s.send(FfaShareKind.SHARE, P).to(S1, RW).of(ONE_PAGE).ok();
        s.retrieve(S1, handle, P).to(S1, RW).ok();
        s.expect("while shared", ONE_PAGE, P, SHARED_OWNER, S1, SHARED_RW);
        s.fillIndex(P, PAGES, 1);
        s.increment(S1, PAGES, 1);
        s.assertIndex(P, PAGES, 1, 1);
        s.expect("after both wrote", ONE_PAGE, P, SHARED_OWNER, S1, SHARED_RW);
    }

    @ParameterizedTest(name = "share_concurrently_and_get_back on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void shareConcurrentlyAndGetBack(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        s.fill(P, PAGES, 1, 'b');
        long handle = s.send(FfaShareKind.SHARE, P).to(S1, RW).of(ONE_PAGE).ok();
        s.retrieve(S1, handle, P).to(S1, RW).flags(TYPE_SHARE).ok();
        s.expect("after the retrieve", ONE_PAGE, P, SHARED_OWNER, S1, SHARED_RW);
        s.increment(S1, PAGES, 1);
        s.relinquishOk(S1, handle);
        s.expect("after the relinquish", ONE_PAGE, P, SHARED_OWNER, S1, UNMAPPED);
        s.reclaimOk(P, handle);
        s.expect("after the reclaim", ONE_PAGE, P, OWNED, S1, UNMAPPED);
        s.assertBytes(P, PAGES, 1, 'c');
        s.assertFaults(S1, PAGES);
    }

    /** ffa_memory_lend_relinquish: the service writes every page it was sent, relinquishes, then faults. */
    private static void lendUseRelinquishReclaim(FfaSteps s, List<FfaConstituent> region, int retrieveFlags,
            int before) {
        long handle = s.send(FfaShareKind.LEND, P).to(S1, RW).of(region).ok();
        s.expect("after the lend", region, P, LENT, S1, UNMAPPED);
        s.retrieve(S1, handle, P).to(S1, RW_NX).flags(retrieveFlags).ok();
        s.expect("after the retrieve", region, P, LENT, S1, BORROWED_RW);
        for (FfaConstituent c : region) {
            s.increment(S1, c.address(), c.pageCount());
        }
        s.relinquishOk(S1, handle);
        s.expect("after the relinquish", region, P, LENT, S1, UNMAPPED);
        s.reclaimOk(P, handle);
        s.expect("after the reclaim", region, P, OWNED, S1, UNMAPPED);
        for (FfaConstituent c : region) {
            s.assertBytes(P, c.address(), c.pageCount(), before + 1);
        }
        s.assertFaults(S1, region.get(0).address());
    }

    @ParameterizedTest(name = "lend_relinquish on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void lendRelinquish(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        s.fill(P, PAGES, 3, 'b');
        lendUseRelinquishReclaim(s, region(c(PAGES, 1), c(PAGES + PAGE, 2)), 0, 'b');
    }

    @ParameterizedTest(name = "donate_relinquish on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void donateRelinquish(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        s.fill(P, PAGES, 3, 'b');
        List<FfaConstituent> region = region(c(PAGES, 1), c(PAGES + PAGE, 2));
        long handle = s.send(FfaShareKind.DONATE, P).to(S1, NONE).of(region).ok();
        s.expect("after the donate", region, P, UNMAPPED, S1, UNMAPPED);
        s.retrieve(S1, handle, P).to(S1, RW_NX).ok();
        s.expect("after the retrieve", region, P, UNMAPPED, S1, Mode.R | Mode.W);
        // ffa_memory_donate_relinquish: the service uses the memory, fails to relinquish it (the
        // handle went with the complete retrieve), and still has it.
        s.increment(S1, PAGES, 1);
        s.refusedUnchanged(FfaCheck.RELINQUISH_UNKNOWN_HANDLE, () -> s.relinquish(S1, handle, 0));
        s.fill(S1, PAGES, 1, 123);
        s.expect("after the refused relinquish", region, P, UNMAPPED, S1, Mode.R | Mode.W);
    }

    @ParameterizedTest(name = "give_and_get_back on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void giveAndGetBack(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        s.fill(P, PAGES, 1, 'b');
        long handle = s.send(FfaShareKind.DONATE, P).to(S1, NONE).of(ONE_PAGE).ok();
        MemoryTransaction response = s.retrieve(S1, handle, P).to(S1, RW_X).flags(TYPE_DONATE).ok();
        assertEquals(RW_X, FfaSteps.granted(response));
        s.expect("after service1 retrieved", ONE_PAGE, P, UNMAPPED, S1, Mode.R | Mode.W | Mode.X);
        // ffa_memory_return: the service uses the memory and donates it back to the sender.
        s.increment(S1, PAGES, 1);
        long back = s.send(FfaShareKind.DONATE, S1).to(P, NONE).of(ONE_PAGE).ok();
        s.expect("after service1 gave it back", ONE_PAGE, P, UNMAPPED, S1, UNMAPPED);
        s.retrieve(P, back, S1).to(P, RW_NX).ok();
        s.expect("after the primary retrieved", ONE_PAGE, P, Mode.R | Mode.W, S1, UNMAPPED);
        s.assertBytes(P, PAGES, 1, 'c');
        s.assertFaults(S1, PAGES);
        assertEquals(0, s.f.ffa.shareStatesInUse());
    }

    @ParameterizedTest(name = "lend_and_get_back on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void lendAndGetBack(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        s.fill(P, PAGES, 1, 'c');
        lendUseRelinquishReclaim(s, ONE_PAGE, TYPE_LEND, 'c');
    }

    @ParameterizedTest(name = "relend_after_return on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void relendAfterReturn(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        s.fill(P, PAGES, 1, 'b');
        lendUseRelinquishReclaim(s, ONE_PAGE, 0, 'b');
        // Lent again after its return, the service uses it without a fault.
        lendUseRelinquishReclaim(s, ONE_PAGE, 0, 'c');
    }

    @ParameterizedTest(name = "lend_elsewhere_after_return on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void lendElsewhereAfterReturn(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        s.fill(P, PAGES, 1, 'b');
        lendUseRelinquishReclaim(s, ONE_PAGE, 0, 'b');
        s.assertFaults(S1, PAGES);
        long handle = s.send(FfaShareKind.LEND, P).to(S2, RW).of(ONE_PAGE).ok();
        s.retrieve(S2, handle, P).to(S2, RW_NX).ok();
        s.expect("after service2 retrieved", ONE_PAGE, P, LENT, S1, UNMAPPED, S2, BORROWED_RW);
        s.increment(S2, PAGES, 1);
        s.relinquishOk(S2, handle);
        s.reclaimOk(P, handle);
        s.expect("after the reclaim", ONE_PAGE, P, OWNED, S1, UNMAPPED, S2, UNMAPPED);
        s.assertBytes(P, PAGES, 1, 'd');
    }

    /** give_memory_and_fault and lend_memory_and_fault: service1 sends its page to the primary with clear. */
    private static void serviceSendsWithClear(FfaSteps s, FfaShareKind kind) {
        List<FfaConstituent> page = region(c(S1_PAGE, 1));
        s.fill(S1, S1_PAGE, 1, 'x');
        long handle = s.send(kind, S1).to(P, kind == FfaShareKind.DONATE ? NONE : RW).of(page)
                .flags(TransactionFlags.CLEAR).ok();
        s.expect("after service1 sent", page, S1, kind == FfaShareKind.DONATE ? UNMAPPED : LENT, P, UNMAPPED);
        MemoryTransaction response = s.retrieve(P, handle, S1).to(P, RW_X).ok();
        assertEquals(1, response.receiverCount());
        assertNotEquals(0, response.receivers().get(0).compositeOffset());
        assertEquals(List.of(c(S1_PAGE, 1)), response.composite().orElseThrow().constituents());
        int borrowed = kind == FfaShareKind.DONATE ? Mode.R | Mode.W | Mode.X : Mode.R | Mode.W | Mode.X | Mode.UNOWNED;
        s.expect("after the primary retrieved", page, S1, kind == FfaShareKind.DONATE ? UNMAPPED : LENT, P, borrowed);
        s.assertBytes(P, S1_PAGE, 1, 0);
        s.assertFaults(S1, S1_PAGE + 16);
    }

    @ParameterizedTest(name = "give_memory_and_lose_access on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void giveMemoryAndLoseAccess(FfaFixture.Arch arch) {
        serviceSendsWithClear(FfaSteps.setUp(arch), FfaShareKind.DONATE);
    }

    @ParameterizedTest(name = "lend_memory_and_lose_access on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void lendMemoryAndLoseAccess(FfaFixture.Arch arch) {
        serviceSendsWithClear(FfaSteps.setUp(arch), FfaShareKind.LEND);
    }

    @ParameterizedTest(name = "donate_and_donate_elsewhere on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void donateAndDonateElsewhere(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        s.fill(P, PAGES, 1, 'b');
        long handle = s.send(FfaShareKind.DONATE, P).to(S1, NONE).of(ONE_PAGE).ok();
        s.retrieve(S1, handle, P).to(S1, RW_NX).ok();
        s.expect("after service1 retrieved", ONE_PAGE, P, UNMAPPED, S1, Mode.R | Mode.W, S2, UNMAPPED);
        // ffa_memory_return with service2 as the target.
        s.increment(S1, PAGES, 1);
        long onward = s.send(FfaShareKind.DONATE, S1).to(S2, NONE).of(ONE_PAGE).ok();
        s.expect("after service1 donated on", ONE_PAGE, P, UNMAPPED, S1, UNMAPPED, S2, UNMAPPED);
        // ffa_memory_receive.
        s.retrieve(S2, onward, S1).to(S2, RW_NX).ok();
        s.fill(S2, PAGES, 1, 'd');
        s.expect("after service2 retrieved", ONE_PAGE, P, UNMAPPED, S1, UNMAPPED, S2, Mode.R | Mode.W);
        s.assertFaults(S1, PAGES);
    }

    @ParameterizedTest(name = "donate_vms on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void donateVms(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        List<FfaConstituent> page = region(c(S1_PAGE, 1));
        // ffa_donate_secondary_and_fault.
        long handle = s.send(FfaShareKind.DONATE, S1).to(S2, NONE).of(page).ok();
        s.expect("after service1 donated", page, S1, UNMAPPED, S2, UNMAPPED);
        s.retrieve(S2, handle, S1).to(S2, RW_X).ok();
        s.fill(S2, S1_PAGE, 1, 'd');
        s.expect("after service2 retrieved", page, S1, UNMAPPED, S2, Mode.R | Mode.W | Mode.X);
        s.assertFaults(S1, S1_PAGE);
        s.assertBytes(S2, S1_PAGE, 1, 'd');
    }

    @ParameterizedTest(name = "donate_twice on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void donateTwice(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        s.fill(P, PAGES, 1, 'b');
        long handle = s.send(FfaShareKind.DONATE, P).to(S1, NONE).of(ONE_PAGE).ok();
        s.retrieve(S1, handle, P).to(S1, RW_NX).ok();
        s.expect("after service1 retrieved", ONE_PAGE, P, UNMAPPED, S1, Mode.R | Mode.W);
        s.cannotSendAnyWay(FfaShareKind.SHARE, P, ONE_PAGE, -1);
        s.cannotSendAnyWay(FfaShareKind.LEND, P, ONE_PAGE, -1);
        s.cannotDonate(P, ONE_PAGE, -1);
        s.cannotRelinquish(handle);
        // ffa_donate_twice: service1 donates to service2, which retrieves; a second donate is DENIED.
        long onward = s.send(FfaShareKind.DONATE, S1).to(S2, NONE).of(ONE_PAGE).ok();
        s.retrieve(S2, onward, S1).to(S2, RW_NX).ok();
        s.expect("after service2 retrieved", ONE_PAGE, P, UNMAPPED, S1, UNMAPPED, S2, Mode.R | Mode.W);
        s.failsUnchanged(FfaError.DENIED, () -> s.send(FfaShareKind.DONATE, S1).to(S2, NONE).of(ONE_PAGE).outcome());
    }

    @ParameterizedTest(name = "lend_donate on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void lendDonate(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        s.fill(P, PAGES, 2, 'b');
        List<FfaConstituent> two = region(c(PAGES, 2));
        long handle = s.send(FfaShareKind.LEND, P).to(S1, RO).of(two).ok();
        s.retrieve(S1, handle, P).to(S1, RO_NX).ok();
        // ffa_memory_lend_relinquish_RW: the service can read what it was lent.
        s.assertBytes(S1, PAGES, 2, 'b');
        s.expect("after the retrieve", two, P, LENT, S1, FfaSteps.BORROWED_RO);
        List<FfaConstituent> second = region(c(PAGES + PAGE, 1));
        s.refusedUnchanged(FfaCheck.SEND_NOT_OWNER_EXCLUSIVE,
                () -> s.send(FfaShareKind.DONATE, P).to(S2, NONE).of(second).outcome());
        s.refusedUnchanged(FfaCheck.SEND_NOT_OWNER_EXCLUSIVE,
                () -> s.send(FfaShareKind.DONATE, P).to(S1, NONE).of(second).outcome());
        s.expect("after the refused donates", two, P, LENT, S1, FfaSteps.BORROWED_RO);
    }

    @ParameterizedTest(name = "share_donate on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void shareDonate(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        s.fill(P, PAGES, 4, 'b');
        List<FfaConstituent> four = region(c(PAGES, 2), c(PAGES + 2 * PAGE, 2));
        long handle = s.send(FfaShareKind.SHARE, P).to(S1, RO).of(four).ok();
        s.retrieve(S1, handle, P).to(S1, RO).ok();
        s.assertBytes(S1, PAGES, 4, 'b');
        s.expect("after the retrieve", four, P, SHARED_OWNER, S1, SHARED_RO);
        s.cannotSendAnyWay(FfaShareKind.SHARE, P, four, S1);
        for (FfaConstituent part : List.of(c(PAGES + PAGE, 1), c(PAGES + 3 * PAGE, 1))) {
            s.refusedUnchanged(FfaCheck.SEND_NOT_OWNER_EXCLUSIVE,
                    () -> s.send(FfaShareKind.DONATE, P).to(S2, NONE).of(part).outcome());
        }
        s.refusedUnchanged(FfaCheck.SEND_NOT_OWNER_EXCLUSIVE,
                () -> s.send(FfaShareKind.DONATE, P).to(S1, NONE).of(c(PAGES + PAGE, 1)).outcome());
        s.expect("after the refused sends", four, P, SHARED_OWNER, S1, SHARED_RO);
    }

    /**
     * ffa_memory_lend_twice: the borrower reads and increments what it got, then cannot lend or
     * share any part of it in the primary's name, at any byte offset into it (DENIED).
     */
    private static void borrowerCannotPassItOn(FfaSteps s, long first) {
        s.assertBytes(S1, first, 1, 'b');
        s.increment(S1, first, 1);
        FfaFixture.Snapshot before = s.f.snapshot();
        for (long i = 1; i < 2 * PAGE; i++) {
            FfaConstituent at = c(first + i, 1);
            FfaFixture.assertRefused(FfaCheck.SEND_SENDER_NOT_CALLER,
                    s.send(FfaShareKind.LEND, S1).sender(P).to(S2, RW_X).of(at).outcome());
            FfaFixture.assertRefused(FfaCheck.SEND_SENDER_NOT_CALLER,
                    s.send(FfaShareKind.SHARE, S1).sender(P).to(S2, RW_X).of(at).outcome());
        }
        assertEquals(before, s.f.snapshot());
    }

    @ParameterizedTest(name = "lend_twice on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void lendTwice(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        s.fill(P, PAGES, 4, 'b');
        long handle = s.send(FfaShareKind.LEND, P).to(S1, RW).of(TWO_AND_ONE).ok();
        s.retrieve(S1, handle, P).to(S1, RW_NX).ok();
        borrowerCannotPassItOn(s, PAGES);
        s.expect("after the retrieve", TWO_AND_ONE, P, LENT, S1, BORROWED_RW);
        s.cannotSendAnyWay(FfaShareKind.LEND, P, TWO_AND_ONE, -1);
        s.cannotSendAnyWay(FfaShareKind.SHARE, P, TWO_AND_ONE, -1);
        s.cannotDonate(P, TWO_AND_ONE, S1);
        s.cannotRelinquish(handle);
        List<FfaConstituent> subsection = region(c(PAGES + 3 * PAGE, 1));
        s.cannotSendAnyWay(FfaShareKind.LEND, P, subsection, -1);
        s.cannotDonate(P, subsection, S1);
        for (long page : new long[] {PAGES, PAGES + PAGE}) {
            s.refusedUnchanged(FfaCheck.SEND_NOT_OWNER_EXCLUSIVE, () -> s.send(FfaShareKind.LEND, P).to(S2, RO)
                    .of(c(page, 1), c(PAGES + 3 * PAGE, 1)).outcome());
        }
        s.expect("after every refusal", TWO_AND_ONE, P, LENT, S1, BORROWED_RW, S2, UNMAPPED);
    }

    @ParameterizedTest(name = "share_twice on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void shareTwice(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        s.fill(P, PAGES, 2, 'b');
        List<FfaConstituent> two = region(c(PAGES, 2));
        long handle = s.send(FfaShareKind.SHARE, P).to(S1, RW).of(two).ok();
        s.retrieve(S1, handle, P).to(S1, RW).ok();
        borrowerCannotPassItOn(s, PAGES);
        s.expect("after the retrieve", two, P, SHARED_OWNER, S1, SHARED_RW);
        s.cannotSendAnyWay(FfaShareKind.SHARE, P, two, -1);
        s.cannotSendAnyWay(FfaShareKind.LEND, P, two, -1);
        s.cannotDonate(P, two, S1);
        s.cannotRelinquish(handle);
        for (long page : new long[] {PAGES, PAGES + PAGE}) {
            s.refusedUnchanged(FfaCheck.SEND_NOT_OWNER_EXCLUSIVE,
                    () -> s.send(FfaShareKind.SHARE, P).to(S2, RO).of(c(page, 1)).outcome());
        }
        s.expect("after every refusal", two, P, SHARED_OWNER, S1, SHARED_RW, S2, UNMAPPED);
    }

    @ParameterizedTest(name = "lend_invalid_source on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void lendInvalidSource(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        s.fill(P, PAGES, 1, 'b');
        s.refusedUnchanged(FfaCheck.SEND_SENDER_NOT_CALLER,
                () -> s.send(FfaShareKind.LEND, P).sender(S1).to(S2, RW).of(ONE_PAGE).outcome());
        long handle = s.send(FfaShareKind.LEND, P).to(S1, RW).of(ONE_PAGE).ok();
        // ffa_lend_invalid_source: the service retrieves and relinquishes; the primary reclaims.
        s.retrieve(S1, handle, P).to(S1, RW_NX).ok();
        s.relinquishOk(S1, handle);
        s.reclaimOk(P, handle);
        s.expect("after the reclaim", ONE_PAGE, P, OWNED, S1, UNMAPPED);
        // The service cannot lend or share the primary's memory in the primary's name.
        s.refusedUnchanged(FfaCheck.SEND_SENDER_NOT_CALLER,
                () -> s.send(FfaShareKind.LEND, S1).sender(P).to(S2, RW).of(ONE_PAGE).outcome());
        s.refusedUnchanged(FfaCheck.SEND_SENDER_NOT_CALLER, () -> s.send(FfaShareKind.SHARE, S1).sender(P)
                .to(S2, RW).attributes(NORMAL).of(ONE_PAGE).outcome());
        s.expect("after the refusals", ONE_PAGE, P, OWNED, S1, UNMAPPED, S2, UNMAPPED);
    }
}
