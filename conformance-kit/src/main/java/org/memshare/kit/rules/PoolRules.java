package org.memshare.kit.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.memshare.kit.rules.TableUnderTest.PAGE;
import static org.memshare.kit.rules.TableUnderTest.entrySize;
import static org.memshare.kit.rules.TableUnderTest.hex;
import static org.memshare.kit.rules.TableUnderTest.mode;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.memshare.api.arch.PageTableFormat;
import org.memshare.api.arch.Stage;
import org.memshare.api.mode.Mode;
import org.memshare.api.pool.PagePool;
import org.memshare.engine.mm.PageTable;
import org.memshare.engine.mm.TableMemory;
import org.memshare.engine.pool.DefaultPagePool;
import org.memshare.kit.ArchUnderTest;
import org.memshare.kit.ConformanceRule;
import org.memshare.kit.RuleDisplayNames;

/**
 * POOL rules: the page pool's contracts (Hafnium's {@code mpool}, the api's {@code PagePool}),
 * checked on pools of the pool factory under test ({@code memshare.pool.factory}; the engine's
 * own pool by default), and that page tables of the plugin's format leak no page of their pool.
 * All are required.
 *
 * <p>A failure names the operation, the addresses in hex and the pool's free count.
 */
@DisplayNameGeneration(RuleDisplayNames.class)
public class PoolRules {
    /** Where the rules' pools start: aligned to 16 pages. */
    private static final long BASE = TableUnderTest.POOL_BASE;
    /** A second and a third chunk, far from the first. */
    private static final long SECOND = BASE + 0x10_0000L;
    private static final long THIRD = BASE + 0x20_0000L;
    /** Operations of the no-leak rule, per stage. */
    static final int OPERATIONS = 300;

    private static void assertAlloc(PagePool pool, long expected, String why) {
        long actual = pool.alloc();
        assertEquals(hex(expected), hex(actual), "alloc() of " + pool + ": " + why);
    }

    private static void assertFree(PagePool pool, long expected, String after) {
        assertEquals(expected, pool.freeCount(), "free count of " + pool + " after " + after);
    }

    /**
     * POOL-1: {@code alloc} takes from the free list first, most recently freed first, then from
     * the chunks, most recently added first, each from its start; an empty pool answers
     * {@code NO_ENTRY} (mpool_test's "allocation" and "freeing").
     *
     * <p>When it fails: the pool's free list and chunk order; the order decides which pages
     * tables land on, and so the entries of every table dump.
     */
    @ConformanceRule(id = "POOL-1", title = "alloc takes the free list first, newest first, then chunks newest first")
    void pool1AllocOrder(ArchUnderTest under) {
        PagePool pool = under.newPool(BASE, 4);
        assertEquals(PAGE, pool.entrySize(), "entry size of " + pool);
        assertFree(pool, 4, "adding a chunk of 4 pages");
        assertAlloc(pool, BASE, "the chunk is used from its start");
        assertAlloc(pool, BASE + PAGE, "the chunk is used in order");
        assertTrue(pool.addChunk(SECOND, 2 * PAGE), "addChunk(" + hex(SECOND) + ", 2 pages) refused");
        assertFree(pool, 4, "two allocations and a chunk of 2 pages");
        assertAlloc(pool, SECOND, "the newest chunk is used first");
        assertAlloc(pool, SECOND + PAGE, "the newest chunk is used first");
        assertAlloc(pool, BASE + 2 * PAGE, "then the older chunk");
        assertAlloc(pool, BASE + 3 * PAGE, "then the older chunk");
        assertAlloc(pool, PagePool.NO_ENTRY, "the pool is empty");
        assertFree(pool, 0, "taking every page");

        pool.free(BASE + PAGE);
        pool.free(SECOND);
        assertFree(pool, 2, "freeing two pages");
        assertAlloc(pool, SECOND, "the free list hands out the page freed last first");
        assertAlloc(pool, BASE + PAGE, "then the one before");
        assertAlloc(pool, PagePool.NO_ENTRY, "the pool is empty again");

        assertTrue(pool.addChunk(THIRD, 2 * PAGE), "addChunk(" + hex(THIRD) + ", 2 pages) refused");
        pool.free(BASE);
        assertAlloc(pool, BASE, "the free list comes before the chunks");
        assertAlloc(pool, THIRD, "then the chunks");
    }

