package org.memshare.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.memshare.api.spci.SpciError.DENIED;
import static org.memshare.strict.ThreeVms.PAGE;
import static org.memshare.strict.ThreeVms.RW_NX;
import static org.memshare.strict.ThreeVms.RW_X;
import static org.memshare.strict.ThreeVms.VM1_BASE;
import static org.memshare.strict.ThreeVms.VM3_BASE;
import static org.memshare.strict.ThreeVms.c;
import static org.memshare.strict.ThreeVms.message;
import static org.memshare.strict.ThreeVms.send;

import org.memshare.api.spci.MemoryAccess;
import org.memshare.api.spci.MemoryAttributes;
import org.memshare.api.spci.ShareType;
import org.memshare.engine.hypervisor.Hypervisor.Access;
import org.memshare.engine.policy.NoExecutableMemoryModule;
import org.memshare.engine.policy.NoExecutableMemoryPolicy;
import org.memshare.engine.spci.SpciResult;
import org.memshare.kit.ArchUnderTest;
import org.memshare.kit.fixture.KitMachine;
import org.memshare.strict.ThreeVms;
import org.memshare.testing.OnEachArch;

/** {@link NoExecutableMemoryPolicy} protecting VM 3, on a whole machine. */
class NoExecutableMemoryPolicyEndToEndTest {
    private static final long A = VM1_BASE;
    private static final int RO_X = MemoryAttributes.of(MemoryAccess.RO_X, true, 0, 0).value();

    private static KitMachine machine(ArchUnderTest under) {
        KitMachine fixture = ThreeVms.boot(under, new NoExecutableMemoryModule(3));
        assertEquals(1, fixture.machine().policies().size());
        return fixture;
    }

    @OnEachArch
    void executableMemoryToTheProtectedVmIsDeniedAndNothingChanges(ArchUnderTest under) {
        record Case(ShareType type, int attributes, int newMode) {
        }
        for (Case refused : new Case[] {
            new Case(ShareType.DONATE, RW_X, 0x07),
            new Case(ShareType.LEND, RW_X, 0x27),
            new Case(ShareType.LEND, RO_X, 0x25),
            new Case(ShareType.SHARE, RO_X, 0x65),
        }) {
            KitMachine fixture = machine(under);
            SpciResult result = fixture.assertRefused(DENIED, "VM 3", 1, 3,
                    message(refused.type(), 3, refused.attributes(), 0, c(A, 4), c(A + 0x10_0000L, 2)));
            assertEquals("VM 3 may not receive executable memory: the " + refused.type().traceName()
                    + " from VM 1 would give it mode 0x" + Integer.toHexString(refused.newMode()), result.reason());
            assertFalse(fixture.hypervisor().canAccess(3, A, Access.READ));
        }
    }

    @OnEachArch
    void memoryThatIsNotExecutableStillReachesTheProtectedVm(ArchUnderTest under) {
        KitMachine fixture = machine(under);

        SpciResult result = send(fixture, 1, 3, message(ShareType.LEND, 3, RW_NX, 0, c(A, 4)));

        assertTrue(result.isSuccess(), result::toString);
        assertTrue(fixture.hypervisor().canAccess(3, A, Access.WRITE));
        assertFalse(fixture.hypervisor().canAccess(3, A, Access.EXECUTE));
    }

    @OnEachArch
    void otherVmsStillReceiveExecutableMemory(ArchUnderTest under) {
        KitMachine fixture = machine(under);

        SpciResult result = send(fixture, 1, 2, message(ShareType.DONATE, 2, RW_X, 0, c(A, 4)));

        assertTrue(result.isSuccess(), result::toString);
        assertTrue(fixture.hypervisor().canAccess(2, A, Access.EXECUTE));
    }

    @OnEachArch
    void memoryTheProtectedVmLentCannotBeRelinquishedBackToIt(ArchUnderTest under) {
        // A relinquish always gives R|W|X back to the owner, so the policy refuses it.
        KitMachine fixture = machine(under);
        assertTrue(send(fixture, 3, 2, message(ShareType.LEND, 2, RW_NX, 0, c(VM3_BASE, 2))).isSuccess());

        SpciResult result = fixture.assertRefused(DENIED, "VM 3", 2, 3,
                message(ShareType.RELINQUISH, 3, RW_NX, 0, c(VM3_BASE, 2)));

        assertTrue(result.reason().contains("relinquish"), result.reason());
        assertTrue(fixture.hypervisor().canAccess(2, VM3_BASE + PAGE, Access.WRITE), "VM 2 keeps the memory");
        assertFalse(fixture.hypervisor().canAccess(3, VM3_BASE, Access.READ));
    }
}
