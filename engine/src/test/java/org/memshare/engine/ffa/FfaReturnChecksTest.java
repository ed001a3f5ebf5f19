package org.memshare.engine.ffa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.memshare.engine.ffa.FfaCheckCase.BLOCK;
import static org.memshare.engine.ffa.FfaCheckCase.TWO_AND_ONE;
import static org.memshare.engine.ffa.FfaCheckCase.lent;
import static org.memshare.engine.ffa.FfaCheckCase.partlySent;
import static org.memshare.engine.ffa.FfaCheckCase.retrieved;
import static org.memshare.engine.ffa.FfaSteps.BORROWED_RO;
import static org.memshare.engine.ffa.FfaSteps.BORROWED_RW;
import static org.memshare.engine.ffa.FfaSteps.LENT;
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
import static org.memshare.engine.ffa.FfaSteps.c;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.memshare.api.ffa.FfaDescriptorCodec;
import org.memshare.api.ffa.FfaShareKind;
import org.memshare.api.ffa.FfaVersion;
import org.memshare.api.ffa.Handle;
import org.memshare.api.ffa.Relinquish;
import org.memshare.api.mode.Mode;
import org.memshare.api.policy.FfaRequest;

/**
 * Every check of Hafnium's FFA_MEM_RELINQUISH path (api_ffa_mem_relinquish, ffa_memory_relinquish,
 * ffa_relinquish_check_update) and FFA_MEM_RECLAIM path (ffa_memory_reclaim,
 * ffa_retrieve_check_update for the sender), and of FFA_VERSION and the caller itself, each
 * reproduced by a call that only it refuses: refused with Hafnium's error code, changing nothing.
 * Unless a case says otherwise the primary has lent two constituents (three pages) RW to service1.
 * Some cases rewrite a party's table behind the engine's back, as only a hypervisor bug could,
 * to reach the checks of a mode the protocol itself never produces.
 */
class FfaReturnChecksTest {

    /** Service1's relinquish of {@code handle} naming {@code endpoints}. */
    private static FfaOutcome relinquish(FfaSteps s, int vm, long handle, int flags, Integer... endpoints) {
        byte[] tx = FfaDescriptorCodec.encode(new Relinquish(handle, flags, List.of(endpoints)), FfaVersion.V1_2);
        return s.f.ffa.explaining().relinquish(vm, tx);
    }

