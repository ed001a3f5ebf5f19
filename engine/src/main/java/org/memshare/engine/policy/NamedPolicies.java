package org.memshare.engine.policy;

import static java.util.Objects.requireNonNull;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import com.google.inject.Provider;
import com.google.inject.multibindings.Multibinder;
import org.memshare.api.policy.SharePolicy;
import org.memshare.api.policy.SharePolicyFactories;
import org.memshare.api.policy.SharePolicyFactory;

/**
 * Named policies as Guice modules, for machines built in Java:
 * {@code Machines.factory(NamedPolicies.module("lend-cap:16M"))}. The module binds a provider,
 * so every machine gets a fresh policy from the factory, and the arguments are checked when the
 * module is made.
 */
public final class NamedPolicies {
    private NamedPolicies() {
    }

    /**
     * A module installing {@code factory} with {@code args} (a fresh policy per machine).
     *
     * @throws IllegalArgumentException if the factory refuses the arguments
     */
    public static Module module(SharePolicyFactory factory, String args) {
        requireNonNull(factory, "factory is null");
        requireNonNull(args, "args is null");
        return module(SharePolicyFactories.of(java.util.List.of(factory)).resolve(
                args.isEmpty() ? factory.name() : factory.name() + ":" + args));
    }

    /**
     * A module installing a bundled named policy, {@code NAME[:ARGS]}.
     *
     * @throws IllegalArgumentException if no bundled policy has the name, or it refuses the arguments
     */
    public static Module module(String spec) {
        return module(SharePolicyFactories.load(NamedPolicies.class.getClassLoader()).resolve(spec));
    }

    /** A module installing a resolved named policy (a fresh policy per machine). */
    public static Module module(SharePolicyFactories.Selected selected) {
        requireNonNull(selected, "selected is null");
        return new AbstractModule() {
            @Override
            protected void configure() {
                Provider<SharePolicy> fresh = selected::create;
                Multibinder.newSetBinder(binder(), SharePolicy.class).addBinding().toProvider(fresh);
            }

            @Override
            public String toString() {
                return "NamedPolicies.module(" + selected.spec() + ")";
            }
        };
    }
}
