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
import org.memshare.engine.mm.MapResult;
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

    /**
     * What a clear came to: every run cleared, or the run whose stage-1 mapping ran out of pool
     * and why, in words for people.
     *
     * @param run the index of the run the clear stopped at, -1 when every run was cleared
     * @param reason empty when every run was cleared; otherwise where and why it stopped
     */
    public record Result(int run, String reason) {
        private static final Result DONE = new Result(-1, "");

        public Result {
            requireNonNull(reason, "reason is null");
        }

        /** Every run was cleared. */
        public static Result done() {
            return DONE;
        }

        /** The clear stopped at {@code run}, for {@code reason}; the runs before it stay cleared. */
        public static Result failed(int run, String reason) {
            return new Result(run, reason);
        }

        public boolean isDone() {
            return run < 0;
        }
    }

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
     * @return done, or the run whose stage-1 mapping ran out of pool, with the map's reason
     */
    public Result clear(List<PageRun> runs) {
        DefaultPagePool local = DefaultPagePool.withFallback(pool);
        try {
            for (int i = 0; i < runs.size(); i++) {
                PageRun run = runs.get(i);
                MapResult mapped = clear(run, local);
                if (!mapped.done()) {
                    return Result.failed(i, "the page pool ran out clearing constituent " + i + " (" + run.describe()
                            + "), mapping it into the hypervisor's stage-1 table: " + mapped.reason()
                            + (i > 0 ? "; the constituents before it stay cleared" : ""));
                }
            }
            stage1Lock.lock();
            try {
                stage1.defrag(local);
            } finally {
                stage1Lock.unlock();
            }
            return Result.done();
        } finally {
            local.fini();
        }
    }

    private MapResult clear(PageRun c, PagePool local) {
        PhysicalAddress begin = PhysicalAddress.of(c.address());
        PhysicalAddress end = PhysicalAddress.of(c.end());
        stage1Lock.lock();
        try {
            // The seed took a mapping at physical address 0 for a failure (a null pointer); here
            // page 0 is cleared like any other. A constituent beyond stage 1's reach is clamped
            // away by the map, as in Hafnium, and still zeroed: the model has physical access.
            MapResult mapped = stage1.mapResult(begin, end, Mode.W, local);
            if (!mapped.done()) {
                stage1.defrag(local);
                return mapped;
            }
            memory.zero(begin, c.sizeBytes());
            cache.flushDataCache(begin.toVa(), c.sizeBytes());
            stage1.unmap(begin, end, local);
            return mapped;
        } finally {
            stage1Lock.unlock();
        }
    }
}
