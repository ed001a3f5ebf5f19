package org.memshare.engine.ffa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.memshare.engine.ffa.FfaFixture.BASE;
import static org.memshare.engine.ffa.FfaFixture.RWX;
import static org.memshare.engine.ffa.FfaFixture.UNMAPPED;
import static org.memshare.engine.ffa.FfaFixture.c;
import static org.memshare.engine.ffa.FfaFixture.to;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.memshare.api.ffa.EndpointAccess;
import org.memshare.api.ffa.FfaConstituent;
import org.memshare.api.ffa.FfaDescriptorCodec;
import org.memshare.api.ffa.FfaResult;
import org.memshare.api.ffa.FfaShareKind;
import org.memshare.api.ffa.FfaVersion;
import org.memshare.api.ffa.MemoryAttributes;
import org.memshare.api.ffa.MemoryPermissions;
import org.memshare.api.ffa.MemoryTransaction;
import org.memshare.api.ffa.TransactionFlags;
import org.memshare.api.mode.Mode;
import org.memshare.engine.hypervisor.Hypervisor;

/** Share and lend to two borrowers, each with its own retrieve state (memory_sharing.c's multiple-borrower tests). */
class FfaMultipleBorrowersTest {
    private static final List<FfaConstituent> REGION = List.of(c(BASE, 2));
    private static final int NORMAL = MemoryAttributes.NORMAL_WRITE_BACK_INNER.value();
    private static final int BORROWER = Mode.R | Mode.W | Mode.UNOWNED;

    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void bothBorrowersRetrieveAShareAndEverybodySeesTheWrites(FfaFixture.Arch arch) {
        FfaFixture f = FfaFixture.boot(arch);
        EndpointAccess.Impdef impdef2 = new EndpointAccess.Impdef(0x22, 0x2222);
        EndpointAccess.Impdef impdef3 = new EndpointAccess.Impdef(0x33, 0x3333);
        byte[] tx = FfaFixture.sendTx(FfaVersion.V1_2, 1, 0, NORMAL, 0,
                List.of(to(2, MemoryPermissions.RW).withImpdef(impdef2), to(3, MemoryPermissions.RW).withImpdef(impdef3)),
                REGION);
        long handle = f.ffa.memSend(1, FfaShareKind.SHARE, tx, tx.length).handle().orElseThrow();
        for (int vm : new int[] {2, 3}) {
            byte[] request = FfaFixture.retrieveTx(FfaVersion.V1_2, 1, handle, 0, NORMAL, 0,
                    List.of(to(2, MemoryPermissions.RW).withImpdef(impdef2), to(3, MemoryPermissions.RW).withImpdef(impdef3)));
            FfaResult response = f.ffa.retrieveRequest(vm, request, request.length);
            assertEquals(FfaResult.Function.MEM_RETRIEVE_RESP, response.function(), response::toString);
            MemoryTransaction decoded = FfaDescriptorCodec.decodeRetrieveResponse(response.rxBytes(),
                    response.rxBytes().length, FfaVersion.V1_2).accepted().orElseThrow();
            assertEquals(1, decoded.receiverCount(), "a response names its caller alone");
            assertEquals(vm, decoded.receivers().get(0).receiver());
            assertEquals(vm == 2 ? impdef2 : impdef3, decoded.receivers().get(0).impdef(), "the sender's impdef for the caller");
            assertEquals(MemoryPermissions.RW_NX, decoded.receivers().get(0).permissions(), "a share is retrieved NX");
            f.ffa.rxRelease(vm);
            assertTrue(f.hypervisor.write(vm, BASE, vm));
        }
        f.assertMapped("both retrieved", BASE, 2, 1, RWX | Mode.SHARED, 2, BORROWER | Mode.SHARED, 3,
                BORROWER | Mode.SHARED);
        assertEquals(3, f.hypervisor.read(1, BASE).getAsLong(), "the sender sees the last write");
    }

    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void withTheBypassFlagEachBorrowerListsOnlyItself(FfaFixture.Arch arch) {
        FfaFixture f = FfaFixture.boot(arch);
        long handle = f.sendOk(FfaShareKind.SHARE, 1, REGION, 0, 2, 3);
        for (int vm : new int[] {2, 3}) {
            byte[] request = FfaFixture.retrieveTx(FfaVersion.V1_2, 1, handle, TransactionFlags.BYPASS_BORROWERS_CHECK,
                    NORMAL, 0, List.of(to(vm, MemoryPermissions.RW)));
            FfaOutcome outcome = f.ffa.explaining().retrieveRequest(vm, request, request.length);
            assertEquals(FfaResult.Function.MEM_RETRIEVE_RESP, outcome.result().function(), outcome::toString);
            f.ffa.rxRelease(vm);
        }
        f.assertMapped("both retrieved", BASE, 2, 2, BORROWER | Mode.SHARED, 3, BORROWER | Mode.SHARED);
    }

    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void eachBorrowerOfALendRetrievesRelinquishesAndRetrievesAgainBeforeTheReclaim(FfaFixture.Arch arch) {
        FfaFixture f = FfaFixture.boot(arch);
        long handle = f.sendOk(FfaShareKind.LEND, 1, REGION, 0, 2, 3);
        for (int round = 0; round < 2; round++) {
            for (int vm : new int[] {2, 3}) {
                f.retrieveOk(vm, handle, 1, FfaShareKind.LEND, 2, 3);
                f.assertMapped("VM " + vm + " retrieved", BASE, 2, vm, BORROWER);
                assertTrue(f.hypervisor.write(vm, BASE, f.hypervisor.read(vm, BASE).getAsLong() + 1));
                FfaFixture.assertRefused(FfaCheck.RECLAIM_NOT_RELINQUISHED, f.reclaim(1, handle, 0));
                f.relinquishOk(vm, handle);
                f.assertMapped("VM " + vm + " relinquished", BASE, 2, vm, UNMAPPED);
            }
        }
        f.reclaimOk(1, handle);
        f.assertMapped("reclaimed", BASE, 2, 1, RWX, 2, UNMAPPED, 3, UNMAPPED);
        assertEquals(4, f.hypervisor.read(1, BASE).getAsLong(), "four increments");
    }

    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void theReclaimWaitsForEveryBorrower(FfaFixture.Arch arch) {
        FfaFixture f = FfaFixture.boot(arch);
        long handle = f.sendOk(FfaShareKind.SHARE, 1, REGION, 0, 2, 3);
        f.retrieveOk(2, handle, 1, FfaShareKind.SHARE, 2, 3);
        f.retrieveOk(3, handle, 1, FfaShareKind.SHARE, 2, 3);
        f.relinquishOk(2, handle);
        FfaFixture.assertRefused(FfaCheck.RECLAIM_NOT_RELINQUISHED, f.reclaim(1, handle, 0));
        assertTrue(f.can(3, BASE, Hypervisor.Access.WRITE), "VM 3 still has it");
        f.relinquishOk(3, handle);
        f.reclaimOk(1, handle);
    }

    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void everyListedBorrowersPermissionsAreCheckedNotOnlyTheCallers(FfaFixture.Arch arch) {
        FfaFixture f = FfaFixture.boot(arch);
        byte[] tx = FfaFixture.sendTx(FfaVersion.V1_2, 1, 0, NORMAL, 0,
                List.of(to(2, MemoryPermissions.RW), to(3, MemoryPermissions.RO)), REGION);
        long handle = f.ffa.memSend(1, FfaShareKind.SHARE, tx, tx.length).handle().orElseThrow();
        byte[] request = FfaFixture.retrieveTx(FfaVersion.V1_2, 1, handle, 0, NORMAL, 0,
                List.of(to(2, MemoryPermissions.RW), to(3, MemoryPermissions.RW)));
        FfaFixture.assertRefused(FfaCheck.RETRIEVE_DATA_ACCESS, f.ffa.explaining().retrieveRequest(2, request, request.length));
        f.assertMapped("nothing retrieved", BASE, 2, 2, UNMAPPED);
    }

    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void aDonateHasOneReceiver(FfaFixture.Arch arch) {
        FfaFixture f = FfaFixture.boot(arch);
        FfaFixture.assertRefused(FfaCheck.SEND_DONATE_RECEIVER_COUNT, f.send(FfaShareKind.DONATE, 1, REGION, 0, 2, 3));
        FfaFixture.assertRefused(FfaCheck.SEND_SANITY_RECEIVER_COUNT, f.send(FfaShareKind.SHARE, 1, REGION, 0, 2, 3, 4));
    }
}
