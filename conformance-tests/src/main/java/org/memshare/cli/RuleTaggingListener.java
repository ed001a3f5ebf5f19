package org.memshare.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Hands every event to another listener (the JUnit XML writer), first publishing on each rule
 * invocation a report entry with its rule id, level, arch and configuration. JUnit's legacy XML
 * names a test-template invocation after its Java method; the entry (written into the test case's
 * {@code system-out}) is what lets a reader of the XML find the rule.
 */
final class RuleTaggingListener implements TestExecutionListener {
    private final TestExecutionListener delegate;
    private TestPlan plan;

    RuleTaggingListener(TestExecutionListener delegate) {
        this.delegate = delegate;
    }

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        plan = testPlan;
        delegate.testPlanExecutionStarted(testPlan);
    }

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        delegate.testPlanExecutionFinished(testPlan);
    }

    @Override
    public void dynamicTestRegistered(TestIdentifier id) {
        delegate.dynamicTestRegistered(id);
    }

    @Override
    public void executionStarted(TestIdentifier id) {
        delegate.executionStarted(id);
    }

    @Override
    public void executionSkipped(TestIdentifier id, String reason) {
        tag(id);
        delegate.executionSkipped(id, reason);
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        if (id.isTest()) {
            tag(id);
        }
        delegate.executionFinished(id, result);
    }

    @Override
    public void reportingEntryPublished(TestIdentifier id, ReportEntry entry) {
        delegate.reportingEntryPublished(id, entry);
    }

    private void tag(TestIdentifier id) {
        RuleCoordinates where = RuleCoordinates.of(plan, id);
        if (!where.rule()) {
            return;
        }
        Map<String, String> values = new LinkedHashMap<>();
        values.put("rule", where.ruleId());
        values.put("level", where.level());
        values.put("arch", where.arch());
        values.put("configuration", where.configuration());
        delegate.reportingEntryPublished(id, ReportEntry.from(values));
    }
}
