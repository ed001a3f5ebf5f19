package org.memshare.kit.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.memshare.kit.rules.TableUnderTest.PAGE;
import static org.memshare.kit.rules.TableUnderTest.entrySize;
import static org.memshare.kit.rules.TableUnderTest.hex;
import static org.memshare.kit.rules.TableUnderTest.mode;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.memshare.api.addr.Addresses;
import org.memshare.api.arch.PageTableFormat;
import org.memshare.api.arch.Stage;
import org.memshare.api.mode.Mode;
import org.memshare.engine.mm.EntryVisitor;
import org.memshare.kit.ArchUnderTest;
import org.memshare.kit.ConformanceRule;
import org.memshare.kit.RuleDisplayNames;

/**
 * PT rules: the page-table contracts of DESIGN.md section 3 (Hafnium's {@code mm.c}), checked
 * over the plugin's own geometry with tables built directly from the engine's {@code PageTable}
 * and pools of the pool factory under test. They generalise the cases of Hafnium's
 * {@code src/mm_test.cc}: every address is computed from the format's entry sizes, levels and
 * root counts, so the rules hold for max levels 1 to 4, any root count and any levels where
 * blocks are disallowed. All are required.
 *
 * <p>A failure names the arch, its configuration and the stage, the operation that led there, and
 * the mapping as runs {@code [begin, end) -> output attrs 0x.. mode NAME (0x..)}.
 */
@DisplayNameGeneration(RuleDisplayNames.class)
public class PageTableRules {
    private static final List<Stage> STAGES = List.of(Stage.STAGE2, Stage.STAGE1);
    /** The stage-2 state of memory lent away: invalid, still owned, with the owner's permissions kept. */
    private static final int LENT = Mode.INVALID | Mode.R | Mode.W | Mode.X;

    /** The mode most rules map with: the owner's full access (at stage 1, read-write). */
    private static int full(Stage stage) {
        return stage == Stage.STAGE2 ? Mode.R | Mode.W | Mode.X : Mode.R | Mode.W;
    }

    /** A second mode, different from {@link #full} at both stages. */
    private static final int OTHER = Mode.R;

    /** The modes blocks are split and kept with: valid ones, and at stage 2 an invalid one carrying ownership. */
    private static List<Integer> blockModes(Stage stage) {
        return stage == Stage.STAGE2 ? List.of(full(stage), LENT) : List.of(full(stage));
    }

    private static String range(String operation, long begin, long end) {
        return operation + "(" + hex(begin) + ", " + hex(end) + ")";
    }

    private static String range(String operation, long begin, long end, int mode) {
        return operation + "(" + hex(begin) + ", " + hex(end) + ", " + mode(mode) + ")";
    }

    /** The shape lines of the tables above {@code level} on the way to {@code address}. */
    private static List<String> pathTo(TableUnderTest t, long address, int level) {
        List<String> lines = new ArrayList<>();
        for (int l = t.maxLevel(); l > level; l--) {
            lines.add(TableUnderTest.tableLine(l, address & -entrySize(l)));
        }
        return lines;
    }

    /** The shape lines of a whole entry at {@code level} mapped at {@code base}: a block, or a table of blocks below. */
    private static List<String> wholeEntry(TableUnderTest t, long base, int level, int mode) {
        List<String> lines = new ArrayList<>();
        if (t.format.isBlockAllowed(level)) {
            lines.add(TableUnderTest.blockLine(level, base, base, t.attrs(mode)));
        } else {
            lines.add(TableUnderTest.tableLine(level, base));
            for (int k = 0; k < Addresses.ENTRIES_PER_TABLE; k++) {
                long address = base + k * entrySize(level - 1);
                lines.add(TableUnderTest.blockLine(level - 1, address, address, t.attrs(mode)));
            }
        }
        return lines;
    }

