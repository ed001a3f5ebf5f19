package org.memshare.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.memshare.cli.ConformanceListener.Outcome;
import org.memshare.cli.ConformanceListener.Row;

/**
 * The table {@code memshare conformance} prints: rule id, level, arch, configuration, outcome and
 * time, one row per invocation. Skipped invocations of one rule for the same reason are one row
 * (after the rule's runs), naming the arch or how many arches, and how many configurations; the
 * reason, and a failure's first message line, go under the row.
 */
final class ResultTable {
    private static final String[] HEADINGS = {"rule", "level", "arch", "configuration", "outcome", "time (ms)"};
    private static final String DETAIL_INDENT = "    ";
    /** What JUnit puts before the reason of an aborted test; the reason is enough. */
    private static final String ASSUMPTION_PREFIX = "Assumption failed: ";

    private ResultTable() {
    }

    /** Prints {@code rows} to {@code out}. */
    static void print(PrintWriter out, List<Row> rows) {
        List<String[]> cells = new ArrayList<>();
        List<String> details = new ArrayList<>();
        for (Line line : collapse(ordered(rows))) {
            Row row = line.row();
            String configuration = line.count() == 1 ? row.where().configuration() : line.count() + " configurations";
            String arch = line.arches() == 1 ? row.where().arch() : line.arches() + " arches";
            cells.add(new String[] {row.where().ruleId(), row.where().level(), arch, configuration,
                row.outcome().label, row.millis() < 0 ? "-" : Long.toString(row.millis())});
            String detail = row.detail().startsWith(ASSUMPTION_PREFIX)
                    ? row.detail().substring(ASSUMPTION_PREFIX.length()) : row.detail();
            details.add(row.outcome() == Outcome.PASSED ? "" : detail);
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

    private record Line(Row row, int count, int arches) {
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

    /** Every row that ran, then one line per rule and skip reason, in the order rules first appear. */
    private static List<Line> collapse(List<Row> rows) {
        List<Line> lines = new ArrayList<>();
        Map<List<String>, List<Row>> skips = new LinkedHashMap<>();
        String rule = null;
        for (Row row : rows) {
            if (!row.where().ruleId().equals(rule)) {
                flush(skips, lines);
                rule = row.where().ruleId();
            }
            if (row.outcome() == Outcome.SKIPPED) {
                skips.computeIfAbsent(List.of(row.where().ruleId(), row.detail()), k -> new ArrayList<>()).add(row);
            } else {
                lines.add(new Line(row, 1, 1));
            }
        }
        flush(skips, lines);
        return lines;
    }

    private static void flush(Map<List<String>, List<Row>> skips, List<Line> lines) {
        for (List<Row> same : skips.values()) {
            int arches = (int) same.stream().map(r -> r.where().arch()).distinct().count();
            lines.add(new Line(same.get(0), same.size(), arches));
        }
        skips.clear();
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
