package org.memshare.engine.ffa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.memshare.engine.ffa.FfaSteps.LENT;
import static org.memshare.engine.ffa.FfaSteps.NONE;
import static org.memshare.engine.ffa.FfaSteps.OWNED;
import static org.memshare.engine.ffa.FfaSteps.P;
import static org.memshare.engine.ffa.FfaSteps.PAGES;
import static org.memshare.engine.ffa.FfaSteps.RO;
import static org.memshare.engine.ffa.FfaSteps.RO_NX;
import static org.memshare.engine.ffa.FfaSteps.RO_X;
import static org.memshare.engine.ffa.FfaSteps.RW;
import static org.memshare.engine.ffa.FfaSteps.RW_NX;
import static org.memshare.engine.ffa.FfaSteps.RW_X;
import static org.memshare.engine.ffa.FfaSteps.S1;
import static org.memshare.engine.ffa.FfaSteps.SHARED_OWNER;
import static org.memshare.engine.ffa.FfaSteps.SHARED_RO;
import static org.memshare.engine.ffa.FfaSteps.SHARED_RW;
import static org.memshare.engine.ffa.FfaSteps.UNMAPPED;
import static org.memshare.engine.ffa.FfaSteps.c;
import static org.memshare.engine.ffa.FfaSteps.region;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.memshare.api.ffa.FfaConstituent;
import org.memshare.api.ffa.FfaShareKind;
import org.memshare.api.ffa.MemoryPermissions;
import org.memshare.api.ffa.MemoryTransaction;
import org.memshare.api.mode.Mode;
import org.memshare.engine.hypervisor.Hypervisor.Access;

/**
 * memory_sharing.c's permission tests: what a borrower may do with memory lent or shared RW or
 * RO, executable or not. Executing from memory (Hafnium's services branch into a BTI; RET they
 * were lent) is an execute access through the borrower's stage 2 here; a fault is a refused
 * access.
 */
class MemorySharingPermissionsTest {
    private static final List<FfaConstituent> ONE_PAGE = region(c(PAGES, 1));
    /** BTI jc; RET, the two instructions the X tests put at the start of the page. */
    private static final long BTI_RET = 0xd65f_03c0_d503_24dfL;

    /** A lend of one page RW or RO, retrieved with {@code asked}: the borrower's mode, then the relinquish and reclaim. */
    private static long lend(FfaSteps s, MemoryPermissions sent, MemoryPermissions asked, int borrowerMode) {
        long handle = s.send(FfaShareKind.LEND, P).to(S1, sent).of(ONE_PAGE).ok();
        MemoryTransaction response = s.retrieve(S1, handle, P).to(S1, asked).ok();
        assertEquals(asked, FfaSteps.granted(response));
        s.expect("after the retrieve", ONE_PAGE, P, LENT, S1, borrowerMode);
        return handle;
    }

    private static void giveBack(FfaSteps s, long handle) {
        s.relinquishOk(S1, handle);
        s.reclaimOk(P, handle);
        s.expect("after the reclaim", ONE_PAGE, P, OWNED, S1, UNMAPPED);
    }

    /**
     * lend_relinquish_X_RW (ffa_memory_lend_relinquish_RW): lent RW and retrieved X, the service
     * reads and writes; lent RO and retrieved X, it reads and faults on the write.
     */
    @ParameterizedTest(name = "lend_relinquish_X_RW on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void lendRelinquishXRw(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        s.fill(P, PAGES, 1, 'b');
        long handle = lend(s, RW, RW_X, Mode.R | Mode.W | Mode.X | Mode.UNOWNED);
        s.assertBytes(S1, PAGES, 1, 'b');
        s.increment(S1, PAGES, 1);
        giveBack(s, handle);
        s.assertBytes(P, PAGES, 1, 'c');
        s.fill(P, PAGES, 1, 'b');
        lend(s, RO, RO_X, Mode.R | Mode.X | Mode.UNOWNED);
        s.assertBytes(S1, PAGES, 1, 'b');
        assertFalse(s.f.hypervisor.write(S1, PAGES, 0), "writing memory lent RO faults");
        s.assertPhysical(PAGES, 1, 'b');
    }