    /**
     * POOL-2: the free count is the free list plus the whole pages left in the chunks; a chunk's
     * begin is rounded up and its end down to a page and a chunk with no whole page is refused;
     * draining a pool hands out every page exactly once, and pages freed back are all handed out
     * again.
     *
     * <p>When it fails: {@code addChunk}'s rounding, {@code freeCount}, and pages handed out twice.
     */
    @ConformanceRule(id = "POOL-2", title = "the free count is exact and every page is handed out exactly once")
    void pool2FreeCountAndEveryPageOnce(ArchUnderTest under) {
        PagePool empty = under.newPool(BASE, 0);
        assertFree(empty, 0, "creating an empty pool");
        assertAlloc(empty, PagePool.NO_ENTRY, "an empty pool has nothing");
        assertFalse(empty.addChunk(BASE, PAGE - 1), "addChunk(" + hex(BASE) + ", " + hex(PAGE - 1)
                + ") holds no whole page and must be refused");
        assertFalse(empty.addChunk(BASE + 8, PAGE + 4), "addChunk(" + hex(BASE + 8) + ", " + hex(PAGE + 4)
                + ") holds no whole page once rounded and must be refused");
        assertFree(empty, 0, "refused chunks");
        assertTrue(empty.addChunk(BASE + 8, 4 * PAGE), "addChunk(" + hex(BASE + 8) + ", 4 pages) refused");
        assertFree(empty, 3, "addChunk(" + hex(BASE + 8) + ", 4 pages): the begin rounds up, the end down");
        assertAlloc(empty, BASE + PAGE, "the rounded chunk starts at the next page");

        int pages = 37;
        PagePool pool = under.newPool(BASE, pages);
        assertFree(pool, pages, "a chunk of " + pages + " pages");
        List<Long> taken = drain(pool, pages);
        assertEquals(pages, taken.size(), "pages handed out by a pool of " + pages);
        Set<Long> expected = new HashSet<>();
        for (int i = 0; i < pages; i++) {
            expected.add(BASE + i * PAGE);
        }
        assertEquals(expected, new HashSet<>(taken), "a drained pool must hand out each of its pages once");
        for (long page : taken) {
            pool.free(page);
        }
        assertFree(pool, pages, "freeing every page back");
        assertEquals(expected, new HashSet<>(drain(pool, pages)), "the pages freed back must all come out again");
    }

    private static List<Long> drain(PagePool pool, int most) {
        List<Long> taken = new ArrayList<>();
        for (long page = pool.alloc(); page != PagePool.NO_ENTRY; page = pool.alloc()) {
            taken.add(page);
            if (taken.size() > most) {
                fail(pool + " handed out more than the " + most + " pages it was given: " + taken.size() + " ("
                        + hex(page) + " last)");
            }
            if (pool.freeCount() != most - taken.size() && most >= taken.size()) {
                fail("free count of " + pool + " is " + pool.freeCount() + " after " + taken.size() + " of its " + most
                        + " pages were taken");
            }
        }
        return taken;
    }

