package org.memshare.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.memshare.api.spci.SpciError.DENIED;
import static org.memshare.api.spci.SpciError.INVALID_PARAMETERS;
import static org.memshare.strict.ThreeVms.PAGE;
import static org.memshare.strict.ThreeVms.RWX;
import static org.memshare.strict.ThreeVms.RW_NX;
import static org.memshare.strict.ThreeVms.VM1_BASE;
import static org.memshare.strict.ThreeVms.VM2_BASE;
import static org.memshare.strict.ThreeVms.c;
import static org.memshare.strict.ThreeVms.message;
import static org.memshare.strict.ThreeVms.send;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;
import org.memshare.api.addr.IntermediatePhysicalAddress;
import org.memshare.api.mode.Mode;
import org.memshare.api.policy.ShareRequest;
import org.memshare.api.spci.Constituent;
import org.memshare.api.spci.MemoryRegion;
import org.memshare.api.spci.MemoryRegionCodec;
import org.memshare.api.spci.ReceiverAttributes;
import org.memshare.api.spci.ShareType;
import org.memshare.engine.hypervisor.Hypervisor;
import org.memshare.engine.pool.DefaultPagePool;
import org.memshare.engine.spci.SpciResult;
import org.memshare.kit.ArchUnderTest;
import org.memshare.kit.fixture.KitMachine;
import org.memshare.kit.fixture.Snapshot;
import org.memshare.strict.ThreeVms;
import org.memshare.testing.OnEachArch;

/**
 * What the engine promises every policy (DESIGN.md section 4): a policy is asked only about a
 * request that passed every check of the protocol, with the modes the share would set; a refusal
 * answers DENIED with the policy's reason and is decided before any page table is touched; with
 * no refusal the share goes ahead as if there were no policy.
 */
class PolicyContractTest {
    private static final String REASON = "refused by the test policy";
    private static final long A = VM1_BASE;
    private static final long B = VM1_BASE + 0x10_0000L;
    /** VM 1 maps device memory here. */
    private static final long DEVICE = 0x7000_0000L;

    private static byte[] lend(int attributes, int flags, Constituent... constituents) {
        return message(ShareType.LEND, 2, attributes, flags, constituents);
    }

    @OnEachArch
    void theDefaultMachineInstallsNoPolicyAndSharesGoAhead(ArchUnderTest under) {
        KitMachine fixture = ThreeVms.boot(under);

        assertTrue(fixture.machine().policies().isEmpty(), fixture.machine().policies()::toString);
        SpciResult result = send(fixture, 1, 2, lend(RW_NX, 0, c(A, 4)));
        assertTrue(result.isSuccess(), result::toString);
    }

    @OnEachArch
    void aRefusalAnswersDeniedWithThePolicysReasonAndChangesNothing(ArchUnderTest under) {
        ProgrammablePolicy policy = ProgrammablePolicy.refusing(REASON);
        for (ShareType type : List.of(ShareType.DONATE, ShareType.LEND, ShareType.SHARE)) {
            for (int flags : new int[] {0, MemoryRegion.FLAG_CLEAR}) {
                KitMachine fixture = ThreeVms.boot(under, policy.module());
                SpciResult result = fixture.assertRefused(DENIED, REASON, 1, 2,
                        message(type, 2, RW_NX, flags, c(A, 4), c(B, 2)));
                assertEquals(REASON, result.reason(), "the reason is the policy's own");
            }
        }
        assertEquals(6, policy.requests().size());
    }

    @OnEachArch
    void aRefusedRelinquishChangesNothing(ArchUnderTest under) {
        ProgrammablePolicy policy = ProgrammablePolicy.allowing();
        KitMachine fixture = ThreeVms.boot(under, policy.module());
        assertTrue(send(fixture, 1, 2, lend(RW_NX, 0, c(A, 4))).isSuccess());
        policy.answer(Optional.of(REASON));

        SpciResult result = fixture.assertRefused(DENIED, REASON, 2, 1,
                message(ShareType.RELINQUISH, 1, RW_NX, 0, c(A, 4)));

        assertEquals(REASON, result.reason());
        assertTrue(fixture.hypervisor().canAccess(2, A, Hypervisor.Access.WRITE), "VM 2 still has the memory");
    }

