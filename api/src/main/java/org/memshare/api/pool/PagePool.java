package org.memshare.api.pool;

/**
 * A pool of fixed-size entries (pages, for page tables) with the semantics of Hafnium's
 * {@code mpool}: a free list of single entries and a list of chunks of contiguous entries.
 *
 * <ul>
 *   <li>{@link #alloc()} takes from the free list first, then from the first chunk;</li>
 *   <li>{@link #allocContiguous(long, long)} takes from chunks only, never the free list;</li>
 *   <li>{@link #free(long)} puts an entry at the head of the free list;</li>
 *   <li>a pool may have a fallback pool that allocations fall through to when it is empty, and
 *       {@link #fini()} hands everything the pool holds to that fallback.</li>
 * </ul>
 *
 * <p>Addresses are physical and unsigned. Running out is a normal outcome, answered with
 * {@link #NO_ENTRY}, never an exception.
 */
public interface PagePool {

    /** What an allocation returns when the pool (and its fallbacks) cannot satisfy it. */
    long NO_ENTRY = -1L;

    /** The size of one entry in bytes: a power of two, at least 8. */
    long entrySize();

    /**
     * Adds the entries that fit in {@code [begin, begin + size)} as a new chunk at the head of the
     * chunk list (begin is rounded up and the end down to the entry size).
     *
     * @return false, adding nothing, if not even one entry fits
     */
    boolean addChunk(long begin, long size);

    /** One entry, or {@link #NO_ENTRY}. */
    long alloc();

    /**
     * {@code count} contiguous entries whose first address is a multiple of {@code align} entries,
     * taken from a chunk (entries skipped to reach the alignment stay in the pool as a chunk).
     *
     * @return the first entry's address, or {@link #NO_ENTRY}
     */
    long allocContiguous(long count, long align);

    /** Returns one entry to this pool's free list. */
    void free(long address);

    /** The entries this pool holds: its free list plus what is left in its chunks (not its fallback's). */
    long freeCount();

    /** Hands every entry this pool holds to its fallback and leaves it empty; does nothing without a fallback. */
    void fini();
}
