package org.memshare.engine.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.memshare.api.pool.PagePool.NO_ENTRY;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Pins the mpool semantics of {@link DefaultPagePool}: the scenarios of Hafnium's
 * {@code mpool_test.cc} re-expressed with simulated addresses, plus the finer ordering rules
 * (free list first, newest chunk first, alignment leftovers kept) those scenarios rely on.
 */
class DefaultPagePoolTest {

    /** Entry size used throughout, as in the reference scenarios. */
    private static final long ENTRY = 16;

    /** Where the simulated chunks live; each gets its own 4 KiB slot so chunks never touch. */
    private static final long CHUNK_AREA = 0x10_0000L;
    private static final long CHUNK_STRIDE = 0x1000L;

    /** A single entry that lies outside every chunk, like a stack buffer in the reference. */
    private static final long LONE_ENTRY = 0x9_0000L;

    /**
     * {@code count} distinct, entry-aligned chunk addresses, deliberately not in ascending order,
     * so the coverage check has to sort them.
     */
    private static long[] chunkBases(int count) {
        long[] bases = new long[count];
        for (int i = 0; i < count; i++) {
            bases[i] = CHUNK_AREA + ((i * 7L) % count) * CHUNK_STRIDE;
        }
        return bases;
    }

    /** Adds one chunk of {@code entriesPerChunk} entries at each base, checking each is accepted. */
    private static void addChunks(DefaultPagePool pool, long[] bases, int entriesPerChunk) {
        for (long base : bases) {
            assertTrue(pool.addChunk(base, entriesPerChunk * ENTRY), "chunk at 0x" + Long.toHexString(base));
        }
    }

    /** Allocates single entries until the pool (and its fallbacks) answers NO_ENTRY. */
    private static List<Long> drain(DefaultPagePool pool) {
        List<Long> allocations = new ArrayList<>();
        for (long entry = pool.alloc(); entry != NO_ENTRY; entry = pool.alloc()) {
            allocations.add(entry);
            assertTrue(allocations.size() <= 100_000, "the pool never ran out");
        }
        return allocations;
    }

    /**
     * Asserts that {@code allocations} are exactly the entries of the given chunks, each entry
     * once: sorted, chunk i must account for entries {@code i * n} to {@code i * n + n - 1}.
     */
    private static void assertCoversChunksExactly(List<Long> allocations, long[] bases, int entriesPerChunk) {
        assertEquals((long) bases.length * entriesPerChunk, allocations.size(), "number of allocated entries");
        List<Long> sortedAllocations = new ArrayList<>(allocations);
        sortedAllocations.sort(Long::compareUnsigned);
        List<Long> sortedBases = new ArrayList<>();
        for (long base : bases) {
            sortedBases.add(base);
        }
        sortedBases.sort(Long::compareUnsigned);
        for (int chunk = 0; chunk < sortedBases.size(); chunk++) {
            for (int k = 0; k < entriesPerChunk; k++) {
                long expected = sortedBases.get(chunk) + k * ENTRY;
                assertEquals(expected, (long) sortedAllocations.get(chunk * entriesPerChunk + k),
                        "entry " + k + " of chunk 0x" + Long.toHexString(sortedBases.get(chunk)));
            }
        }
    }

    // ------------------------------------------------------------ mpool_test: allocation

    /** mpool_test "allocation": an empty pool, and one given only a sub-entry chunk, has nothing to hand out. */
    @Test
    void emptyPoolAndPoolWithTooSmallChunkHaveNothingToAllocate() {
        DefaultPagePool pool = DefaultPagePool.create(ENTRY);
        assertEquals(NO_ENTRY, pool.alloc());

        assertFalse(pool.addChunk(0, ENTRY - 1), "a chunk smaller than one entry is refused");
        assertEquals(0, pool.freeCount());
        assertEquals(NO_ENTRY, pool.alloc());
    }

    /** mpool_test "allocation": draining the pool yields every entry of every added chunk exactly once. */
    @Test
    void allocationsDrainEveryEntryOfEveryChunkExactlyOnce() {
        DefaultPagePool pool = DefaultPagePool.create(ENTRY);
        long[] bases = chunkBases(10);
        addChunks(pool, bases, 10);
        assertEquals(100, pool.freeCount());

        List<Long> allocations = drain(pool);

        assertCoversChunksExactly(allocations, bases, 10);
        assertEquals(0, pool.freeCount());
    }

    // ------------------------------------------------------------ mpool_test: freeing

