package org.memshare.cli.map;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The map's horizontal axis: the address space cut into segments (the pages any VM ever held,
 * with gaps of up to {@link #MERGE_GAP} pages closed) and gaps between them, laid out left to
 * right. A gap takes a fixed width however large it is, and a segment a width that grows with the
 * logarithm of its size, so a 2^48 space with a few pages mapped stays readable; inside a segment
 * the scale is linear, so a page has one place and a share between two VMs lines up vertically.
 * Widths are in abstract units; the page scales them to its view.
 */
final class Axis {
    /** Holes of at most this many pages inside mapped memory are shown, not cut out. */
    static final long MERGE_GAP = 16;
    /** At most this many segments: beyond, the smallest holes are closed. */
    static final int MAX_SEGMENTS = 200;
    static final double GAP_WIDTH = 0.75;

    /**
     * One piece of the axis: a gap (pages no VM ever held) or a segment.
     *
     * @param x     where the piece starts, in axis units
     * @param width its width in axis units
     */
    record Piece(boolean gap, long begin, long pages, double x, double width) {
        long end() {
            return begin + pages;
        }
    }

    private final List<Piece> pieces;
    private final double width;

    private Axis(List<Piece> pieces) {
        this.pieces = pieces;
        Piece last = pieces.get(pieces.size() - 1);
        this.width = last.x() + last.width();
    }

    /**
     * The axis of a trace whose VMs held {@code touched} pages, in an address space of
     * {@code endPages} pages (the largest of its machines).
     */
    static Axis of(Intervals touched, long endPages) {
        List<long[]> segments = closeSmallHoles(touched.ranges());
        List<Piece> pieces = new ArrayList<>();
        double x = 0;
        long at = 0;
        for (long[] segment : segments) {
            if (segment[0] > at) {
                pieces.add(new Piece(true, at, segment[0] - at, x, GAP_WIDTH));
                x += GAP_WIDTH;
            }
            double w = weight(segment[1] - segment[0]);
            pieces.add(new Piece(false, segment[0], segment[1] - segment[0], x, w));
            x += w;
            at = segment[1];
        }
        if (endPages > at || pieces.isEmpty()) {
            pieces.add(new Piece(true, at, Math.max(1, endPages - at), x, pieces.isEmpty() ? 1 : GAP_WIDTH));
        }
        return new Axis(Collections.unmodifiableList(pieces));
    }

    /** 1 for a page, then a quarter unit more per 2^(1/4) more pages: 19 for 2^18 pages (1 GiB). */
    static double weight(long pages) {
        return 1 + Math.floor(4 * Math.log(pages) / Math.log(2)) / 4;
    }

    List<Piece> pieces() {
        return pieces;
    }

    double width() {
        return width;
    }

    /**
     * Where {@code page} lies, in axis units: linear inside the piece that holds it (the end of a
     * piece is the start of the next). The page's script computes the same in the same order.
     */
    double x(long page) {
        int low = 0;
        int high = pieces.size() - 1;
        while (low < high) {
            int mid = (low + high + 1) >>> 1;
            if (pieces.get(mid).begin() <= page) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        Piece piece = pieces.get(low);
        return piece.x() + (double) (page - piece.begin()) * piece.width() / piece.pages();
    }

    private static List<long[]> closeSmallHoles(List<long[]> ranges) {
        List<long[]> merged = new ArrayList<>();
        for (long[] range : ranges) {
            long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && range[0] - last[1] <= MERGE_GAP) {
                last[1] = range[1];
            } else {
                merged.add(range.clone());
            }
        }
        if (merged.size() <= MAX_SEGMENTS) {
            return merged;
        }
        // Too many segments: close the smallest holes, as many as it takes.
        List<Integer> holes = new ArrayList<>();
        for (int i = 1; i < merged.size(); i++) {
            holes.add(i);
        }
        holes.sort((a, b) -> Long.compare(merged.get(a)[0] - merged.get(a - 1)[1], merged.get(b)[0] - merged.get(b - 1)[1]));
        boolean[] close = new boolean[merged.size()];
        for (int k = 0; k < merged.size() - MAX_SEGMENTS; k++) {
            close[holes.get(k)] = true;
        }
        List<long[]> fewer = new ArrayList<>();
        for (int i = 0; i < merged.size(); i++) {
            if (close[i]) {
                fewer.get(fewer.size() - 1)[1] = merged.get(i)[1];
            } else {
                fewer.add(merged.get(i));
            }
        }
        return fewer;
    }
}
