package org.memshare.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.memshare.api.spci.SpciError.DENIED;
import static org.memshare.strict.MachineFixture.PAGE;
import static org.memshare.strict.MachineFixture.RW_NX;
import static org.memshare.strict.MachineFixture.RW_X;
import static org.memshare.strict.MachineFixture.VM1_BASE;
import static org.memshare.strict.MachineFixture.VM3_BASE;
import static org.memshare.strict.MachineFixture.c;
import static org.memshare.strict.MachineFixture.message;

import org.memshare.api.spci.MemoryAccess;
import org.memshare.api.spci.MemoryAttributes;
import org.memshare.api.spci.ShareType;
import org.memshare.engine.hypervisor.Hypervisor.Access;
import org.memshare.engine.policy.NoExecutableMemoryModule;
import org.memshare.engine.policy.NoExecutableMemoryPolicy;
import org.memshare.engine.spci.SpciResult;
import org.memshare.strict.MachineFixture;
import org.memshare.strict.OnBothArches;

/** {@link NoExecutableMemoryPolicy} protecting VM 3, on a whole machine. */
class NoExecutableMemoryPolicyEndToEndTest {
    private static final long A = VM1_BASE;
    private static final int RO_X = MemoryAttributes.of(MemoryAccess.RO_X, true, 0, 0).value();

    private static MachineFixture machine(String arch) {
        MachineFixture fixture = MachineFixture.create(arch, new NoExecutableMemoryModule(3));
        assertEquals(1, fixture.machine().policies().size());
        return fixture;
    }

    @OnBothArches
    void executableMemoryToTheProtectedVmIsDeniedAndNothingChanges(String arch) {
        record Case(ShareType type, int attributes, int newMode) {
        }
        for (Case refused : new Case[] {
            new Case(ShareType.DONATE, RW_X, 0x07),
            new Case(ShareType.LEND, RW_X, 0x27),
            new Case(ShareType.LEND, RO_X, 0x25),
            new Case(ShareType.SHARE, RO_X, 0x65),
        }) {
            MachineFixture fixture = machine(arch);
            SpciResult result = fixture.assertRefusedWithoutChange(DENIED, "VM 3", 1, 3,
                    message(refused.type(), 3, refused.attributes(), 0, c(A, 4), c(A + 0x10_0000L, 2)));
            assertEquals("VM 3 may not receive executable memory: the " + refused.type().traceName()
                    + " from VM 1 would give it mode 0x" + Integer.toHexString(refused.newMode()), result.reason());
            assertFalse(fixture.hypervisor().canAccess(3, A, Access.READ));
        }
    }

    @OnBothArches
    void memoryThatIsNotExecutableStillReachesTheProtectedVm(String arch) {
        MachineFixture fixture = machine(arch);

        SpciResult result = fixture.send(1, 3, message(ShareType.LEND, 3, RW_NX, 0, c(A, 4)));

        assertTrue(result.isSuccess(), result::toString);
        assertTrue(fixture.hypervisor().canAccess(3, A, Access.WRITE));
        assertFalse(fixture.hypervisor().canAccess(3, A, Access.EXECUTE));
    }

    @OnBothArches
    void otherVmsStillReceiveExecutableMemory(String arch) {
        MachineFixture fixture = machine(arch);

        SpciResult result = fixture.send(1, 2, message(ShareType.DONATE, 2, RW_X, 0, c(A, 4)));

        assertTrue(result.isSuccess(), result::toString);
        assertTrue(fixture.hypervisor().canAccess(2, A, Access.EXECUTE));
    }

    @OnBothArches
    void memoryTheProtectedVmLentCannotBeRelinquishedBackToIt(String arch) {
        // A relinquish always gives R|W|X back to the owner, so the policy refuses it.
        MachineFixture fixture = machine(arch);
        assertTrue(fixture.send(3, 2, message(ShareType.LEND, 2, RW_NX, 0, c(VM3_BASE, 2))).isSuccess());

        SpciResult result = fixture.assertRefusedWithoutChange(DENIED, "VM 3", 2, 3,
                message(ShareType.RELINQUISH, 3, RW_NX, 0, c(VM3_BASE, 2)));

        assertTrue(result.reason().contains("relinquish"), result.reason());
        assertTrue(fixture.hypervisor().canAccess(2, VM3_BASE + PAGE, Access.WRITE), "VM 2 keeps the memory");
        assertFalse(fixture.hypervisor().canAccess(3, VM3_BASE, Access.READ));
    }
}
