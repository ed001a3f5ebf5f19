package org.memshare.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.memshare.api.spci.SpciError.DENIED;
import static org.memshare.strict.ThreeVms.PAGE;
import static org.memshare.strict.ThreeVms.RW_NX;
import static org.memshare.strict.ThreeVms.RW_X;
import static org.memshare.strict.ThreeVms.VM1_BASE;
import static org.memshare.strict.ThreeVms.c;
import static org.memshare.strict.ThreeVms.message;
import static org.memshare.strict.ThreeVms.send;

import com.google.inject.Module;
import java.util.OptionalInt;
import org.memshare.api.addr.IntermediatePhysicalAddress;
import org.memshare.api.mode.Mode;
import org.memshare.api.spci.MemoryAccess;
import org.memshare.api.spci.MemoryAttributes;
import org.memshare.api.spci.ShareType;
import org.memshare.engine.hypervisor.Hypervisor.Access;
import org.memshare.engine.policy.NoPermissionEscalationModule;
import org.memshare.engine.spci.SpciResult;
import org.memshare.kit.ArchUnderTest;
import org.memshare.kit.fixture.KitMachine;
import org.memshare.strict.ThreeVms;
import org.memshare.testing.OnEachArch;

/**
 * The escalation path of the seed's protocol, "VM 2 is given a page read-only, lends it RW_X to
 * VM 3, VM 3 relinquishes it, VM 2 now owns it R|W|X", stays open by default and is closed by
 * {@code NoPermissionEscalationPolicy}.
 */
class NoPermissionEscalationPolicyEndToEndTest {
    private static final long A = VM1_BASE;
    private static final int RO_NX = MemoryAttributes.of(MemoryAccess.RO_NX, true, 0, 0).value();
    private static final int OWNED_R = Mode.R;

    private static int mode(KitMachine fixture, int vm) {
        OptionalInt mode = fixture.machine().vm(vm).orElseThrow().table()
                .mode(IntermediatePhysicalAddress.of(A), IntermediatePhysicalAddress.of(A + PAGE));
        assertTrue(mode.isPresent());
        return mode.getAsInt();
    }

    /** VM 1 donates page A to VM 2 read-only: VM 2 owns it with R alone. */
    private static KitMachine givenReadOnly(ArchUnderTest under, Module... modules) {
        KitMachine fixture = ThreeVms.boot(under, modules);
        assertTrue(send(fixture, 1, 2, message(ShareType.DONATE, 2, RO_NX, 0, c(A, 1))).isSuccess());
        assertEquals(OWNED_R, mode(fixture, 2));
        return fixture;
    }

    @OnEachArch
    void withoutThePolicyTheSeedsProtocolLetsAReadOnlyPageComeBackReadWriteExecute(ArchUnderTest under) {
        KitMachine fixture = givenReadOnly(under);
        assertTrue(send(fixture, 2, 3, message(ShareType.LEND, 3, RW_X, 0, c(A, 1))).isSuccess());
        assertTrue(fixture.hypervisor().canAccess(3, A, Access.WRITE), "the borrower writes a read-only page");
        assertTrue(send(fixture, 3, 2, message(ShareType.RELINQUISH, 2, RW_X, 0, c(A, 1))).isSuccess());
        assertEquals(Mode.R | Mode.W | Mode.X, mode(fixture, 2), "the seed's protocol escalates VM 2 to R|W|X");
    }

    @OnEachArch
    void thePolicyDeniesTheLendThatAsksForMoreThanTheSenderHas(ArchUnderTest under) {
        KitMachine fixture = givenReadOnly(under, new NoPermissionEscalationModule());
        for (int attributes : new int[] {RW_X, RW_NX, MemoryAttributes.of(MemoryAccess.RO_X, true, 0, 0).value()}) {
            for (ShareType type : new ShareType[] {ShareType.LEND, ShareType.SHARE, ShareType.DONATE}) {
                SpciResult result = fixture.assertRefused(DENIED, "but the sender has only R", 2, 3,
                        message(type, 3, attributes, 0, c(A, 1)));
                assertTrue(result.reason().startsWith("the " + type.traceName() + " from VM 2 to VM 3 asks for "),
                        result.reason());
            }
        }
        assertEquals(OWNED_R, mode(fixture, 2));
        assertTrue(!fixture.hypervisor().canAccess(2, A, Access.WRITE));
    }

    @OnEachArch
    void thePolicyDeniesTheRelinquishThatWouldGiveTheOwnerMoreThanItKept(ArchUnderTest under) {
        KitMachine fixture = givenReadOnly(under, new NoPermissionEscalationModule());
        // Lending read-only is within what VM 2 has, so it goes ahead...
        assertTrue(send(fixture, 2, 3, message(ShareType.LEND, 3, RO_NX, 0, c(A, 1))).isSuccess());
        assertEquals(Mode.R | Mode.UNOWNED, mode(fixture, 3));
        // ...but the relinquish would hand VM 2 R|W|X, which it never had.
        SpciResult result = fixture.assertRefused(DENIED, "kept only R", 3, 2,
                message(ShareType.RELINQUISH, 2, RO_NX, 0, c(A, 1)));
        assertEquals("the relinquish from VM 3 would give owner VM 2 permissions R|W|X but it kept only R"
                + " (W|X would be gained)", result.reason());
        assertEquals(Mode.INVALID | OWNED_R, mode(fixture, 2));
    }

    @OnEachArch
    void thePolicyLetsSharesWithinTheSendersPermissionsAndTheirRelinquishThrough(ArchUnderTest under) {
        KitMachine fixture = ThreeVms.boot(under, new NoPermissionEscalationModule());
        assertTrue(send(fixture, 1, 2, message(ShareType.LEND, 2, RW_X, 0, c(A, 1))).isSuccess());
        assertTrue(send(fixture, 2, 1, message(ShareType.RELINQUISH, 1, RW_X, 0, c(A, 1))).isSuccess());
        assertTrue(send(fixture, 1, 3, message(ShareType.SHARE, 3, RO_NX, 0, c(A, 1))).isSuccess());
        assertTrue(send(fixture, 3, 1, message(ShareType.RELINQUISH, 1, RO_NX, 0, c(A, 1))).isSuccess());
        assertEquals(Mode.R | Mode.W | Mode.X, mode(fixture, 1));
    }
}
