package org.memshare.engine.machine;

import static java.util.Objects.requireNonNull;

import com.google.inject.AbstractModule;
import com.google.inject.Key;
import com.google.inject.Provides;
import com.google.inject.multibindings.Multibinder;
import org.memshare.api.addr.Addresses;
import org.memshare.api.arch.Arch;
import org.memshare.api.arch.CacheMaintenance;
import org.memshare.api.arch.PageTableFormat;
import org.memshare.api.arch.TlbMaintenance;
import org.memshare.api.policy.SharePolicy;
import org.memshare.api.pool.PagePool;
import org.memshare.engine.ffa.FfaMemory;
import org.memshare.engine.hypervisor.Hypervisor;
import org.memshare.engine.mm.TableMemory;
import org.memshare.engine.pool.DefaultPagePool;
import org.memshare.engine.spci.MemorySharing;

/**
 * Binds the pieces of a machine, each {@link MachineScoped}: the configuration and the arch the
 * plugin returned (seeded by {@link MachineFactory}), the pool, the table memory, the machine
 * itself (seeded once assembled), its SPCI sharing engine, its FF-A memory management and its
 * hypervisor. One injector with this module makes any number of machines, none sharing state
 * with another.
 */
final class MachineModule extends AbstractModule {
    static final Key<MachineConfig> CONFIG = Key.get(MachineConfig.class);
    static final Key<Arch> ARCH = Key.get(Arch.class);
    static final Key<Machine> MACHINE = Key.get(Machine.class);
    /** Seeded with a memory whose table limit comes from the heap (see {@link Machines#tableLimit}). */
    static final Key<TableMemory> TABLE_MEMORY = Key.get(TableMemory.class);

    private final MachineScope scope;

    MachineModule(MachineScope scope) {
        this.scope = requireNonNull(scope, "scope is null");
    }

    @Override
    protected void configure() {
        binder().requireExplicitBindings();
        binder().disableCircularProxies();
        bindScope(MachineScoped.class, scope);
        bind(CONFIG).toProvider(MachineScope.seeded(CONFIG)).in(MachineScoped.class);
        bind(ARCH).toProvider(MachineScope.seeded(ARCH)).in(MachineScoped.class);
        bind(MACHINE).toProvider(MachineScope.seeded(MACHINE)).in(MachineScoped.class);
        bind(TABLE_MEMORY).toProvider(MachineScope.seeded(TABLE_MEMORY)).in(MachineScoped.class);
        bind(PagePool.class).to(DefaultPagePool.class);
        bind(MachineAssembler.class);
        // The engine installs no policy; users add theirs with Multibinder.newSetBinder in their own module.
        Multibinder.newSetBinder(binder(), SharePolicy.class);
    }

    @Provides
    @MachineScoped
    PageTableFormat format(Arch arch) {
        return arch.format();
    }

    @Provides
    @MachineScoped
    TlbMaintenance tlb(Arch arch) {
        return arch.tlb();
    }

    @Provides
    @MachineScoped
    CacheMaintenance cache(Arch arch) {
        return arch.cache();
    }

    /** The pool starts as one chunk of the configured pages, as Hafnium's boot hands it memory. */
    @Provides
    @MachineScoped
    DefaultPagePool pagePool(MachineConfig config) {
        DefaultPagePool pool = DefaultPagePool.create(Addresses.PAGE_SIZE);
        pool.addChunk(config.poolBase(), config.poolPages() * Addresses.PAGE_SIZE);
        return pool;
    }

    /** The sharing engine, asking the machine's policies in the order they were bound. */
    @Provides
    @MachineScoped
    MemorySharing sharing(Machine machine) {
        return new MemorySharing(machine, machine.policies());
    }

    /** FF-A memory management, asking the same policies. */
    @Provides
    @MachineScoped
    FfaMemory ffa(Machine machine) {
        return new FfaMemory(machine);
    }

    @Provides
    @MachineScoped
    Hypervisor hypervisor(Machine machine, MemorySharing sharing, FfaMemory ffa) {
        return new Hypervisor(machine, sharing, ffa);
    }
}
