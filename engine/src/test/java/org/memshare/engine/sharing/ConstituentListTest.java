package org.memshare.engine.sharing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The constituent checks of the sharing core, unsigned and wrapping, and Hafnium's overlap rule. */
class ConstituentListTest {
    private static PageRun run(long address, long pages) {
        return new PageRun(address, pages);
    }

    private static ConstituentList list(PageRun... runs) {
        return ConstituentList.of(List.of(runs));
    }

    @Test
    void overlapsAreFoundInAnyOrderAndEqualRunsOverlap() {
        assertArrayEquals(new int[] {0, 1}, list(run(0x1000, 2), run(0x2000, 1)).firstOverlap().orElseThrow());
        assertArrayEquals(new int[] {0, 2}, list(run(0x5000, 1), run(0x1000, 1), run(0x5000, 1)).firstOverlap()
                .orElseThrow());
        assertFalse(list(run(0x1000, 1), run(0x2000, 1), run(0, 1)).firstOverlap().isPresent(), "adjacent is fine");
    }

    @Test
    void anEmptyOrWrappingRunOverlapsNothingAndHidesOverlapsAcrossIt() {
        assertFalse(list(run(0x1000, 2), run(0x1000, 0), run(0x2000, 1)).firstOverlap().isPresent(),
                "Hafnium stops comparing at the empty run");
        assertFalse(list(run(0x1000, 2), run(-0x1000L, 1), run(0x2000, 1)).firstOverlap().isPresent(),
                "a run ending at 2^64 counts as wrapping");
        assertTrue(list(run(0x1000, 0), run(0x1000, 2), run(0x2000, 1)).firstOverlap().isPresent(),
                "after it, runs are compared again");
    }

    @Test
    void aRunStartingOnAnothersLastByteIsNotAnOverlap() {
        assertFalse(list(run(0x1000, 1), run(0x1fff, 1)).firstOverlap().isPresent());
        assertTrue(list(run(0x1000, 1), run(0x1ffe, 1)).firstOverlap().isPresent());
    }

    @Test
    void pageCountsAddUpIn32BitsOrExactly() {
        ConstituentList l = list(run(0, 0xffff_ffffL), run(0x1_0000_0000_0000L, 2));
        assertEquals(1, l.pageSumU32());
        assertEquals(0x1_0000_0001L, l.pageSum());
    }

    @Test
    void alignmentLooksAtTheStartAndTheWrappedEnd() {
        assertEquals(OptionalInt.of(1), list(run(0x1000, 1), run(0x1800, 1)).firstUnaligned());
        assertEquals(OptionalInt.empty(), list(run(-0x1000L, 1)).firstUnaligned(), "an end wrapping to 0 is aligned");
    }

    @Test
    void boundsAreUnsigned() {
        assertEquals(OptionalInt.of(1), list(run(0x1000, 1), run(0xffff_f000L, 2)).firstEndingBeyond(0x1_0000_0000L));
        assertEquals(OptionalInt.empty(), list(run(0xffff_f000L, 1)).firstEndingBeyond(0x1_0000_0000L));
        assertEquals(OptionalInt.of(0), list(run(0x8000_0000_0000_0000L, 1)).firstEndingBeyond(0x1_0000_0000L));
    }

    @Test
    void fragmentsKeepTheirBoundaries() {
        ConstituentList l = ConstituentList.ofFragments(List.of(List.of(run(0, 1), run(0x1000, 1)), List.of(),
                List.of(run(0x2000, 1))));
        assertEquals(3, l.fragmentCount());
        assertEquals(3, l.size());
        assertTrue(l.inFirstFragment(1));
        assertFalse(l.inFirstFragment(2));
        assertEquals(List.of(run(0x2000, 1)), l.fragment(2));
    }

