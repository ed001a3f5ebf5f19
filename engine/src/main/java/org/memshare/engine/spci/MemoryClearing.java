package org.memshare.engine.spci;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.memshare.api.addr.PhysicalAddress;
import org.memshare.api.arch.CacheMaintenance;
import org.memshare.api.memory.PhysicalMemory;
import org.memshare.api.mode.Mode;
import org.memshare.api.pool.PagePool;
import org.memshare.api.spci.Constituent;
import org.memshare.api.spci.MemoryRegion;
import org.memshare.engine.mm.MapResult;
import org.memshare.engine.mm.PageTable;
import org.memshare.engine.pool.DefaultPagePool;

/**
 * Zeroes a region's constituents the way Hafnium's {@code api_clear_memory_region} does: each
 * constituent in turn is mapped writable into the hypervisor's stage-1 table, zeroed, flushed
 * from the data cache and unmapped; then the stage-1 table is defragmented. Tables come from a
 * local pool that falls back to the machine's, so the pool counts match the reference.
 */
final class MemoryClearing {
    private final PageTable stage1;
    private final ReentrantLock stage1Lock;
    private final PhysicalMemory memory;
    private final CacheMaintenance cache;
    private final DefaultPagePool pool;

    MemoryClearing(PageTable stage1, ReentrantLock stage1Lock, PhysicalMemory memory, CacheMaintenance cache,
            DefaultPagePool pool) {
        this.stage1 = requireNonNull(stage1, "stage1 is null");
        this.stage1Lock = requireNonNull(stage1Lock, "stage1Lock is null");
        this.memory = requireNonNull(memory, "memory is null");
        this.cache = requireNonNull(cache, "cache is null");
        this.pool = requireNonNull(pool, "pool is null");
    }

    /**
     * Clears every constituent of {@code region}. Constituents already cleared stay cleared when
     * a later one fails.
     *
     * @return empty, or why not all are cleared: the pool ran out mapping a constituent
     */
    Optional<String> clear(MemoryRegion region) {
        DefaultPagePool local = DefaultPagePool.withFallback(pool);
        try {
            List<Constituent> constituents = region.constituents();
            for (int i = 0; i < constituents.size(); i++) {
                Constituent c = constituents.get(i);
                MapResult mapped = clear(c, local);
                if (!mapped.done()) {
                    return Optional.of("the page pool ran out clearing constituent " + i + " (0x"
                            + Long.toHexString(c.address()) + ", " + c.pageCount() + (c.pageCount() == 1 ? " page" : " pages")
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
            return Optional.empty();
        } finally {
            local.fini();
        }
    }

    private MapResult clear(Constituent c, PagePool local) {
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
