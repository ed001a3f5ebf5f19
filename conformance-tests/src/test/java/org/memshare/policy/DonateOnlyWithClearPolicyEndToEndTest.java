package org.memshare.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.memshare.api.spci.SpciError.DENIED;
import static org.memshare.strict.MachineFixture.PAGE;
import static org.memshare.strict.MachineFixture.RW_NX;
import static org.memshare.strict.MachineFixture.VM1_BASE;
import static org.memshare.strict.MachineFixture.c;
import static org.memshare.strict.MachineFixture.message;

import org.memshare.api.spci.MemoryRegion;
import org.memshare.api.spci.ShareType;
import org.memshare.engine.hypervisor.Hypervisor.Access;
import org.memshare.engine.policy.DonateOnlyWithClearModule;
import org.memshare.engine.policy.DonateOnlyWithClearPolicy;
import org.memshare.engine.spci.SpciResult;
import org.memshare.strict.MachineFixture;
import org.memshare.strict.OnBothArches;

/** {@link DonateOnlyWithClearPolicy} on a whole machine. */
class DonateOnlyWithClearPolicyEndToEndTest {
    private static final long A = VM1_BASE;

    private static MachineFixture machine(String arch) {
        MachineFixture fixture = MachineFixture.create(arch, new DonateOnlyWithClearModule());
        assertEquals(1, fixture.machine().policies().size());
        return fixture;
    }

    @OnBothArches
    void aDonateWithoutTheClearFlagIsDeniedAndNothingChanges(String arch) {
        for (int flags : new int[] {0, 2}) {
            MachineFixture fixture = machine(arch);
            SpciResult result = fixture.assertRefusedWithoutChange(DENIED, "clear", 1, 2,
                    message(ShareType.DONATE, 2, RW_NX, flags, c(A, 4), c(A + 0x10_0000L, 2)));
            assertEquals("a donate must clear the memory it gives away: VM 1 donated to VM 2 without the clear flag"
                    + " (flags 0x" + flags + ")", result.reason());
            assertEquals(MachineFixture.pattern(A), fixture.hypervisor().read(1, A).orElseThrow(),
                    "VM 1 keeps its memory and its contents");
        }
    }

    @OnBothArches
    void aDonateWithTheClearFlagGoesAheadAndTheReceiverReadsZero(String arch) {
        MachineFixture fixture = machine(arch);

        SpciResult result = fixture.send(1, 2, message(ShareType.DONATE, 2, RW_NX, MemoryRegion.FLAG_CLEAR, c(A, 4)));

        assertTrue(result.isSuccess(), result::toString);
        assertFalse(fixture.hypervisor().canAccess(1, A, Access.READ));
        for (long page = A; page < A + 4 * PAGE; page += PAGE) {
            assertEquals(0, fixture.hypervisor().read(2, page).orElseThrow());
            assertEquals(0, fixture.hypervisor().read(2, page + PAGE - 8).orElseThrow());
        }
    }

    @OnBothArches
    void lendShareAndRelinquishNeedNoClearFlag(String arch) {
        MachineFixture fixture = machine(arch);

        assertTrue(fixture.send(1, 2, message(ShareType.LEND, 2, RW_NX, 0, c(A, 4))).isSuccess());
        assertEquals(MachineFixture.pattern(A), fixture.hypervisor().read(2, A).orElseThrow());
        assertTrue(fixture.send(2, 1, message(ShareType.RELINQUISH, 1, RW_NX, 0, c(A, 4))).isSuccess());
        assertTrue(fixture.send(1, 3, message(ShareType.SHARE, 3, RW_NX, 0, c(A, 4))).isSuccess());
        assertEquals(MachineFixture.pattern(A), fixture.hypervisor().read(3, A).orElseThrow());
    }
}
