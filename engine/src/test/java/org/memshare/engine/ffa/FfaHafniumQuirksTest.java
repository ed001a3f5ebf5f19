package org.memshare.engine.ffa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.memshare.engine.ffa.FfaFixture.BASE;
import static org.memshare.engine.ffa.FfaFixture.BASE_2;
import static org.memshare.engine.ffa.FfaFixture.PAGE;
import static org.memshare.engine.ffa.FfaFixture.c;
import static org.memshare.engine.ffa.FfaFixture.to;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.memshare.api.ffa.CompositeRegion;
import org.memshare.api.ffa.FfaDescriptorCodec;
import org.memshare.api.ffa.FfaResult;
import org.memshare.api.ffa.FfaShareKind;
import org.memshare.api.ffa.FfaVersion;
import org.memshare.api.ffa.HeaderReserved;
import org.memshare.api.ffa.MemoryAttributes;
import org.memshare.api.ffa.MemoryPermissions;
import org.memshare.api.ffa.MemoryTransaction;
import org.memshare.api.ffa.TransactionFlags;
import org.memshare.api.mode.Mode;
import org.memshare.engine.sharing.ModeScan;

/**
 * Hafnium main's surprising behaviours that memshare reproduces (docs/ffa.md, "Hafnium quirks we
 * reproduce"), and the one it deliberately does not where a test can show both.
 */
