package org.memshare.engine.machine;

import static java.util.Objects.requireNonNull;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.Provider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.memshare.api.arch.Arch;
import org.memshare.api.arch.ArchPlugin;
import org.memshare.api.arch.PageTableFormat;
import org.memshare.api.arch.Stage;
import org.memshare.api.arch.UnsupportedConfigurationException;
import org.memshare.api.policy.SharePolicy;
import org.memshare.api.policy.SharePolicyFactories;
import org.memshare.engine.hypervisor.Hypervisor;
import org.memshare.engine.mm.TableMemory;
import org.memshare.engine.plugin.ArchRegistry;

/**
 * Makes machines from one Guice injector: the engine's bindings and the user's modules, built
 * once, then a machine in microseconds per {@link #create}. Every machine has its own pool,
 * tables, memory, VMs, sharing engine and hypervisor (they are scoped to the machine); what the
 * user's modules bind as singletons is shared by every machine of this factory. Thread-safe.
 * Get one from {@link Machines#factory}.
 */
public final class MachineFactory {
    private final MachineScope scope = new MachineScope();
    private final Provider<MachineAssembler> assembler;
    private final Provider<Hypervisor> hypervisor;

    MachineFactory(Module... userModules) {
        List<Module> modules = new ArrayList<>(userModules.length + 1);
        modules.add(new MachineModule(scope));
        for (Module module : userModules) {
            modules.add(requireNonNull(module, "a user module is null"));
        }
        Injector injector = Guice.createInjector(com.google.inject.Stage.DEVELOPMENT, modules);
        this.assembler = injector.getProvider(MachineAssembler.class);
        this.hypervisor = injector.getProvider(Hypervisor.class);
    }

    /** Why {@code arch} cannot carry page tables of this engine, if it cannot. */
    private static Optional<String> brokenGeometry(ArchPlugin plugin, Arch arch) {
        if (arch == null || arch.format() == null || arch.tlb() == null || arch.cache() == null) {
            return Optional.of("arch plugin '" + plugin.name() + "' returned an arch with missing parts");
        }
        for (Stage stage : Stage.values()) {
            int maxLevel = arch.format().maxLevel(stage);
            int roots = arch.format().rootTableCount(stage);
            if (maxLevel < PageTableFormat.MIN_MAX_LEVEL || maxLevel > PageTableFormat.MAX_MAX_LEVEL || roots < 1
                    || roots > PageTableFormat.MAX_ROOT_TABLES || Integer.bitCount(roots) != 1) {
                return Optional.of("arch plugin '" + plugin.name() + "' declares " + stage + " max level " + maxLevel
                        + " and " + roots + " root tables; the engine supports max levels "
                        + PageTableFormat.MIN_MAX_LEVEL + " to " + PageTableFormat.MAX_MAX_LEVEL + " and 1 to "
                        + PageTableFormat.MAX_ROOT_TABLES + " root tables, a power of two (conformance rule ARCH-2)");
            }
        }
        return Optional.empty();
    }

    /**
     * Makes a machine with the arch {@code registry} finds for the configuration.
     *
     * @return the machine and its hypervisor, or a failure that says why; never throws on a bad configuration
     */
    public MachineResult create(MachineConfig config, ArchRegistry registry) {
        return create(config, registry, Runtime.getRuntime().maxMemory());
    }

    /**
     * Makes a machine as {@link #create(MachineConfig, ArchRegistry)} does, with named policies
     * for this machine alone: each gives a fresh policy ({@link SharePolicyFactories.Selected#create}),
     * asked after the policies the factory's modules bind, in the order given. No injector is
     * built for it.
     */
    public MachineResult create(MachineConfig config, ArchRegistry registry,
            List<SharePolicyFactories.Selected> policies) {
        return create(config, registry, Runtime.getRuntime().maxMemory(), policies);
    }

    /** {@link #create(MachineConfig, ArchRegistry)} with the heap limit given. */
    MachineResult create(MachineConfig config, ArchRegistry registry, long maxHeap) {
        return create(config, registry, maxHeap, List.of());
    }

