package org.memshare.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.memshare.api.arch.ArchFeature;
import org.memshare.api.arch.ArchPlugin;
import org.memshare.engine.plugin.ArchRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code memshare archs}: the arch plugins on the class path and their features. */
@Command(name = "archs", mixinStandardHelpOptions = true, description = "Lists the arch plugins found, with their features.")
final class ArchsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ArchRegistry registry = ArchRegistry.discover();
        if (registry.plugins().isEmpty()) {
            out.println("no arch plugins found on the class path");
        }
        for (ArchPlugin plugin : registry.plugins()) {
            String features = plugin.features().isEmpty() ? "none"
                    : plugin.features().stream().sorted().map(ArchFeature::name).collect(Collectors.joining(", "));
            out.printf("%-10s features: %s%n           %s%n", plugin.name(), features, plugin.description());
        }
        out.flush();
        return 0;
    }
}