    /**
     * POOL-3: {@code allocContiguous(count, align)} takes an aligned run from the chunks only,
     * never from the free list; the pages skipped to reach the alignment stay in the pool as a
     * chunk of their own, in the place of the chunk they came from (so the next run that fits
     * them comes from them); a run that fits nowhere takes nothing (mpool_test's
     * "alloc_contiguous").
     *
     * <p>When it fails: the contiguous allocation's alignment and its handling of the gap.
     */
    @ConformanceRule(id = "POOL-3", title = "contiguous allocation comes from chunks only, keeping the alignment gap")
    void pool3AllocContiguous(ArchUnderTest under) {
        PagePool pool = under.newPool(BASE, 16);
        assertAlloc(pool, BASE, "the chunk is used from its start");
        assertAlloc(pool, BASE + PAGE, "the chunk is used in order");
        long run = pool.allocContiguous(5, 4);
        assertEquals(hex(BASE + 4 * PAGE), hex(run), "allocContiguous(5, 4) with the chunk starting at "
                + hex(BASE + 2 * PAGE) + ": two pages are skipped to reach a 4-page boundary");
        assertFree(pool, 9, "allocContiguous(5, 4): the 2 skipped pages stay in the pool");
        pool.free(BASE);
        long pair = pool.allocContiguous(2, 1);
        assertEquals(hex(BASE + 2 * PAGE), hex(pair), "allocContiguous(2, 1): the two skipped pages are a chunk of"
                + " their own, in the place of the chunk they came from, and the freed page " + hex(BASE)
                + " is not a chunk");
        assertEquals(hex(PagePool.NO_ENTRY), hex(pool.allocContiguous(8, 1)),
                "allocContiguous(8, 1) with 7 pages left in chunks and 1 on the free list");
        assertFree(pool, 8, "a contiguous allocation that fits nowhere");
        assertEquals(hex(BASE + 9 * PAGE), hex(pool.allocContiguous(7, 1)), "allocContiguous(7, 1): the rest of the chunk");
        assertEquals(hex(PagePool.NO_ENTRY), hex(pool.allocContiguous(1, 1)),
                "allocContiguous(1, 1) with only the free list holding a page: runs come from chunks only");
        assertFree(pool, 1, "draining the chunks");
        assertAlloc(pool, BASE, "the free list still has the page");

        PagePool shifted = under.newPool(BASE + PAGE, 4);
        assertEquals(hex(PagePool.NO_ENTRY), hex(shifted.allocContiguous(4, 8)),
                "allocContiguous(4, 8) from a chunk of 4 pages at " + hex(BASE + PAGE) + ": the alignment pushes the run"
                        + " past the chunk");
        assertEquals(hex(PagePool.NO_ENTRY), hex(shifted.allocContiguous(5, 1)), "allocContiguous(5, 1) from 4 pages");
        assertFree(shifted, 4, "contiguous allocations that fit nowhere");
        assertEquals(hex(BASE + PAGE), hex(shifted.allocContiguous(4, 1)), "allocContiguous(4, 1) takes the whole chunk");
        assertFree(shifted, 0, "taking the whole chunk");
    }

    /**
     * POOL-4: the pool serves as a fallback: a pool with it as fallback ({@code mpool}'s
     * {@code init_with_fallback}) hands out its pages, single and contiguous, without counting
     * them as its own; {@code fini} of that pool hands every page it holds back to it; and
     * {@code fini} of a pool without a fallback keeps everything.
     *
     * <p>When it fails: {@code free} and {@code addChunk} of the pool as they receive pages back,
     * and {@code fini} without a fallback.
     */
    @ConformanceRule(id = "POOL-4", title = "the pool serves as a fallback, and fini hands everything back to it")
    void pool4Fallback(ArchUnderTest under) {
        PagePool fallback = under.newPool(BASE, 8);
        DefaultPagePool local = DefaultPagePool.withFallback(fallback);
        assertAlloc(local, BASE, "an empty pool with a fallback takes from the fallback");
        assertFree(local, 0, "an allocation through the fallback (the fallback's pages are not its own)");
        assertFree(fallback, 7, "an allocation through the fallback");
        assertEquals(hex(BASE + 2 * PAGE), hex(local.allocContiguous(2, 2)),
                "allocContiguous(2, 2) through the fallback, whose chunk starts at " + hex(BASE + PAGE));
        assertFree(fallback, 5, "a contiguous allocation through the fallback");
        local.free(BASE);
        local.free(BASE + 2 * PAGE);
        local.free(BASE + 3 * PAGE);
        assertFree(local, 3, "freeing three pages into the pool with the fallback");
        assertFree(fallback, 5, "freeing into the pool with the fallback (the pages stay there until fini)");
        local.fini();
        assertFree(local, 0, "fini");
        assertFree(fallback, 8, "fini of the pool it is the fallback of");
        Set<Long> all = new HashSet<>();
        for (int i = 0; i < 8; i++) {
            all.add(BASE + i * PAGE);
        }
        fallback.fini();
        assertFree(fallback, 8, "fini of a pool without a fallback (it keeps everything)");
        assertEquals(all, new HashSet<>(drain(fallback, 8)), "after fini gave everything back, every page comes out once");
    }

