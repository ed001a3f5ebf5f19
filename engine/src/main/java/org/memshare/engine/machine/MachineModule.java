package org.memshare.engine.machine;

import static java.util.Objects.requireNonNull;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import org.memshare.api.addr.Addresses;
import org.memshare.api.arch.Arch;
import org.memshare.api.arch.CacheMaintenance;
import org.memshare.api.arch.PageTableFormat;
import org.memshare.api.arch.TlbMaintenance;
import org.memshare.api.policy.SharePolicy;
import org.memshare.api.pool.PagePool;
import org.memshare.engine.mm.TableMemory;
import org.memshare.engine.pool.DefaultPagePool;

/** Binds the pieces of one machine: the arch the plugin returned, the pool, the table memory. */
final class MachineModule extends AbstractModule {
    private final MachineConfig config;
    private final Arch arch;

    MachineModule(MachineConfig config, Arch arch) {
        this.config = requireNonNull(config, "config is null");
        this.arch = requireNonNull(arch, "arch is null");
    }

    @Override
    protected void configure() {
        binder().requireExplicitBindings();
        binder().disableCircularProxies();
        bind(MachineConfig.class).toInstance(config);
        bind(Arch.class).toInstance(arch);
        bind(PageTableFormat.class).toInstance(arch.format());
        bind(TlbMaintenance.class).toInstance(arch.tlb());
        bind(CacheMaintenance.class).toInstance(arch.cache());
        bind(TableMemory.class).in(Singleton.class);
        bind(PagePool.class).to(DefaultPagePool.class);
        bind(MachineAssembler.class);
        // The engine installs no policy; users add theirs with Multibinder.newSetBinder in their own module.
        Multibinder.newSetBinder(binder(), SharePolicy.class);
    }

    /** The pool starts as one chunk of the configured pages, as Hafnium's boot hands it memory. */
    @Provides
    @Singleton
    DefaultPagePool pagePool(MachineConfig config) {
        DefaultPagePool pool = DefaultPagePool.create(Addresses.PAGE_SIZE);
        pool.addChunk(config.poolBase(), config.poolPages() * Addresses.PAGE_SIZE);
        return pool;
    }
}
