package org.memshare.cli;

import java.util.ArrayList;
import java.util.List;
import org.memshare.api.policy.SharePolicyFactories;
import picocli.CommandLine.Option;

/**
 * The {@code --policy NAME[:ARGS]} option of replay, check and bench: named sharing policies
 * (bundled, or from {@code --plugin} jars) for every machine of the run, asked after the
 * policies the trace's own {@code init policy=} names, in the order given.
 */
final class PolicyOptions {

    @Option(names = "--policy", paramLabel = "NAME[:ARGS]",
            description = {"install this named sharing policy in every machine of the run (repeatable; asked in order,"
                    + " after the trace's own init policy=...; the first refusal answers DENIED);"
                    + " 'memshare policies' lists them, e.g. --policy no-exec:3 --policy lend-cap:16M"})
    List<String> policies = new ArrayList<>();

    /** The selected policies and the factories {@code init policy=} names are looked up in. */
    record Resolved(SharePolicyFactories factories, List<SharePolicyFactories.Selected> selected) {
    }

    /**
     * Looks the policies up where {@code plugins} finds them.
     *
     * @throws CliException if a name matches nothing or a policy refuses its arguments
     */
    Resolved resolve(PluginOptions.Plugins plugins) {
        SharePolicyFactories factories = plugins.policyFactories();
        List<SharePolicyFactories.Selected> selected = new ArrayList<>(policies.size());
        for (String spec : policies) {
            try {
                selected.add(factories.resolve(spec));
            } catch (IllegalArgumentException e) {
                throw new CliException("--policy " + spec + ": " + e.getMessage(), e);
            }
        }
        return new Resolved(factories, List.copyOf(selected));
    }
}