    /**
     * POOL-5: a page table takes its root tables from the pool as one run aligned to the root
     * count (a single page when there is one root), fails cleanly (taking nothing) when the pool
     * has no such run, and {@code fini} gives the roots back; at both stages.
     *
     * <p>When it fails: {@code rootTableCount}, and the pool's contiguous allocation.
     */
    @ConformanceRule(id = "POOL-5", title = "a table's roots are one aligned run from the pool, given back by fini")
    void pool5RootTables(ArchUnderTest under) {
        for (Stage stage : List.of(Stage.STAGE2, Stage.STAGE1)) {
            var arch = under.arch();
            PageTableFormat format = arch.format();
            int roots = format.rootTableCount(stage);
            String what = under + " " + TableUnderTest.stageName(stage) + " (" + roots + " root tables)";
            PagePool pool = under.newPool(BASE + PAGE, 2L * roots);
            PageTable table = PageTable.create(format, stage, new TableMemory(), arch.tlb(), 1, pool)
                    .orElseThrow(() -> new AssertionError(what + ": no table from a pool of " + 2 * roots + " pages"));
            long root = table.rootAddress();
            assertEquals(0, Long.remainderUnsigned(root, roots * PAGE), what + ": root " + hex(root)
                    + " is not aligned to the root count");
            assertTrue(Long.compareUnsigned(root, BASE + PAGE) >= 0
                    && Long.compareUnsigned(root + roots * PAGE, BASE + PAGE + 2L * roots * PAGE) <= 0,
                    what + ": root " + hex(root) + " is not in the pool's chunk");
            assertFree(pool, roots, what + ": creating the table");
            table.fini(pool);
            assertFree(pool, 2L * roots, what + ": fini of the table");

            if (roots > 1) {
                PagePool misaligned = under.newPool(BASE + PAGE, roots);
                assertTrue(PageTable.create(format, stage, new TableMemory(), arch.tlb(), 1, misaligned).isEmpty(),
                        what + ": a table was made from " + roots + " pages that hold no aligned run");
                assertFree(misaligned, roots, what + ": a table that could not be made");
            }
        }
    }

    /**
     * POOL-6: no leak. Seeded random sequences of a few hundred operations on a table of the
     * plugin's format, at stage 2 and stage 1 (maps and unmaps of pages, blocks and unaligned
     * ranges in every mode, prepares with and without their commit, maps that run out of memory,
     * defrags): after every operation the pool's free count plus the tables the table holds is
     * what the pool was given, and unmapping everything then defragmenting gives the pool back
     * every page but the roots, and {@code fini} the roots too.
     *
     * <p>When it fails: the message gives the seed and the operations up to the one that lost (or
     * doubled) a page. Look at the pool's {@code free} and {@code freeCount}, and at
     * {@code tableAddress}, which decides which page a freed table returns.
     */
    @ConformanceRule(id = "POOL-6", title = "no leak: after any operations, unmapping everything and defrag give every page back")
    void pool6NoLeak(ArchUnderTest under) {
        for (Stage stage : List.of(Stage.STAGE2, Stage.STAGE1)) {
            long seed = under.seed() * 31 + stage.ordinal();
            new LeakRun(under, stage, seed).run();
        }
    }

    /** One seeded sequence of operations and its accounting. */
    private static final class LeakRun {
        private static final int KEPT_OPERATIONS = 12;
        private final TableUnderTest t;
        private final Random random;
        private final long seed;
        private final long[] hotSpots;
        private final int[] modes;
        private final Deque<String> recent = new ArrayDeque<>();
        private final List<Long> held = new ArrayList<>();

        LeakRun(ArchUnderTest under, Stage stage, long seed) {
            this.t = TableUnderTest.create(under, stage, 256);
            this.seed = seed;
            this.random = new Random(seed);
            long end = t.end();
            long rootEntry = entrySize(t.maxLevel());
            // Places where entries of every level meet: the start, block boundaries, the end.
            this.hotSpots = new long[] {0, 5 * entrySize(1), rootEntry - 3 * PAGE, rootEntry + 7 * entrySize(1),
                end - entrySize(1), end - 9 * PAGE};
            this.modes = stage == Stage.STAGE2
                    ? new int[] {Mode.R | Mode.W | Mode.X, Mode.R, Mode.R | Mode.W, Mode.INVALID | Mode.R | Mode.W | Mode.X,
                        Mode.INVALID | Mode.SHARED | Mode.R, Mode.R | Mode.W | Mode.SHARED, Mode.UNMAPPED_MASK}
                    : new int[] {Mode.R | Mode.W, Mode.R, Mode.R | Mode.X, Mode.UNMAPPED_MASK};
        }

