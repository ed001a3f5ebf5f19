package org.memshare.engine.ffa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.memshare.engine.ffa.FfaSteps.P;
import static org.memshare.engine.ffa.FfaSteps.PAGES;
import static org.memshare.engine.ffa.FfaSteps.RW;
import static org.memshare.engine.ffa.FfaSteps.S1;
import static org.memshare.engine.ffa.FfaSteps.S1_PAGE;
import static org.memshare.engine.ffa.FfaSteps.S2;
import static org.memshare.engine.ffa.FfaSteps.S3;
import static org.memshare.engine.ffa.FfaSteps.SHARED_OWNER;
import static org.memshare.engine.ffa.FfaSteps.SHARED_RW;
import static org.memshare.engine.ffa.FfaSteps.UNMAPPED;
import static org.memshare.engine.ffa.FfaSteps.c;
import static org.memshare.engine.ffa.FfaSteps.region;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.memshare.api.ffa.EndpointAccess;
import org.memshare.api.ffa.FfaConstituent;
import org.memshare.api.ffa.FfaShareKind;
import org.memshare.api.ffa.FfaVersion;
import org.memshare.api.ffa.MemoryTransaction;
import org.memshare.api.mode.Mode;

/**
 * memory_sharing.c's version interop tests: a v1.1 sender's 16-byte access descriptors retrieved
 * by a v1.3 borrower with 32-byte ones, and the other way round; the retrieve response comes in
 * the retriever's layout. Every party negotiates its version with FFA_VERSION first, as the
 * suites' SET_UPs and the services do.
 */
class MemorySharingVersionInteropTest {
    private static final int TYPE_SHARE = 1 << 3;

    /** Retrieve, and check the response is laid out in the retriever's version with the granted permissions. */
    private static void retrieveInOwnLayout(FfaSteps s, int vm, long handle, int sender, FfaVersion layout,
            EndpointAccess... listed) {
        FfaSteps.Retrieve request = s.retrieve(vm, handle, sender).flags(TYPE_SHARE);
        for (EndpointAccess r : listed) {
            request.to(r);
        }
        MemoryTransaction response = request.ok();
        assertEquals(layout.headerSize(), response.receiversOffset(), "the response header is the retriever's");
        assertEquals(layout.accessDescriptorSize(), response.accessDescriptorSize());
        assertEquals(EndpointAccess.Impdef.ZERO, response.receivers().get(0).impdef());
        assertEquals(FfaSteps.RW_NX, FfaSteps.granted(response));
    }

    /** The share's owner writes i at byte i, the borrower increments every byte (memory_increment), the owner sees i + 1. */
    private static void borrowerIncrements(FfaSteps s, int owner, int borrower, long address) {
        s.fillIndex(owner, address, 1);
        s.increment(borrower, address, 1);
        s.assertIndex(owner, address, 1, 1);
    }

    @ParameterizedTest(name = "memory_sharing_v1_1.share_ffa_v1_1_to_current_version on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void shareV1_1ToCurrentVersion(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch, FfaVersion.V1_1);
        List<FfaConstituent> page = region(c(PAGES, 1));
        long handle = s.send(FfaShareKind.SHARE, P).to(S1, RW).to(S2, RW).of(page).ok();
        s.expect("after the share", page, P, SHARED_OWNER, S1, UNMAPPED, S2, UNMAPPED);
        retrieveInOwnLayout(s, S2, handle, P, FfaVersion.V1_3, FfaSteps.access(S1, RW), FfaSteps.access(S2, RW));
        s.expect("after service2 retrieved", page, P, SHARED_OWNER, S1, UNMAPPED, S2, SHARED_RW);
        borrowerIncrements(s, P, S2, PAGES);
    }

    @ParameterizedTest(name = "share_ffa_current_version_to_v1_1 on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void shareCurrentVersionToV1_1(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        List<FfaConstituent> page = region(c(PAGES, 1));
        long handle = s.send(FfaShareKind.SHARE, P).to(S1, RW).to(S2, RW).of(page).ok();
        // retrieve_ffa_v1_1: the service asks for v1.1 before anything else.
        s.negotiate(S1, FfaVersion.V1_1);
        retrieveInOwnLayout(s, S1, handle, P, FfaVersion.V1_1, FfaSteps.access(S1, RW), FfaSteps.access(S2, RW));
        s.expect("after service1 retrieved", page, P, SHARED_OWNER, S1, SHARED_RW, S2, UNMAPPED);
        borrowerIncrements(s, P, S1, PAGES);
    }

    /**
     * v1_1_service_shares_memory [SP in Hafnium] (share_ffa_v1_1, retrieve_ffa_v1_1): a v1.1
     * service shares its page with two others; one of them, also at v1.1, retrieves it and uses it.
     */
    @ParameterizedTest(name = "v1_1_service_shares_memory (as VMs) on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void v1_1ServiceSharesMemory(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        List<FfaConstituent> page = region(c(S1_PAGE, 1));
        s.negotiate(S1, FfaVersion.V1_1);
        s.negotiate(S2, FfaVersion.V1_1);
        long handle = s.send(FfaShareKind.SHARE, S1).to(S2, RW).to(S3, RW).of(page).ok();
        s.expect("after the share", page, S1, FfaSteps.OWNED | Mode.SHARED, S2, UNMAPPED, S3, UNMAPPED);
        retrieveInOwnLayout(s, S2, handle, S1, FfaVersion.V1_1, FfaSteps.access(S2, RW), FfaSteps.access(S3, RW));
        s.expect("after service2 retrieved", page, S1, FfaSteps.OWNED | Mode.SHARED, S2, SHARED_RW, S3, UNMAPPED);
        borrowerIncrements(s, S1, S2, S1_PAGE);
    }
}
