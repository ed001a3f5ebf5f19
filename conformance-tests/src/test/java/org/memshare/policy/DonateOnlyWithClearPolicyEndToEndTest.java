package org.memshare.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.memshare.api.spci.SpciError.DENIED;
import static org.memshare.strict.ThreeVms.PAGE;
import static org.memshare.strict.ThreeVms.RW_NX;
import static org.memshare.strict.ThreeVms.VM1_BASE;
import static org.memshare.strict.ThreeVms.c;
import static org.memshare.strict.ThreeVms.message;
import static org.memshare.strict.ThreeVms.send;

import org.memshare.api.spci.MemoryRegion;
import org.memshare.api.spci.ShareType;
import org.memshare.engine.hypervisor.Hypervisor.Access;
import org.memshare.engine.policy.DonateOnlyWithClearModule;
import org.memshare.engine.policy.DonateOnlyWithClearPolicy;
import org.memshare.engine.spci.SpciResult;
import org.memshare.kit.ArchUnderTest;
import org.memshare.kit.fixture.KitMachine;
import org.memshare.strict.ThreeVms;
import org.memshare.testing.OnEachArch;

/** {@link DonateOnlyWithClearPolicy} on a whole machine. */
class DonateOnlyWithClearPolicyEndToEndTest {
    private static final long A = VM1_BASE;

    private static KitMachine machine(ArchUnderTest under) {
        KitMachine fixture = ThreeVms.boot(under, new DonateOnlyWithClearModule());
        assertEquals(1, fixture.machine().policies().size());
        return fixture;
    }

    @OnEachArch
    void aDonateWithoutTheClearFlagIsDeniedAndNothingChanges(ArchUnderTest under) {
        for (int flags : new int[] {0, 2}) {
            KitMachine fixture = machine(under);
            SpciResult result = fixture.assertRefused(DENIED, "clear", 1, 2,
                    message(ShareType.DONATE, 2, RW_NX, flags, c(A, 4), c(A + 0x10_0000L, 2)));
            assertEquals("a donate must clear the memory it gives away: VM 1 donated to VM 2 without the clear flag"
                    + " (flags 0x" + flags + ")", result.reason());
            assertEquals(KitMachine.pattern(A), fixture.hypervisor().read(1, A).orElseThrow(),
                    "VM 1 keeps its memory and its contents");
        }
    }

    @OnEachArch
    void aDonateWithTheClearFlagGoesAheadAndTheReceiverReadsZero(ArchUnderTest under) {
        KitMachine fixture = machine(under);

        SpciResult result = send(fixture, 1, 2, message(ShareType.DONATE, 2, RW_NX, MemoryRegion.FLAG_CLEAR, c(A, 4)));

        assertTrue(result.isSuccess(), result::toString);
        assertFalse(fixture.hypervisor().canAccess(1, A, Access.READ));
        for (long page = A; page < A + 4 * PAGE; page += PAGE) {
            assertEquals(0, fixture.hypervisor().read(2, page).orElseThrow());
            assertEquals(0, fixture.hypervisor().read(2, page + PAGE - 8).orElseThrow());
        }
    }

    @OnEachArch
    void lendShareAndRelinquishNeedNoClearFlag(ArchUnderTest under) {
        KitMachine fixture = machine(under);

        assertTrue(send(fixture, 1, 2, message(ShareType.LEND, 2, RW_NX, 0, c(A, 4))).isSuccess());
        assertEquals(KitMachine.pattern(A), fixture.hypervisor().read(2, A).orElseThrow());
        assertTrue(send(fixture, 2, 1, message(ShareType.RELINQUISH, 1, RW_NX, 0, c(A, 4))).isSuccess());
        assertTrue(send(fixture, 1, 3, message(ShareType.SHARE, 3, RW_NX, 0, c(A, 4))).isSuccess());
        assertEquals(KitMachine.pattern(A), fixture.hypervisor().read(3, A).orElseThrow());
    }
}