    /**
     * mpool_test "freeing": a freed entry is handed out again before anything from the chunks,
     * and entries freed after a drain can all be allocated again.
     */
    @Test
    void freedEntriesAreReusedBeforeChunkEntries() {
        DefaultPagePool pool = DefaultPagePool.create(ENTRY);
        assertEquals(NO_ENTRY, pool.alloc());

        pool.free(LONE_ENTRY);
        assertEquals(LONE_ENTRY, pool.alloc());
        assertEquals(NO_ENTRY, pool.alloc());

        long[] bases = chunkBases(10);
        addChunks(pool, bases, 12);

        pool.free(LONE_ENTRY);
        assertEquals(LONE_ENTRY, pool.alloc(), "the free list wins over the chunks");

        List<Long> allocations = drain(pool);
        assertEquals(120, allocations.size());

        pool.free(LONE_ENTRY);
        assertEquals(LONE_ENTRY, pool.alloc(), "the free list is used after the chunks ran dry too");

        for (long entry : allocations) {
            pool.free(entry);
        }
        assertEquals(120, pool.freeCount());

        assertCoversChunksExactly(drain(pool), bases, 12);
    }

    // ------------------------------------------------------------ mpool_test: init_from

    /**
     * mpool_test "init_from": a pool made from another takes over its free list and chunks;
     * the source is left empty, and the new pool hands out every entry exactly once.
     */
    @Test
    void takeFromMovesFreeListAndChunksAndEmptiesTheSource() {
        DefaultPagePool source = DefaultPagePool.create(ENTRY);
        long[] bases = chunkBases(10);
        addChunks(source, bases, 10);

        List<Long> half = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            long entry = source.alloc();
            assertNotEquals(NO_ENTRY, entry);
            half.add(entry);
        }
        for (long entry : half) {
            source.free(entry);
        }

        DefaultPagePool taken = DefaultPagePool.takeFrom(source);

