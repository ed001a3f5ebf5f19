package org.memshare.kit.selftest;

import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.spy;

import org.memshare.api.pool.PagePool;
import org.memshare.engine.pool.DefaultPagePool;
import org.memshare.kit.PoolFactory;

/**
 * Pools that leak a page: the engine's pool, but the {@value #LEAKED_FREE}th page freed into
 * each pool is dropped. Late enough that the contract rules, which free a few dozen pages a pool
 * at most, never see it; only a long run of operations (POOL-6) does.
 */
public final class LeakyPoolFactory implements PoolFactory {
    static final int LEAKED_FREE = 64;

    @Override
    public PagePool create(long entrySize) {
        DefaultPagePool pool = spy(DefaultPagePool.create(entrySize));
        int[] frees = {0};
        doAnswer(call -> {
            if (++frees[0] == LEAKED_FREE) {
                return null;
            }
            return call.callRealMethod();
        }).when(pool).free(anyLong());
        return pool;
    }
}