    @OnEachArch
    void aRefusalIsDecidedBeforeAnyTableIsTouched(ArchUnderTest under) {
        ProgrammablePolicy policy = ProgrammablePolicy.refusing(REASON);
        KitMachine fixture = ThreeVms.boot(under, policy.module());
        Snapshot before = fixture.snapshot();
        AtomicReference<Snapshot> seen = new AtomicReference<>();
        policy.onRequest(request -> seen.set(fixture.snapshot()));

        fixture.assertRefused(DENIED, REASON, 1, 2,
                lend(RW_NX, MemoryRegion.FLAG_CLEAR, c(A + PAGE, 1), c(B, 2)));

        assertEquals("", seen.get().diff(before), "the policy saw a changed machine");
    }

    @OnEachArch
    void aRefusalWithAnEmptyPoolIsDeniedNotNoMemory(ArchUnderTest under) {
        KitMachine fixture = ThreeVms.boot(under, ProgrammablePolicy.refusing(REASON).module());
        DefaultPagePool pool = fixture.machine().pool();
        while (pool.freeCount() > 0) {
            pool.alloc();
        }
        // Splitting VM 1's block would need a table: the policy is asked before any is allocated.
        fixture.assertRefused(DENIED, REASON, 1, 2, lend(RW_NX, MemoryRegion.FLAG_CLEAR, c(A + PAGE, 1)));
    }

    @OnEachArch
    void anInvalidRequestAnswersInvalidParametersEvenWithAPolicyThatRefusesEverything(ArchUnderTest under) {
        ProgrammablePolicy policy = ProgrammablePolicy.refusing(REASON);
        KitMachine fixture = ThreeVms.boot(under, policy.module());
        fixture.map(1, DEVICE, DEVICE + 4 * PAGE, Mode.R | Mode.W | Mode.D);
        long end = fixture.addressSpaceEnd();
        byte[] valid = lend(RW_NX, 0, c(A, 4));

        record Case(String what, String fragment, int from, int to, byte[] message) {
        }
        List<Case> cases = new ArrayList<>(List.of(
                new Case("overlapping constituents", "overlaps", 1, 2, lend(RW_NX, 0, c(A, 4), c(A + PAGE, 1))),
                new Case("unaligned constituent", "aligned", 1, 2, lend(RW_NX, 0, c(A + 0x10, 1))),
                new Case("empty constituent", "empty", 1, 2, lend(RW_NX, 0, c(A, 0))),
                new Case("no constituent", "constituent", 1, 2, lend(RW_NX, 0)),
                new Case("unknown type", "type", 1, 2, MemoryRegionCodec.message(9,
                        MemoryRegionCodec.encode(MemoryRegion.of(0, 0, List.of(
                                ReceiverAttributes.of(2, RW_NX)), List.of(c(A, 4)))))),
                new Case("receiver field names another VM", "receiver", 1, 2,
                        message(ShareType.LEND, 3, RW_NX, 0, c(A, 4))),
                new Case("sender is the receiver", "itself", 1, 1, message(ShareType.LEND, 1, RW_NX, 0, c(A, 4))),
                new Case("unknown receiver", "no VM", 1, 4, message(ShareType.LEND, 4, RW_NX, 0, c(A, 4))),
                new Case("unknown sender", "no VM", 9, 2, valid),
                new Case("message too long", "4096", 1, 2, Arrays.copyOf(valid, 4097)),
                new Case("beyond the address space", "address space", 1, 2, lend(RW_NX, 0, c(end, 1))),
                // Never mapped in VM 1: no transition row on fake; on aarch64 an absent entry reads
                // with the D bit (0x7c), so the device-memory rule refuses it first.
                new Case("memory the sender does not have", (fixture.absentMode() & Mode.D) != 0 ? "device" : "transition", 1, 2,
                        lend(RW_NX, 0, c(VM2_BASE, 1))),
                new Case("constituents in different modes", "mode", 1, 2,
                        lend(RW_NX, 0, c(A, 4), c(0x4800_0000L, 1))),
                new Case("device memory", "device", 1, 2, lend(RW_NX, 0, c(DEVICE, 2))),
                new Case("relinquish of owned memory", "transition", 1, 2,
                        message(ShareType.RELINQUISH, 2, RW_NX, 0, c(A, 4)))));
        for (Case bad : cases) {
            SpciResult result = fixture.assertRefused(INVALID_PARAMETERS, bad.fragment(), bad.from(),
                    bad.to(), bad.message());
            assertTrue(result.error().isPresent(), bad.what());
        }
        assertEquals(List.of(), policy.requests(), "the policy is asked only about valid requests");

        // The valid request is refused by the policy, which is asked once.
        fixture.assertRefused(DENIED, REASON, 1, 2, valid);
        assertEquals(1, policy.requests().size());
    }

