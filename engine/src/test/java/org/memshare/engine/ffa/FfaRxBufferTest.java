package org.memshare.engine.ffa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.memshare.engine.ffa.FfaFixture.BASE;
import static org.memshare.engine.ffa.FfaFixture.c;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.memshare.api.ffa.FfaError;
import org.memshare.api.ffa.FfaResult;
import org.memshare.api.ffa.FfaShareKind;
import org.memshare.api.spci.Constituent;
import org.memshare.api.spci.MemoryRegion;
import org.memshare.api.spci.MemoryRegionCodec;
import org.memshare.api.spci.ReceiverAttributes;
import org.memshare.api.spci.ShareType;
import org.memshare.api.spci.SpciError;

/** Each VM's RX buffer: a response fills it, RX_RELEASE empties it, and a full one answers BUSY, SPCI included. */
class FfaRxBufferTest {

    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void aResponseFillsTheRxBufferUntilReleased(FfaFixture.Arch arch) {
        FfaFixture f = FfaFixture.boot(arch);
        long first = f.sendOk(FfaShareKind.SHARE, 1, List.of(c(BASE, 1)), 0, 2);
        long second = f.sendOk(FfaShareKind.SHARE, 1, List.of(c(BASE + 0x2000, 1)), 0, 2);
        FfaOutcome response = f.retrieve(2, first, 1, FfaShareKind.SHARE, 0, 2);
        assertEquals(FfaResult.Function.MEM_RETRIEVE_RESP, response.result().function(), response::toString);
        byte[] rx = f.vm(2).mailbox().peek().orElseThrow().bytes();
        assertEquals(response.result().w2(), rx.length, "the RX buffer holds the fragment");
        FfaFixture.assertRefused(FfaCheck.RETRIEVE_RX_BUSY, f.retrieve(2, second, 1, FfaShareKind.SHARE, 0, 2));
        assertEquals(FfaResult.Function.SUCCESS, f.ffa.rxRelease(2).function());
        FfaFixture.assertRefused(FfaCheck.RX_RELEASE_EMPTY, f.ffa.explaining().rxRelease(2));
        assertEquals(FfaResult.Function.MEM_RETRIEVE_RESP,
                f.retrieve(2, second, 1, FfaShareKind.SHARE, 0, 2).result().function());
    }

    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void anSpciMessageAndAnFfaResponseShareTheOneMailbox(FfaFixture.Arch arch) {
        FfaFixture f = FfaFixture.boot(arch);
        long handle = f.sendOk(FfaShareKind.LEND, 1, List.of(c(BASE, 1)), 0, 2);
        f.map(3, 0x100_0000, 1, FfaFixture.RWX);
        byte[] message = MemoryRegionCodec.encodeMessage(ShareType.SHARE, MemoryRegion.of(0, 0,
                List.of(ReceiverAttributes.of(2, 0x60)), List.of(Constituent.of(0x100_0000, 1))));
        assertTrue(f.hypervisor.send(3, 2, message).isSuccess());
        FfaFixture.assertRefused(FfaCheck.RETRIEVE_RX_BUSY, f.retrieve(2, handle, 1, FfaShareKind.LEND, 0, 2));
        assertEquals(FfaResult.Function.SUCCESS, f.ffa.rxRelease(2).function(), "RX_RELEASE frees an SPCI message too");
        assertEquals(FfaResult.Function.MEM_RETRIEVE_RESP, f.retrieve(2, handle, 1, FfaShareKind.LEND, 0, 2).result().function());
        assertEquals(Optional.of(SpciError.BUSY), f.hypervisor.send(3, 2, message).error(),
                "an SPCI send to a VM whose RX holds a retrieve response is BUSY");
        assertEquals(FfaError.DENIED, f.ffa.explaining().rxRelease(3).result().error(), "VM 3's own RX is empty");
    }
}