    /** Hafnium's {@code ffa_memory_check_overlap}, literally: each run against every later one, in order. */
    private static boolean hafniumFindsAnOverlap(List<PageRun> runs) {
        for (int i = 0; i < runs.size(); i++) {
            if (!fits(runs.get(i))) {
                continue;
            }
            long b1 = runs.get(i).address();
            long e1 = b1 + runs.get(i).sizeBytes() - 1;
            for (int j = i + 1; j < runs.size(); j++) {
                if (!fits(runs.get(j))) {
                    break;
                }
                long b2 = runs.get(j).address();
                long e2 = b2 + runs.get(j).sizeBytes() - 1;
                if (within(b2, e2, b1, e1) || within(b1, e1, b2, e2)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean fits(PageRun run) {
        return run.sizeBytes() != 0 && Long.compareUnsigned(run.sizeBytes(), -1L - run.address()) <= 0;
    }

    private static boolean within(long begin, long end, long inBegin, long inEnd) {
        return (Long.compareUnsigned(begin, inBegin) >= 0 && Long.compareUnsigned(begin, inEnd) < 0)
                || (Long.compareUnsigned(end, inEnd) <= 0 && Long.compareUnsigned(end, inBegin) > 0);
    }

    @Provide
    Arbitrary<List<PageRun>> runs() {
        Arbitrary<Long> address = Arbitraries.oneOf(
                Arbitraries.longs().between(0, 64).map(p -> p * 0x1000),
                Arbitraries.longs().between(0, 64 * 0x1000),
                Arbitraries.longs().between(-64, -1).map(p -> p * 0x1000));
        Arbitrary<Long> pages = Arbitraries.oneOf(Arbitraries.longs().between(0, 8),
                Arbitraries.longs().between(0xffff_fff0L, 0xffff_ffffL));
        return Combinators.combine(address, pages).as(PageRun::new).list().ofMaxSize(12);
    }

    @Property(tries = 2000)
    void theSortedOverlapCheckAgreesWithHafniumsPairwiseOne(@ForAll("runs") List<PageRun> runs) {
        assertEquals(hafniumFindsAnOverlap(runs), ConstituentList.of(new ArrayList<>(runs)).firstOverlap().isPresent(),
                runs::toString);
    }

    /** The overlap pair as the list found it when it sorted boxed indices (before the flat list), for any runs. */
    private static Optional<int[]> boxedSortOverlap(List<PageRun> runs) {
        int n = runs.size();
        int segmentStart = 0;
        for (int i = 0; i <= n; i++) {
            if (i == n || !fits(runs.get(i))) {
                int from = segmentStart;
                int count = i - from;
                if (count >= 2) {
                    Integer[] order = new Integer[count];
                    Arrays.setAll(order, k -> from + k);
                    Arrays.sort(order, (a, b) -> {
                        int byStart = Long.compareUnsigned(runs.get(a).address(), runs.get(b).address());
                        return byStart != 0 ? byStart : Integer.compare(a, b);
                    });
                    for (int k = 1; k < count; k++) {
                        PageRun earlier = runs.get(order[k - 1]);
                        PageRun later = runs.get(order[k]);
                        long lastByte = earlier.address() + earlier.sizeBytes() - 1;
                        if (Long.compareUnsigned(later.address(), lastByte) < 0) {
                            return Optional.of(new int[] {Math.min(order[k - 1], order[k]), Math.max(order[k - 1], order[k])});
                        }
                    }
                }
                segmentStart = i + 1;
            }
        }
        return Optional.empty();
    }

    /** One reusable list for every try, refilled as the SPCI send path refills its own. */
    private static final ConstituentList REUSED = ConstituentList.reusable();

    @Property(tries = 2000)
    void aReusableListAnswersAsAnImmutableOneWithTheSameRuns(@ForAll("runs") List<PageRun> runs,
            @ForAll("runs") List<PageRun> before) {
        REUSED.reset();
        for (PageRun run : before) {
            REUSED.add(run.address(), run.pageCount());
        }
        REUSED.firstOverlap();
        REUSED.reset();
        for (PageRun run : runs) {
            REUSED.add(run.address(), run.pageCount());
        }
        ConstituentList immutable = ConstituentList.of(runs);
        for (ConstituentList l : List.of(REUSED, immutable)) {
            assertEquals(runs.size(), l.size());
            assertEquals(runs, l.runs());
            assertEquals(1, l.fragmentCount());
            assertEquals(runs, l.fragment(0));
            for (int i = 0; i < runs.size(); i++) {
                PageRun run = runs.get(i);
                assertEquals(run, l.get(i));
                assertEquals(run.address(), l.address(i));
                assertEquals(run.pageCount(), l.pageCount(i));
                assertEquals(run.end(), l.end(i));
                assertEquals(run.sizeBytes(), l.sizeBytes(i));
                assertEquals(run.describe(), l.describe(i));
                assertTrue(l.inFirstFragment(i));
            }
            assertEquals(immutable.firstUnaligned(), l.firstUnaligned());
            assertEquals(immutable.firstEndingBeyond(0x20000), l.firstEndingBeyond(0x20000));
            assertEquals(runs.stream().mapToLong(PageRun::pageCount).sum(), l.pageSum());
            assertEquals(runs.stream().mapToLong(PageRun::pageCount).sum() & 0xffff_ffffL, l.pageSumU32());
            assertEquals(boxedSortOverlap(runs).map(Arrays::toString), l.firstOverlap().map(Arrays::toString),
                    runs::toString);
        }
    }

    @Test
    void onlyAReusableListChangesAndItGrows() {
        assertThrows(UnsupportedOperationException.class, () -> list(run(0, 1)).add(0x1000, 1));
        assertThrows(UnsupportedOperationException.class, () -> list(run(0, 1)).reset());
        ConstituentList l = ConstituentList.reusable();
        for (int i = 0; i < 200; i++) {
            l.add(0x1000L * i, 1);
        }
        assertEquals(200, l.size());
        assertEquals(0x1000L * 199, l.address(199));
        assertThrows(IllegalArgumentException.class, () -> l.add(0, 0x1_0000_0000L));
        assertThrows(IndexOutOfBoundsException.class, () -> l.address(200));
        l.reset();
        assertEquals(0, l.size());
        assertEquals(List.of(), l.runs());
    }
}