    /** {@link #create(MachineConfig, ArchRegistry, List)} with the heap limit given. */
    MachineResult create(MachineConfig config, ArchRegistry registry, long maxHeap,
            List<SharePolicyFactories.Selected> policies) {
        requireNonNull(config, "config is null");
        requireNonNull(registry, "registry is null");
        requireNonNull(policies, "policies is null");
        ArchPlugin plugin;
        try {
            plugin = registry.require(config.archName());
        } catch (IllegalArgumentException e) {
            return new MachineResult.Failed(MachineResult.Failure.UNKNOWN_ARCH, e.getMessage());
        }
        Arch arch;
        try {
            arch = plugin.create(config.archConfig());
        } catch (UnsupportedConfigurationException e) {
            return new MachineResult.Failed(MachineResult.Failure.UNSUPPORTED_CONFIGURATION, e.getMessage());
        } catch (RuntimeException e) {
            return new MachineResult.Failed(MachineResult.Failure.BROKEN_PLUGIN,
                    "arch plugin '" + plugin.name() + "' failed to create an arch: " + e);
        }
        Optional<String> broken = brokenGeometry(plugin, arch);
        if (broken.isPresent()) {
            return new MachineResult.Failed(MachineResult.Failure.BROKEN_PLUGIN, broken.get());
        }
        Optional<String> unrepresentable = Machines.unrepresentablePool(config, arch);
        if (unrepresentable.isPresent()) {
            return new MachineResult.Failed(MachineResult.Failure.UNSUPPORTED_CONFIGURATION, unrepresentable.get());
        }
        long rootTables = arch.format().rootTableCount(Stage.STAGE1)
                + (long) config.vmCount() * arch.format().rootTableCount(Stage.STAGE2);
        Optional<String> shortfall = Machines.heapShortfall(config, rootTables, maxHeap);
        if (shortfall.isPresent()) {
            return new MachineResult.Failed(MachineResult.Failure.INSUFFICIENT_HEAP, shortfall.get());
        }
        Map<com.google.inject.Key<?>, Object> outer = scope.enter();
        try {
            scope.seed(MachineModule.CONFIG, config);
            scope.seed(MachineModule.ARCH, arch);
            scope.seed(MachineModule.TABLE_MEMORY, new TableMemory(Machines.tableLimit(config, maxHeap)));
            List<SharePolicy> fresh = new ArrayList<>(policies.size());
            for (SharePolicyFactories.Selected selected : policies) {
                fresh.add(selected.create());
            }
            Optional<Machine> machine = assembler.get().assemble(fresh);
            if (machine.isEmpty()) {
                return new MachineResult.Failed(MachineResult.Failure.OUT_OF_MEMORY, tooSmall(config, arch.format()));
            }
            scope.seed(MachineModule.MACHINE, machine.get());
            return new MachineResult.Created(machine.get(), hypervisor.get());
        } finally {
            scope.exit(outer);
        }
    }

    /**
     * Why the pool cannot hold the root tables: how many pages they need. The pool is one chunk
     * from a 1 MiB-aligned base; the stage-1 root comes first, then each VM's root, a concatenated
     * root aligned to its table count (the pages skipped for that stay unused by the roots).
     */
    private static String tooSmall(MachineConfig config, PageTableFormat format) {
        int stage1 = format.rootTableCount(Stage.STAGE1);
        int stage2 = format.rootTableCount(Stage.STAGE2);
        long needed = stage1;
        for (int vm = 0; vm < config.vmCount(); vm++) {
            needed = (needed + stage2 - 1) / stage2 * stage2 + stage2;
        }
        return "a pool of " + config.poolPages() + " page" + (config.poolPages() == 1 ? "" : "s")
                + " cannot hold the root tables, which need " + needed + ": " + stage1 + " for the hypervisor's stage-1 root"
                + (config.vmCount() == 0 ? "" : " and " + stage2 + " for each of " + config.vmCount() + " VMs' stage-2 roots"
                        + (needed > stage1 + (long) stage2 * config.vmCount() ? " (aligned to " + stage2 + " pages)" : ""));
    }

    @Override
    public String toString() {
        return "MachineFactory";
    }
}
