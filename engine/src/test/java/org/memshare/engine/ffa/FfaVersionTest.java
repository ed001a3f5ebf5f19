package org.memshare.engine.ffa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.memshare.engine.ffa.FfaFixture.BASE;
import static org.memshare.engine.ffa.FfaFixture.c;
import static org.memshare.engine.ffa.FfaFixture.to;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.memshare.api.ffa.EndpointAccess;
import org.memshare.api.ffa.FfaDescriptorCodec;
import org.memshare.api.ffa.FfaError;
import org.memshare.api.ffa.FfaResult;
import org.memshare.api.ffa.FfaShareKind;
import org.memshare.api.ffa.FfaVersion;
import org.memshare.api.ffa.MemoryAttributes;
import org.memshare.api.ffa.MemoryPermissions;
import org.memshare.api.ffa.MemoryTransaction;
import org.memshare.api.mode.Mode;

/** FFA_VERSION per VM, and senders and retrievers of different versions working together. */
class FfaVersionTest {
    private static final List<FfaVersion> VERSIONS = List.of(FfaVersion.V1_0, FfaVersion.V1_1, FfaVersion.V1_2,
            FfaVersion.V1_3);

    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void ffaVersionAnswersTheCompiledVersionAndSetsTheRequestedOneUntilAnotherCall(FfaFixture.Arch arch) {
        FfaFixture f = FfaFixture.boot(arch);
        assertEquals(Optional.of(FfaVersion.V1_2), f.ffa.version(1), "the default");
        FfaResult answer = f.ffa.version(1, 0x1_0000);
        assertEquals(FfaResult.Function.VERSION, answer.function());
        assertEquals(0x1_0003, answer.w0());
        assertEquals(Optional.of(FfaVersion.V1_0), f.ffa.version(1));
        assertEquals(0x1_0003, f.ffa.version(1, 0x1_0001).w0(), "still negotiable");
        f.ffa.rxRelease(1);
        assertEquals(0x1_0003, f.ffa.version(1, 0x1_0001).w0(), "the same version is still accepted");
        FfaResult locked = f.ffa.version(1, 0x1_0002);
        assertEquals(-1, locked.w0(), "NOT_SUPPORTED in w0");
        assertEquals(Optional.of(FfaVersion.V1_1), f.ffa.version(1));
        assertEquals(0x1_0003, f.ffa.version(2, 0x1_0003).w0(), "another VM is not locked");
        assertEquals(FfaResult.error(FfaError.INVALID_PARAMETERS), f.ffa.version(9, 0x1_0002));
    }

    static Stream<Arguments> pairs() {
        return Stream.of(FfaFixture.Arch.values()).flatMap(a -> VERSIONS.stream()
                .flatMap(s -> VERSIONS.stream().map(r -> Arguments.of(a, s, r))));
    }

    @ParameterizedTest(name = "{0}: v{1} sender, v{2} retriever")
    @MethodSource("pairs")
    void everySenderVersionWorksWithEveryRetrieverVersion(FfaFixture.Arch arch, FfaVersion sender, FfaVersion retriever) {
        FfaFixture f = FfaFixture.boot(arch);
        f.ffa.setVersion(1, sender);
        f.ffa.setVersion(2, retriever);
        f.ffa.setVersion(3, retriever);
        int normal = MemoryAttributes.NORMAL_WRITE_BACK_INNER.value();
        EndpointAccess.Impdef impdef = sender.accessDescriptorSize() == 32
                ? new EndpointAccess.Impdef(7, 8) : EndpointAccess.Impdef.ZERO;
        byte[] tx = FfaFixture.sendTx(sender, 1, 0, normal, 0x77,
                List.of(to(2, MemoryPermissions.RW).withImpdef(impdef), to(3, MemoryPermissions.RO)),
                List.of(c(BASE, 2), c(BASE + 0x4000, 1)));
        FfaOutcome sent = f.ffa.explaining().memSend(1, FfaShareKind.SHARE, tx, tx.length);
        long handle = sent.result().handle().orElseThrow(() -> new AssertionError(sent.toString()));
        EndpointAccess.Impdef requestImpdef = retriever.accessDescriptorSize() == 32 ? impdef : EndpointAccess.Impdef.ZERO;
        byte[] request = FfaFixture.retrieveTx(retriever, 1, handle, 0, normal, 0x77,
                List.of(to(2, MemoryPermissions.RW).withImpdef(requestImpdef), to(3, MemoryPermissions.RO)));
        FfaOutcome retrieved = f.ffa.explaining().retrieveRequest(2, request, request.length);
        FfaResult r = retrieved.result();
        assertEquals(FfaResult.Function.MEM_RETRIEVE_RESP, r.function(), retrieved::toString);
        int constituentsAt = retriever.headerSize() + retriever.accessDescriptorSize() + 16;
        assertEquals(constituentsAt + 2 * 16, r.w1());
        MemoryTransaction response = FfaDescriptorCodec.decodeRetrieveResponse(r.rxBytes(), r.rxBytes().length,
                retriever).accepted().orElseThrow();
        assertEquals(1, response.sender());
        assertEquals(handle, response.handle());
        assertEquals(0, response.tag(), "Hafnium's response carries no tag");
        assertEquals(2, response.receivers().get(0).receiver());
        assertEquals(MemoryPermissions.RW_NX, response.receivers().get(0).permissions());
        assertEquals(sender.accessDescriptorSize() == 32 && retriever.accessDescriptorSize() == 32
                ? impdef : EndpointAccess.Impdef.ZERO, response.receivers().get(0).impdef());
        assertEquals(List.of(c(BASE, 2), c(BASE + 0x4000, 1)), response.constituents());
        assertEquals(3, response.composite().orElseThrow().totalPageCount());
        assertEquals(normal, response.attributes().value());
        f.assertMapped("retrieved", BASE, 2, 2, Mode.R | Mode.W | Mode.UNOWNED | Mode.SHARED);
        f.ffa.rxRelease(2);
        f.relinquishOk(2, handle);
        f.reclaimOk(1, handle);
    }

    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void aV1_2CallerMaySendSixteenByteDescriptorsButAV1_1CallerNotThirtyTwo(FfaFixture.Arch arch) {
        FfaFixture f = FfaFixture.boot(arch);
        byte[] v11Layout = FfaFixture.sendTx(FfaVersion.V1_1, 1, 0, 0, 0, List.of(to(2, MemoryPermissions.RW)),
                List.of(c(BASE, 1)));
        assertTrue(f.ffa.memSend(1, FfaShareKind.LEND, v11Layout, v11Layout.length).handle().isPresent());
        f.ffa.setVersion(3, FfaVersion.V1_1);
        f.map(3, 0x100_0000, 1, FfaFixture.RWX);
        byte[] v12Layout = FfaFixture.sendTx(FfaVersion.V1_2, 3, 0, 0, 0, List.of(to(2, MemoryPermissions.RW)),
                List.of(c(0x100_0000, 1)));
        FfaFixture.assertRefused(FfaCheck.SEND_SANITY_DESCRIPTOR_SIZE_OR_OFFSET,
                f.ffa.explaining().memSend(3, FfaShareKind.LEND, v12Layout, v12Layout.length));
    }
}
