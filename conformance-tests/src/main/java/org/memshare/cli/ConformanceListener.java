package org.memshare.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Turns the launcher's events into the rows of {@code memshare conformance}'s table: one per rule
 * invocation, plus one per container that failed or was skipped as a whole (its tests never
 * report). Reports progress as rules and families finish.
 */
final class ConformanceListener implements TestExecutionListener {

    /** How an invocation ended. */
    enum Outcome {
        PASSED("passed"), FAILED("FAILED"), SKIPPED("skipped");

        final String label;

        Outcome(String label) {
            this.label = label;
        }
    }

    /**
     * One row of the table.
     *
     * @param where the rule, level, arch and configuration
     * @param outcome how it ended
     * @param millis how long it ran, or -1 if it did not run
     * @param detail the first line of the failure message or the skip reason, or {@code ""}
     */
    record Row(RuleCoordinates where, Outcome outcome, long millis, String detail) {
    }

    /** Where progress goes: a bar on a terminal, lines otherwise. */
    interface Progress extends AutoCloseable {
        /** One unit (a rule, across its configurations) finished. */
        void unitFinished(String label);

        /** A family finished: {@code PT: 84 passed, 0 failed, 0 skipped}. */
        void familyFinished(String line);

        @Override
        void close();
    }

    private final RuleGlob glob;
    private final Progress progress;
    private final List<Row> rows = new ArrayList<>();
    private final Map<String, Long> started = new HashMap<>();
    private final Map<String, int[]> familyCounts = new LinkedHashMap<>();
    private final Set<String> familiesInClass = new LinkedHashSet<>();
    /** Families of finished classes not reported yet: one family may span consecutive classes (ACS). */
    private final Set<String> pending = new LinkedHashSet<>();
    private TestPlan plan;

    ConformanceListener(RuleGlob glob, Progress progress) {
        this.glob = glob;
        this.progress = progress;
    }

    /** The units progress counts in {@code plan}: the methods of rule classes (templates, factories, tests). */
    static long units(TestPlan plan) {
        return plan.getRoots().stream().flatMap(root -> plan.getDescendants(root).stream())
                .filter(id -> isUnit(plan, id)).count();
    }

    private static boolean isUnit(TestPlan plan, TestIdentifier id) {
        return id.getSource().orElse(null) instanceof MethodSource
                && plan.getParent(id).flatMap(TestIdentifier::getSource).orElse(null) instanceof ClassSource;
    }

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        this.plan = testPlan;
    }

    @Override
    public void executionStarted(TestIdentifier id) {
        started.put(id.getUniqueId(), System.nanoTime());
    }

    @Override
    public void executionSkipped(TestIdentifier id, String reason) {
        record(id, Outcome.SKIPPED, -1, reason);
        finished(id);
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        Long start = started.remove(id.getUniqueId());
        long millis = start == null ? -1 : (System.nanoTime() - start) / 1_000_000;
        switch (result.getStatus()) {
            case SUCCESSFUL -> {
                if (id.isTest()) {
                    record(id, Outcome.PASSED, millis, "");
                }
            }
            case ABORTED -> record(id, Outcome.SKIPPED, -1, message(result));
            case FAILED -> record(id, Outcome.FAILED, millis, message(result));
        }
        finished(id);
    }

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        reportFamilies();
    }

    private void record(TestIdentifier id, Outcome outcome, long millis, String detail) {
        RuleCoordinates where = RuleCoordinates.of(plan, id);
        // A dynamic rule --rules does not select ran, but is not reported; a failure that is no
        // rule's (a rule class that cannot be made, say) always is.
        boolean selected = where.rule() ? glob.matches(where.ruleId()) : glob.everything() || outcome == Outcome.FAILED;
        if (!selected) {
            return;
        }
        if (!pending.isEmpty() && !pending.contains(where.family())) {
            reportFamilies();
        }
        rows.add(new Row(where, outcome, millis, firstLine(detail)));
        int[] counts = familyCounts.computeIfAbsent(where.family(), f -> new int[3]);
        counts[outcome.ordinal()]++;
        familiesInClass.add(where.family());
    }

    private void finished(TestIdentifier id) {
        if (isUnit(plan, id)) {
            progress.unitFinished(RuleCoordinates.of(plan, id).ruleId());
        } else if (id.getSource().orElse(null) instanceof ClassSource) {
            pending.addAll(familiesInClass);
            familiesInClass.clear();
        }
    }

    /**
     * A family is reported once, when the last rule class it ran in has finished: when a row of
     * another family arrives after its classes, or at the end.
     */
    private void reportFamilies() {
        pending.addAll(familiesInClass);
        familiesInClass.clear();
        for (String family : pending) {
            if (!family.isEmpty()) {
                progress.familyFinished(family + ": " + counts(familyCounts.get(family)));
            }
        }
        pending.clear();
    }

    /** The rows in the order they ran. */
    List<Row> rows() {
        return List.copyOf(rows);
    }

    /** {@code N passed, M failed, K skipped} over {@code rows}. */
    static String summary(List<Row> rows) {
        int[] counts = new int[3];
        rows.forEach(row -> counts[row.outcome().ordinal()]++);
        return counts(counts);
    }

    private static String counts(int[] counts) {
        return counts[0] + " passed, " + counts[1] + " failed, " + counts[2] + " skipped";
    }

    private static String message(TestExecutionResult result) {
        return result.getThrowable().map(t -> t.getMessage() == null || t.getMessage().isBlank()
                ? t.getClass().getName() : t.getMessage()).orElse("");
    }

    private static String firstLine(String text) {
        return text == null ? "" : text.strip().lines().findFirst().orElse("");
    }
}
