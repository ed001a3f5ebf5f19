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
 * Zeroes runs of pages the way Hafnium clears memory it shares: each run in turn is mapped
 * writable into the hypervisor's stage-1 table, zeroed, flushed from the data cache and unmapped.
 * What becomes of the stage-1 tables that mapping needed depends on the Hafnium being modelled
 * ({@link Stage1}): the seed's {@code api_clear_memory_region} takes them from a local pool and
 * defragments stage 1 afterwards (SPCI; the corpus pins it), main's {@code clear_memory} takes
 * them from the operation's rollback pool and never gives them back (FF-A), so the pool counts
 * match the reference either way.
 */
public final class MemoryClearing {
    private final PageTable stage1;
    private final ReentrantLock stage1Lock;
    private final PhysicalMemory memory;
    private final CacheMaintenance cache;
    private final DefaultPagePool pool;
    private final Stage1 stage1Tables;

    /** What a clear does with the stage-1 tables its mappings needed. */
    public enum Stage1 {
        /**
         * Hafnium at the seed ({@code api_clear_memory_region}), for SPCI: the tables come from a
         * local pool of the clear's own that falls back to the machine's, and stage 1 is
         * defragmented after the last run and after a mapping that ran out, so a clear leaves no
         * table behind.
         */
        DEFRAGMENTED,
        /**
         * Hafnium main ({@code clear_memory}), for FF-A: the tables come from the pool of the
         * update the clear is part of (Hafnium's per-CPU rollback pool, which holds the tables
         * the update's commits freed, and falls back to the machine's), and nothing defragments
         * stage 1: the unmap leaves the tables in place, and the tables a mapping that ran out
         * added stay too. Every clear of memory no earlier clear touched costs pool pages for good.
         */
        KEPT
    }

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
            DefaultPagePool pool, Stage1 stage1Tables) {
        this.stage1 = requireNonNull(stage1, "stage1 is null");
        this.stage1Lock = requireNonNull(stage1Lock, "stage1Lock is null");
        this.memory = requireNonNull(memory, "memory is null");
        this.cache = requireNonNull(cache, "cache is null");
        this.pool = requireNonNull(pool, "pool is null");
        this.stage1Tables = requireNonNull(stage1Tables, "stage1Tables is null");
    }

    /** The clearing of {@code machine}'s memory through its hypervisor stage-1 table. */
    public static MemoryClearing of(Machine machine, Stage1 stage1Tables) {
        return new MemoryClearing(machine.hypervisorTable(), machine.stage1Lock(), machine.memory(),
                machine.arch().cache(), machine.pool(), stage1Tables);
    }

    /**
     * Clears every run, in order. Runs already cleared stay cleared when a later one fails.
     *
     * @param updatePool the pool of the update the clear is part of (it falls back to the
     *     machine's); {@link Stage1#KEPT} takes the stage-1 tables from it, {@link Stage1#DEFRAGMENTED}
     *     from a pool of its own
     * @return done, or the run whose stage-1 mapping ran out of pool, with the map's reason
     */
    public Result clear(List<PageRun> runs, DefaultPagePool updatePool) {
        requireNonNull(runs, "runs is null");
        requireNonNull(updatePool, "updatePool is null");
        boolean defragment = stage1Tables == Stage1.DEFRAGMENTED;
        DefaultPagePool local = defragment ? DefaultPagePool.withFallback(pool) : updatePool;
        try {
            for (int i = 0; i < runs.size(); i++) {
                PageRun run = runs.get(i);
                MapResult mapped = clear(run, local, defragment);
                if (!mapped.done()) {
                    return Result.failed(i, "the page pool ran out clearing constituent " + i + " (" + run.describe()
                            + "), mapping it into the hypervisor's stage-1 table: " + mapped.reason()
                            + (i > 0 ? "; the constituents before it stay cleared" : ""));
                }
            }
            if (defragment) {
                stage1Lock.lock();
                try {
                    stage1.defrag(local);
                } finally {
                    stage1Lock.unlock();
                }
            }
            return Result.done();
        } finally {
            if (defragment) {
                local.fini();
            }
        }
    }

    private MapResult clear(PageRun c, PagePool local, boolean defragment) {
        PhysicalAddress begin = PhysicalAddress.of(c.address());
        PhysicalAddress end = PhysicalAddress.of(c.end());
        stage1Lock.lock();
        try {
            // The seed took a mapping at physical address 0 for a failure (a null pointer); here
            // page 0 is cleared like any other. A constituent beyond stage 1's reach is clamped
            // away by the map, as in Hafnium, and still zeroed: the model has physical access.
            MapResult mapped = stage1.mapResult(begin, end, Mode.W, local);
            if (!mapped.done()) {
                if (defragment) {
                    stage1.defrag(local);
                }
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
