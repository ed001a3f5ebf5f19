package org.memshare.engine.pool;

import java.util.Arrays;
import org.memshare.api.pool.PagePool;

/**
 * The reference model for {@link DefaultPagePool}: mpool's semantics written the plain way, with
 * the chunks in a linked list walked from the head and a free count summed chunk by chunk (the
 * pool as it was before its chunks became a searchable tree).
 *
 * <p>The pool keeps a free list of single entries (most recently freed first) and a list of
 * chunks of contiguous entries (most recently added first). Single allocations take from the
 * free list, then from the head of the first chunk; contiguous allocations search the chunks
 * only. Hafnium threads both lists through the free memory itself; here they are kept beside it,
 * which changes nothing observable. All methods are synchronized: a pool is shared by every VM of
 * a machine.
 */
final class ReferenceMpool implements PagePool {

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

    ReferenceMpool(long entrySize, PagePool fallback) {
        this.entrySize = entrySize;
        this.fallback = fallback;
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
