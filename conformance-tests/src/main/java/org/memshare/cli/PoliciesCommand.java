package org.memshare.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.memshare.api.policy.SharePolicyFactories;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code memshare policies}: the named sharing policies found (bundled, and from {@code --plugin} jars). */
@Command(name = "policies", mixinStandardHelpOptions = true,
        description = {"Lists the named sharing policies found (bundled, and from --plugin jars), with their parameters.",
            "Select one in a trace with 'init ... policy=NAME[:ARGS]' (docs/traces.md) or for a whole run with"
                + " 'replay|check|bench --policy NAME[:ARGS]'."})
final class PoliciesCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    PluginOptions pluginOptions;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (PluginOptions.Plugins plugins = pluginOptions.open()) {
            SharePolicyFactories factories = plugins.policyFactories();
            if (factories.all().isEmpty()) {
                out.println("no named sharing policies found on the class path");
            }
            out.print(factories.describe());
        }
        out.flush();
        return 0;
    }
}
