package org.memshare.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.memshare.cli.ConformanceListener.Outcome;
import org.memshare.cli.ConformanceListener.Row;

/**
 * The table {@code memshare conformance} prints: rule id, level, arch, configuration, outcome and
 * time, one row per invocation. Consecutive skipped invocations of one rule on one arch for the
 * same reason are one row; the reason, and a failure's first message line, go under the row.
 */
final class ResultTable {
    private static final String[] HEADINGS = {"rule", "level", "arch", "configuration", "outcome", "time (ms)"};
    private static final String DETAIL_INDENT = "    ";

    private ResultTable() {
    }

    /** Prints {@code rows} to {@code out}. */
    static void print(PrintWriter out, List<Row> rows) {
        List<String[]> cells = new ArrayList<>();
        List<String> details = new ArrayList<>();
        for (Line line : collapse(ordered(rows))) {
            Row row = line.row();
            String configuration = line.count() == 1 ? row.where().configuration() : line.count() + " configurations";
            cells.add(new String[] {row.where().ruleId(), row.where().level(), row.where().arch(), configuration,
                row.outcome().label, row.millis() < 0 ? "-" : Long.toString(row.millis())});
            details.add(row.outcome() == Outcome.PASSED || row.detail().isEmpty() ? "" : row.detail());
        }
        int[] widths = new int[HEADINGS.length];
        for (int c = 0; c < HEADINGS.length; c++) {
            widths[c] = HEADINGS[c].length();
            for (String[] row : cells) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        out.println(format(HEADINGS, widths));
        for (int i = 0; i < cells.size(); i++) {
            out.println(format(cells.get(i), widths));
            if (!details.get(i).isEmpty()) {
                out.println(DETAIL_INDENT + details.get(i));
            }
        }
    }

    private record Line(Row row, int count) {
    }

    /**
     * {@code rows} by family in the order families ran, then by rule id ({@code PT-2} before
     * {@code PT-10}); each rule's invocations keep the order they ran in.
     */
    static List<Row> ordered(List<Row> rows) {
        List<String> families = rows.stream().map(r -> r.where().family()).distinct().toList();
        Comparator<Row> byFamily = Comparator.comparingInt(r -> families.indexOf(r.where().family()));
        Comparator<Row> byNumber = Comparator.comparingLong(r -> number(r.where().ruleId()));
        List<Row> sorted = new ArrayList<>(rows);
        sorted.sort(byFamily.thenComparing(byNumber).thenComparing(r -> r.where().ruleId()));
        return sorted;
    }

    /** The number after a rule id's dash, or {@code Long.MAX_VALUE} if it has none ({@code CORPUS-name}). */
    private static long number(String ruleId) {
        String suffix = ruleId.substring(ruleId.indexOf('-') + 1);
        return suffix.matches("\\d{1,18}") ? Long.parseLong(suffix) : Long.MAX_VALUE;
    }

    private static List<Line> collapse(List<Row> rows) {
        List<Line> lines = new ArrayList<>();
        for (Row row : rows) {
            int last = lines.size() - 1;
            if (last >= 0 && row.outcome() == Outcome.SKIPPED && sameSkip(lines.get(last).row(), row)) {
                lines.set(last, new Line(lines.get(last).row(), lines.get(last).count() + 1));
            } else {
                lines.add(new Line(row, 1));
            }
        }
        return lines;
    }

    private static boolean sameSkip(Row earlier, Row row) {
        return earlier.outcome() == Outcome.SKIPPED
                && earlier.where().ruleId().equals(row.where().ruleId())
                && earlier.where().arch().equals(row.where().arch())
                && earlier.detail().equals(row.detail());
    }

    private static String format(String[] cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < cells.length; c++) {
            if (c > 0) {
                line.append("  ");
            }
            line.append(c == cells.length - 1 ? String.format("%" + widths[c] + "s", cells[c])
                    : String.format("%-" + widths[c] + "s", cells[c]));
        }
        return line.toString().stripTrailing();
    }
}
