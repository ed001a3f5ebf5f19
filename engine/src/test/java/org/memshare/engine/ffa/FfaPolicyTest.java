package org.memshare.engine.ffa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.memshare.engine.ffa.FfaFixture.BASE;
import static org.memshare.engine.ffa.FfaFixture.PAGE;
import static org.memshare.engine.ffa.FfaFixture.c;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import com.google.inject.multibindings.Multibinder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.memshare.api.ffa.FfaConstituent;
import org.memshare.api.ffa.FfaError;
import org.memshare.api.ffa.FfaResult;
import org.memshare.api.ffa.FfaShareKind;
import org.memshare.api.ffa.Handle;
import org.memshare.api.ffa.MemoryPermissions;
import org.memshare.api.ffa.TransactionFlags;
import org.memshare.api.mode.Mode;
import org.memshare.api.policy.FfaRequest;
import org.memshare.api.policy.SharePolicy;
import org.memshare.api.policy.ShareRequest;
import org.memshare.engine.policy.NamedPolicies;

/** What the policies see of FF-A, when they are asked and told, and the bundled policies' FF-A answers. */
class FfaPolicyTest {
    private static final List<FfaConstituent> REGION = List.of(c(BASE, 2));

    /** Records every call; refuses what {@code refuse} names. */
    static final class Recorder implements SharePolicy {
        final List<String> log = Collections.synchronizedList(new ArrayList<>());
        final List<FfaRequest> asked = Collections.synchronizedList(new ArrayList<>());
        volatile FfaRequest.Operation refuse;

        @Override
        public Optional<String> refusal(ShareRequest request) {
            return Optional.empty();
        }

        @Override
        public Optional<String> refusal(FfaRequest request) {
            asked.add(request);
            log.add("ask " + request.operation());
            return request.operation() == refuse ? Optional.of("refused") : Optional.empty();
        }

        @Override
        public void committed(FfaRequest request) {
            log.add("committed " + request.operation());
        }

        @Override
        public void failed(FfaRequest request, FfaError error, String reason) {
            log.add("failed " + request.operation() + " " + error);
        }
    }

