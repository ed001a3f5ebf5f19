package org.memshare.engine.ffa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.memshare.engine.ffa.FfaFixture.BASE;
import static org.memshare.engine.ffa.FfaFixture.PAGE;
import static org.memshare.engine.ffa.FfaFixture.RWX;
import static org.memshare.engine.ffa.FfaFixture.UNMAPPED;
import static org.memshare.engine.ffa.FfaFixture.c;
import static org.memshare.engine.hypervisor.Hypervisor.Access.EXECUTE;
import static org.memshare.engine.hypervisor.Hypervisor.Access.READ;
import static org.memshare.engine.hypervisor.Hypervisor.Access.WRITE;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.memshare.api.ffa.FfaConstituent;
import org.memshare.api.ffa.FfaResult;
import org.memshare.api.ffa.FfaShareKind;
import org.memshare.api.ffa.Handle;
import org.memshare.api.ffa.MemoryPermissions;
import org.memshare.api.mode.Mode;

/**
 * Send, retrieve, relinquish and reclaim of each kind, with every VM's mode and access checked
 * after each step (memory_sharing.c's lifecycle tests: donate_reclaim, lend_relinquish,
 * share_concurrently_and_get_back, donate_relinquish, relend_after_return, ...).
 */
class FfaLifecycleTest {
    /** Two constituents, three pages, as memory_sharing.c's tests send them. */
    private static final List<FfaConstituent> REGION = List.of(c(BASE, 2), c(BASE + 4 * PAGE, 1));

    /** VM 1's and VM 2's modes over the region; VMs 3 and 4 never have it. */
    private static void assertBoth(FfaFixture f, String when, int vm1, int vm2) {
        for (FfaConstituent c : REGION) {
            f.assertMapped(when, c.address(), c.pageCount(), 1, vm1, 2, vm2, 3, UNMAPPED, 4, UNMAPPED);
        }
    }

    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void donateThenReclaimWithoutRetrieveRestoresTheOwner(FfaFixture.Arch arch) {
        FfaFixture f = FfaFixture.boot(arch);
        long handle = f.sendOk(FfaShareKind.DONATE, 1, REGION, 0, 2);
        assertEquals(Handle.ofHypervisorSlot(0), handle, "the first handle is slot 0's");
        assertBoth(f, "after the donate", UNMAPPED, UNMAPPED);
        assertFalse(f.can(1, BASE, READ), "the sender lost access");
        f.reclaimOk(1, handle);
        assertBoth(f, "after the reclaim", RWX, UNMAPPED);
        assertTrue(f.can(1, BASE, WRITE));
        assertEquals(0, f.ffa.shareStatesInUse());
    }

    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void donateRetrievedMovesOwnershipAndFreesTheHandle(FfaFixture.Arch arch) {
        FfaFixture f = FfaFixture.boot(arch);
        long handle = f.sendOk(FfaShareKind.DONATE, 1, REGION, 0, 2);
        FfaResult response = f.retrieveOk(2, handle, 1, FfaShareKind.DONATE, 2);
        assertEquals(48 + 32 + 16 + 2 * 16, response.w1(), "total length: v1.2 header, one 32-byte receiver, composite, 2 constituents");
        assertEquals(response.w1(), response.w2(), "one fragment");
        assertBoth(f, "after the retrieve", UNMAPPED, Mode.R | Mode.W);
        assertTrue(f.can(2, BASE, WRITE));
        assertFalse(f.can(2, BASE, EXECUTE), "retrieved NX");
        assertEquals(0, f.ffa.shareStatesInUse(), "a donate fully retrieved frees its share state");
        FfaFixture.assertRefused(FfaCheck.RELINQUISH_UNKNOWN_HANDLE, f.relinquish(2, handle, 0));
        FfaFixture.assertRefused(FfaCheck.RECLAIM_UNKNOWN_HANDLE, f.reclaim(1, handle, 0));
    }

    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void lendRetrieveRelinquishReclaim(FfaFixture.Arch arch) {
        FfaFixture f = FfaFixture.boot(arch);
        long handle = f.sendOk(FfaShareKind.LEND, 1, REGION, 0, 2);
        assertBoth(f, "after the lend", RWX | Mode.INVALID, UNMAPPED);
        assertFalse(f.can(1, BASE, READ));
        f.retrieveOk(2, handle, 1, FfaShareKind.LEND, 2);
        assertBoth(f, "after the retrieve", RWX | Mode.INVALID, Mode.R | Mode.W | Mode.UNOWNED);
        assertTrue(f.can(2, BASE + 4 * PAGE, WRITE));
        FfaFixture.assertRefused(FfaCheck.RECLAIM_NOT_RELINQUISHED, f.reclaim(1, handle, 0));
        f.relinquishOk(2, handle);
        assertBoth(f, "after the relinquish", RWX | Mode.INVALID, UNMAPPED);
        assertFalse(f.can(2, BASE, READ));
        f.reclaimOk(1, handle);
        assertBoth(f, "after the reclaim", RWX, UNMAPPED);
        assertEquals(0, f.ffa.shareStatesInUse());
    }

    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void shareRetrieveRelinquishReclaim(FfaFixture.Arch arch) {
        FfaFixture f = FfaFixture.boot(arch);
        long handle = f.sendOk(FfaShareKind.SHARE, 1, REGION, 0, 2);
        assertBoth(f, "after the share", RWX | Mode.SHARED, UNMAPPED);
        assertTrue(f.can(1, BASE, WRITE), "the sender keeps access to shared memory");
        f.retrieveOk(2, handle, 1, FfaShareKind.SHARE, 2);
        assertBoth(f, "after the retrieve", RWX | Mode.SHARED, Mode.R | Mode.W | Mode.UNOWNED | Mode.SHARED);
        assertTrue(f.hypervisor.write(2, BASE, 42));
        assertEquals(42, f.hypervisor.read(1, BASE).getAsLong(), "both see each other's writes");
        f.relinquishOk(2, handle);
        f.reclaimOk(1, handle);
        assertBoth(f, "after the reclaim", RWX, UNMAPPED);
    }

    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void reclaimRestoresTheSendersOriginalModeExactly(FfaFixture.Arch arch) {
        FfaFixture f = FfaFixture.boot(arch);
        f.map(1, BASE, 2, Mode.R);
        FfaFixture.assertRefused(FfaCheck.SEND_PERMISSIONS_EXCEED_SENDER,
                f.send(FfaShareKind.LEND, 1, List.of(c(BASE, 2)), 0, 2));
        FfaOutcome lent = f.send(FfaShareKind.LEND, 1, List.of(c(BASE, 2)), 0, MemoryPermissions.RO, 2);
        long handle = lent.result().handle().orElseThrow();
        f.assertMapped("after the lend", BASE, 2, 1, Mode.R | Mode.INVALID);
        FfaFixture.assertRefused(FfaCheck.RETRIEVE_DATA_ACCESS, f.retrieve(2, handle, 1, FfaShareKind.LEND, 0, 2));
        FfaOutcome retrieved = f.retrieve(2, handle, 1, FfaShareKind.LEND, 0, MemoryPermissions.RO_NX, 2);
        assertEquals(FfaResult.Function.MEM_RETRIEVE_RESP, retrieved.result().function(), retrieved::toString);
        f.ffa.rxRelease(2);
        f.assertMapped("after the retrieve", BASE, 2, 2, Mode.R | Mode.UNOWNED);
        assertFalse(f.can(2, BASE, WRITE));
        f.relinquishOk(2, handle);
        f.reclaimOk(1, handle);
        f.assertMapped("after the reclaim", BASE, 2, 1, Mode.R);
    }
}
