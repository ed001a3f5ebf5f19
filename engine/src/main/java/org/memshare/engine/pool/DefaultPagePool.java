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
 * which changes nothing observable: the free list is an array used as a stack, and the chunks a
 * {@link ChunkList} that finds the first chunk a contiguous request fits without walking the list.
 * Free, alloc and the free count take constant time, contiguous allocation logarithmic time
 * (plus one alignment check per chunk that is big enough but misaligned). All methods are
 * synchronized: a pool is shared by every VM of a machine.
 */
public final class DefaultPagePool implements PagePool {
    /** An empty free list: the array is made at the first free (a local pool of an update often never gets one). */
    private static final long[] NO_ENTRIES = new long[0];

    private final long entrySize;
    /** Read without the monitor by allocations that fall through, so volatile. */
    private volatile PagePool fallback;
    private ChunkList chunks;
    /** The free list as a stack: the head of Hafnium's list is the last element. */
    private long[] freeList = NO_ENTRIES;
    private int freeListSize;

    private DefaultPagePool(long entrySize, PagePool fallback) {
        Validate.isTrue(entrySize >= 8 && Long.bitCount(entrySize) == 1,
                "entrySize must be a power of two of at least 8, was %d", entrySize);
        this.entrySize = entrySize;
        this.fallback = fallback;
        this.chunks = new ChunkList(entrySize);
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
            from.chunks = new ChunkList(from.entrySize);
            from.freeList = NO_ENTRIES;
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
        chunks.addFirst(first, end);
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
        return chunks.takeFirstEntry();
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
        return chunks.takeContiguous(count, align);
    }

    @Override
    public synchronized void free(long address) {
        if (freeListSize == freeList.length) {
            freeList = Arrays.copyOf(freeList, Math.max(16, freeList.length * 2));
        }
        freeList[freeListSize++] = address;
    }

    @Override
    public synchronized long freeCount() {
        return freeListSize + chunks.entries();
    }

    @Override
    public void fini() {
        long[] entries;
        int entryCount;
        ChunkList chunkList;
        PagePool target;
        boolean hadChunks;
        synchronized (this) {
            if (fallback == null) {
                return;
            }
            entries = freeList;
            entryCount = freeListSize;
            chunkList = chunks;
            target = fallback;
            // Emptied without allocating: a local pool made per update often held nothing.
            freeList = NO_ENTRIES;
            freeListSize = 0;
            // An empty chunk list stays this pool's; a full one is handed over below, read only
            // by this thread once it is no longer the pool's.
            hadChunks = !chunkList.isEmpty();
            if (hadChunks) {
                chunks = new ChunkList(entrySize);
            }
            fallback = null;
        }
        // Walk both lists from their heads, as Hafnium does, so the fallback sees the same order.
        for (int i = entryCount - 1; i >= 0; i--) {
            target.free(entries[i]);
        }
        if (hadChunks) {
            chunkList.forEach(target::addChunk);
        }
    }

    /** The fallback pool, or null. */
    public synchronized PagePool fallback() {
        return fallback;
    }

    @Override
    public synchronized String toString() {
        int chunkCount = chunks.size();
        return "DefaultPagePool[entrySize=" + entrySize + ", free=" + freeCount() + ", freeList=" + freeListSize
                + ", chunks=" + chunkCount + (fallback != null ? ", with fallback" : "") + "]";
    }
}
