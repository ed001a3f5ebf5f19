package org.memshare.engine.sharing;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.memshare.api.addr.PhysicalAddress;
import org.memshare.api.arch.CacheMaintenance;
import org.memshare.api.memory.PhysicalMemory;
import org.memshare.api.mode.Mode;
import org.memshare.api.pool.PagePool;
import org.memshare.engine.machine.Machine;
import org.memshare.engine.mm.PageTable;
import org.memshare.engine.pool.DefaultPagePool;

/**
 * Zeroes runs of pages the way Hafnium clears memory it shares ({@code api_clear_memory_region}
 * at the seed, {@code ffa_clear_memory_constituents} on main): each run in turn is mapped
 * writable into the hypervisor's stage-1 table, zeroed, flushed from the data cache and unmapped;
 * then the stage-1 table is defragmented. Tables come from a local pool that falls back to the
 * machine's, so the pool counts match the reference.
 */
public final class MemoryClearing {
    private final PageTable stage1;
    private final ReentrantLock stage1Lock;
    private final PhysicalMemory memory;
    private final CacheMaintenance cache;
    private final DefaultPagePool pool;

    public MemoryClearing(PageTable stage1, ReentrantLock stage1Lock, PhysicalMemory memory, CacheMaintenance cache,
            DefaultPagePool pool) {
        this.stage1 = requireNonNull(stage1, "stage1 is null");
        this.stage1Lock = requireNonNull(stage1Lock, "stage1Lock is null");
        this.memory = requireNonNull(memory, "memory is null");
        this.cache = requireNonNull(cache, "cache is null");
        this.pool = requireNonNull(pool, "pool is null");
    }

    /** The clearing of {@code machine}'s memory through its hypervisor stage-1 table. */
    public static MemoryClearing of(Machine machine) {
        return new MemoryClearing(machine.hypervisorTable(), machine.stage1Lock(), machine.memory(),
                machine.arch().cache(), machine.pool());
    }

    /**
     * Clears every run, in order. Runs already cleared stay cleared when a later one fails.
     *
     * @return false if the pool ran out mapping a run
     */
    public boolean clear(List<PageRun> runs) {
        DefaultPagePool local = DefaultPagePool.withFallback(pool);
        try {
            for (PageRun c : runs) {
                if (!clear(c, local)) {
                    return false;
                }
            }
            stage1Lock.lock();
            try {
                stage1.defrag(local);
            } finally {
                stage1Lock.unlock();
            }
            return true;
        } finally {
            local.fini();
        }
    }

    private boolean clear(PageRun c, PagePool local) {
        PhysicalAddress begin = PhysicalAddress.of(c.address());
        PhysicalAddress end = PhysicalAddress.of(c.end());
        stage1Lock.lock();
        try {
            // The seed took a mapping at physical address 0 for a failure (a null pointer); here
            // page 0 is cleared like any other. A constituent beyond stage 1's reach is clamped
            // away by the map, as in Hafnium, and still zeroed: the model has physical access.
            if (!stage1.map(begin, end, Mode.W, local)) {
                stage1.defrag(local);
                return false;
            }
            memory.zero(begin, c.sizeBytes());
            cache.flushDataCache(begin.toVa(), c.sizeBytes());
            stage1.unmap(begin, end, local);
            return true;
        } finally {
            stage1Lock.unlock();
        }
    }
}