class FfaHafniumQuirksTest {

    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void thePrimaryVmMayRetrieveMemoryItHasMapped(FfaFixture.Arch arch) {
        FfaFixture f = FfaFixture.boot(arch);
        long handle = f.sendOk(FfaShareKind.LEND, 2, List.of(c(BASE_2, 1)), 0, 1);
        f.retrieveOk(1, handle, 2, FfaShareKind.LEND, 1);
        f.retrieveOk(1, handle, 2, FfaShareKind.LEND, 1);
        f.assertMapped("retrieved twice", BASE_2, 1, 1, Mode.R | Mode.W | Mode.UNOWNED);
        f.relinquishOk(1, handle);
        f.reclaimOk(2, handle);
    }

    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void theOverlapCheckStopsAtAnEmptyConstituentSoTheEmptyOneIsRefusedAsNotMapped(FfaFixture.Arch arch) {
        FfaFixture f = FfaFixture.boot(arch);
        FfaOutcome outcome = f.send(FfaShareKind.LEND, 1,
                List.of(c(BASE, 2), c(BASE + 0x10000, 0), c(BASE + PAGE, 1)), 0, 2);
        FfaFixture.assertRefused(FfaCheck.SEND_NOT_ONE_MODE, outcome);
    }

    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void thePageCountIsAddedUpIn32Bits(FfaFixture.Arch arch) {
        FfaFixture f = FfaFixture.boot(arch);
        // 1 + 0xffffffff pages wrap to 0, the composite's total here.
        FfaOutcome outcome = f.send(FfaShareKind.LEND, 1, List.of(c(BASE, 1), c(1L << 52, 0xffff_ffffL)), 0, 2);
        FfaFixture.assertRefused(FfaCheck.SEND_NOT_ONE_MODE, outcome);
    }

    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void aV1_2CallersSixteenByteDescriptorsHaveTheirReservedWordReadAtPlus24(FfaFixture.Arch arch) {
        FfaFixture f = FfaFixture.boot(arch);
        // One 16-byte receiver at 48: +24 is the composite's reserved word (the composite is at 64).
        MemoryTransaction tx = MemoryTransaction.laidOut(FfaVersion.V1_1, 1, MemoryAttributes.UNSPECIFIED,
                TransactionFlags.NONE, 0, 0, List.of(to(2, MemoryPermissions.RW)),
                Optional.of(new CompositeRegion(1, 1, 0x99, List.of(c(BASE, 1)))));
        byte[] bytes = FfaDescriptorCodec.encode(tx, FfaVersion.V1_1);
        FfaFixture.assertRefused(FfaCheck.SEND_SANITY_RECEIVER_RESERVED,
                f.ffa.explaining().memSend(1, FfaShareKind.LEND, bytes, bytes.length));
        f.ffa.setVersion(1, FfaVersion.V1_1);
        assertEquals(FfaResult.Function.SUCCESS, f.ffa.memSend(1, FfaShareKind.LEND, bytes, bytes.length).function(),
                "a v1.1 caller's reserved word is at +8, and the composite's is never checked");
    }

    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void anUnalignedReceiversOffsetIsAccepted(FfaFixture.Arch arch) {
        FfaFixture f = FfaFixture.boot(arch);
        MemoryTransaction tx = new MemoryTransaction(1, MemoryAttributes.UNSPECIFIED, TransactionFlags.NONE, 0, 0, 32,
                49, HeaderReserved.ZERO, List.of(to(2, MemoryPermissions.RW).withCompositeOffset(96)),
                Optional.of(CompositeRegion.of(List.of(c(BASE, 1)))));
        byte[] bytes = FfaDescriptorCodec.encode(tx, FfaVersion.V1_2);
        FfaOutcome outcome = f.ffa.explaining().memSend(1, FfaShareKind.LEND, bytes, bytes.length);
        assertEquals(Optional.empty(), outcome.check(), outcome::toString);
    }

    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void theAttributesHighBitsAreNotCheckedAndComeBackInTheResponse(FfaFixture.Arch arch) {
        FfaFixture f = FfaFixture.boot(arch);
        byte[] bytes = FfaFixture.sendTx(FfaVersion.V1_2, 1, 0, 0x100, 0, List.of(to(2, MemoryPermissions.RW)),
                List.of(c(BASE, 1)));
        long handle = f.ffa.memSend(1, FfaShareKind.LEND, bytes, bytes.length).handle().orElseThrow();
        FfaResult response = f.retrieveOk(2, handle, 1, FfaShareKind.LEND, 2);
        assertEquals(0x100, FfaDescriptorCodec.decodeRetrieveResponse(response.rxBytes(), response.rxBytes().length,
                FfaVersion.V1_2).accepted().orElseThrow().attributes().value());
    }

    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void aV1_0RetrieveRequestMayCarryTrailingBytes(FfaFixture.Arch arch) {
        FfaFixture f = FfaFixture.boot(arch);
        long handle = f.sendOk(FfaShareKind.LEND, 1, List.of(c(BASE, 1)), 0, 2);
        f.ffa.setVersion(2, FfaVersion.V1_0);
        byte[] request = Arrays.copyOf(FfaFixture.retrieveTx(FfaVersion.V1_0, 1, handle, 0, 0, 0,
                List.of(to(2, MemoryPermissions.RW_NX))), 80);
        FfaOutcome outcome = f.ffa.explaining().retrieveRequest(2, request, request.length);
        assertEquals(FfaResult.Function.MEM_RETRIEVE_RESP, outcome.result().function(), outcome::toString);
    }

    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void relinquishAndReclaimIgnoreFlagsOtherThanClear(FfaFixture.Arch arch) {
        FfaFixture f = FfaFixture.boot(arch);
        f.fillPattern();
        long handle = f.sendOk(FfaShareKind.LEND, 1, List.of(c(BASE, 1)), 0, 2);
        f.retrieveOk(2, handle, 1, FfaShareKind.LEND, 2);
        assertEquals(Optional.empty(), f.relinquish(2, handle, 0xffff_fffe).check());
        assertEquals(Optional.empty(), f.reclaim(1, handle, 0xffff_fffe).check());
        assertEquals(0x5a5a_0000_0000_0000L | BASE, f.word(BASE), "nothing was cleared");
    }

    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void aFragmentOvershootingTheConstituentCountNeverCompletesTheSend(FfaFixture.Arch arch) {
        FfaFixture f = FfaFixture.boot(arch);
        byte[] tx = FfaFixture.sendTx(FfaVersion.V1_2, 1, 0, 0, 0, List.of(to(2, MemoryPermissions.RW)),
                List.of(c(BASE, 1), c(BASE + 2 * PAGE, 1)));
        long handle = f.ffa.memSend(1, FfaShareKind.LEND, Arrays.copyOf(tx, 112), tx.length).handle()
                .orElseThrow();
        byte[] two = FfaDescriptorCodec.encodeConstituents(List.of(c(BASE + 2 * PAGE, 1), c(BASE + 4 * PAGE, 1)));
        FfaResult next = f.ffa.fragTx(1, handle, two, 0);
        assertEquals(FfaResult.Function.MEM_FRAG_RX, next.function(), "3 of 2 constituents: still waiting");
        assertEquals(112 + 32, next.w3());
        f.assertMapped("nothing sent", BASE, 1, 1, FfaFixture.RWX);
    }

    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void hafniumsModeRuleComparesOnlyLaterFragmentsWithTheFirstFragmentsLastConstituent(FfaFixture.Arch arch) {
        FfaFixture f = FfaFixture.boot(arch);
        FfaMemory hafnium = new FfaMemory(f.machine, ModeScan.Rule.FIRST_FRAGMENT_UNCOMPARED);
        f.map(1, BASE + PAGE, 1, Mode.R | Mode.W);
        byte[] tx = FfaFixture.sendTx(FfaVersion.V1_2, 1, 0, 0, 0, List.of(to(2, MemoryPermissions.RW)),
                List.of(c(BASE, 1), c(BASE + PAGE, 1)));
        FfaFixture.assertRefused(FfaCheck.SEND_MIXED_MODES, f.ffa.explaining().memSend(1, FfaShareKind.LEND, tx,
                tx.length));
        FfaOutcome accepted = hafnium.explaining().memSend(1, FfaShareKind.LEND, tx, tx.length);
        assertEquals(FfaResult.Function.SUCCESS, accepted.result().function(), "judged by its last constituent (R|W)");
        f.assertMapped("the RWX page took the last constituent's mode", BASE, 1, 1, Mode.R | Mode.W | Mode.INVALID);
    }
}
