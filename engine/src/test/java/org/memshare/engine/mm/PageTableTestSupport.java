package org.memshare.engine.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.memshare.api.addr.Addresses;
import org.memshare.api.addr.IntermediatePhysicalAddress;
import org.memshare.api.addr.PhysicalAddress;
import org.memshare.api.arch.PageTableFormat;
import org.memshare.api.arch.Stage;
import org.memshare.api.arch.TlbMaintenance;
import org.memshare.api.mode.Mode;
import org.memshare.arch.fake.FakeArchPlugin;
import org.memshare.engine.pool.DefaultPagePool;

/**
 * Shared fixture for the stage-2 page-table tests on the fake arch: a pool of 16 pages (the
 * reference fixture's heap), a fresh table built from it, and helpers that read the raw tables.
 * After every test the table is torn down and the pool must have all 16 pages again, so no test
 * may leak a table.
 */
abstract class PageTableTestSupport {

    static final PageTableFormat FORMAT = FakeArchPlugin.format();
    static final long PAGE = Addresses.PAGE_SIZE;
    static final int ENTRIES = Addresses.ENTRIES_PER_TABLE;
    /** The root level's entries are tables of this level. */
    static final int TOP_LEVEL = 2;
    /** The end of the stage-2 address space of the fake arch: 4 root tables of 512 GiB. */
    static final long VM_MEM_END = 0x200_0000_0000L;
    /** Where the simulated heap of table pages starts (aligned to the 4-page root). */
    static final long HEAP_BASE = 0x8000_0000L;
    static final int HEAP_PAGES = 16;
    static final int ROOT_TABLES = 4;
    /** The mode an absent entry reads as. */
    static final int ABSENT_MODE = Mode.INVALID | Mode.UNOWNED | Mode.SHARED;

    DefaultPagePool pool;
    TableMemory memory;
    PageTable table;

    @BeforeEach
    void createTableFromSixteenPageHeap() {
        pool = DefaultPagePool.create(PAGE);
        assertTrue(pool.addChunk(HEAP_BASE, HEAP_PAGES * PAGE));
        memory = new TableMemory();
        table = PageTable.create(FORMAT, Stage.STAGE2, memory, TlbMaintenance.NONE, 1, pool).orElseThrow();
    }

    @AfterEach
    void finiReturnsEveryPageToThePool() {
        table.fini(pool);
        assertEquals(HEAP_PAGES, pool.freeCount(), "pages in the pool after fini: a table leaked or was freed twice");
    }

    // ------------------------------------------------------------ operations

    static PhysicalAddress pa(long address) {
        return PhysicalAddress.of(address);
    }

    static IntermediatePhysicalAddress ipa(long address) {
        return IntermediatePhysicalAddress.of(address);
    }

    static long entrySize(int level) {
        return Addresses.entrySize(level);
    }

    boolean map(long begin, long end, int mode) {
        return table.map(pa(begin), pa(end), mode, pool);
    }

    boolean unmap(long begin, long end) {
        return table.unmap(pa(begin), pa(end), pool);
    }

    OptionalInt modeOf(long begin, long end) {
        return table.mode(ipa(begin), ipa(end));
    }

    /** Whether the page holding {@code address} reads as one valid mode. */
    boolean isMapped(long address) {
        OptionalInt mode = modeOf(address, address + 1);
        return mode.isPresent() && (mode.getAsInt() & Mode.INVALID) == 0;
    }

    // ------------------------------------------------------------ raw table access

    static long absent(int level) {
        return FORMAT.absentPte(level);
    }

    static long attrs(int mode) {
        return FORMAT.modeToStage2Attrs(mode);
    }

    /** The index of {@code address}'s entry in a table at {@code level}; level 3 picks the root table. */
    static int indexAt(long address, int level) {
        return (int) ((address >>> (Addresses.PAGE_BITS + level * Addresses.PAGE_LEVEL_BITS)) & (ENTRIES - 1));
    }

    /** The entries of root table {@code i}. */
    long[] root(int i) {
        return table.entriesAt(table.rootAddress() + i * PAGE);
    }

    /** The entries of the table {@code pte} (a table entry at {@code level}) points at. */
    long[] below(long pte, int level) {
        assertTrue(FORMAT.isTable(pte, level), () -> "not a table at level " + level + ": 0x" + Long.toHexString(pte));
        return table.entriesAt(FORMAT.tableAddress(pte, level));
    }

    /** The level-0 table that holds the page at {@code address}, asserting a table at every level above. */
    long[] leafTableOf(long address) {
        long[] level2 = root(indexAt(address, 3));
        long[] level1 = below(level2[indexAt(address, 2)], 2);
        return below(level1[indexAt(address, 1)], 1);
    }

    static void assertAbsent(long[] entries, int from, int to, int level) {
        for (int k = from; k < to; k++) {
            assertEquals(absent(level), entries[k], "entry " + k + " at level " + level + " should be absent");
        }
    }

    static void assertAllAbsent(long[] entries, int level) {
        assertAbsent(entries, 0, entries.length, level);
    }

