package org.memshare.engine.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;
import org.memshare.api.addr.PhysicalAddress;
import org.memshare.api.mode.Mode;
import org.memshare.api.policy.SharePolicy;
import org.memshare.api.policy.ShareRequest;
import org.memshare.api.spci.ShareType;
import org.memshare.api.spci.SpciError;
import org.memshare.engine.hypervisor.Hypervisor;
import org.memshare.engine.plugin.ArchRegistry;
import org.memshare.engine.spci.SpciResult;
import org.memshare.kit.fixture.Message;

/**
 * A policy that allowed a share is told how it ended, exactly once: {@code committed} when it
 * happened, {@code failed} with NO_MEMORY when the pool ran out after the policies were asked
 * (forced here by failing the pool's first allocation), so a policy that keeps a ledger stays exact.
 */
class PolicyCallbackTest {
    private static final long PAGE = 0x20_0000L;

    private static Machine machineWith(SharePolicy policy) {
        MachineResult result = Machines.create(MachineConfig.of("fake", 40, 256, 2), ArchRegistry.discover(),
                new AbstractModule() {
                    @Override
                    protected void configure() {
                        Multibinder.newSetBinder(binder(), SharePolicy.class).addBinding().toInstance(policy);
                    }
                });
        Machine machine = ((MachineResult.Created) result).machine();
        assertTrue(machine.vm(1).orElseThrow().table().map(PhysicalAddress.of(PAGE), PhysicalAddress.of(PAGE + 0x1000),
                Mode.R | Mode.W | Mode.X, machine.pool()));
        return machine;
    }

    private static SharePolicy allowingEverything() {
        SharePolicy policy = mock(SharePolicy.class);
        when(policy.refusal(any(ShareRequest.class))).thenReturn(Optional.empty());
        return policy;
    }

    @Test
    void aShareThatRunsOutOfMemoryAfterThePoliciesAllowedItIsReportedAsFailedNotCommitted() {
        SharePolicy policy = allowingEverything();
        // The receiver's empty table needs new tables for the page, and the first allocation fails.
        FaultInjectingMachines.Faulty faulty = FaultInjectingMachines.failingAt(machineWith(policy), 1);

        SpciResult result = new Hypervisor(faulty.machine())
                .send(1, 2, Message.of(ShareType.LEND, 1, 2).pages(PAGE, 1).bytes());

        assertEquals(Optional.of(SpciError.NO_MEMORY), result.error(), result.toString());
        InOrder order = inOrder(policy);
        order.verify(policy).refusal(any(ShareRequest.class));
        order.verify(policy).failed(any(ShareRequest.class), eq(SpciError.NO_MEMORY), anyString());
        verify(policy, never()).committed(any(ShareRequest.class));
    }

    @Test
    void aShareThatHappensIsReportedAsCommittedOnce() {
        SharePolicy policy = allowingEverything();
        Machine machine = machineWith(policy);

        SpciResult result = new Hypervisor(machine).send(1, 2, Message.of(ShareType.LEND, 1, 2).pages(PAGE, 1).bytes());

        assertTrue(result.isSuccess(), result.toString());
        verify(policy).committed(any(ShareRequest.class));
        verify(policy, never()).failed(any(ShareRequest.class), any(SpciError.class), anyString());
    }
}
