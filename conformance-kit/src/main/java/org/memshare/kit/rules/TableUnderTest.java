package org.memshare.kit.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.memshare.api.addr.Addresses;
import org.memshare.api.addr.IntermediatePhysicalAddress;
import org.memshare.api.addr.PhysicalAddress;
import org.memshare.api.arch.PageTableFormat;
import org.memshare.api.arch.Stage;
import org.memshare.api.mode.Mode;
import org.memshare.api.pool.PagePool;
import org.memshare.engine.mm.EntryVisitor;
import org.memshare.engine.mm.PageTable;
import org.memshare.engine.mm.TableMemory;
import org.memshare.kit.ArchUnderTest;

/**
 * One page table of the plugin under test, built directly with the engine's public API from a
 * pool of the pool factory under test, with the readings the PT and POOL rules compare: the
 * mapping as runs of pages (independent of how the tables are shaped), the shape as the entries
 * the walker visits, and the pool's free count.
 */
final class TableUnderTest {
    static final long PAGE = Addresses.PAGE_SIZE;
    /** Where the pool of table pages starts: aligned to any root count up to 16. */
    static final long POOL_BASE = 0x8000_0000L;

    final ArchUnderTest under;
    final PageTableFormat format;
    final Stage stage;
    final PagePool pool;
    final PageTable table;
    /** The pages given to the pool, roots included. */
    final long poolPages;

    private TableUnderTest(ArchUnderTest under, PageTableFormat format, Stage stage, PagePool pool, PageTable table,
            long poolPages) {
        this.under = under;
        this.format = format;
        this.stage = stage;
        this.pool = pool;
        this.table = table;
        this.poolPages = poolPages;
    }

    /** A new empty table of {@code stage} whose pool holds the root tables and {@code extraPages} more. */
    static TableUnderTest create(ArchUnderTest under, Stage stage, long extraPages) {
        var arch = under.arch();
        PageTableFormat format = arch.format();
        long pages = format.rootTableCount(stage) + extraPages;
        PagePool pool = under.newPool(POOL_BASE, pages);
        PageTable table = PageTable.create(format, stage, new TableMemory(), arch.tlb(), 1, pool)
                .orElseThrow(() -> new AssertionError(under + " " + stageName(stage) + ": no table could be made from a"
                        + " pool of " + pages + " pages at " + hex(POOL_BASE) + " (" + format.rootTableCount(stage)
                        + " root tables)"));
        return new TableUnderTest(under, format, stage, pool, table, pages);
    }

    static String stageName(Stage stage) {
        return stage == Stage.STAGE1 ? "stage 1" : "stage 2";
    }

