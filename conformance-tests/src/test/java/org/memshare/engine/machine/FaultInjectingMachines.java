package org.memshare.engine.machine;

import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.spy;

import java.util.LinkedHashSet;
import java.util.concurrent.atomic.AtomicLong;
import org.memshare.api.pool.PagePool;
import org.memshare.engine.pool.DefaultPagePool;
import org.mockito.invocation.InvocationOnMock;

/**
 * The test seam for exhaustion: a machine equal to one made by {@link Machines#create} (same
 * tables, VMs, memory and policies) whose page pool is a Mockito spy of the original that answers
 * {@link PagePool#NO_ENTRY} to the k-th allocation ({@code alloc} or {@code allocContiguous},
 * counted together) and lets every other one through. It lives in the machine's package only to
 * reach the package-private constructor; no production code is changed for it.
 *
 * <p>The spy starts as a copy of the original pool, so the original must not be used afterwards.
 * Local pools the engine makes (the sharing flow's rollback pool, the clearing's stage-1 pool)
 * fall back to the spy, so an allocation they cannot serve from pages freed in the same
 * operation counts as well.
 */
final class FaultInjectingMachines {
    private FaultInjectingMachines() {
    }

    /** A machine and the count of allocations its pool was asked for. */
    record Faulty(Machine machine, AtomicLong allocations) {
    }

    /**
     * {@code machine} with a pool that fails allocation number {@code failAt} (1-based; 0 or
     * {@code Long.MAX_VALUE} for never).
     */
    static Faulty failingAt(Machine machine, long failAt) {
        DefaultPagePool pool = spy(machine.pool());
        AtomicLong count = new AtomicLong();
        doAnswer(invocation -> allocate(invocation, count, failAt)).when(pool).alloc();
        doAnswer(invocation -> allocate(invocation, count, failAt)).when(pool).allocContiguous(anyLong(), anyLong());
        Machine faulty = new Machine(machine.config(), machine.arch(), pool, machine.tableMemory(),
                machine.hypervisorTable(), machine.vms(), machine.memory(), new LinkedHashSet<>(machine.policies()));
        return new Faulty(faulty, count);
    }

    private static Object allocate(InvocationOnMock invocation, AtomicLong count, long failAt) throws Throwable {
        if (count.incrementAndGet() == failAt) {
            return PagePool.NO_ENTRY;
        }
        return invocation.callRealMethod();
    }
}
