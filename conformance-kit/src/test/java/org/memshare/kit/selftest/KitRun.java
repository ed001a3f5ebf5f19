package org.memshare.kit.selftest;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * Runs rule classes of the kit through the JUnit Jupiter engine, as a user's build would, with
 * extra plugins visible: each directory under {@code src/test/resources/broken-plugins/NAME} holds
 * a {@code META-INF/services} file naming one deliberately broken plugin, and is put on a class
 * loader of its own that becomes the thread's context loader for the run (the way
 * {@code memshare conformance --plugin} loads plugins). So broken plugins never leak into other
 * tests.
 */
public final class KitRun {
    private KitRun() {
    }

    /**
     * Runs {@code ruleClasses} against the plugin called {@code arch}, found in the bundled arches
     * or in {@code broken-plugins/<pluginDirectory>}, with further configuration keys.
     */
    public static EngineExecutionResults run(String pluginDirectory, String arch, Map<String, String> keys,
            Class<?>... ruleClasses) {
        Map<String, String> parameters = new LinkedHashMap<>(keys);
        parameters.put("memshare.arch", arch);
        ClassLoader testLoader = KitRun.class.getClassLoader();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        try (URLClassLoader plugins = new URLClassLoader(new URL[] {directory(pluginDirectory)}, testLoader)) {
            thread.setContextClassLoader(plugins);
            return EngineTestKit.engine("junit-jupiter")
                    .configurationParameters(parameters)
                    .selectors(Arrays.stream(ruleClasses).map(c -> selectClass(c)).toArray(
                            org.junit.platform.engine.DiscoverySelector[]::new))
                    .execute();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** {@link #run(String, String, Map, Class...)} with no further keys. */
    public static EngineExecutionResults run(String pluginDirectory, String arch, Class<?>... ruleClasses) {
        return run(pluginDirectory, arch, Map.of(), ruleClasses);
    }

    private static URL directory(String pluginDirectory) throws MalformedURLException {
        if (pluginDirectory == null) {
            return Path.of("target", "no-extra-plugins").toUri().toURL();
        }
        URL url = KitRun.class.getResource("/broken-plugins/" + pluginDirectory + "/");
        if (url == null) {
            throw new IllegalArgumentException("no test resource directory broken-plugins/" + pluginDirectory);
        }
        return url;
    }

    /** The ids of the rules with at least one failed invocation, sorted, for example {@code [PT-4]}. */
    public static List<String> failedRules(EngineExecutionResults results) {
        return results.testEvents().failed().stream().map(KitRun::ruleId).distinct().sorted().toList();
    }

    /** The messages of every failure, one per line, for assertion messages. */
    public static String failureMessages(EngineExecutionResults results) {
        return results.testEvents().failed().stream()
                .map(e -> ruleId(e) + " " + e.getTestDescriptor().getDisplayName() + ": "
                        + e.getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable)
                                .map(Throwable::getMessage).orElse("?"))
                .collect(Collectors.joining("\n"));
    }

    /** The skip reasons of every skipped invocation. */
    public static List<String> skipReasons(EngineExecutionResults results) {
        return results.testEvents().skipped().stream()
                .map(e -> e.getPayload(String.class).orElse("?")).toList();
    }

    /** The rule id of a test event: the id at the start of the display name of the event's rule. */
    static String ruleId(Event event) {
        var descriptor = event.getTestDescriptor();
        while (descriptor != null) {
            String name = descriptor.getDisplayName();
            int bracket = name.indexOf(" [");
            if (bracket > 0 && name.matches("^[A-Z]+-\\S+ \\[(required|optional|untested)\\].*")) {
                return name.substring(0, bracket);
            }
            descriptor = descriptor.getParent().orElse(null);
        }
        return "?";
    }
}