    static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }

    static long entrySize(int level) {
        return Addresses.entrySize(level);
    }

    /** The mode in words and in hex: {@code R|W (0x3)}. */
    static String mode(int mode) {
        return Mode.describe(mode) + " (" + hex(mode) + ")";
    }

    @Override
    public String toString() {
        return under + " " + stageName(stage);
    }

    // ---------------------------------------------------------------- geometry

    int maxLevel() {
        return format.maxLevel(stage);
    }

    int roots() {
        return format.rootTableCount(stage);
    }

    long end() {
        return PageTable.addressSpaceEnd(format, stage);
    }

    /** The highest level at or below {@code level} where a block may stand (level 0 at least, by ARCH-1). */
    int blockLevelAtOrBelow(int level) {
        int l = level;
        while (l > 0 && !format.isBlockAllowed(l)) {
            l--;
        }
        return l;
    }

    /** The highest level of this stage where a block may stand. */
    int topBlockLevel() {
        return blockLevelAtOrBelow(maxLevel());
    }

    /**
     * A page inside the entry of {@code level} at {@code base} whose index is neither the first
     * nor the last at every level below, so a split of that entry goes through every level.
     */
    static long pageInside(long base, int level) {
        long page = base;
        for (int l = 0; l < level; l++) {
            page += (5 + 7L * l) * entrySize(l);
        }
        return page;
    }

    // ---------------------------------------------------------------- operations

    long attrs(int mode) {
        return stage == Stage.STAGE1 ? format.modeToStage1Attrs(mode) : format.modeToStage2Attrs(mode);
    }

    boolean map(long begin, long end, int mode) {
        return table.map(PhysicalAddress.of(begin), PhysicalAddress.of(end), mode, pool);
    }

    boolean unmap(long begin, long end) {
        return table.unmap(PhysicalAddress.of(begin), PhysicalAddress.of(end), pool);
    }

    boolean prepare(long begin, long end, int mode) {
        return table.prepare(PhysicalAddress.of(begin), PhysicalAddress.of(end), mode, pool);
    }

    boolean commit(long begin, long end, int mode) {
        return table.commit(PhysicalAddress.of(begin), PhysicalAddress.of(end), mode, pool);
    }

    void defrag() {
        table.defrag(pool);
    }

    OptionalInt modeOf(long begin, long end) {
        return table.mode(IntermediatePhysicalAddress.of(begin), IntermediatePhysicalAddress.of(end));
    }

    /** Maps and fails the rule, naming the operation, if the map reports running out of memory. */
    void mustMap(long begin, long end, int mode) {
        if (!map(begin, end, mode)) {
            fail(this + ": map(" + hex(begin) + ", " + hex(end) + ", " + mode(mode) + ") failed with "
                    + pool.freeCount() + " pages left in the pool; it needs far fewer");
        }
    }

    void mustUnmap(long begin, long end) {
        if (!unmap(begin, end)) {
            fail(this + ": unmap(" + hex(begin) + ", " + hex(end) + ") failed with " + pool.freeCount()
                    + " pages left in the pool; it needs far fewer");
        }
    }

    /** Takes every page the pool still holds (so a later operation can only use what is in the table). */
    List<Long> drain() {
        List<Long> taken = new ArrayList<>();
        for (long page = pool.alloc(); page != PagePool.NO_ENTRY; page = pool.alloc()) {
            taken.add(page);
            if (taken.size() > poolPages) {
                fail(this + ": the pool handed out more pages (" + taken.size() + ") than it was given (" + poolPages
                        + ")");
            }
        }
        return taken;
    }

    // ---------------------------------------------------------------- readings

    /**
     * A run of pages mapped alike: input {@code [begin, end)} to output {@code output}, with
     * {@code attrs}.
     */
    record Run(long begin, long end, long output, long attrs) {
    }

    /** The identity mapping of {@code [begin, end)} with {@code mode}, as {@link #view()} reads it. */
    Run identity(long begin, long end, int mode) {
        return new Run(begin, end, begin, attrs(mode));
    }

    /**
     * What the table maps, whatever its shape: the blocks it holds, in address order, adjacent
     * blocks with equal attributes and contiguous outputs merged into one run. Absent entries are
     * left out; invalid blocks that carry state are runs like any other.
     */
    List<Run> view() {
        List<Run> runs = new ArrayList<>();
        table.visit((level, address, pte, kind) -> {
            if (kind != EntryVisitor.Kind.BLOCK) {
                return;
            }
            long size = entrySize(level);
            long output = format.blockAddress(pte, level);
            long attrs = format.attrs(pte, level);
            int last = runs.size() - 1;
            if (last >= 0) {
                Run previous = runs.get(last);
                if (previous.end() == address && previous.attrs() == attrs
                        && previous.output() + (previous.end() - previous.begin()) == output) {
                    runs.set(last, new Run(previous.begin(), address + size, previous.output(), attrs));
                    return;
                }
            }
            runs.add(new Run(address, address + size, output, attrs));
        });
        return runs;
    }

    /** The runs in words: ranges, outputs, attributes and, at stage 2, modes. */
    String describe(List<Run> runs) {
        if (runs.isEmpty()) {
            return "nothing mapped";
        }
        List<String> lines = new ArrayList<>();
        for (Run run : runs) {
            String text = "[" + hex(run.begin()) + ", " + hex(run.end()) + ") -> " + hex(run.output()) + " attrs "
                    + hex(run.attrs());
            if (stage == Stage.STAGE2) {
                text += " mode " + mode(format.stage2AttrsToMode(run.attrs()));
            }
            lines.add(text);
        }
        return String.join("; ", lines);
    }

    /** Asserts the table maps exactly {@code expected}, saying after what. */
    void assertView(List<Run> expected, String after) {
        List<Run> actual = view();
        if (!expected.equals(actual)) {
            fail(this + ", after " + after + ": the table maps " + describe(actual) + "; expected " + describe(expected));
        }
    }

    /**
     * The entries the walker visits, one line each: level, first address, kind and, for blocks,
     * output and attributes (a table entry's own bits are left out, so two tables built alike
     * from different pools read the same).
     */
    List<String> shape() {
        List<String> lines = new ArrayList<>();
        table.visit((level, address, pte, kind) -> lines.add(shapeLine(level, address, pte, kind)));
        return lines;
    }

    String shapeLine(int level, long address, long pte, EntryVisitor.Kind kind) {
        if (kind == EntryVisitor.Kind.BLOCK) {
            return blockLine(level, address, format.blockAddress(pte, level), format.attrs(pte, level));
        }
        String line = tableLine(level, address);
        return kind == EntryVisitor.Kind.TABLE ? line : "level " + level + " " + hex(address) + " OTHER entry " + hex(pte);
    }

    /** The {@link #shape()} line of a table entry. */
    static String tableLine(int level, long address) {
        return "level " + level + " " + hex(address) + " TABLE";
    }

    /** The {@link #shape()} line of a block. */
    static String blockLine(int level, long address, long output, long attrs) {
        return "level " + level + " " + hex(address) + " BLOCK -> " + hex(output) + " attrs " + hex(attrs);
    }

    /** The raw entries the walker visits, tables included: equal exactly when no present entry changed. */
    List<String> dump() {
        List<String> lines = new ArrayList<>();
        table.visit((level, address, pte, kind) -> lines.add("level " + level + " " + hex(address) + " " + kind + " "
                + hex(pte)));
        return lines;
    }

    /** How many table entries the walker sees below the roots: the pages the table holds besides its roots. */
    long tables() {
        long[] count = {0};
        table.visit((level, address, pte, kind) -> {
            if (kind == EntryVisitor.Kind.TABLE) {
                count[0]++;
            }
        });
        return count[0];
    }

    /** Asserts the walker visits nothing, naming the first few entries it does visit. */
    void assertNothingPresent(String after) {
        List<String> present = shape();
        if (!present.isEmpty()) {
            fail(this + ", after " + after + ": " + present.size() + " entries are still present, first "
                    + present.subList(0, Math.min(6, present.size())));
        }
    }

    /** Asserts the dump is {@code before}, naming the first line that differs. */
    void assertUnchanged(List<String> before, String after) {
        List<String> now = dump();
        for (int i = 0; i < Math.min(before.size(), now.size()); i++) {
            if (!before.get(i).equals(now.get(i))) {
                fail(this + ", after " + after + ": the table changed; first difference: " + now.get(i) + " was "
                        + before.get(i));
            }
        }
        assertEquals(before.size(), now.size(), () -> this + ", after " + after + ": the table changed: it had "
                + before.size() + " present entries, now " + now.size() + (now.size() > before.size()
                        ? "; first new: " + now.get(before.size()) : "; first gone: " + before.get(now.size())));
    }

    /** Asserts the pool holds {@code expected} pages, saying after what and why that many. */
    void assertFree(long expected, String after, String why) {
        long actual = pool.freeCount();
        if (actual != expected) {
            fail(this + ", after " + after + ": the pool holds " + actual + " pages, expected " + expected + " (" + why
                    + "); the table holds " + tables() + " tables below its " + roots() + " roots");
        }
    }

    /** The mode an absent entry reads as at stage 2: the format's own absent entry through its attributes. */
    int absentMode() {
        int level = maxLevel();
        return format.stage2AttrsToMode(format.attrs(format.absentPte(level), level));
    }

    /** A new, empty model of the identity mapping this table should hold. */
    Expected expect() {
        return new Expected();
    }

    /**
     * The identity mapping a table should hold, kept as page-aligned runs: what {@link #view()}
     * must read after the same maps and unmaps succeed.
     */
    final class Expected {
        private final List<Run> runs = new ArrayList<>();

        /** Maps {@code [begin, end)} (page aligned, begin below end) with {@code mode}. */
        Expected map(long begin, long end, int mode) {
            cut(begin, end);
            runs.add(new Run(begin, end, begin, attrs(mode)));
            return this;
        }

        /** Unmaps {@code [begin, end)}. */
        Expected unmap(long begin, long end) {
            cut(begin, end);
            return this;
        }

        private void cut(long begin, long end) {
            List<Run> kept = new ArrayList<>();
            for (Run run : runs) {
                if (Long.compareUnsigned(run.begin(), begin) < 0) {
                    long stop = Long.compareUnsigned(run.end(), begin) < 0 ? run.end() : begin;
                    kept.add(new Run(run.begin(), stop, run.begin(), run.attrs()));
                }
                if (Long.compareUnsigned(run.end(), end) > 0) {
                    long start = Long.compareUnsigned(run.begin(), end) > 0 ? run.begin() : end;
                    kept.add(new Run(start, run.end(), start, run.attrs()));
                }
            }
            runs.clear();
            runs.addAll(kept);
        }

        /** The runs, in address order, neighbours with equal attributes merged, as {@link #view()} reads them. */
        List<Run> runs() {
            List<Run> sorted = new ArrayList<>(runs);
            sorted.sort((a, b) -> Long.compareUnsigned(a.begin(), b.begin()));
            List<Run> merged = new ArrayList<>();
            for (Run run : sorted) {
                int last = merged.size() - 1;
                if (last >= 0 && merged.get(last).end() == run.begin() && merged.get(last).attrs() == run.attrs()) {
                    merged.set(last, new Run(merged.get(last).begin(), run.end(), merged.get(last).begin(), run.attrs()));
                } else {
                    merged.add(run);
                }
            }
            return merged;
        }
    }
}
