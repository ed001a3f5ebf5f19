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
 * A test seam for exhaustion: a copy of a machine (same tables, VMs, memory and policies) whose
 * page pool is a Mockito spy of the original that answers {@link PagePool#NO_ENTRY} to the k-th
 * allocation ({@code alloc} or {@code allocContiguous}, counted together) after
 * {@link #failAt(long)}, and lets every other one through. The spy starts as a shallow copy of the
 * original pool, so the original machine must not be used afterwards. It lives in the machine's
 * package only to reach the package-private constructor.
 */
public final class FaultyPool {
    private final Machine machine;
    private final AtomicLong count = new AtomicLong();
    private final AtomicLong failAt = new AtomicLong();

    private FaultyPool(Machine original) {
        DefaultPagePool pool = spy(original.pool());
        doAnswer(this::allocate).when(pool).alloc();
        doAnswer(this::allocate).when(pool).allocContiguous(anyLong(), anyLong());
        this.machine = new Machine(original.config(), original.arch(), pool, original.tableMemory(),
                original.hypervisorTable(), original.vms(), original.memory(), new LinkedHashSet<>(original.policies()));
    }

    /** Wraps {@code original}; no allocation fails until {@link #failAt}. */
    public static FaultyPool wrap(Machine original) {
        return new FaultyPool(original);
    }

    /** The machine whose pool fails on demand. */
    public Machine machine() {
        return machine;
    }

    /** From now on, the {@code k}-th allocation (1-based) fails; 0 for none. Resets the count. */
    public void failAt(long k) {
        count.set(0);
        failAt.set(k);
    }

    /** Allocations asked for since the last {@link #failAt} (the failing one included). */
    public long allocations() {
        return count.get();
    }

    private Object allocate(InvocationOnMock invocation) throws Throwable {
        if (count.incrementAndGet() == failAt.get()) {
            return PagePool.NO_ENTRY;
        }
        return invocation.callRealMethod();
    }
}
