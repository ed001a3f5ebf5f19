package org.memshare.engine.pool;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import org.apache.commons.lang3.Validate;
import org.memshare.api.pool.PagePool;

/**
 * The page pool with the exact semantics of Hafnium's {@code mpool}, so that free counts and
 * out-of-memory outcomes match the reference after the same operations.
 *
 * <p>The pool keeps a free list of single entries (most recently freed first) and a list of
 * chunks of contiguous entries (most recently added first). Single allocations take from the
 * free list, then from the head of the first chunk; contiguous allocations search the chunks
 * only. Hafnium threads both lists through the free memory itself; here they are kept beside it,
 * which changes nothing observable. All methods are synchronized: a pool is shared by every VM of
 * a machine.
 */
public final class DefaultPagePool implements PagePool {

    /** A run of free entries {@code [begin, limit)}. */
    private static final class Chunk {
        long begin;
        long limit;
        Chunk next;

        Chunk(long begin, long limit, Chunk next) {
            this.begin = begin;
            this.limit = limit;
            this.next = next;
        }
    }

    private final long entrySize;
    /** Read without the monitor by allocations that fall through, so volatile. */
    private volatile PagePool fallback;
    private Chunk chunks;
    /** The free list as a stack: the head of Hafnium's list is the last element. */
    private long[] freeList = new long[16];
    private int freeListSize;

    private DefaultPagePool(long entrySize, PagePool fallback) {
        Validate.isTrue(entrySize >= 8 && Long.bitCount(entrySize) == 1,
                "entrySize must be a power of two of at least 8, was %d", entrySize);
        this.entrySize = entrySize;
        this.fallback = fallback;
    }

    /** An empty pool of {@code entrySize}-byte entries ({@code mpool_init}). */
    public static DefaultPagePool create(long entrySize) {
        return new DefaultPagePool(entrySize, null);
    }

    /** An empty pool whose allocations fall through to {@code fallback} ({@code mpool_init_with_fallback}). */
    public static DefaultPagePool withFallback(PagePool fallback) {
        requireNonNull(fallback, "fallback is null");
        return new DefaultPagePool(fallback.entrySize(), fallback);
    }

    /**
     * A pool that takes over everything {@code from} holds, its fallback included, leaving
     * {@code from} empty ({@code mpool_init_from}).
     */
    public static DefaultPagePool takeFrom(DefaultPagePool from) {
        requireNonNull(from, "from is null");
        DefaultPagePool pool = new DefaultPagePool(from.entrySize, null);
        synchronized (from) {
            pool.fallback = from.fallback;
            pool.chunks = from.chunks;
            pool.freeList = from.freeList;
            pool.freeListSize = from.freeListSize;
            from.fallback = null;
            from.chunks = null;
            from.freeList = new long[16];
            from.freeListSize = 0;
        }
        return pool;
    }

    @Override
    public long entrySize() {
        return entrySize;
    }

    @Override
    public synchronized boolean addChunk(long begin, long size) {
        long first = (begin + entrySize - 1) & -entrySize;
        long end = (begin + size) & -entrySize;
        if (Long.compareUnsigned(first, end) >= 0 || Long.compareUnsigned(end - first, entrySize) < 0) {
            return false;
        }
        chunks = new Chunk(first, end, chunks);
        return true;
    }

    @Override
    public long alloc() {
        long entry = allocHere();
        if (entry != NO_ENTRY || fallback == null) {
            return entry;
        }
        return fallback.alloc();
    }

    private synchronized long allocHere() {
        if (freeListSize > 0) {
            return freeList[--freeListSize];
        }
        Chunk chunk = chunks;
        if (chunk == null) {
            return NO_ENTRY;
        }
        long entry = chunk.begin;
        long rest = entry + entrySize;
        if (Long.compareUnsigned(rest, chunk.limit) >= 0) {
            chunks = chunk.next;
        } else {
            chunk.begin = rest;
        }
        return entry;
    }

    @Override
    public long allocContiguous(long count, long align) {
        Validate.isTrue(count > 0 && align > 0, "count and align must be positive, were %d and %d", count, align);
        long start = allocContiguousHere(count, align);
        if (start != NO_ENTRY || fallback == null) {
            return start;
        }
        return fallback.allocContiguous(count, align);
    }

    private synchronized long allocContiguousHere(long count, long align) {
        long alignBytes = align * entrySize;
        long bytes = count * entrySize;
        Chunk previous = null;
        for (Chunk chunk = chunks; chunk != null; previous = chunk, chunk = chunk.next) {
            long start = Long.divideUnsigned(chunk.begin + alignBytes - 1, alignBytes) * alignBytes;
            long end = start + bytes;
            if (Long.compareUnsigned(end, chunk.limit) > 0) {
                continue;
            }
            Chunk replacement = end == chunk.limit ? chunk.next : new Chunk(end, chunk.limit, chunk.next);
            // The entries skipped to reach the alignment stay in the pool as a chunk of their own.
            if (Long.compareUnsigned(start - chunk.begin, entrySize) >= 0) {
                chunk.limit = start;
                chunk.next = replacement;
                replacement = chunk;
            }
            if (previous == null) {
                chunks = replacement;
            } else {
                previous.next = replacement;
            }
            return start;
        }
        return NO_ENTRY;
    }

    @Override
    public synchronized void free(long address) {
        if (freeListSize == freeList.length) {
            freeList = Arrays.copyOf(freeList, freeList.length * 2);
        }
        freeList[freeListSize++] = address;
    }

    @Override
    public synchronized long freeCount() {
        long count = freeListSize;
        for (Chunk chunk = chunks; chunk != null; chunk = chunk.next) {
            count += Long.divideUnsigned(chunk.limit - chunk.begin, entrySize);
        }
        return count;
    }

    @Override
    public void fini() {
        long[] entries;
        int entryCount;
        Chunk chunkList;
        PagePool target;
        synchronized (this) {
            if (fallback == null) {
                return;
            }
            entries = freeList;
            entryCount = freeListSize;
            chunkList = chunks;
            target = fallback;
            freeList = new long[16];
            freeListSize = 0;
            chunks = null;
            fallback = null;
        }
        // Walk both lists from their heads, as Hafnium does, so the fallback sees the same order.
        for (int i = entryCount - 1; i >= 0; i--) {
            target.free(entries[i]);
        }
        for (Chunk chunk = chunkList; chunk != null; chunk = chunk.next) {
            target.addChunk(chunk.begin, chunk.limit - chunk.begin);
        }
    }

    /** The fallback pool, or null. */
    public synchronized PagePool fallback() {
        return fallback;
    }

    @Override
    public synchronized String toString() {
        int chunkCount = 0;
        for (Chunk chunk = chunks; chunk != null; chunk = chunk.next) {
            chunkCount++;
        }
        return "DefaultPagePool[entrySize=" + entrySize + ", free=" + freeCount() + ", freeList=" + freeListSize
                + ", chunks=" + chunkCount + (fallback != null ? ", with fallback" : "") + "]";
    }
}