    void assertRootAbsent(int i) {
        assertAllAbsent(root(i), TOP_LEVEL);
    }

    void assertEverythingAbsent() {
        for (int r = 0; r < ROOT_TABLES; r++) {
            assertRootAbsent(r);
        }
    }

    /** Asserts {@code pte} is a block at {@code level} for {@code address} with {@code mode}'s attributes. */
    static void assertBlock(long pte, int level, long address, int mode) {
        assertTrue(FORMAT.isBlock(pte, level), () -> "not a block at level " + level + ": 0x" + Long.toHexString(pte));
        assertEquals(address, FORMAT.blockAddress(pte, level), "block address");
        assertEquals(attrs(mode), FORMAT.attrs(pte, level), "block attributes");
        assertEquals(FORMAT.blockPte(level, address, attrs(mode)), pte, "raw block entry");
    }

    /** Asserts every root entry is a top-level block (the whole space mapped at the coarsest level). */
    void assertEveryRootEntryIsATopLevelBlock() {
        for (int r = 0; r < ROOT_TABLES; r++) {
            long[] entries = root(r);
            for (int k = 0; k < ENTRIES; k++) {
                assertTrue(FORMAT.isBlock(entries[k], TOP_LEVEL), "root " + r + " entry " + k + " is not a block");
            }
        }
    }

    /** Asserts every root entry is a top-level block of the given mode at its own address. */
    void assertEveryRootEntryIsATopLevelBlock(int mode) {
        for (int r = 0; r < ROOT_TABLES; r++) {
            long[] entries = root(r);
            for (int k = 0; k < ENTRIES; k++) {
                assertBlock(entries[k], TOP_LEVEL, r * entrySize(TOP_LEVEL + 1) + k * entrySize(TOP_LEVEL), mode);
            }
        }
    }

    /**
     * Asserts that, at levels 2 and 1, the only non-absent entries are the tables on the paths
     * down to the pages holding {@code addresses}; what the level-0 tables hold is left to the
     * caller (see {@link #leafTableOf}).
     */
    void assertOnlyTablesOnPathsTo(long... addresses) {
        for (int r = 0; r < ROOT_TABLES; r++) {
            long[] level2 = root(r);
            for (int i = 0; i < ENTRIES; i++) {
                long begin2 = r * entrySize(3) + i * entrySize(2);
                if (!anyWithin(addresses, begin2, entrySize(2))) {
                    assertEquals(absent(2), level2[i], "root " + r + " entry " + i + " should be absent");
                    continue;
                }
                long[] level1 = below(level2[i], 2);
                for (int j = 0; j < ENTRIES; j++) {
                    long begin1 = begin2 + j * entrySize(1);
                    if (anyWithin(addresses, begin1, entrySize(1))) {
                        assertTrue(FORMAT.isTable(level1[j], 1), "level-1 entry " + j + " should be a table");
                    } else {
                        assertEquals(absent(1), level1[j], "level-1 entry " + j + " under root " + r + "/" + i);
                    }
                }
            }
        }
    }

    private static boolean anyWithin(long[] addresses, long begin, long size) {
        for (long address : addresses) {
            if (Long.compareUnsigned(address - begin, size) < 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Asserts the table maps exactly the given pages, each as a level-0 page entry with
     * {@code mode}, with nothing else present anywhere.
     */
    void assertExactlyPagesMapped(int mode, long... pages) {
        assertOnlyTablesOnPathsTo(pages);
        for (long page : pages) {
            long[] leaf = leafTableOf(page);
            for (int k = 0; k < ENTRIES; k++) {
                long address = (page & -entrySize(1)) + k * PAGE;
                if (contains(pages, address)) {
                    assertBlock(leaf[k], 0, address, mode);
                } else {
                    assertEquals(absent(0), leaf[k], "page 0x" + Long.toHexString(address) + " should be absent");
                }
            }
        }
    }

    private static boolean contains(long[] values, long value) {
        for (long v : values) {
            if (v == value) {
                return true;
            }
        }
        return false;
    }

    /**
     * A dump of every root entry and every present entry below, with level and address, so two
     * dumps are equal exactly when the table did not change.
     */
    List<String> dump() {
        List<String> lines = new ArrayList<>();
        for (int r = 0; r < ROOT_TABLES; r++) {
            long[] entries = root(r);
            for (int k = 0; k < ENTRIES; k++) {
                lines.add("root " + r + "[" + k + "] " + Long.toHexString(entries[k]));
            }
        }
        table.visit((level, address, pte, kind) -> lines.add(level + " " + Long.toHexString(address) + " "
                + Long.toHexString(pte) + " " + kind));
        return lines;
    }

    /** Asserts the table is exactly as {@code before} (a {@link #dump}), naming the first difference. */
    void assertUnchangedSince(List<String> before) {
        List<String> after = dump();
        for (int i = 0; i < Math.min(before.size(), after.size()); i++) {
            assertEquals(before.get(i), after.get(i), "first changed line of the table dump");
        }
        assertEquals(before.size(), after.size(), "number of lines in the table dump");
    }
}