        void run() {
            for (int i = 0; i < OPERATIONS; i++) {
                String operation = step();
                recent.addLast("#" + i + " " + operation);
                if (recent.size() > KEPT_OPERATIONS) {
                    recent.removeFirst();
                }
                check("operation #" + i);
            }
            t.mustUnmap(0, t.end());
            t.defrag();
            long expected = t.poolPages - t.roots();
            if (t.pool.freeCount() != expected) {
                fail(t + ": after " + OPERATIONS + " operations (seed " + seed + "), unmapping everything and defrag,"
                        + " the pool holds " + t.pool.freeCount() + " pages; it must hold every page but the "
                        + t.roots() + " roots: " + expected + " (" + (expected - t.pool.freeCount())
                        + " leaked); the walker still sees " + t.shape().size() + " entries; last operations: "
                        + String.join("; ", recent));
            }
            t.table.fini(t.pool);
            assertEquals(t.poolPages, t.pool.freeCount(), t + ": after fini of the table (seed " + seed
                    + ") the pool must hold every page it was given");
        }

        /** Pool pages + tables held + pages held aside must be what the pool was given. */
        private void check(String after) {
            long accounted = t.pool.freeCount() + t.tables() + t.roots() + held.size();
            if (accounted != t.poolPages) {
                long lost = t.poolPages - accounted;
                fail(t + ", after " + after + " (seed " + seed + "): the pool holds " + t.pool.freeCount()
                        + " pages and the table " + t.tables() + " tables and " + t.roots() + " roots, so "
                        + Math.abs(lost) + " of the " + t.poolPages + " pages given to the pool are "
                        + (lost > 0 ? "missing (leaked)" : "counted twice (freed twice)") + "; last operations: "
                        + String.join("; ", recent));
            }
        }

        private long begin() {
            long spot = hotSpots[random.nextInt(hotSpots.length)];
            long offset = (random.nextInt(129) - 64) * PAGE;
            long begin = spot + offset;
            if (offset < 0 && Long.compareUnsigned(spot, -offset) < 0) {
                begin = spot;
            }
            return begin + (random.nextInt(8) == 0 ? random.nextInt((int) PAGE) : 0);
        }

        private long size() {
            int kind = random.nextInt(20);
            if (kind < 10) {
                return (1 + random.nextInt(16)) * PAGE;
            }
            if (kind < 16) {
                return (1 + random.nextInt(3)) * entrySize(1) + random.nextInt(4) * PAGE;
            }
            if (kind < 19) {
                return entrySize(Math.min(2, t.maxLevel()));
            }
            return entrySize(t.maxLevel()) + entrySize(1);
        }

        private String step() {
            int kind = random.nextInt(100);
            long begin = begin();
            long end = begin + size();
            int mode = modes[random.nextInt(modes.length)];
            String range = "(" + hex(begin) + ", " + hex(end) + ", " + mode(mode) + ")";
            if (kind < 35) {
                return "map" + range + " -> " + t.map(begin, end, mode);
            }
            if (kind < 50) {
                return "unmap(" + hex(begin) + ", " + hex(end) + ") -> " + t.unmap(begin, end);
            }
            if (kind < 65) {
                boolean prepared = t.prepare(begin, end, mode);
                return "prepare" + range + " -> " + prepared + (prepared ? ", commit -> " + t.commit(begin, end, mode)
                        : "");
            }
            if (kind < 75) {
                return "prepare" + range + " -> " + t.prepare(begin, end, mode) + " (no commit)";
            }
            if (kind < 90) {
                // Leave the pool a page or two short, so the map can run out part way.
                long left = random.nextInt(t.maxLevel() + 1);
                while (t.pool.freeCount() > left && held.size() <= t.poolPages) {
                    long page = t.pool.alloc();
                    if (page == PagePool.NO_ENTRY) {
                        break;
                    }
                    held.add(page);
                }
                String text = "map" + range + " with " + t.pool.freeCount() + " pages in the pool -> "
                        + t.map(begin, end, mode);
                check("the squeezed map " + text);
                for (long page : held) {
                    t.pool.free(page);
                }
                String result = text + ", " + held.size() + " pages freed back";
                held.clear();
                return result;
            }
            t.defrag();
            return "defrag";
        }
    }
}