    static final List<FfaCheckCase> CASES = List.of(
            FfaCheckCase.of(FfaCheck.RELINQUISH_ENDPOINT_COUNT, "two endpoints", s -> {
                long handle = retrieved(s);
                return () -> relinquish(s, S1, handle, 0, S1, S2);
            }),
            FfaCheckCase.of(FfaCheck.RELINQUISH_NOT_CALLER, "service1 naming service2", s -> {
                long handle = retrieved(s);
                return () -> relinquish(s, S1, handle, 0, S2);
            }),
            FfaCheckCase.of(FfaCheck.RELINQUISH_UNKNOWN_HANDLE, "a free slot's handle", s -> {
                retrieved(s);
                return () -> relinquish(s, S1, Handle.ofHypervisorSlot(9), 0, S1);
            }),
            FfaCheckCase.of(FfaCheck.RELINQUISH_NOT_FULLY_SENT, "a send missing its last fragment", s -> {
                long handle = partlySent(s);
                return () -> relinquish(s, S1, handle, 0, S1);
            }),
            FfaCheckCase.of(FfaCheck.RELINQUISH_NOT_BORROWER, "service2, not a borrower", s -> {
                long handle = retrieved(s);
                return () -> relinquish(s, S2, handle, 0, S2);
            }),
            FfaCheckCase.of(FfaCheck.RELINQUISH_NOT_RETRIEVED, "memory service1 has not retrieved", s -> {
                long handle = lent(s);
                return () -> relinquish(s, S1, handle, 0, S1);
            }),
            FfaCheckCase.of(FfaCheck.RELINQUISH_CLEAR_SHARE, "clear asked of a share", s -> {
                long handle = s.send(FfaShareKind.SHARE, P).to(S1, RW).of(TWO_AND_ONE).ok();
                s.retrieve(S1, handle, P).to(S1, RW).ok();
                return () -> relinquish(s, S1, handle, 1, S1);
            }),
            FfaCheckCase.of(FfaCheck.RELINQUISH_CLEAR_READ_ONLY, "clear asked of memory lent RO", s -> {
                long handle = s.send(FfaShareKind.LEND, P).to(S1, RO).of(TWO_AND_ONE).ok();
                s.retrieve(S1, handle, P).to(S1, RO_NX).ok();
                return () -> relinquish(s, S1, handle, 1, S1);
            }),
            FfaCheckCase.of(FfaCheck.RELINQUISH_NOT_ONE_MODE, "half of a constituent remapped read-only", s -> {
                long handle = retrieved(s);
                s.f.map(S1, PAGES, 1, BORROWED_RO);
                return () -> relinquish(s, S1, handle, 0, S1);
            }),
            // memshare compares every constituent (docs/ffa.md); Hafnium, in one fragment, would
            // judge by the last constituent and let the relinquish through.
            FfaCheckCase.of(FfaCheck.RELINQUISH_MIXED_MODES, "the second constituent remapped read-only", s -> {
                long handle = retrieved(s);
                s.f.map(S1, PAGES + 3 * PAGE, 1, BORROWED_RO);
                return () -> relinquish(s, S1, handle, 0, S1);
            }),
            FfaCheckCase.of(FfaCheck.RELINQUISH_NOT_BORROWER_STATE, "the memory remapped as service1's own", s -> {
                long handle = retrieved(s);
                s.f.map(S1, PAGES, 2, Mode.R | Mode.W);
                s.f.map(S1, PAGES + 3 * PAGE, 1, Mode.R | Mode.W);
                return () -> relinquish(s, S1, handle, 0, S1);
            }),
            FfaCheckCase.of(FfaCheck.RELINQUISH_POLICY, "a policy refusing relinquishes", s -> {
                long handle = retrieved(s);
                return () -> relinquish(s, S1, handle, 0, S1);
            }).refusing(FfaRequest.Operation.RELINQUISH),
            // Service1's page sits in a 2 MiB block of its own: giving one page up splits it.
            FfaCheckCase.of(FfaCheck.RELINQUISH_PREPARE_NO_MEMORY, "a block to split and no page for it", s -> {
                s.f.map(P, BLOCK, 512, OWNED);
                long handle = s.send(FfaShareKind.LEND, P).to(S1, RW).of(c(BLOCK, 1)).ok();
                s.retrieve(S1, handle, P).to(S1, RW_NX).ok();
                s.f.map(S1, BLOCK, 512, BORROWED_RW);
                s.drainPoolTo(0);
                return () -> relinquish(s, S1, handle, 0, S1);
            }),
            FfaCheckCase.of(FfaCheck.RELINQUISH_CLEAR_NO_MEMORY, "clear with no page for the hypervisor's mapping", s -> {
                long handle = retrieved(s);
                s.drainPoolTo(0);
                return () -> relinquish(s, S1, handle, 1, S1);
            }),
            FfaCheckCase.of(FfaCheck.RECLAIM_OTHER_WORLD_HANDLE, "a handle without bit 63", s -> {
                lent(s);
                return () -> s.reclaim(P, 5, 0);
            }),
            FfaCheckCase.of(FfaCheck.RECLAIM_UNKNOWN_HANDLE, "a free slot's handle", s -> {
                lent(s);
                return () -> s.reclaim(P, Handle.ofHypervisorSlot(9), 0);
            }),
            FfaCheckCase.of(FfaCheck.RECLAIM_NOT_FULLY_SENT, "a send missing its last fragment", s -> {
                long handle = partlySent(s);
                return () -> s.reclaim(P, handle, 0);
            }),
            FfaCheckCase.of(FfaCheck.RECLAIM_NOT_SENDER, "service1, the borrower", s -> {
                long handle = lent(s);
                return () -> s.reclaim(S1, handle, 0);
            }),
            FfaCheckCase.of(FfaCheck.RECLAIM_NOT_RELINQUISHED, "service1 still holding the memory", s -> {
                long handle = retrieved(s);
                return () -> s.reclaim(P, handle, 0);
            }),
            FfaCheckCase.of(FfaCheck.RECLAIM_CLEAR_WITHOUT_WRITE, "clear of memory the sender could only read", s -> {
                s.f.map(P, PAGES, 1, Mode.R);
                long handle = s.send(FfaShareKind.LEND, P).to(S1, RO).of(c(PAGES, 1)).ok();
                return () -> s.reclaim(P, handle, 1);
            }),
            FfaCheckCase.of(FfaCheck.RECLAIM_NOT_ONE_MODE, "half of a constituent remapped as the primary's", s -> {
                long handle = lent(s);
                s.f.map(P, PAGES, 1, OWNED);
                return () -> s.reclaim(P, handle, 0);
            }),
            FfaCheckCase.of(FfaCheck.RECLAIM_MIXED_MODES, "the second constituent remapped as the primary's", s -> {
                long handle = lent(s);
                s.f.map(P, PAGES + 3 * PAGE, 1, OWNED);
                return () -> s.reclaim(P, handle, 0);
            }),
            FfaCheckCase.of(FfaCheck.RECLAIM_POLICY, "a policy refusing reclaims", s -> {
                long handle = lent(s);
                return () -> s.reclaim(P, handle, 0);
            }).refusing(FfaRequest.Operation.RECLAIM),
            // The lent page sits in a 2 MiB block of the primary's: restoring one page splits it.
            FfaCheckCase.of(FfaCheck.RECLAIM_PREPARE_NO_MEMORY, "a block to split and no page for it", s -> {
                s.f.map(P, BLOCK, 512, OWNED);
                long handle = s.send(FfaShareKind.LEND, P).to(S1, RW).of(c(BLOCK, 1)).ok();
                s.f.map(P, BLOCK, 512, LENT);
                s.drainPoolTo(0);
                return () -> s.reclaim(P, handle, 0);
            }),
            FfaCheckCase.of(FfaCheck.RECLAIM_CLEAR_NO_MEMORY, "clear with no page for the hypervisor's mapping", s -> {
                long handle = lent(s);
                s.drainPoolTo(0);
                return () -> s.reclaim(P, handle, 1);
            }),
            FfaCheckCase.of(FfaCheck.VERSION_BIT31, "version 0x80000000",
                    s -> () -> s.f.ffa.explaining().version(P, 0x8000_0000))
                    .alsoUnchanged(FfaReturnChecksTest::primaryStillAt1_3),
            FfaCheckCase.of(FfaCheck.VERSION_INCOMPATIBLE, "version 1.4",
                    s -> () -> s.f.ffa.explaining().version(P, 0x1_0004))
                    .alsoUnchanged(FfaReturnChecksTest::primaryStillAt1_3),
            FfaCheckCase.of(FfaCheck.VERSION_LOCKED, "v1.1 asked after an FF-A call at 1.3", s -> {
                lent(s);
                return () -> s.f.ffa.explaining().version(P, FfaVersion.V1_1.encoded());
            }).alsoUnchanged(FfaReturnChecksTest::primaryStillAt1_3),
            FfaCheckCase.of(FfaCheck.NOT_A_VM, "VM 9 of a four-VM machine", s -> {
                byte[] tx = s.send(FfaShareKind.LEND, P).to(S1, RW).of(TWO_AND_ONE).bytes();
                return () -> s.f.ffa.explaining().memSend(9, FfaShareKind.LEND, tx, tx.length);
            }));

    private static void primaryStillAt1_3(FfaSteps s) {
        assertEquals(Optional.of(FfaVersion.V1_3), s.f.ffa.version(P));
    }

    static Stream<Arguments> cases() {
        return FfaCheckCase.arguments(CASES);
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("cases")
    void refusedWithHafniumsErrorChangingNothing(FfaFixture.Arch arch, FfaCheckCase c) {
        c.run(arch);
    }
}
