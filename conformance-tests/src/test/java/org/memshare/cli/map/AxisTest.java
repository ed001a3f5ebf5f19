package org.memshare.cli.map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The axis cuts out what no VM held, so a huge address space with a few pages stays readable. */
class AxisTest {
    private static final long SPACE_48 = 1L << 36; // pages of a 2^48-byte space

    @Test
    void aFewPagesInA48BitSpaceTakeMostOfTheWidth() {
        Intervals touched = new Intervals();
        touched.add(1, 2);
        touched.add(1L << 35, (1L << 35) + 4);
        Axis axis = Axis.of(touched, SPACE_48);
        List<Axis.Piece> pieces = axis.pieces();
        assertEquals(5, pieces.size(), "gap, page, gap, four pages, gap");
        double mapped = pieces.stream().filter(p -> !p.gap()).mapToDouble(Axis.Piece::width).sum();
        assertTrue(mapped / axis.width() > 0.6, mapped + " of " + axis.width());
        // Each page is readable: the single page gets an eighth of the width or more.
        assertTrue(pieces.get(1).width() / axis.width() > 1.0 / 8);
    }

    @Test
    void smallHolesStayAndLargeOnesAreCut() {
        Intervals touched = new Intervals();
        touched.add(100, 110);
        touched.add(110 + Axis.MERGE_GAP, 130);
        touched.add(1000, 1001);
        Axis axis = Axis.of(touched, 2000);
        List<Axis.Piece> segments = axis.pieces().stream().filter(p -> !p.gap()).toList();
        assertEquals(2, segments.size());
        assertEquals(100, segments.get(0).begin());
        assertEquals(130, segments.get(0).end());
        assertEquals(1000, segments.get(1).begin());
    }

    @Test
    void positionsAreLinearInsideASegmentAndIncreaseEverywhere() {
        Intervals touched = new Intervals();
        touched.add(512, 1024);
        touched.add(1 << 20, (1 << 20) + 3);
        Axis axis = Axis.of(touched, 1L << 30);
        Axis.Piece segment = axis.pieces().get(1);
        double perPage = segment.width() / segment.pages();
        assertEquals(segment.x() + 10 * perPage, axis.x(522), 1e-9);
        double last = -1;
        for (long page : new long[] {0, 1, 511, 512, 600, 1024, 5000, 1 << 20, (1 << 20) + 3, 1L << 29, 1L << 30}) {
            double x = axis.x(page);
            assertTrue(x >= last, page + ": " + x + " after " + last);
            last = x;
        }
        assertEquals(axis.width(), axis.x(1L << 30), 1e-9);
    }

    @Test
    void tooManySegmentsCloseTheSmallestHoles() {
        Intervals touched = new Intervals();
        for (int i = 0; i < 500; i++) {
            // Holes grow with i: the 300 smallest are closed.
            touched.add(i * 100_000L + (long) i * i, i * 100_000L + (long) i * i + 1);
        }
        Axis axis = Axis.of(touched, 1L << 40);
        assertEquals(Axis.MAX_SEGMENTS, axis.pieces().stream().filter(p -> !p.gap()).count());
    }

    @Test
    void nothingMappedIsOneGap() {
        Axis axis = Axis.of(new Intervals(), SPACE_48);
        assertEquals(1, axis.pieces().size());
        assertTrue(axis.pieces().get(0).gap());
        assertTrue(axis.width() > 0);
    }

    @Test
    void intervalsMergeWhatTouchesOrOverlaps() {
        Intervals intervals = new Intervals();
        intervals.add(10, 20);
        intervals.add(30, 40);
        intervals.add(20, 30);
        intervals.add(50, 60);
        intervals.add(45, 55);
        intervals.add(5, 6);
        assertEquals("[5, 6] [10, 40] [45, 60]", intervals.ranges().stream()
                .map(r -> "[" + r[0] + ", " + r[1] + "]").reduce((a, b) -> a + " " + b).orElseThrow());
    }
}