    /** share_X (ffa_memory_share_fail_invalid_parameters): a share retrieved executable, RW or RO, is refused. */
    @ParameterizedTest(name = "share_X on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void shareX(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        for (MemoryPermissions[] sentAndAsked : new MemoryPermissions[][] {{RW, RW_X}, {RO, RO_X}}) {
            s.fill(P, PAGES, 1, 'b');
            long handle = s.send(FfaShareKind.SHARE, P).to(S1, sentAndAsked[0]).of(ONE_PAGE).ok();
            s.refusedUnchanged(FfaCheck.RETRIEVE_SHARE_INSTRUCTION_ACCESS,
                    () -> s.retrieve(S1, handle, P).to(S1, sentAndAsked[1]).outcome());
            s.expect("after the refusal", ONE_PAGE, P, SHARED_OWNER, S1, UNMAPPED);
            s.assertBytes(P, PAGES, 1, 'b');
            s.increment(P, PAGES, 1);
            s.reclaimOk(P, handle);
            s.expect("after the reclaim", ONE_PAGE, P, OWNED, S1, UNMAPPED);
        }
    }

    /**
     * share_relinquish_NX_RW (ffa_memory_lend_relinquish_RW): shared RW the service reads while
     * the primary still reads too, then writes and relinquishes; shared RO, it reads, the primary
     * still writes, and the service faults on its write. A share is never executable.
     */
    @ParameterizedTest(name = "share_relinquish_NX_RW on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void shareRelinquishNxRw(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        s.fill(P, PAGES, 1, 'b');
        long handle = s.send(FfaShareKind.SHARE, P).to(S1, RW).of(ONE_PAGE).ok();
        assertEquals(RW_NX, FfaSteps.granted(s.retrieve(S1, handle, P).to(S1, RW).ok()));
        s.expect("while shared RW", ONE_PAGE, P, SHARED_OWNER, S1, SHARED_RW);
        s.assertBytes(S1, PAGES, 1, 'b');
        s.assertBytes(P, PAGES, 1, 'b');
        s.increment(S1, PAGES, 1);
        giveBack(s, handle);
        s.fill(P, PAGES, 1, 'b');
        long again = s.send(FfaShareKind.SHARE, P).to(S1, RO).of(ONE_PAGE).ok();
        assertEquals(RO_NX, FfaSteps.granted(s.retrieve(S1, again, P).to(S1, RO).ok()));
        s.expect("while shared RO", ONE_PAGE, P, SHARED_OWNER, S1, SHARED_RO);
        s.assertBytes(S1, PAGES, 1, 'b');
        s.assertBytes(P, PAGES, 1, 'b');
        s.increment(P, PAGES, 1);
        assertFalse(s.f.hypervisor.write(S1, PAGES, 0), "writing memory shared RO faults");
        s.assertBytes(S1, PAGES, 1, 'c');
    }

    /** ffa_memory_lend_relinquish_X: the service finds BTI; RET at the start of the page and branches there. */
    private static void executes(FfaSteps s, boolean allowed) {
        assertEquals(OptionalLong.of(BTI_RET), s.f.hypervisor.read(S1, PAGES));
        assertEquals(allowed, s.f.can(S1, PAGES, Access.EXECUTE), allowed ? "executes" : "faults executing");
    }

    /**
     * lend_relinquish_RW_X: lent RW and retrieved X, the service executes from the page and
     * relinquishes; retrieved NX, executing faults. (Hafnium's EL0 variant, where WXN makes the
     * first run abort, has no counterpart: memshare models stage 2 only.)
     */
    @ParameterizedTest(name = "lend_relinquish_RW_X on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void lendRelinquishRwX(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        s.fill(P, PAGES, 1, 0);
        assertTrue(s.f.hypervisor.write(P, PAGES, BTI_RET));
        long handle = lend(s, RW, RW_X, Mode.R | Mode.W | Mode.X | Mode.UNOWNED);
        executes(s, true);
        giveBack(s, handle);
        lend(s, RW, RW_NX, Mode.R | Mode.W | Mode.UNOWNED);
        executes(s, false);
    }

    @ParameterizedTest(name = "lend_relinquish_RO_X on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void lendRelinquishRoX(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        s.fill(P, PAGES, 1, 0);
        assertTrue(s.f.hypervisor.write(P, PAGES, BTI_RET));
        long handle = lend(s, RO, RO_X, Mode.R | Mode.X | Mode.UNOWNED);
        executes(s, true);
        giveBack(s, handle);
        lend(s, RO, RO_NX, Mode.R | Mode.UNOWNED);
        executes(s, false);
    }

    /** retrieve_instruction_access_not_specified: a lend or donate to one borrower retrieved without an instruction access. */
    @ParameterizedTest(name = "retrieve_instruction_access_not_specified on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void retrieveInstructionAccessNotSpecified(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        s.fill(P, PAGES, 1, 'a');
        for (FfaShareKind kind : new FfaShareKind[] {FfaShareKind.LEND, FfaShareKind.DONATE}) {
            long handle = s.send(kind, P).to(S1, kind == FfaShareKind.LEND ? RW : NONE).of(ONE_PAGE).ok();
            s.refusedUnchanged(FfaCheck.RETRIEVE_INSTRUCTION_ACCESS_UNSPECIFIED,
                    () -> s.retrieve(S1, handle, P).to(S1, RW).outcome());
            s.expect("after the refusal", ONE_PAGE, P, kind == FfaShareKind.LEND ? LENT : UNMAPPED, S1, UNMAPPED);
            s.reclaimOk(P, handle);
            s.expect("after the reclaim", ONE_PAGE, P, OWNED, S1, UNMAPPED);
        }
        s.assertBytes(P, PAGES, 1, 'a');
    }
}
