package org.memshare.engine.ffa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.memshare.engine.ffa.FfaFixture.BASE;
import static org.memshare.engine.ffa.FfaFixture.BLOCK;
import static org.memshare.engine.ffa.FfaFixture.PAGE;
import static org.memshare.engine.ffa.FfaFixture.RWX;
import static org.memshare.engine.ffa.FfaFixture.UNMAPPED;
import static org.memshare.engine.ffa.FfaFixture.c;
import static org.memshare.engine.ffa.FfaFixture.to;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.memshare.api.ffa.FfaConstituent;
import org.memshare.api.ffa.FfaDescriptorCodec;
import org.memshare.api.ffa.FfaResult;
import org.memshare.api.ffa.FfaShareKind;
import org.memshare.api.ffa.FfaVersion;
import org.memshare.api.ffa.MemoryPermissions;
import org.memshare.api.ffa.MemoryTransaction;
import org.memshare.api.mode.Mode;

/** Sends in several FRAG_TX fragments and retrieve responses in several FRAG_RX fragments. */
class FfaFragmentsTest {

    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void aLendTooBigForOneResponseIsRetrievedWithFragRx(FfaFixture.Arch arch) {
        FfaFixture f = FfaFixture.boot(arch);
        long handle = f.lendInTwoFragments(200, 100);
        f.assertMapped("sent", BLOCK, 300, 1, RWX | Mode.INVALID);
        FfaOutcome first = f.retrieve(2, handle, 1, FfaShareKind.LEND, 0, 2);
        FfaResult r = first.result();
        assertEquals(FfaResult.Function.MEM_RETRIEVE_RESP, r.function(), first::toString);
        assertEquals(96 + 300 * 16, r.w1(), "total length: every constituent");
        assertEquals(96 + 200 * 16, r.w2(), "fragment length: the first stored fragment");
        MemoryTransaction decoded = FfaDescriptorCodec.decodeRetrieveResponse(r.rxBytes(), r.rxBytes().length,
                FfaVersion.V1_2).accepted().orElseThrow();
        assertEquals(300, decoded.composite().orElseThrow().constituentCount());
        assertEquals(200, decoded.constituents().size());
        f.assertMapped("retrieved: the whole region is mapped at once", BLOCK, 300, 2, Mode.R | Mode.W | Mode.UNOWNED);
        FfaFixture.assertRefused(FfaCheck.RELINQUISH_NOT_RETRIEVED, f.relinquish(2, handle, 0));
        FfaFixture.assertRefused(FfaCheck.FRAG_RX_RX_BUSY, f.ffa.explaining().fragRx(2, handle, r.w2(), 0));
        f.ffa.rxRelease(2);
        FfaOutcome next = f.ffa.explaining().fragRx(2, handle, r.w2(), 0);
        assertEquals(FfaResult.Function.MEM_FRAG_TX, next.result().function(), next::toString);
        assertEquals(100 * 16, next.result().w3());
        assertEquals(handle, next.result().handle().orElseThrow());
        List<FfaConstituent> rest = new ArrayList<>();
        for (int i = 200; i < 300; i++) {
            rest.add(c(BLOCK + i * PAGE, 1));
        }
        assertArrayEquals(FfaDescriptorCodec.encodeConstituents(rest), next.result().rxBytes());
        f.ffa.rxRelease(2);
        FfaFixture.assertRefused(FfaCheck.FRAG_RX_NOT_IN_PROGRESS, f.ffa.explaining().fragRx(2, handle, 0, 0));
        f.relinquishOk(2, handle);
        f.reclaimOk(1, handle);
        f.assertMapped("reclaimed", BLOCK, 300, 1, RWX, 2, UNMAPPED);
    }

    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void smallFragmentsArePackedIntoOneResponse(FfaFixture.Arch arch) {
        FfaFixture f = FfaFixture.boot(arch);
        long handle = f.lendInTwoFragments(1, 1);
        FfaResult r = f.retrieveOk(2, handle, 1, FfaShareKind.LEND, 2);
        assertEquals(r.w1(), r.w2(), "both stored fragments fit one response");
        f.relinquishOk(2, handle);
        f.reclaimOk(1, handle);
    }

    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void bothBorrowersOfAFragmentedLendRetrieveEveryFragment(FfaFixture.Arch arch) {
        FfaFixture f = FfaFixture.boot(arch);
        List<FfaConstituent> all = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            all.add(c(BLOCK + i * PAGE, 1));
        }
        byte[] tx = FfaFixture.sendTx(FfaVersion.V1_2, 1, 0, FfaFixture.attributesFor(FfaShareKind.LEND, 2), 0,
                List.of(to(2, MemoryPermissions.RW), to(3, MemoryPermissions.RW)), all);
        int firstLength = 128 + 16 * 200;
        FfaResult rx = f.ffa.memSend(1, FfaShareKind.LEND, Arrays.copyOf(tx, firstLength), tx.length);
        assertEquals(firstLength, rx.w3());
        long handle = f.ffa.fragTx(1, rx.handle().orElseThrow(), Arrays.copyOfRange(tx, firstLength, tx.length), 0)
                .handle().orElseThrow();
        for (int vm : new int[] {2, 3}) {
            FfaOutcome first = f.retrieve(vm, handle, 1, FfaShareKind.LEND, 0, 2, 3);
            assertEquals(96 + 200 * 16, first.result().w2(), first::toString);
            f.ffa.rxRelease(vm);
            FfaOutcome next = f.ffa.explaining().fragRx(vm, handle, first.result().w2(), 0);
            assertEquals(FfaResult.Function.MEM_FRAG_TX, next.result().function(), next::toString);
            f.ffa.rxRelease(vm);
            f.assertMapped("VM " + vm + " retrieved", BLOCK, 300, vm, Mode.R | Mode.W | Mode.UNOWNED);
        }
        f.relinquishOk(2, handle);
        f.relinquishOk(3, handle);
        f.reclaimOk(1, handle);
    }

    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void aV1_0SenderIsToldOffsetsInItsOwnLayout(FfaFixture.Arch arch) {
        FfaFixture f = FfaFixture.boot(arch);
        f.ffa.setVersion(1, FfaVersion.V1_0);
        byte[] tx = FfaFixture.sendTx(FfaVersion.V1_0, 1, 0, 0, 0, List.of(to(2, MemoryPermissions.RW)),
                List.of(c(BASE, 1), c(BASE + 2 * PAGE, 1)));
        assertEquals(32 + 16 + 16 + 32, tx.length);
        FfaResult rx = f.ffa.memSend(1, FfaShareKind.LEND, Arrays.copyOf(tx, 80), tx.length);
        assertEquals(FfaResult.Function.MEM_FRAG_RX, rx.function(), rx::toString);
        assertEquals(80, rx.w3(), "the v1.0 offset, not the 96 of the stored v1.1 form");
        FfaResult done = f.ffa.fragTx(1, rx.handle().orElseThrow(), Arrays.copyOfRange(tx, 80, 96), 0);
        assertEquals(FfaResult.Function.SUCCESS, done.function(), done::toString);
        f.assertMapped("sent", BASE + 2 * PAGE, 1, 1, RWX | Mode.INVALID);
    }

    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void aPartialSendIsInvisibleToRetrieveRelinquishAndReclaim(FfaFixture.Arch arch) {
        FfaFixture f = FfaFixture.boot(arch);
        byte[] tx = FfaFixture.sendTx(FfaVersion.V1_2, 1, 0, 0, 0, List.of(to(2, MemoryPermissions.RW)),
                List.of(c(BASE, 1), c(BASE + 2 * PAGE, 1)));
        long handle = f.ffa.memSend(1, FfaShareKind.LEND, Arrays.copyOf(tx, tx.length - 16), tx.length).handle()
                .orElseThrow();
        f.assertMapped("nothing changes before the last fragment", BASE, 1, 1, RWX);
        FfaFixture.assertRefused(FfaCheck.RETRIEVE_NOT_FULLY_SENT, f.retrieve(2, handle, 1, FfaShareKind.LEND, 0, 2));
        FfaFixture.assertRefused(FfaCheck.RECLAIM_NOT_FULLY_SENT, f.reclaim(1, handle, 0));
        assertEquals(1, f.ffa.shareStatesInUse());
    }
}
