package org.memshare.cli;

import static org.junit.platform.engine.discovery.ClassNameFilter.includeClassNamePatterns;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;
import static org.junit.platform.launcher.EngineFilter.includeEngines;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.reporting.legacy.xml.LegacyXmlReportGeneratingListener;
import org.memshare.cli.ConformanceListener.Row;
import org.memshare.engine.plugin.ArchRegistry;
import org.memshare.kit.KitKeys;
import org.memshare.kit.LayerOrder;
import org.memshare.kit.SkipReasons;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code memshare conformance}: runs the conformance kit's rules through the JUnit Platform
 * Launcher against the arch plugins found (the bundled ones and any {@code --plugin} jar), at every
 * configuration each lists, and prints a table and a summary.
 *
 * <p>Any failed rule makes the exit status 1: a required rule binds every plugin, and an optional
 * rule runs only where the plugin declares the feature it needs, so its failure means that
 * declaration is false. Skipped invocations (untested rules, undeclared features, refused
 * configurations, rules above a failing layer) never fail the run.
 */
@Command(name = "conformance", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs the conformance kit's rules against the arch plugins found, at every configuration"
            + " each lists (or the one --arch and --pa-bits name).",
            "Prints a table of rule, level, arch, configuration, outcome and time, then 'N passed, M failed, K skipped'.",
            "Exits 0 if no rule failed, 1 if a rule failed (required, or optional where the plugin declares"
                + " the feature), 2 on a usage error."})
final class ConformanceCommand implements Callable<Integer> {
    /** The package the kit's rule classes live in, and their name pattern. */
    static final String RULES_PACKAGE = "org.memshare.kit.rules";
    static final String RULES_CLASS_PATTERN = ".*Rules";

    @Spec
    CommandSpec spec;

    @Option(names = "--arch", paramLabel = "NAME", description = "prove only this arch plugin (default: every one found)")
    String arch;

    @Option(names = "--pa-bits", paramLabel = "N", description = "prove only this PA size (default: every configuration the plugin lists)")
    Integer paBits;

    @Mixin
    PluginOptions pluginOptions;

    @Option(names = "--reports", paramLabel = "DIR", description = "write JUnit XML reports into this directory")
    Path reports;

    @Option(names = "--rules", paramLabel = "GLOB", description = "run only the rules whose id matches, e.g. 'PT-*', 'ARCH-8' or 'PT-*,POOL-*'")
    String rules = "*";

    @Option(names = "--seed", paramLabel = "N", description = "the seed of the randomised rules (default: "
            + KitKeys.DEFAULT_SEED + ")")
    Long seed;

