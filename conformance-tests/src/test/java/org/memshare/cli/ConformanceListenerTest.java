package org.memshare.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.launcher.EngineFilter.includeEngines;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.memshare.cli.ConformanceListener.Outcome;
import org.memshare.cli.ConformanceListener.Row;
import org.memshare.kit.ArchUnderTest;
import org.memshare.kit.ConformanceRule;

/**
 * The table's rows for dynamic rules (the corpus's shape: {@code ID [level] title} tests inside
 * {@code ARCH CONFIG} containers); the test-template shape is covered by {@link ConformanceCommandTest}.
 */
class ConformanceListenerTest {

    /** Dynamic rules shaped as the corpus's are; run only through the launcher below. */
    static class CorpusRules {
        @TestFactory
        Stream<DynamicNode> corpus() {
            return Stream.of(dynamicContainer("fake pa_bits=40", Stream.of(
                    dynamicTest("CORPUS-good [required] replays byte for byte", () -> { }),
                    dynamicTest("CORPUS-bad [required] replays byte for byte", () -> fail("line 3 differs\nexpected: 3: ok")),
                    dynamicTest("CORPUS-elsewhere [required] replays byte for byte",
                            () -> Assumptions.abort("written for aarch64")))),
                    dynamicContainer("aarch64 pa_bits=40 ctr_el0=0x8444c004", Stream.of(
                            dynamicTest("CORPUS-good [required] replays byte for byte", () -> { }))));
        }
    }

    /** One family's rules in two classes (as the ACS profile's are), and another family's before them. */
    static class OtherRules {
        @TestFactory
        Stream<DynamicNode> rules() {
            return Stream.of(dynamicContainer("fake pa_bits=40", Stream.of(dynamicTest("YY-1 [required] one", () -> { }))));
        }
    }

    static class SplitOneRules {
        @TestFactory
        Stream<DynamicNode> rules() {
            return Stream.of(dynamicContainer("fake pa_bits=40", Stream.of(dynamicTest("ZZ-1 [required] one", () -> { }))));
        }
    }

    static class SplitTwoRules {
        @TestFactory
        Stream<DynamicNode> rules() {
            return Stream.of(dynamicContainer("fake pa_bits=40", Stream.of(
                    dynamicTest("ZZ-2 [required] two", () -> fail("no")))));
        }
    }

    /** A rule class that cannot start: its failure is no rule's, and is reported whatever --rules says. */
    static class BrokenRules {
        @BeforeAll
        static void cannotStart() {
            throw new IllegalStateException("the rule class cannot start\nsecond line");
        }

        @ConformanceRule(id = "ZZ-1", title = "never runs")
        void zz1(ArchUnderTest under) {
            fail("ran");
        }
    }

    private static final class Recorded implements ConformanceListener.Progress {
        final List<String> families = new ArrayList<>();
        final List<String> units = new ArrayList<>();

        @Override
        public void unitFinished(String label) {
            units.add(label);
        }

        @Override
        public void familyFinished(String line) {
            families.add(line);
        }

        @Override
        public void close() {
        }
    }

    private static List<Row> run(String rules, Recorded progress) {
        return run(CorpusRules.class, rules, progress);
    }

    private static List<Row> run(Class<?> rulesClass, String rules, Recorded progress) {
        RuleGlob glob = RuleGlob.parse(rules);
        ConformanceListener listener = new ConformanceListener(glob, progress);
        var request = LauncherDiscoveryRequestBuilder.request().selectors(selectClass(rulesClass))
                .filters(includeEngines("junit-jupiter"));
        if (!glob.everything()) {
            request.filters(new RuleFilter(glob));
        }
        LauncherFactory.create().execute(request.build(), listener);
        return listener.rows();
    }

    @Test
    void dynamicRulesTakeTheirIdAndLevelFromTheirNameAndTheArchFromTheirContainer() {
        Recorded progress = new Recorded();
        List<Row> rows = run("*", progress);
        assertEquals(4, rows.size(), rows.toString());
        assertEquals(new RuleCoordinates("CORPUS-good", "required", "fake", "pa_bits=40", true), rows.get(0).where());
        assertEquals(Outcome.PASSED, rows.get(0).outcome());
        assertEquals("CORPUS-bad", rows.get(1).where().ruleId());
        assertEquals(Outcome.FAILED, rows.get(1).outcome());
        assertEquals("line 3 differs", rows.get(1).detail(), "the first line of the message");
        assertEquals(Outcome.SKIPPED, rows.get(2).outcome());
        assertEquals("written for aarch64", rows.get(2).detail());
        assertEquals(new RuleCoordinates("CORPUS-good", "required", "aarch64", "pa_bits=40 ctr_el0=0x8444c004", true),
                rows.get(3).where());
        assertEquals(List.of("CORPUS: 2 passed, 1 failed, 1 skipped"), progress.families);
        assertEquals(List.of("corpus()"), progress.units, "one unit: the factory");
        assertEquals("2 passed, 1 failed, 1 skipped", ConformanceListener.summary(rows));
    }

