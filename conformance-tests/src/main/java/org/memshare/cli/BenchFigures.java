package org.memshare.cli;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.List;
import org.memshare.trace.ParsedLine;

/**
 * The arithmetic and wording of {@code memshare bench}, apart from any timing: where the timed
 * part of a trace starts, how many operations it holds, and the summary line tools read,
 * {@code bench: OPS ops, median M ns/op (min A, max B), R ops/s}, printed exactly as Hafnium's
 * native harness prints it (M, A and B to one decimal place, R to an integer, each rounded from
 * the exact binary value to the nearest, ties to even, as C's printf does).
 */
final class BenchFigures {
    private BenchFigures() {
    }

    /**
     * Whether {@code line} is the marker {@code #@ measure}: after optional spaces or tabs,
     * {@code #@}, optional spaces or tabs, {@code measure}, then the end of the line or a space
     * or tab (what follows is a comment).
     */
    static boolean isMeasureMarker(String line) {
        int i = skipBlanks(line, 0);
        if (!line.startsWith("#@", i)) {
            return false;
        }
        i = skipBlanks(line, i + 2);
        if (!line.startsWith("measure", i)) {
            return false;
        }
        int after = i + "measure".length();
        return after == line.length() || line.charAt(after) == ' ' || line.charAt(after) == '\t';
    }

    private static int skipBlanks(String line, int from) {
        int i = from;
        while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    /**
     * The index of the first line timed: the line after the last {@code #@ measure} marker, or 0
     * (every line) if there is none. The last marker wins, as in Hafnium's harness.
     */
    static int measureFrom(List<String> lines) {
        int from = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (isMeasureMarker(lines.get(i))) {
                from = i + 1;
            }
        }
        return from;
    }

    /** How many operations are timed: the lines from {@code from} on that are not blank or comments (malformed ones count). */
    static int operations(List<ParsedLine> parsed, int from) {
        int ops = 0;
        for (int i = from; i < parsed.size(); i++) {
            if (!(parsed.get(i) instanceof ParsedLine.Blank)) {
                ops++;
            }
        }
        return ops;
    }

    /** Nanoseconds per operation of one repeat (0 when nothing is timed). */
    static double perOperation(long nanos, int operations) {
        return operations == 0 ? 0 : (double) nanos / operations;
    }

    /**
     * The summary line over {@code perOp}, one figure per repeat in order: the median, minimum and
     * maximum of the repeats after the first (the first warms up), or of the only one when there
     * is one repeat; the rate is 10^9 over the median.
     */
    static String summary(int operations, double[] perOp) {
        if (perOp.length == 0) {
            throw new IllegalArgumentException("no repeats");
        }
        int first = perOp.length > 1 ? 1 : 0;
        double[] counted = Arrays.copyOfRange(perOp, first, perOp.length);
        Arrays.sort(counted);
        int n = counted.length;
        double median = n % 2 == 1 ? counted[n / 2] : (counted[n / 2 - 1] + counted[n / 2]) / 2;
        String rate = median > 0 ? decimal(1e9 / median, 0) : "0";
        return "bench: " + operations + " ops, median " + decimal(median, 1) + " ns/op (min " + decimal(counted[0], 1)
                + ", max " + decimal(counted[n - 1], 1) + "), " + rate + " ops/s";
    }

    /** One repeat's line: its whole timed section and the time per operation. */
    static String repeatLine(int repeat, long nanos, double perOp) {
        return "repeat " + repeat + ": " + nanos + " ns, " + decimal(perOp, 1) + " ns/op";
    }

    /** {@code value} with {@code places} decimals, as C's {@code %.Nf} prints it. */
    static String decimal(double value, int places) {
        return new BigDecimal(value).setScale(places, RoundingMode.HALF_EVEN).toPlainString();
    }
}