    @OnEachArch
    void thePolicySeesTheRequestWithTheModesTheShareWouldSet(ArchUnderTest under) {
        ProgrammablePolicy policy = ProgrammablePolicy.allowing();
        KitMachine fixture = ThreeVms.boot(under, policy.module());

        SpciResult result = send(fixture, 1, 2, lend(RW_NX, MemoryRegion.FLAG_CLEAR, c(A, 4), c(B, 2)));

        assertTrue(result.isSuccess(), "an allowed share goes ahead: " + result);
        ShareRequest request = policy.requests().get(0);
        assertEquals(1, policy.requests().size());
        assertEquals(ShareType.LEND, request.type());
        assertEquals(1, request.sender());
        assertEquals(2, request.receiver());
        assertEquals(List.of(c(A, 4), c(B, 2)), request.region().constituents());
        assertTrue(request.region().clearRequested());
        assertEquals(RWX, request.senderMode());
        assertEquals(Mode.INVALID | Mode.UNOWNED | Mode.SHARED,
                request.receiverMode() & (Mode.INVALID | Mode.UNOWNED | Mode.SHARED), "never mapped");
        assertEquals(Mode.INVALID | RWX, request.newSenderMode());
        assertEquals(Mode.UNOWNED | Mode.R | Mode.W, request.newReceiverMode());
        // The tables now hold exactly the modes the policy was shown.
        for (Constituent constituent : request.region().constituents()) {
            assertEquals(OptionalInt.of(request.newSenderMode()), mode(fixture, 1, constituent));
            assertEquals(OptionalInt.of(request.newReceiverMode()), mode(fixture, 2, constituent));
        }
    }

    @OnEachArch
    void everyPolicyMustAllowForAShareToGoAhead(ArchUnderTest under) {
        ProgrammablePolicy first = ProgrammablePolicy.allowing();
        ProgrammablePolicy second = ProgrammablePolicy.allowing();
        KitMachine fixture = ThreeVms.boot(under, first.module(), second.module());
        assertEquals(2, fixture.machine().policies().size());

        assertTrue(send(fixture, 1, 2, lend(RW_NX, 0, c(A, 4))).isSuccess());
        assertEquals(1, first.requests().size());
        assertEquals(1, second.requests().size());

        second.answer(Optional.of(REASON));
        fixture.assertRefused(DENIED, REASON, 1, 2, lend(RW_NX, 0, c(B, 2)));
        first.answer(Optional.of("the first says no"));
        second.answer(Optional.empty());
        fixture.assertRefused(DENIED, "the first says no", 1, 2, lend(RW_NX, 0, c(B, 2)));
    }

    private static OptionalInt mode(KitMachine fixture, int vm, Constituent c) {
        return fixture.machine().vm(vm).orElseThrow().table().mode(IntermediatePhysicalAddress.of(c.address()),
                IntermediatePhysicalAddress.of(c.end()));
    }
}
