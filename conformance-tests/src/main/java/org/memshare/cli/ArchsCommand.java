package org.memshare.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.memshare.api.arch.ArchConfig;
import org.memshare.api.arch.ArchFeature;
import org.memshare.api.arch.ArchPlugin;
import org.memshare.engine.plugin.ArchRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code memshare archs}: the arch plugins found (bundled, and from {@code --plugin} jars), with
 * their features, the configurations the conformance kit proves them at, and their properties.
 */
@Command(name = "archs", mixinStandardHelpOptions = true,
        description = "Lists the arch plugins found, with their features, configurations and properties.")
final class ArchsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    PluginOptions pluginOptions;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (PluginOptions.Plugins plugins = pluginOptions.open()) {
            ArchRegistry registry = plugins.registry();
            if (registry.plugins().isEmpty()) {
                out.println("no arch plugins found on the class path");
            }
            for (ArchPlugin plugin : registry.plugins()) {
                describe(out, plugin);
            }
        }
        out.flush();
        return 0;
    }

    private static void describe(PrintWriter out, ArchPlugin plugin) {
        String features = plugin.features().isEmpty() ? "none"
                : plugin.features().stream().sorted().map(ArchFeature::name).collect(Collectors.joining(", "));
        String configurations = plugin.configurations().stream().map(ArchsCommand::configuration)
                .collect(Collectors.joining(", "));
        Map<String, String> properties = new TreeMap<>(plugin.properties());
        String described = properties.isEmpty() ? "none" : properties.entrySet().stream()
                .map(e -> e.getKey() + " (default " + e.getValue() + ")").collect(Collectors.joining(", "));
        out.printf("%-10s features: %s%n", plugin.name(), features);
        out.printf("           %s%n", plugin.description());
        out.printf("           configurations: %s%n", configurations.isEmpty() ? "none" : configurations);
        out.printf("           properties: %s%n", described);
    }

    /** A configuration as the conformance kit names it: {@code pa_bits=40}, then any properties. */
    static String configuration(ArchConfig config) {
        StringBuilder text = new StringBuilder("pa_bits=").append(config.paBits());
        new TreeMap<>(config.properties()).forEach((key, value) -> text.append(' ').append(key).append('=').append(value));
        return text.toString();
    }
}
