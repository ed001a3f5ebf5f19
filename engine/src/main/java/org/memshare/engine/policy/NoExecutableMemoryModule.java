package org.memshare.engine.policy;

import static java.util.Objects.requireNonNull;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;
import java.util.Collection;
import org.memshare.api.policy.SharePolicy;

/**
 * Installs a {@link NoExecutableMemoryPolicy} for the VMs given:
 * {@code Machines.create(config, registry, new NoExecutableMemoryModule(3))}. The ids are checked
 * here, when the module is made; {@link #configure()} only binds.
 */
public final class NoExecutableMemoryModule extends AbstractModule {
    private final NoExecutableMemoryPolicy policy;

    /**
     * A module protecting {@code vmIds}.
     *
     * @throws IllegalArgumentException as {@link NoExecutableMemoryPolicy#forVms(Collection)}
     */
    public NoExecutableMemoryModule(int... vmIds) {
        this.policy = NoExecutableMemoryPolicy.forVms(vmIds);
    }

    /**
     * A module protecting {@code vmIds}.
     *
     * @throws IllegalArgumentException as {@link NoExecutableMemoryPolicy#forVms(Collection)}
     */
    public NoExecutableMemoryModule(Collection<Integer> vmIds) {
        this.policy = NoExecutableMemoryPolicy.forVms(requireNonNull(vmIds, "vmIds is null"));
    }

    @Override
    protected void configure() {
        Multibinder.newSetBinder(binder(), SharePolicy.class).addBinding().toInstance(policy);
    }
}