        assertEquals(ENTRY, taken.entrySize());
        assertEquals(0, source.freeCount());
        assertEquals(NO_ENTRY, source.alloc(), "the source no longer has anything");
        assertEquals(100, taken.freeCount());
        assertCoversChunksExactly(drain(taken), bases, 10);
    }

    /** mpool_init_from also takes the fallback: the new pool falls through to it, the source no longer does. */
    @Test
    void takeFromAlsoTakesTheFallback() {
        DefaultPagePool fallback = DefaultPagePool.create(ENTRY);
        assertTrue(fallback.addChunk(CHUNK_AREA, ENTRY));
        DefaultPagePool source = DefaultPagePool.withFallback(fallback);

        DefaultPagePool taken = DefaultPagePool.takeFrom(source);

        assertNull(source.fallback());
        assertSame(fallback, taken.fallback());
        assertEquals(NO_ENTRY, source.alloc());
        assertEquals(CHUNK_AREA, taken.alloc());
    }

    // ------------------------------------------------------------ mpool_test: alloc_contiguous

    /**
     * mpool_test "alloc_contiguous": an aligned run skips entries to reach its alignment and the
     * skipped entries stay allocatable; a whole chunk and an already aligned pair can be taken;
     * in the end every entry is handed out exactly once.
     */
    @Test
    void allocContiguousAlignsAndKeepsSkippedEntries() {
        DefaultPagePool pool = DefaultPagePool.create(ENTRY);
        long[] bases = chunkBases(10);
        addChunks(pool, bases, 12);
        List<Long> allocations = new ArrayList<>();

        // Take single entries until the next free entry index is 2 modulo 4.
        long next;
        do {
            long entry = pool.alloc();
            assertNotEquals(NO_ENTRY, entry);
            allocations.add(entry);
            next = entry / ENTRY + 1;
        } while (next % 4 != 2);

        long five = pool.allocContiguous(5, 4);
        assertEquals((next + 2) * ENTRY, five, "two entries skipped to reach a 4-entry boundary");
        for (int i = 0; i < 5; i++) {
            allocations.add(five + i * ENTRY);
        }

        long whole = pool.allocContiguous(12, 1);
        assertNotEquals(NO_ENTRY, whole);
        for (int i = 0; i < 12; i++) {
            allocations.add(whole + i * ENTRY);
        }

        long pair = pool.allocContiguous(2, 1);
        assertNotEquals(NO_ENTRY, pair);
        assertEquals(next * ENTRY, pair, "the two skipped entries are the first chunk that fits a pair");
        allocations.add(pair);
        allocations.add(pair + ENTRY);

        allocations.addAll(drain(pool));

        assertCoversChunksExactly(allocations, bases, 12);
    }

    /** Contiguous allocation only looks at chunks: entries on the free list are never used for it. */
    @Test
    void allocContiguousNeverUsesTheFreeList() {
        DefaultPagePool pool = DefaultPagePool.create(ENTRY);
        pool.free(CHUNK_AREA);
        pool.free(CHUNK_AREA + ENTRY);

        assertEquals(NO_ENTRY, pool.allocContiguous(1, 1));
        assertEquals(2, pool.freeCount());
    }

    /** A contiguous request no chunk can satisfy fails and leaves the chunks as they were. */
    @Test
    void allocContiguousThatFitsNowhereChangesNothing() {
        DefaultPagePool pool = DefaultPagePool.create(ENTRY);
        long base = CHUNK_AREA + ENTRY; // aligned to one entry only
        assertTrue(pool.addChunk(base, 4 * ENTRY));

        assertEquals(NO_ENTRY, pool.allocContiguous(5, 1));
        assertEquals(NO_ENTRY, pool.allocContiguous(4, 8), "alignment pushes the run past the chunk");
        assertEquals(4, pool.freeCount());
        assertEquals(base, pool.allocContiguous(4, 1));
        assertEquals(0, pool.freeCount());
    }

    // ------------------------------------------------------------ mpool_test: fallback

    /** mpool_test "allocation_with_fallback": an empty pool hands out every entry of its fallback. */
    @Test
    void allocationFallsThroughToTheFallbackPool() {
        DefaultPagePool fallback = DefaultPagePool.create(ENTRY);
        DefaultPagePool pool = DefaultPagePool.withFallback(fallback);
        assertEquals(ENTRY, pool.entrySize());
        assertEquals(NO_ENTRY, pool.alloc());

        long[] bases = chunkBases(10);
        addChunks(fallback, bases, 10);

        assertEquals(0, pool.freeCount(), "the fallback's entries are not counted as the pool's own");
        assertCoversChunksExactly(drain(pool), bases, 10);
        assertEquals(0, fallback.freeCount());
    }

    /**
     * mpool_test "free_with_fallback": an entry that came from the fallback is freed into the
     * local pool, stays there until {@code fini}, and only then reaches the fallback.
     */
    @Test
    void freedEntryStaysLocalUntilFiniHandsItToTheFallback() {
        DefaultPagePool fallback = DefaultPagePool.create(ENTRY);
        DefaultPagePool pool = DefaultPagePool.withFallback(fallback);
        long[] bases = chunkBases(1);
        addChunks(fallback, bases, 1);

        long entry = pool.alloc();
        assertEquals(bases[0], entry);
        pool.free(entry);

        assertEquals(NO_ENTRY, fallback.alloc(), "the entry went back to the local pool, not the fallback");
        assertEquals(entry, pool.alloc(), "the local pool hands it out again");

        pool.free(entry);
        pool.fini();

        assertNull(pool.fallback());
        assertEquals(0, pool.freeCount());
        assertEquals(entry, fallback.alloc(), "fini gave the entry to the fallback");
    }

    /** Contiguous allocation falls through to the fallback's chunks as well. */
    @Test
    void allocContiguousFallsThroughToTheFallbackPool() {
        DefaultPagePool fallback = DefaultPagePool.create(ENTRY);
        assertTrue(fallback.addChunk(CHUNK_AREA + ENTRY, 8 * ENTRY));
        DefaultPagePool pool = DefaultPagePool.withFallback(fallback);
        assertTrue(pool.addChunk(CHUNK_AREA + CHUNK_STRIDE, 2 * ENTRY));

        assertEquals(CHUNK_AREA + 4 * ENTRY, pool.allocContiguous(4, 4),
                "the local chunk is too small, so the fallback's chunk serves the aligned run");
        assertEquals(2, pool.freeCount());
        assertEquals(4, fallback.freeCount(), "3 skipped entries and 1 after the run stay in the fallback");
    }

    /** fini hands over both the free list and the chunks, and empties the pool. */
    @Test
    void finiHandsFreeListAndChunksToTheFallback() {
        DefaultPagePool fallback = DefaultPagePool.create(ENTRY);
        DefaultPagePool pool = DefaultPagePool.withFallback(fallback);
        assertTrue(pool.addChunk(CHUNK_AREA, 3 * ENTRY));
        pool.free(LONE_ENTRY);
        pool.free(LONE_ENTRY + ENTRY);

        pool.fini();

        assertEquals(0, pool.freeCount());
        assertEquals(NO_ENTRY, pool.alloc());
        assertEquals(5, fallback.freeCount());
        // Walking the free list from its head and freeing each entry into the fallback reverses it.
        assertEquals(LONE_ENTRY, fallback.alloc());
        assertEquals(LONE_ENTRY + ENTRY, fallback.alloc());
        assertEquals(CHUNK_AREA, fallback.allocContiguous(3, 1));
    }

    /** Without a fallback, fini keeps everything (mpool_fini returns early). */
    @Test
    void finiWithoutFallbackKeepsEverything() {
        DefaultPagePool pool = DefaultPagePool.create(ENTRY);
        assertTrue(pool.addChunk(CHUNK_AREA, 3 * ENTRY));
        pool.free(LONE_ENTRY);

        pool.fini();

        assertEquals(4, pool.freeCount());
        assertEquals(LONE_ENTRY, pool.alloc());
    }

    // ------------------------------------------------------------ ordering and rounding rules

    /** A chunk's begin is rounded up and its end down to the entry size; only whole entries count. */
    @Test
    void addChunkRoundsBeginUpAndEndDown() {
        DefaultPagePool pool = DefaultPagePool.create(ENTRY);
        assertTrue(pool.addChunk(CHUNK_AREA + 8, 4 * ENTRY));

        assertEquals(3, pool.freeCount());
        assertEquals(CHUNK_AREA + ENTRY, pool.alloc());
        assertEquals(CHUNK_AREA + 2 * ENTRY, pool.alloc());
        assertEquals(CHUNK_AREA + 3 * ENTRY, pool.alloc());
        assertEquals(NO_ENTRY, pool.alloc());

        assertFalse(pool.addChunk(CHUNK_AREA + 8, ENTRY + 4), "no whole entry fits after rounding");
        assertEquals(0, pool.freeCount());
    }

    /** The free list is last in, first out; chunks are used newest first, each from its start. */
    @Test
    void freeListIsLastInFirstOutAndChunksAreUsedNewestFirst() {
        DefaultPagePool pool = DefaultPagePool.create(ENTRY);
        assertTrue(pool.addChunk(CHUNK_AREA, 2 * ENTRY));
        assertTrue(pool.addChunk(CHUNK_AREA + CHUNK_STRIDE, 2 * ENTRY));
        pool.free(LONE_ENTRY);
        pool.free(LONE_ENTRY + ENTRY);

        assertEquals(LONE_ENTRY + ENTRY, pool.alloc());
        assertEquals(LONE_ENTRY, pool.alloc());
        assertEquals(CHUNK_AREA + CHUNK_STRIDE, pool.alloc());
        assertEquals(CHUNK_AREA + CHUNK_STRIDE + ENTRY, pool.alloc());
        assertEquals(CHUNK_AREA, pool.alloc());
        assertEquals(CHUNK_AREA + ENTRY, pool.alloc());
        assertEquals(NO_ENTRY, pool.alloc());
    }

    /** Address 0 is an ordinary entry (in C it would read as a null pointer): NO_ENTRY is -1, not 0. */
    @Test
    void entryAtAddressZeroIsARealEntry() {
        DefaultPagePool pool = DefaultPagePool.create(ENTRY);
        assertTrue(pool.addChunk(0, 2 * ENTRY));

        assertEquals(0, pool.alloc());
        pool.free(0);
        assertEquals(2, pool.freeCount());
        assertEquals(0, pool.alloc(), "the freed entry 0 comes back from the free list");
        assertEquals(ENTRY, pool.allocContiguous(1, 1));
        assertEquals(NO_ENTRY, pool.alloc());
    }

    /** The entry size must be a power of two of at least 8 bytes. */
    @Test
    void entrySizeMustBeAPowerOfTwoOfAtLeastEight() {
        assertThrows(IllegalArgumentException.class, () -> DefaultPagePool.create(4));
        assertThrows(IllegalArgumentException.class, () -> DefaultPagePool.create(24));
        assertThrows(IllegalArgumentException.class, () -> DefaultPagePool.create(0));
        assertEquals(8, DefaultPagePool.create(8).entrySize());
        assertEquals(4096, DefaultPagePool.create(4096).entrySize());
    }

    /** Contiguous allocation rejects a non-positive count or alignment. */
    @Test
    void allocContiguousRejectsNonPositiveArguments() {
        DefaultPagePool pool = DefaultPagePool.create(ENTRY);
        assertTrue(pool.addChunk(CHUNK_AREA, 4 * ENTRY));
        assertThrows(IllegalArgumentException.class, () -> pool.allocContiguous(0, 1));
        assertThrows(IllegalArgumentException.class, () -> pool.allocContiguous(1, 0));
        assertEquals(4, pool.freeCount());
    }

    /** Chunks near the top of the 64-bit space are handled with unsigned arithmetic. */
    @Test
    void chunksAtTheTopOfTheAddressSpaceWorkUnsigned() {
        DefaultPagePool pool = DefaultPagePool.create(ENTRY);
        long top = -4 * ENTRY; // 0xffff_ffff_ffff_ffc0
        assertTrue(pool.addChunk(top, 4 * ENTRY - 1), "the end rounds down to the last whole entry");
        assertEquals(3, pool.freeCount());
        assertEquals(top, pool.allocContiguous(2, 2));
        assertEquals(top + 2 * ENTRY, pool.alloc());
        assertEquals(NO_ENTRY, pool.alloc());
    }
}