    @Test
    void aFamilyWhoseRulesSpanTwoClassesIsReportedOnceWhenTheLastFinishes() {
        Recorded progress = new Recorded();
        ConformanceListener listener = new ConformanceListener(RuleGlob.parse("*"), progress);
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(SplitTwoRules.class), selectClass(OtherRules.class), selectClass(SplitOneRules.class))
                .configurationParameter("junit.jupiter.testclass.order.default", "org.junit.jupiter.api.ClassOrderer$ClassName")
                .filters(includeEngines("junit-jupiter")).build(), listener);

        assertEquals(List.of("YY: 1 passed, 0 failed, 0 skipped", "ZZ: 1 passed, 1 failed, 0 skipped"), progress.families);
    }

    @Test
    void rulesSelectsDynamicRulesByIdAsTheyRun() {
        List<Row> rows = run("corpus-g*", new Recorded());
        assertEquals(List.of("CORPUS-good", "CORPUS-good"), rows.stream().map(r -> r.where().ruleId()).toList());
        assertTrue(run("ARCH-*", new Recorded()).isEmpty(), "the corpus's factory cannot match ARCH-*, so it does not run");
    }

    @Test
    void aFailureThatIsNoRulesIsReportedWhateverRulesSelects() {
        List<Row> rows = run(BrokenRules.class, "ZZ-*", new Recorded());
        assertEquals(1, rows.size(), rows.toString());
        assertEquals(Outcome.FAILED, rows.get(0).outcome());
        assertFalse(rows.get(0).where().rule());
        assertTrue(rows.get(0).where().ruleId().endsWith("BrokenRules"), rows.get(0).toString());
        assertEquals("the rule class cannot start", rows.get(0).detail());
        assertEquals("0 passed, 1 failed, 0 skipped", ConformanceListener.summary(rows));
    }

    @Test
    void skippedInvocationsOfOneRuleOnOneArchCollapseWithTheirReasonAndFailuresShowTheirMessage() {
        RuleCoordinates at32 = new RuleCoordinates("TLB-1", "optional", "fake", "pa_bits=32", true);
        RuleCoordinates at40 = new RuleCoordinates("TLB-1", "optional", "fake", "pa_bits=40", true);
        RuleCoordinates pt = new RuleCoordinates("PT-10", "required", "fake", "pa_bits=40", true);
        RuleCoordinates pt2 = new RuleCoordinates("PT-2", "required", "fake", "pa_bits=40", true);
        List<Row> rows = List.of(
                new Row(pt, Outcome.FAILED, 12, "expected entry 0x1 at 0x200000"),
                new Row(pt2, Outcome.PASSED, 3, ""),
                new Row(at32, Outcome.SKIPPED, -1, "needs TLB_MODEL, which fake does not declare"),
                new Row(at40, Outcome.SKIPPED, -1, "needs TLB_MODEL, which fake does not declare"));
        StringWriter text = new StringWriter();
        try (PrintWriter out = new PrintWriter(text)) {
            ResultTable.print(out, rows);
        }
        assertEquals("""
                rule   level     arch  configuration     outcome  time (ms)
                PT-2   required  fake  pa_bits=40        passed           3
                PT-10  required  fake  pa_bits=40        FAILED          12
                    expected entry 0x1 at 0x200000
                TLB-1  optional  fake  2 configurations  skipped          -
                    needs TLB_MODEL, which fake does not declare
                """, text.toString().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void skipsBlockedByALowerRuleThatDidNotRunHereFailTheRunButNotWhenThatRuleFailedHereToo() {
        String blocked = "skipped: ARCH-8 fails on this configuration; the rules of lower layers must pass first";
        RuleCoordinates share = new RuleCoordinates("SHARE-1", "required", "x", "pa_bits=40", true);
        RuleCoordinates arch8 = new RuleCoordinates("ARCH-8", "required", "x", "pa_bits=40", true);
        RuleCoordinates tlb = new RuleCoordinates("TLB-1", "optional", "x", "pa_bits=40", true);
        Row blockedShare = new Row(share, Outcome.SKIPPED, -1, "Assumption failed: " + blocked);
        Row missingFeature = new Row(tlb, Outcome.SKIPPED, -1, "needs TLB_MODEL, which x does not declare");

        assertEquals(List.of("ARCH-8"), ConformanceCommand.blockingRulesNotRun(List.of(blockedShare, missingFeature)));
        assertEquals(List.of(), ConformanceCommand.blockingRulesNotRun(
                List.of(new Row(arch8, Outcome.FAILED, 1, "mode 0x0"), blockedShare)));
        assertEquals(List.of(), ConformanceCommand.blockingRulesNotRun(List.of(missingFeature)));
    }

    @Test
    void globsMatchIdsIgnoringCaseAndTellWhichFamiliesCouldMatch() {
        RuleGlob glob = RuleGlob.parse("PT-*, arch-8");
        assertTrue(glob.matches("PT-3"));
        assertTrue(glob.matches("ARCH-8"));
        assertFalse(glob.matches("ARCH-80"));
        assertFalse(glob.matches("POOL-1"));
        assertTrue(glob.mayMatchFamily("PT"));
        assertFalse(glob.mayMatchFamily("CORPUS"));
        assertTrue(RuleGlob.parse("*-1").mayMatchFamily("CORPUS"));
        assertTrue(RuleGlob.parse("CORPUS-mm-*").mayMatchFamily("CORPUS"));
        assertTrue(RuleGlob.parse("C*").mayMatchFamily("CORPUS"));
        assertFalse(glob.everything());
        assertTrue(RuleGlob.parse("*").everything());
    }
}