    private static void assertShape(TableUnderTest t, List<String> expected, String after, String why) {
        List<String> actual = t.shape();
        for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
            if (!expected.get(i).equals(actual.get(i))) {
                fail(t + ", after " + after + ": " + why + "; entry " + i + " the walker visits is " + actual.get(i)
                        + ", expected " + expected.get(i));
            }
        }
        if (expected.size() != actual.size()) {
            fail(t + ", after " + after + ": " + why + "; the walker visits " + actual.size() + " entries, expected "
                    + expected.size() + (actual.size() > expected.size() ? "; first extra: " + actual.get(expected.size())
                            : "; first missing: " + expected.get(actual.size())));
        }
    }

    private static void assertMode(TableUnderTest t, long begin, long end, OptionalInt expected, String after) {
        OptionalInt actual = t.modeOf(begin, end);
        if (!expected.equals(actual)) {
            fail(t + ", after " + after + ": get-mode of [" + hex(begin) + ", " + hex(end) + ") answers "
                    + (actual.isPresent() ? mode(actual.getAsInt()) : "no mode") + ", expected "
                    + (expected.isPresent() ? mode(expected.getAsInt()) : "no mode"));
        }
    }

    // ---------------------------------------------------------------- rules

    /**
     * PT-1: a new table is empty. Its geometry is the format's, every root entry is the format's
     * absent entry, the walker visits nothing, and at stage 2 the whole address space reads as
     * the format's absent mode, which must say "unmapped" (INVALID and UNOWNED).
     *
     * <p>When it fails: {@code absentPte} at the root level, {@code isPresent} of it, and
     * {@code stage2AttrsToMode(attrs(absentPte))}.
     */
    @ConformanceRule(id = "PT-1", title = "a new table is empty and reads as unmapped")
    void pt1NewTableIsEmpty(ArchUnderTest under) {
        for (Stage stage : STAGES) {
            TableUnderTest t = TableUnderTest.create(under, stage, 0);
            PageTableFormat f = t.format;
            assertEquals(f.maxLevel(stage), t.table.maxLevel(), t + ": max level");
            assertEquals(f.rootTableCount(stage), t.table.rootTableCount(), t + ": root table count");
            assertEquals(f.rootTableCount(stage) * entrySize(f.maxLevel(stage) + 1), t.end(),
                    t + ": the address space ends at root count times the root entry size");
            long absent = f.absentPte(t.maxLevel());
            for (int r = 0; r < t.roots(); r++) {
                long[] entries = t.table.entriesAt(t.table.rootAddress() + r * PAGE);
                for (int k = 0; k < entries.length; k++) {
                    if (entries[k] != absent) {
                        fail(t + ": root table " + r + " entry " + k + " of a new table is " + hex(entries[k])
                                + ", not the absent entry " + hex(absent));
                    }
                }
            }
            t.assertNothingPresent("creating the table");
            if (stage == Stage.STAGE2) {
                int absentMode = t.absentMode();
                assertTrue(Mode.isUnmapped(absentMode), t + ": the absent entry " + hex(absent) + " reads as mode "
                        + mode(absentMode) + ", which does not say unmapped (INVALID|UNOWNED)");
                assertMode(t, 0, t.end(), OptionalInt.of(absentMode), "creating the table");
            }
        }
    }

    /**
     * PT-2: a range's begin loses what {@code clearPa} clears (the page offset and any bits an
     * entry cannot hold) and its end is rounded up to a page, so an unaligned range maps the
     * pages it touches, and a range reversed within one page maps that page (mm_test's
     * {@code map_reverse_range_quirk}). A begin with high bits set does exactly what its cleared
     * begin does.
     *
     * <p>When it fails: {@code clearPa}, which must clear the page offset and keep every address
     * bit the address space uses.
     */
    @ConformanceRule(id = "PT-2", title = "a range's begin is cleared with clearPa and its end rounded up to a page")
    void pt2BeginAndEndAreNormalised(ArchUnderTest under) {
        for (Stage stage : STAGES) {
            int mode = full(stage);
            long p = TableUnderTest.pageInside(entrySize(1), 1);
            TableUnderTest t = TableUnderTest.create(under, stage, t0Pages(under, stage));
            t.mustMap(p + 0x123, p + PAGE + 1, mode);
            t.assertView(t.expect().map(p, p + 2 * PAGE, mode).runs(), range("map", p + 0x123, p + PAGE + 1, mode)
                    + " (begin rounds down to its page, end up to the next)");

            TableUnderTest reversed = TableUnderTest.create(under, stage, t0Pages(under, stage));
            reversed.mustMap(p + 20, p + 10, mode);
            reversed.assertView(reversed.expect().map(p, p + PAGE, mode).runs(), range("map", p + 20, p + 10, mode)
                    + " (reversed within one page: the begin clears to the page, the end rounds up past it)");

            for (long high : new long[] {1L << 48, 0x7fL << 48, 1L << 56, 1L << 63}) {
                long begin = p | high;
                long cleared = t.format.clearPa(begin);
                TableUnderTest a = TableUnderTest.create(under, stage, t0Pages(under, stage));
                TableUnderTest b = TableUnderTest.create(under, stage, t0Pages(under, stage));
                boolean mappedA = a.map(begin, p + PAGE, mode);
                boolean mappedB = b.map(cleared, p + PAGE, mode);
                String what = range("map", begin, p + PAGE, mode) + " must do what " + range("map", cleared, p + PAGE, mode)
                        + " does (clearPa(" + hex(begin) + ") = " + hex(cleared) + ")";
                assertEquals(mappedB, mappedA, a + ": " + what + ": one failed, the other did not");
                assertEquals(b.shape(), a.shape(), a + ": " + what + ": the tables differ");
                assertEquals(b.pool.freeCount(), a.pool.freeCount(), a + ": " + what + ": they took different memory");
            }
        }
    }

    /** Enough pages for the tables a few pages need, with room to spare. */
    private static long t0Pages(ArchUnderTest under, Stage stage) {
        return 4L * under.format().maxLevel(stage) + 4;
    }

    /**
     * PT-3: an end past the address space is clamped to it; a range that is empty after
     * normalisation (begin at or after end, wholly beyond the space, or ending at 2^64-1, which
     * rounds up to 0: mm_test's {@code *_last_address_quirk}) maps and unmaps nothing, succeeds
     * and takes no memory. An unmap reversed within one page unmaps that page.
     *
     * <p>When it fails: {@code rootTableCount} and {@code maxLevel} (they set where the address
     * space ends) and {@code clearPa}.
     */
    @ConformanceRule(id = "PT-3", title = "ranges are clamped to the address space, and empty ranges do nothing")
    void pt3ClampedAndEmptyRanges(ArchUnderTest under) {
        for (Stage stage : STAGES) {
            int mode = full(stage);
            long extra = t0Pages(under, stage);
            TableUnderTest t = TableUnderTest.create(under, stage, extra);
            long end = t.end();
            long p = TableUnderTest.pageInside(entrySize(1), 1);
            long[][] nothing = {{p + 3 * PAGE + 0x678, 5 * PAGE}, {p, p}, {end, end + entrySize(t.maxLevel())},
                {end, -1L}, {0, -1L}, {end - PAGE, -1L}};
            for (long[] r : nothing) {
                if (!normalisedEmpty(t, r[0], r[1])) {
                    continue; // clearPa brings this begin back into the space (PT-2 checks that)
                }
                assertTrue(t.map(r[0], r[1], mode), t + ": " + range("map", r[0], r[1], mode)
                        + " failed; a range with nothing to map must succeed");
                t.assertView(List.of(), range("map", r[0], r[1], mode) + ", a range with nothing in the address space"
                        + " (which ends at " + hex(end) + ")");
                t.assertFree(extra, range("map", r[0], r[1], mode), "nothing to map takes no table");
            }

            TableUnderTest clamped = TableUnderTest.create(under, stage, extra);
            clamped.mustMap(end - PAGE, end + entrySize(1), mode);
            clamped.assertView(clamped.expect().map(end - PAGE, end, mode).runs(),
                    range("map", end - PAGE, end + entrySize(1), mode) + " (the end clamps to " + hex(end) + ")");

            int level = t.topBlockLevel();
            long base = entrySize(level);
            long q = TableUnderTest.pageInside(base, level);
            TableUnderTest u = TableUnderTest.create(under, stage, extra);
            u.mustMap(base, base + entrySize(level), mode);
            for (long[] r : new long[][] {{0, -1L}, {end, -1L}, {end, end + PAGE}, {q + PAGE, q}}) {
                if (!normalisedEmpty(u, r[0], r[1])) {
                    continue;
                }
                assertTrue(u.unmap(r[0], r[1]), u + ": " + range("unmap", r[0], r[1]) + " failed");
                u.assertView(u.expect().map(base, base + entrySize(level), mode).runs(), range("unmap", r[0], r[1])
                        + ", a range with nothing to unmap");
            }
            u.mustUnmap(q + 100, q + 50);
            u.assertView(u.expect().map(base, base + entrySize(level), mode).unmap(q, q + PAGE).runs(),
                    range("unmap", q + 100, q + 50) + " (reversed within one page: it unmaps that page)");
        }
    }

    /** Whether {@code [begin, end)} holds nothing once normalised as map does. */
    private static boolean normalisedEmpty(TableUnderTest t, long begin, long end) {
        long rounded = Addresses.roundUpToPage(end);
        long clamped = Long.compareUnsigned(rounded, t.end()) > 0 ? t.end() : rounded;
        return Long.compareUnsigned(t.format.clearPa(begin), clamped) >= 0;
    }

    /**
     * PT-4: mapping a whole, aligned entry at any level makes it a block at that level where the
     * format allows one, and otherwise a table of blocks one level down; the tables above it are
     * one per level, taken from the pool. A single page takes one table per level below the
     * root. (Levels whose blocks would need tables of tables are not tried.)
     *
     * <p>When it fails: {@code isBlockAllowed}, {@code blockPte}, {@code blockAddress},
     * {@code attrs} and {@code tablePte}/{@code tableAddress} at the level named.
     */
    @ConformanceRule(id = "PT-4", title = "a whole aligned entry becomes a block where the level allows, tables where not")
    void pt4WholeEntriesBecomeBlocks(ArchUnderTest under) {
        for (Stage stage : STAGES) {
            for (int mode : blockModes(stage)) {
                int max = under.format().maxLevel(stage);
                for (int level = 0; level <= max; level++) {
                    TableUnderTest t = TableUnderTest.create(under, stage, max + 2);
                    if (t.blockLevelAtOrBelow(level) < level - 1) {
                        continue;
                    }
                    long base = entrySize(level);
                    t.mustMap(base, base + entrySize(level), mode);
                    List<String> expected = pathTo(t, base, level);
                    expected.addAll(wholeEntry(t, base, level, mode));
                    String after = range("map", base, base + entrySize(level), mode);
                    assertShape(t, expected, after, t.format.isBlockAllowed(level)
                            ? "a whole aligned level-" + level + " entry must become one block (blocks are allowed there)"
                            : "a whole aligned level-" + level + " entry must become a table of level-" + (level - 1)
                                    + " blocks (no block is allowed at level " + level + ")");
                    long tables = expected.stream().filter(line -> line.endsWith(" TABLE")).count();
                    t.assertFree(max + 2 - tables, after, tables + " tables, one per level on the way down");
                    t.assertView(t.expect().map(base, base + entrySize(level), mode).runs(), after);
                }
            }
        }
    }

    /**
     * PT-5: changing part of a block (mapping one page inside it with another mode, or unmapping
     * it) splits the block into an equivalent table, level by level down to the page: every other
     * page keeps its own address and mode, and exactly one table per level below the block is
     * taken. Stage-2 invalid blocks that carry ownership state split the same way. Each new entry
     * must be built from its own address (the seed added to the encoded entry instead).
     *
     * <p>When it fails: {@code blockPte} and {@code blockAddress} one level down from the block,
     * and {@code attrs} of the split entries.
     */
    @ConformanceRule(id = "PT-5", title = "a partial change splits a block into an equivalent table")
    void pt5PartialChangesSplitBlocks(ArchUnderTest under) {
        boolean split = false;
        for (Stage stage : STAGES) {
            for (int mode : blockModes(stage)) {
                TableUnderTest t = TableUnderTest.create(under, stage, t0Pages(under, stage));
                int level = t.topBlockLevel();
                if (level == 0) {
                    continue; // only pages: nothing can be split
                }
                split = true;
                long base = entrySize(level);
                long end = base + entrySize(level);
                long q = TableUnderTest.pageInside(base, level);
                t.mustMap(base, end, mode);
                t.mustMap(q, q + PAGE, OTHER);
                String after = range("map", base, end, mode) + " then " + range("map", q, q + PAGE, OTHER);
                t.assertView(t.expect().map(base, end, mode).map(q, q + PAGE, OTHER).runs(), after);
                assertEquals(t.maxLevel(), t.tables(), t + ", after " + after + ": the split of a level-" + level
                        + " block down to one page takes one table per level below it");
                if (stage == Stage.STAGE2) {
                    assertMode(t, base, q, OptionalInt.of(mode), after);
                    assertMode(t, q + PAGE, end, OptionalInt.of(mode), after);
                    assertMode(t, q, q + PAGE, OptionalInt.of(OTHER), after);
                }

                TableUnderTest u = TableUnderTest.create(under, stage, t0Pages(under, stage));
                u.mustMap(base, end, mode);
                u.mustUnmap(q, q + PAGE);
                u.assertView(u.expect().map(base, end, mode).unmap(q, q + PAGE).runs(),
                        range("map", base, end, mode) + " then " + range("unmap", q, q + PAGE));
            }
        }
        Assumptions.assumeTrue(split, under + " allows blocks at level 0 only: no block can be split");
    }

    /**
     * PT-6: mapping what is already mapped identically (a page inside a block of the same mode,
     * the block itself, a page again) changes no entry and takes no memory (mm_test's
     * {@code map_already_mapped}).
     *
     * <p>When it fails: {@code attrs} must give back exactly the attributes {@code blockPte} was
     * given, and {@code isBlock} must hold for the block.
     */
    @ConformanceRule(id = "PT-6", title = "an entry already mapped identically is left alone")
    void pt6AlreadyMappedIsLeftAlone(ArchUnderTest under) {
        for (Stage stage : STAGES) {
            for (int mode : blockModes(stage)) {
                TableUnderTest t = TableUnderTest.create(under, stage, t0Pages(under, stage));
                int level = t.topBlockLevel();
                long base = entrySize(level);
                long end = base + entrySize(level);
                long q = TableUnderTest.pageInside(base, level);
                t.mustMap(base, end, mode);
                List<String> before = t.dump();
                long free = t.pool.freeCount();
                for (long[] r : new long[][] {{q, q + PAGE}, {base, end}, {q, end}}) {
                    String after = range("map", base, end, mode) + " then " + range("map", r[0], r[1], mode);
                    t.mustMap(r[0], r[1], mode);
                    t.assertUnchanged(before, after);
                    t.assertFree(free, after, "mapping what is mapped identically takes no table");
                }

                TableUnderTest pages = TableUnderTest.create(under, stage, t0Pages(under, stage));
                pages.mustMap(q, q + 3 * PAGE, mode);
                List<String> once = pages.dump();
                pages.mustMap(q + PAGE, q + 2 * PAGE, mode);
                pages.assertUnchanged(once, range("map", q, q + 3 * PAGE, mode) + " then "
                        + range("map", q + PAGE, q + 2 * PAGE, mode));
            }
        }
    }

    /**
     * PT-7: map never merges and unmap never removes tables: after a split page is mapped back to
     * the block's mode the table stays (the mapping is whole again, the pool unchanged), and a
     * page unmapped from its tables leaves them in place, empty (mm_test's
     * {@code map_does_not_defrag} and {@code unmap_does_not_defrag}). Only defrag merges.
     *
     * <p>When it fails: this is the engine's contract; look at what the format says of the
     * entries ({@code isTable}, {@code isBlock}, {@code isPresent}).
     */
    @ConformanceRule(id = "PT-7", title = "map never merges and unmap leaves emptied tables")
    void pt7MapNeverMerges(ArchUnderTest under) {
        for (Stage stage : STAGES) {
            int mode = full(stage);
            TableUnderTest t = TableUnderTest.create(under, stage, t0Pages(under, stage));
            int level = t.topBlockLevel();
            long q;
            if (level > 0) {
                long base = entrySize(level);
                long end = base + entrySize(level);
                q = TableUnderTest.pageInside(base, level);
                t.mustMap(base, end, mode);
                t.mustMap(q, q + PAGE, OTHER);
                long tables = t.tables();
                long free = t.pool.freeCount();
                t.mustMap(q, q + PAGE, mode);
                String after = range("map", base, end, mode) + ", " + range("map", q, q + PAGE, OTHER) + ", "
                        + range("map", q, q + PAGE, mode);
                t.assertView(t.expect().map(base, end, mode).runs(), after);
                assertEquals(tables, t.tables(), t + ", after " + after + ": map merged tables; only defrag may");
                t.assertFree(free, after, "map never merges, so no table goes back");
            } else {
                q = TableUnderTest.pageInside(entrySize(1), 1);
            }

            TableUnderTest u = TableUnderTest.create(under, stage, t0Pages(under, stage));
            u.mustMap(q, q + PAGE, mode);
            long free = u.pool.freeCount();
            u.mustUnmap(q, q + PAGE);
            String after = range("map", q, q + PAGE, mode) + " then " + range("unmap", q, q + PAGE);
            u.assertView(List.of(), after);
            assertEquals(u.maxLevel(), u.tables(), u + ", after " + after
                    + ": unmap removed the emptied tables; only defrag may");
            u.assertFree(free, after, "unmap frees no table it only emptied");
        }
    }

    /**
     * PT-8: prepare takes every table a commit of the same range and mode will need and changes
     * no mapping; after successful prepares (disjoint and overlapping ranges, one splitting a
     * block), commits of the same ranges succeed with nothing more in the pool than the prepares
     * left (mm_test's {@code prepare_and_commit_*}).
     *
     * <p>When it fails: a format whose entries read differently before and after a table is put
     * under them ({@code tablePte}, {@code isTable}), or a split that is not equivalent.
     */
    @ConformanceRule(id = "PT-8", title = "prepare changes no mapping and a commit after it cannot fail")
    void pt8PrepareThenCommit(ArchUnderTest under) {
        for (Stage stage : STAGES) {
            int mode = full(stage);
            TableUnderTest t = TableUnderTest.create(under, stage, 2L * under.format().maxLevel(stage) + 3);
            int level = t.topBlockLevel();
            long base = entrySize(level);
            long end = base + entrySize(level);
            long q = TableUnderTest.pageInside(base, level);
            long last = t.end() - PAGE;
            t.mustMap(base, end, mode);
            List<TableUnderTest.Run> before = t.view();
            long[][] ranges = {{q, q + PAGE}, {last, t.end()}, {q, q + 2 * PAGE}};
            for (long[] r : ranges) {
                assertTrue(t.prepare(r[0], r[1], OTHER), t + ": " + range("prepare", r[0], r[1], OTHER) + " failed with "
                        + t.pool.freeCount() + " pages in the pool");
                t.assertView(before, range("prepare", r[0], r[1], OTHER) + ": prepare must change no mapping");
            }
            if (stage == Stage.STAGE2) {
                assertMode(t, base, end, OptionalInt.of(mode), "the prepares");
                assertMode(t, last, t.end(), OptionalInt.of(t.absentMode()), "the prepares");
            }
            t.drain();
            TableUnderTest.Expected expected = t.expect().map(base, end, mode);
            for (long[] r : ranges) {
                assertTrue(t.commit(r[0], r[1], OTHER), t + ": " + range("commit", r[0], r[1], OTHER)
                        + " failed after a successful prepare of the same range: it needs memory the prepare did not"
                        + " take");
                expected.map(r[0], r[1], OTHER);
            }
            t.assertFree(0, "the commits", "a commit after prepare takes nothing more");
            t.assertView(expected.runs(), "the prepares and commits of " + ranges.length + " ranges");
        }
    }

    /**
     * PT-9: a map or unmap the pool cannot supply fails and changes no mapping: from an empty
     * table (one table short of a page), and splitting a block (one table short); the tables it
     * did take stay linked, and defrag gives them back.
     *
     * <p>When it fails: tables the walk added must read as equivalent to what they replaced
     * ({@code blockPte} one level down, {@code tablePte}); and the pool's free count.
     */
    @ConformanceRule(id = "PT-9", title = "a map that runs out of memory changes no mapping")
    void pt9FailedMapsChangeNothing(ArchUnderTest under) {
        for (Stage stage : STAGES) {
            int mode = full(stage);
            int max = under.format().maxLevel(stage);
            long p = TableUnderTest.pageInside(entrySize(1), 1);
            TableUnderTest t = TableUnderTest.create(under, stage, max - 1);
            assertFalse(t.map(p, p + PAGE, mode), t + ": " + range("map", p, p + PAGE, mode) + " succeeded with "
                    + (max - 1) + " pages in the pool; a page needs " + max + " tables");
            t.assertView(List.of(), "a failed " + range("map", p, p + PAGE, mode));
            if (stage == Stage.STAGE2) {
                assertMode(t, p, p + PAGE, OptionalInt.of(t.absentMode()), "a failed map");
            }
            t.defrag();
            t.assertNothingPresent("a failed map, then defrag (it must take back the tables the map left)");
            t.assertFree(max - 1, "a failed map, then defrag", "defrag gives back the tables the failed map left");

            int level = t.topBlockLevel();
            if (level == 0) {
                continue;
            }
            long base = entrySize(level);
            long end = base + entrySize(level);
            long q = TableUnderTest.pageInside(base, level);
            // The path to the block, and one table short of splitting it down to a page.
            TableUnderTest u = TableUnderTest.create(under, stage, (max - level) + level - 1);
            u.mustMap(base, end, mode);
            List<TableUnderTest.Run> before = u.view();
            assertFalse(u.map(q, q + PAGE, OTHER), u + ": " + range("map", q, q + PAGE, OTHER)
                    + " succeeded, yet splitting the level-" + level + " block needs " + level + " tables and the pool"
                    + " had " + (level - 1));
            u.assertView(before, "a failed " + range("map", q, q + PAGE, OTHER));
            assertFalse(u.unmap(q, q + PAGE), u + ": " + range("unmap", q, q + PAGE) + " succeeded without memory");
            u.assertView(before, "a failed " + range("unmap", q, q + PAGE));
            if (stage == Stage.STAGE2) {
                assertMode(u, base, end, OptionalInt.of(mode), "a failed map and unmap");
            }
            u.defrag();
            u.assertView(before, "a failed map and unmap, then defrag");
            u.assertFree(level - 1, "a failed map and unmap, then defrag", "defrag merges back the equivalent tables");
        }
    }

    /**
     * PT-10: unmap removes mappings: an unmapped range reads as absent (stage 2: the absent mode),
     * a sub-page range unmaps its page, unmapping what is not mapped takes no memory, and unmapping
     * the whole address space (or mapping the unmapped mode INVALID|UNOWNED over it) leaves
     * nothing present and every table back in the pool (mm_test's {@code unmap_*},
     * {@code map_to_unmap}).
     *
     * <p>When it fails: {@code absentPte} and {@code isPresent}; and {@code tableAddress}, which
     * decides which pages go back to the pool.
     */
    @ConformanceRule(id = "PT-10", title = "unmap removes mappings and unmapping everything frees every table")
    void pt10Unmap(ArchUnderTest under) {
        for (Stage stage : STAGES) {
            int mode = full(stage);
            int max = under.format().maxLevel(stage);
            long extra = 4L * max + 12;
            for (boolean byMappingUnmapped : new boolean[] {false, true}) {
                TableUnderTest t = TableUnderTest.create(under, stage, extra);
                long q = TableUnderTest.pageInside(entrySize(1), 1);
                t.mustUnmap(q + 57, q + entrySize(1) + 3);
                t.assertView(List.of(), range("unmap", q + 57, q + entrySize(1) + 3) + " of an empty table");
                t.assertFree(extra, "unmapping what is not mapped", "it takes no table");

                t.mustMap(q, q + PAGE, mode);
                t.mustUnmap(q + 93, q + 99);
                t.assertView(List.of(), range("map", q, q + PAGE, mode) + " then " + range("unmap", q + 93, q + 99));
                if (stage == Stage.STAGE2) {
                    assertMode(t, q, q + PAGE, OptionalInt.of(t.absentMode()), "unmapping the page");
                }

                long blocks = 3 * entrySize(1);
                t.mustMap(q, q + 17 * PAGE, mode);
                t.mustMap(blocks, blocks + 5 * entrySize(1), mode);
                if (t.roots() > 1) {
                    long boundary = entrySize(max + 1);
                    t.mustMap(boundary - PAGE, boundary + PAGE, mode);
                }
                String all;
                if (byMappingUnmapped) {
                    all = range("map", 0, t.end(), Mode.UNMAPPED_MASK);
                    assertTrue(t.map(0, t.end(), Mode.UNMAPPED_MASK), t + ": " + all + " failed");
                } else {
                    all = range("unmap", 0, t.end());
                    t.mustUnmap(0, t.end());
                }
                t.assertView(List.of(), all);
                t.assertNothingPresent(all);
                t.assertFree(extra, all, "unmapping the whole space frees every table");
                if (stage == Stage.STAGE2) {
                    assertMode(t, 0, t.end(), OptionalInt.of(t.absentMode()), all);
                }
            }
        }
    }

    /**
     * PT-11: defrag replaces every table whose entries are all absent (nested ones too) by an
     * absent entry and gives its page back; an empty table is left as it is (mm_test's
     * {@code defrag_empty}, {@code defrag_empty_subtables}).
     *
     * <p>When it fails: {@code isPresent} of {@code absentPte} at every level, and
     * {@code tableAddress}.
     */
    @ConformanceRule(id = "PT-11", title = "defrag turns tables of absent entries into absent entries")
    void pt11DefragRemovesEmptyTables(ArchUnderTest under) {
        for (Stage stage : STAGES) {
            int mode = full(stage);
            int max = under.format().maxLevel(stage);
            long extra = 4L * max + 12;
            TableUnderTest t = TableUnderTest.create(under, stage, extra);
            List<String> empty = t.dump();
            t.defrag();
            t.assertUnchanged(empty, "defrag of an empty table");
            t.assertFree(extra, "defrag of an empty table", "nothing to free");

            long q = TableUnderTest.pageInside(entrySize(1), 1);
            long blocks = 3 * entrySize(1);
            t.mustMap(q, q + PAGE, mode);
            t.mustMap(blocks, blocks + 5 * entrySize(1), mode);
            if (t.roots() > 1) {
                long boundary = entrySize(max + 1);
                t.mustMap(boundary - PAGE, boundary + PAGE, mode);
                t.mustUnmap(boundary - PAGE, boundary + PAGE);
            }
            t.mustUnmap(q, q + PAGE);
            t.mustUnmap(blocks, blocks + 5 * entrySize(1));
            assertTrue(t.tables() > 0, t + ": the unmaps left no table; PT-7 says they stay");
            t.defrag();
            t.assertNothingPresent("unmapping everything, then defrag (tables that hold nothing must go)");
            t.assertFree(extra, "unmapping everything, then defrag", "defrag frees every table left empty");
        }
    }

    /**
     * PT-12: defrag replaces a table whose entries are all blocks with equal attributes by one
     * block where the level allows it, bottom up (a split whose first entry is itself a merged
     * table merges too), with the same address and attributes, giving the tables back; where the
     * level allows no block the table of equal blocks stays (mm_test's
     * {@code defrag_block_subtables}).
     *
     * <p>When it fails: {@code combineTableEntryAttrs} (it must give the blocks' attributes back
     * for a table entry the format made), {@code blockAddress} of entry 0, {@code isBlockAllowed}.
     */
    @ConformanceRule(id = "PT-12", title = "defrag merges a table of equal valid blocks into one block where the level allows")
    void pt12DefragMergesEqualBlocks(ArchUnderTest under) {
        for (Stage stage : STAGES) {
            int mode = full(stage);
            int max = under.format().maxLevel(stage);
            TableUnderTest probe = TableUnderTest.create(under, stage, 0);
            int level = probe.topBlockLevel();
            if (level > 0) {
                long base = entrySize(level);
                long end = base + entrySize(level);
                for (long q : new long[] {base, TableUnderTest.pageInside(base, level)}) {
                    TableUnderTest t = TableUnderTest.create(under, stage, max + 2);
                    t.mustMap(base, end, mode);
                    t.mustMap(q, q + PAGE, OTHER);
                    t.mustMap(q, q + PAGE, mode);
                    String after = range("map", base, end, mode) + ", " + range("map", q, q + PAGE, OTHER) + ", "
                            + range("map", q, q + PAGE, mode) + ", defrag";
                    t.defrag();
                    List<String> expected = pathTo(t, base, level);
                    expected.add(TableUnderTest.blockLine(level, base, base, t.attrs(mode)));
                    assertShape(t, expected, after, "the split tables hold equal blocks again and must merge back into"
                            + " one level-" + level + " block with the blocks' address and attributes");
                    t.assertFree(max + 2 - (max - level), after, "the merged tables go back to the pool");
                }
            }
            for (int l = 1; l <= max; l++) {
                if (probe.format.isBlockAllowed(l) || !probe.format.isBlockAllowed(l - 1)) {
                    continue;
                }
                TableUnderTest t = TableUnderTest.create(under, stage, max + 2);
                long base = entrySize(l);
                t.mustMap(base, base + entrySize(l), mode);
                List<String> before = t.dump();
                t.defrag();
                t.assertUnchanged(before, range("map", base, base + entrySize(l), mode)
                        + ", defrag (no block is allowed at level " + l + ", so its table of equal blocks stays)");
            }
        }
    }

    /**
     * PT-13: at stage 2, a table of equal invalid blocks that carry ownership state (memory lent
     * away: INVALID with the owner's permissions) merges into one block that is still invalid,
     * still present, and reads as the same mode; the owner must not regain access through defrag.
     *
     * <p>When it fails: {@code combineTableEntryAttrs}: the table entry's own bits (its valid bit
     * above all) must not reach the attributes of an invalid block.
     */
    @ConformanceRule(id = "PT-13", title = "defrag keeps a merged invalid block invalid, with its mode")
    void pt13DefragKeepsInvalidBlocksInvalid(ArchUnderTest under) {
        TableUnderTest probe = TableUnderTest.create(under, Stage.STAGE2, 0);
        int level = probe.topBlockLevel();
        Assumptions.assumeTrue(level > 0, under + " allows blocks at level 0 only at stage 2: no table can be"
                + " merged into a block, so there is nothing to check");
        int max = probe.maxLevel();
        long base = entrySize(level);
        long end = base + entrySize(level);
        long q = TableUnderTest.pageInside(base, level);
        for (int lent : new int[] {LENT, Mode.INVALID | Mode.R | Mode.W}) {
            TableUnderTest t = TableUnderTest.create(under, Stage.STAGE2, max + 2);
            PageTableFormat f = t.format;
            t.mustMap(base, end, lent);
            t.mustMap(q, q + PAGE, full(Stage.STAGE2));
            t.mustMap(q, q + PAGE, lent);
            t.defrag();
            String after = range("map", base, end, lent) + ", " + range("map", q, q + PAGE, full(Stage.STAGE2)) + ", "
                    + range("map", q, q + PAGE, lent) + ", defrag";
            // Bottom up, each merge must keep the blocks invalid; report the first that does not.
            List<long[]> blocks = new ArrayList<>();
            t.table.visit((l, address, pte, kind) -> {
                if (kind == EntryVisitor.Kind.BLOCK && Long.compareUnsigned(address - base, end - base) < 0) {
                    blocks.add(new long[] {l, address, pte});
                }
            });
            for (long[] block : blocks) {
                int l = (int) block[0];
                if (f.isValid(block[2], l)) {
                    int now = f.stage2AttrsToMode(f.attrs(block[2], l));
                    fail(t + ", after " + after + ": an invalid block became valid: defrag merged blocks of mode "
                            + mode(lent) + " into the VALID level-" + l + " block " + hex(block[2]) + " at "
                            + hex(block[1]) + ", which reads as mode " + mode(now) + "; the lender regains access. Look"
                            + " at combineTableEntryAttrs: the table entry's valid bit must not reach an invalid"
                            + " block's attributes");
                }
            }
            if (blocks.size() != 1 || blocks.get(0)[0] != level || blocks.get(0)[1] != base) {
                List<String> shape = t.shape();
                fail(t + ", after " + after + ": the table of equal invalid blocks did not become one level-" + level
                        + " block at " + hex(base) + "; the walker visits " + shape.size() + " entries, first "
                        + shape.subList(0, Math.min(6, shape.size())));
            }
            long pte = blocks.get(0)[2];
            int now = f.stage2AttrsToMode(f.attrs(pte, level));
            assertTrue(f.isPresent(pte, level), t + ", after " + after + ": the merged invalid block " + hex(pte)
                    + " is no longer present: its ownership state is lost");
            if (now != lent) {
                fail(t + ", after " + after + ": the mode changed after defrag: blocks of mode " + mode(lent)
                        + " merged into block " + hex(pte) + " of mode " + mode(now)
                        + "; look at combineTableEntryAttrs");
            }
            assertMode(t, base, end, OptionalInt.of(lent), after);
            t.assertView(t.expect().map(base, end, lent).runs(), after);
        }
    }

    /**
     * PT-14: defrag keeps, entry for entry, a table whose blocks differ in attributes, a table
     * that is partly absent, and a table whose first entry is a subtable while the others are
     * equal blocks (the seed checked entries 1 to 511 only and merged that one).
     *
     * <p>When it fails: {@code isBlock} and {@code isTable} must tell a subtable from a block,
     * and {@code attrs} must differ for different modes.
     */
    @ConformanceRule(id = "PT-14", title = "defrag keeps tables with a subtable, differing blocks or absent entries")
    void pt14DefragKeepsMixedTables(ArchUnderTest under) {
        for (Stage stage : STAGES) {
            int mode = full(stage);
            int max = under.format().maxLevel(stage);
            int level = TableUnderTest.create(under, stage, 0).topBlockLevel();
            long base = entrySize(level);
            long end = base + entrySize(level);
            long q = TableUnderTest.pageInside(base, level);
            List<long[]> pages = new ArrayList<>();
            pages.add(new long[] {q, OTHER, 1}); // a block of another mode inside the block
            pages.add(new long[] {base, OTHER, 1}); // entry 0 at every level becomes a subtable
            pages.add(new long[] {q, mode, 0}); // one page alone: the rest of its tables is absent
            for (long[] page : pages) {
                TableUnderTest t = TableUnderTest.create(under, stage, 2L * max + 2);
                String after = "";
                if (page[2] == 1) {
                    t.mustMap(base, end, mode);
                    after = range("map", base, end, mode) + ", ";
                }
                t.mustMap(page[0], page[0] + PAGE, (int) page[1]);
                after += range("map", page[0], page[0] + PAGE, (int) page[1]) + ", defrag";
                List<String> before = t.dump();
                List<TableUnderTest.Run> mapped = t.view();
                long free = t.pool.freeCount();
                t.defrag();
                t.assertUnchanged(before, after);
                t.assertView(mapped, after);
                t.assertFree(free, after, "no table here can merge");
            }
        }
    }

    /**
     * PT-15: get-mode (stage 2) rounds the begin down and the end up to pages; an empty range, or
     * one ending beyond the address space, has no mode (no clamping); a range answers a mode only
     * where every entry has the same attributes, absent entries included, which read as the
     * format's absent mode; an invalid block reads as its own mode (mm_test's {@code get_mode_*},
     * {@code is_mapped_*}).
     *
     * <p>When it fails: {@code stage2AttrsToMode} and {@code attrs}, above all of absent entries
     * and invalid blocks.
     */
    @ConformanceRule(id = "PT-15", title = "get-mode rounds to pages, answers only uniform ranges, and fails outside")
    void pt15GetMode(ArchUnderTest under) {
        int max = under.format().maxLevel(Stage.STAGE2);
        TableUnderTest t = TableUnderTest.create(under, Stage.STAGE2, 4L * max + 6);
        long end = t.end();
        OptionalInt none = OptionalInt.empty();
        OptionalInt absent = OptionalInt.of(t.absentMode());
        assertMode(t, 0, 20, absent, "creating the table");
        assertMode(t, 0, end, absent, "creating the table");
        long[][] noMode = {{PAGE, PAGE}, {2 * PAGE, PAGE}, {end, end + 1}, {0, end + 1}, {0, -1L}};
        for (long[] r : noMode) {
            assertMode(t, r[0], r[1], none, "creating the table (an empty range, or one past the end " + hex(end)
                    + ", has no mode)");
        }

        long q = TableUnderTest.pageInside(entrySize(1), 1);
        int full = full(Stage.STAGE2);
        t.mustMap(q, q + PAGE, OTHER);
        t.mustMap(q + PAGE, q + 2 * PAGE, LENT);
        String after = range("map", q, q + PAGE, OTHER) + " and " + range("map", q + PAGE, q + 2 * PAGE, LENT);
        assertMode(t, q + 5, q + 6, OptionalInt.of(OTHER), after);
        assertMode(t, q + 100, q + 50, OptionalInt.of(OTHER), after + " (reversed within one page)");
        assertMode(t, q, q + PAGE, OptionalInt.of(OTHER), after);
        assertMode(t, q + PAGE, q + 2 * PAGE, OptionalInt.of(LENT), after);
        assertMode(t, q, q + 2 * PAGE, none, after + " (two modes)");
        assertMode(t, q - PAGE, q + PAGE, none, after + " (a mode and absent)");

        t.mustMap(end - PAGE, end, full);
        assertMode(t, end - PAGE, end, OptionalInt.of(full), range("map", end - PAGE, end, full));
        assertMode(t, end - PAGE, end + 1, none, range("map", end - PAGE, end, full) + " (a range past the end)");
        if (t.roots() > 1) {
            long boundary = entrySize(max + 1);
            t.mustMap(boundary - PAGE, boundary + PAGE, LENT);
            assertMode(t, boundary - PAGE, boundary + PAGE, OptionalInt.of(LENT),
                    range("map", boundary - PAGE, boundary + PAGE, LENT) + " (across root tables)");
        }

        int level = t.topBlockLevel();
        TableUnderTest b = TableUnderTest.create(under, Stage.STAGE2, 4L * max + 6);
        long base = entrySize(level);
        b.mustMap(base, base + entrySize(level), full);
        String block = range("map", base, base + entrySize(level), full);
        assertMode(b, base, base + entrySize(level), OptionalInt.of(full), block);
        assertMode(b, base + 7, base + entrySize(level) - 1, OptionalInt.of(full), block + " (rounded to pages)");
        assertMode(b, base - PAGE, base + entrySize(level), none, block + " (absent, then the block)");
    }

    /**
     * PT-16: the walker and the tables agree: walking the tables' raw entries
     * ({@code entriesAt}) depth first in address order finds exactly the entries {@code visit}
     * reports, with their levels, addresses and kinds; no present entry is neither a block nor a
     * table; the tables visited are the pages the pool gave out; and at stage 2 every block
     * visited reads, through get-mode, as its own attributes.
     *
     * <p>When it fails: {@code isPresent}, {@code isBlock}, {@code isTable} (exactly one of the
     * last two for a present entry) and {@code tableAddress}.
     */
    @ConformanceRule(id = "PT-16", title = "visit reports every present entry, as the raw tables hold it")
    void pt16VisitAgreesWithTheTables(ArchUnderTest under) {
        for (Stage stage : STAGES) {
            int mode = full(stage);
            int max = under.format().maxLevel(stage);
            long extra = 4L * max + 12;
            TableUnderTest t = TableUnderTest.create(under, stage, extra);
            int level = t.topBlockLevel();
            long base = entrySize(level);
            long q = TableUnderTest.pageInside(base, level);
            t.mustMap(base, base + entrySize(level), mode);
            t.mustMap(q, q + PAGE, OTHER);
            t.mustUnmap(q + PAGE, q + 2 * PAGE);
            if (stage == Stage.STAGE2) {
                t.mustMap(q + 3 * PAGE, q + 4 * PAGE, LENT);
            }
            t.mustMap(t.end() - PAGE, t.end(), mode);
            if (t.roots() > 1) {
                long boundary = entrySize(max + 1);
                t.mustMap(boundary - PAGE, boundary + PAGE, OTHER);
            }

            List<String> visited = new ArrayList<>();
            t.table.visit((l, address, pte, kind) -> visited.add("level " + l + " " + hex(address) + " " + kind + " "
                    + hex(pte)));
            List<String> walked = new ArrayList<>();
            long rootSize = entrySize(max + 1);
            for (int r = 0; r < t.roots(); r++) {
                walk(t, t.table.rootAddress() + r * PAGE, max, r * rootSize, walked);
            }
            assertEquals(walked, visited, t + ": visit does not report the entries the raw tables hold");
            for (String line : visited) {
                assertFalse(line.contains(" OTHER "), t + ": a present entry is neither a block nor a table: " + line);
            }
            t.assertFree(extra - t.tables(), "the maps", "every table visited is a page from the pool, and no other");
            if (stage == Stage.STAGE2) {
                PageTableFormat f = t.format;
                t.table.visit((l, address, pte, kind) -> {
                    if (kind == EntryVisitor.Kind.BLOCK) {
                        assertMode(t, address, address + entrySize(l),
                                OptionalInt.of(f.stage2AttrsToMode(f.attrs(pte, l))), "the maps (block " + hex(pte)
                                        + " at level " + l + ")");
                    }
                });
            }
        }
    }

    /** Appends the present entries of the table at {@code tablePa}, depth first, read from the raw entries. */
    private static void walk(TableUnderTest t, long tablePa, int level, long base, List<String> out) {
        PageTableFormat f = t.format;
        long[] entries = t.table.entriesAt(tablePa);
        for (int k = 0; k < entries.length; k++) {
            long pte = entries[k];
            if (!f.isPresent(pte, level)) {
                continue;
            }
            long address = base + k * entrySize(level);
            if (f.isTable(pte, level)) {
                out.add("level " + level + " " + hex(address) + " TABLE " + hex(pte));
                walk(t, f.tableAddress(pte, level), level - 1, address, out);
            } else {
                out.add("level " + level + " " + hex(address) + (f.isBlock(pte, level) ? " BLOCK " : " OTHER ") + hex(pte));
            }
        }
    }
}