    private static FfaFixture boot(FfaFixture.Arch arch, SharePolicy policy) {
        Module module = new AbstractModule() {
            @Override
            protected void configure() {
                Multibinder.newSetBinder(binder(), SharePolicy.class).addBinding().toInstance(policy);
            }
        };
        return FfaFixture.boot(arch, module);
    }

    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void policiesSeeEveryStepAfterItsChecksWithTheCallersModes(FfaFixture.Arch arch) {
        Recorder recorder = new Recorder();
        FfaFixture f = boot(arch, recorder);
        FfaFixture.assertRefused(FfaCheck.SEND_OVERLAP,
                f.send(FfaShareKind.LEND, 1, List.of(c(BASE, 2), c(BASE + PAGE, 1)), 0, 2));
        assertEquals(List.of(), recorder.log, "a step a check refuses never reaches the policies");
        long handle = f.sendOk(FfaShareKind.LEND, 1, REGION, 0, 2);
        f.retrieveOk(2, handle, 1, FfaShareKind.LEND, 2);
        f.relinquishOk(2, handle);
        f.reclaimOk(1, handle);
        assertEquals(List.of("ask SEND_LEND", "committed SEND_LEND", "ask RETRIEVE", "committed RETRIEVE",
                "ask RELINQUISH", "committed RELINQUISH", "ask RECLAIM", "committed RECLAIM"), recorder.log);
        int rwx = FfaFixture.RWX;
        FfaRequest send = recorder.asked.get(0);
        assertEquals(Handle.INVALID, send.handle());
        assertEquals(List.of(new FfaRequest.Receiver(2, MemoryPermissions.RW)), send.receivers());
        assertEquals(REGION, send.constituents());
        assertEquals(rwx, send.callerMode());
        assertEquals(rwx | Mode.INVALID, send.newCallerMode());
        FfaRequest retrieve = recorder.asked.get(1);
        assertEquals(2, retrieve.caller());
        assertEquals(handle, retrieve.handle());
        assertEquals(FfaShareKind.LEND, retrieve.kind());
        assertEquals(Mode.R | Mode.W | Mode.UNOWNED, retrieve.newCallerMode());
        assertEquals(rwx, retrieve.senderOriginalMode());
        FfaRequest relinquish = recorder.asked.get(2);
        assertEquals(Mode.R | Mode.W | Mode.UNOWNED, relinquish.callerMode());
        FfaRequest reclaim = recorder.asked.get(3);
        assertEquals(rwx, reclaim.newCallerMode(), "the sender's original mode comes back");
    }

    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void aRefusalIsDeniedAndAFailureAfterTheAllowanceIsTold(FfaFixture.Arch arch) {
        Recorder recorder = new Recorder();
        FfaFixture f = boot(arch, recorder);
        long handle = f.sendOk(FfaShareKind.LEND, 1, REGION, 0, 2);
        recorder.refuse = FfaRequest.Operation.RETRIEVE;
        recorder.log.clear();
        FfaFixture.assertRefused(FfaCheck.RETRIEVE_POLICY, f.retrieve(2, handle, 1, FfaShareKind.LEND, 0, 2));
        assertEquals(List.of("ask RETRIEVE"), recorder.log, "the refusing policy is not told the outcome");
        recorder.refuse = null;
        recorder.log.clear();
        f.faults.failAt(1);
        FfaFixture.assertRefused(FfaCheck.RETRIEVE_PREPARE_NO_MEMORY, f.retrieve(2, handle, 1, FfaShareKind.LEND, 0, 2));
        f.faults.failAt(0);
        assertEquals(List.of("ask RETRIEVE", "failed RETRIEVE NO_MEMORY"), recorder.log);
    }

    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void noExecRefusesARetrieveGrantingXToAProtectedVm(FfaFixture.Arch arch) {
        FfaFixture f = FfaFixture.boot(arch, NamedPolicies.module("no-exec:2"));
        long handle = f.sendOk(FfaShareKind.LEND, 1, REGION, 0, 2);
        FfaOutcome x = f.retrieve(2, handle, 1, FfaShareKind.LEND, 0,
                MemoryPermissions.of(MemoryPermissions.DataAccess.RW, MemoryPermissions.InstructionAccess.X), 2);
        FfaFixture.assertRefused(FfaCheck.RETRIEVE_POLICY, x);
        assertEquals(FfaResult.Function.MEM_RETRIEVE_RESP, f.retrieve(2, handle, 1, FfaShareKind.LEND, 0, 2).result()
                .function(), "NX is allowed");
    }

    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void donateNeedsClearRefusesADonateWithoutTheClearFlag(FfaFixture.Arch arch) {
        FfaFixture f = FfaFixture.boot(arch, NamedPolicies.module("donate-needs-clear"));
        FfaFixture.assertRefused(FfaCheck.SEND_POLICY, f.send(FfaShareKind.DONATE, 1, REGION, 0, 2));
        assertEquals(FfaResult.Function.SUCCESS,
                f.send(FfaShareKind.DONATE, 1, REGION, TransactionFlags.CLEAR, 2).result().function());
        assertEquals(FfaResult.Function.SUCCESS,
                f.send(FfaShareKind.LEND, 1, List.of(c(BASE + 8 * PAGE, 1)), 0, 2).result().function());
    }

    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void lendCapCountsLentAndSharedPagesUntilTheReclaim(FfaFixture.Arch arch) {
        FfaFixture f = FfaFixture.boot(arch, NamedPolicies.module("lend-cap:12K"));
        long lent = f.sendOk(FfaShareKind.LEND, 1, REGION, 0, 2);
        f.sendOk(FfaShareKind.SHARE, 1, List.of(c(BASE + 4 * PAGE, 1)), 0, 2);
        FfaFixture.assertRefused(FfaCheck.SEND_POLICY, f.send(FfaShareKind.LEND, 1, List.of(c(BASE + 8 * PAGE, 1)), 0, 2));
        f.sendOk(FfaShareKind.DONATE, 1, List.of(c(BASE + 9 * PAGE, 1)), 0, 2);
        f.retrieveOk(2, lent, 1, FfaShareKind.LEND, 2);
        f.relinquishOk(2, lent);
        FfaFixture.assertRefused(FfaCheck.SEND_POLICY, f.send(FfaShareKind.LEND, 1, List.of(c(BASE + 8 * PAGE, 1)), 0, 2));
        f.reclaimOk(1, lent);
        f.sendOk(FfaShareKind.LEND, 1, List.of(c(BASE + 8 * PAGE, 1)), 0, 2);
    }

    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void noEscalationRefusesARetrieveGrantingMoreThanTheSenderHad(FfaFixture.Arch arch) {
        FfaFixture f = FfaFixture.boot(arch, NamedPolicies.module("no-escalation"));
        f.map(1, BASE, 2, Mode.R | Mode.W);
        long handle = f.sendOk(FfaShareKind.LEND, 1, REGION, 0, 2);
        FfaOutcome x = f.retrieve(2, handle, 1, FfaShareKind.LEND, 0,
                MemoryPermissions.of(MemoryPermissions.DataAccess.RW, MemoryPermissions.InstructionAccess.X), 2);
        FfaFixture.assertRefused(FfaCheck.RETRIEVE_POLICY, x);
        f.retrieveOk(2, handle, 1, FfaShareKind.LEND, 2);
    }
}