    @Option(names = "-D", paramLabel = "KEY=VALUE", description = "a further configuration parameter of the kit,"
            + " e.g. -Dmemshare.arch.ctr_el0=0x8444c004")
    Map<String, String> parameters = new LinkedHashMap<>();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        RuleGlob glob = RuleGlob.parse(rules);
        if (paBits != null && (paBits < 1 || paBits > 64)) {
            throw new CliException("--pa-bits must be 1 to 64, was " + paBits);
        }
        try (PluginOptions.Plugins plugins = pluginOptions.open()) {
            checkArch(plugins.registry());
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(plugins.loader()); // the kit finds plugins through the context loader
            try {
                List<Row> rows = run(out, glob);
                ResultTable.print(out, rows);
                out.println(ConformanceListener.summary(rows));
                List<String> blocking = blockingRulesNotRun(rows);
                if (!blocking.isEmpty()) {
                    out.println("rules skipped because " + String.join(", ", blocking) + " fails below them; run"
                            + " --rules '" + String.join(",", blocking) + "' to see why");
                }
                out.flush();
                boolean failed = rows.stream().anyMatch(r -> r.outcome() == ConformanceListener.Outcome.FAILED);
                return failed || !blocking.isEmpty() ? 1 : 0;
            } finally {
                thread.setContextClassLoader(previous);
            }
        }
    }

    /**
     * The lower-layer rules that skipped rows name as failing but that did not fail in this run
     * (because --rules left them out): the plugin is broken all the same.
     */
    static List<String> blockingRulesNotRun(List<Row> rows) {
        Set<String> failedHere = new HashSet<>();
        rows.stream().filter(r -> r.outcome() == ConformanceListener.Outcome.FAILED)
                .forEach(r -> failedHere.add(r.where().ruleId()));
        return rows.stream().filter(r -> r.outcome() == ConformanceListener.Outcome.SKIPPED)
                .flatMap(r -> SkipReasons.failingLowerRule(r.detail()).stream())
                .filter(rule -> !failedHere.contains(rule)).distinct().sorted().toList();
    }

    private void checkArch(ArchRegistry registry) {
        if (registry.plugins().isEmpty()) {
            throw new CliException("no arch plugin found; name a plugin jar with --plugin");
        }
        String named = arch != null ? arch : parameters.get(KitKeys.ARCH);
        if (named != null && !named.isBlank()) {
            try {
                registry.require(named.strip());
            } catch (IllegalArgumentException e) {
                throw new CliException(e.getMessage(), e);
            }
        }
    }

    private List<Row> run(PrintWriter out, RuleGlob glob) {
        Launcher launcher = LauncherFactory.create();
        TestPlan plan = launcher.discover(request(glob));
        long units = ConformanceListener.units(plan);
        if (units == 0) {
            throw new CliException("no rule matches --rules '" + glob + "' (rules are found in " + RULES_PACKAGE
                    + " on the class path)");
        }
        List<TestExecutionListener> listeners = new ArrayList<>();
        try (ConformanceListener.Progress progress = Console.interactive() ? new BarProgress(units) : new LineProgress(out)) {
            ConformanceListener results = new ConformanceListener(glob, progress);
            listeners.add(results);
            if (reports != null) {
                listeners.add(new RuleTaggingListener(new LegacyXmlReportGeneratingListener(reportsDirectory(), out)));
            }
            launcher.execute(plan, listeners.toArray(TestExecutionListener[]::new));
            return results.rows();
        }
    }

    private LauncherDiscoveryRequest request(RuleGlob glob) {
        Map<String, String> configuration = new LinkedHashMap<>();
        // Families run from the encoding up, so the table reads in that order; -D may override it.
        configuration.put("junit.jupiter.testclass.order.default", LayerOrder.class.getName());
        configuration.putAll(parameters);
        if (arch != null) {
            configuration.put(KitKeys.ARCH, arch);
        }
        if (paBits != null) {
            configuration.put(KitKeys.PA_BITS, paBits.toString());
        }
        if (seed != null) {
            configuration.put(KitKeys.SEED, seed.toString());
        }
        LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectPackage(RULES_PACKAGE))
                .filters(includeEngines("junit-jupiter"), includeClassNamePatterns(RULES_CLASS_PATTERN))
                .configurationParameters(configuration);
        if (!glob.everything()) {
            request.filters(new RuleFilter(glob));
        }
        return request.build();
    }

    private Path reportsDirectory() {
        try {
            return Files.createDirectories(reports);
        } catch (IOException e) {
            throw new CliException("--reports " + reports + ": cannot create the directory: " + e.getMessage(), e);
        }
    }

    /** One line per family as it finishes, for output that is redirected. */
    private record LineProgress(PrintWriter out) implements ConformanceListener.Progress {
        @Override
        public void unitFinished(String label) {
        }

        @Override
        public void familyFinished(String line) {
            out.println(line);
            out.flush();
        }

        @Override
        public void close() {
        }
    }

    /** A progress bar over the rules, for a person at a terminal. */
    private static final class BarProgress implements ConformanceListener.Progress {
        private final ProgressBar bar;

        BarProgress(long units) {
            bar = new ProgressBarBuilder().setTaskName("conformance").setInitialMax(units)
                    .setStyle(ProgressBarStyle.ASCII).setUnit(" rules", 1).hideEta()
                    .setConsumer(new ConsoleProgressBarConsumer(System.out)).clearDisplayOnFinish().build();
        }

        @Override
        public void unitFinished(String label) {
            bar.setExtraMessage(label).step();
        }

        @Override
        public void familyFinished(String line) {
        }

        @Override
        public void close() {
            bar.close();
        }
    }
}
