package org.memshare.engine.policy;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;
import org.memshare.api.policy.SharePolicy;

/**
 * Installs a {@link NoPermissionEscalationPolicy}:
 * {@code Machines.create(config, registry, new NoPermissionEscalationModule())}.
 */
public final class NoPermissionEscalationModule extends AbstractModule {

    private final NoPermissionEscalationPolicy policy = new NoPermissionEscalationPolicy();

    public NoPermissionEscalationModule() {
    }

    @Override
    protected void configure() {
        Multibinder.newSetBinder(binder(), SharePolicy.class).addBinding().toInstance(policy);
    }
}
