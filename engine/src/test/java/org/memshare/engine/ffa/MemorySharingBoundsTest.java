package org.memshare.engine.ffa;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.memshare.engine.ffa.FfaSteps.LENT;
import static org.memshare.engine.ffa.FfaSteps.NONE;
import static org.memshare.engine.ffa.FfaSteps.OWNED;
import static org.memshare.engine.ffa.FfaSteps.P;
import static org.memshare.engine.ffa.FfaSteps.PAGE;
import static org.memshare.engine.ffa.FfaSteps.PAGES;
import static org.memshare.engine.ffa.FfaSteps.RW;
import static org.memshare.engine.ffa.FfaSteps.RW_NX;
import static org.memshare.engine.ffa.FfaSteps.S1;
import static org.memshare.engine.ffa.FfaSteps.S2;
import static org.memshare.engine.ffa.FfaSteps.UNMAPPED;
import static org.memshare.engine.ffa.FfaSteps.c;
import static org.memshare.engine.ffa.FfaSteps.region;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.memshare.api.ffa.FfaConstituent;
import org.memshare.api.ffa.FfaShareKind;
import org.memshare.api.ffa.MemoryTransaction;
import org.memshare.api.mode.Mode;
import org.memshare.engine.hypervisor.Hypervisor.Access;

/**
 * memory_sharing.c's bounds tests: a borrower of two non-contiguous pages faults one byte past
 * the end, or one byte before the start, of either constituent. The first byte of the memory
 * tells the service (ffa_check_upper_bound, ffa_check_lower_bound) which constituent to probe;
 * service1 probes the first, service2 the second.
 */
class MemorySharingBoundsTest {

    /**
     * Sends pages 0 and 2, then pages 1 and 3, each to its own borrower, and checks that each
     * borrower has its two pages and faults at the byte {@code past} (PAGE or -1) from the
     * constituent the memory names.
     */
    private static void probe(FfaSteps s, FfaShareKind kind, long past) {
        s.fill(P, PAGES, 4, 'b');
        int[] borrowers = {S1, S2};
        for (int probe = 0; probe < 2; probe++) {
            int vm = borrowers[probe];
            List<FfaConstituent> pages = region(c(PAGES + probe * PAGE, 1), c(PAGES + (probe + 2) * PAGE, 1));
            // The tests' pages[0] = 0 and pages[PAGE_SIZE] = 1: the constituent to probe.
            assertTrue(s.f.hypervisor.write(P, pages.get(0).address(), probe));
            long handle = s.send(kind, P).to(vm, kind == FfaShareKind.DONATE ? NONE : RW).of(pages).ok();
            MemoryTransaction response = s.retrieve(vm, handle, P).to(vm, RW_NX).ok();
            List<FfaConstituent> got = response.composite().orElseThrow().constituents();
            int borrowed = kind == FfaShareKind.DONATE ? Mode.R | Mode.W : Mode.R | Mode.W | Mode.UNOWNED;
            s.expect("after VM " + vm + " retrieved", pages, P, kind == FfaShareKind.DONATE ? UNMAPPED : LENT,
                    vm, borrowed);
            long index = s.f.hypervisor.read(vm, got.get(0).address()).orElseThrow() & 0xff;
            long ptr = got.get((int) index).address();
            assertTrue(s.f.can(vm, ptr, Access.WRITE), "the constituent itself is writable");
            assertTrue(s.f.can(vm, ptr + PAGE - 1, Access.WRITE), "to its last byte");
            assertFalse(s.f.can(vm, ptr + past, Access.READ), "VM " + vm + " faults at 0x" + Long.toHexString(ptr + past));
            assertFalse(s.f.can(vm, ptr + past, Access.WRITE));
        }
        s.expect("after both probes", region(c(PAGES + 4 * PAGE, 1)), P, OWNED, S1, UNMAPPED, S2, UNMAPPED);
    }

    @ParameterizedTest(name = "donate_check_upper_bounds on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void donateCheckUpperBounds(FfaFixture.Arch arch) {
        probe(FfaSteps.setUp(arch), FfaShareKind.DONATE, PAGE);
    }

    @ParameterizedTest(name = "donate_check_lower_bounds on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void donateCheckLowerBounds(FfaFixture.Arch arch) {
        probe(FfaSteps.setUp(arch), FfaShareKind.DONATE, -1);
    }

    @ParameterizedTest(name = "ffa_lend_check_upper_bounds on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void lendCheckUpperBounds(FfaFixture.Arch arch) {
        probe(FfaSteps.setUp(arch), FfaShareKind.LEND, PAGE);
    }

    @ParameterizedTest(name = "ffa_lend_check_lower_bounds on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void lendCheckLowerBounds(FfaFixture.Arch arch) {
        probe(FfaSteps.setUp(arch), FfaShareKind.LEND, -1);
    }
}
