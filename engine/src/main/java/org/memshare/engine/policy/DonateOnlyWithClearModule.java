package org.memshare.engine.policy;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;
import org.memshare.api.policy.SharePolicy;

/**
 * Installs a {@link DonateOnlyWithClearPolicy}:
 * {@code Machines.create(config, registry, new DonateOnlyWithClearModule())}.
 */
public final class DonateOnlyWithClearModule extends AbstractModule {

    private final DonateOnlyWithClearPolicy policy = new DonateOnlyWithClearPolicy();

    public DonateOnlyWithClearModule() {
    }

    @Override
    protected void configure() {
        Multibinder.newSetBinder(binder(), SharePolicy.class).addBinding().toInstance(policy);
    }
}
