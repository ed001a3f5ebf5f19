package org.memshare.engine.machine;

import static java.util.Objects.requireNonNull;

import com.google.inject.Guice;
import com.google.inject.Module;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.memshare.api.arch.Arch;
import org.memshare.api.arch.ArchPlugin;
import org.memshare.api.arch.Stage;
import org.memshare.api.arch.UnsupportedConfigurationException;
import org.memshare.engine.plugin.ArchRegistry;

/**
 * The one place machines are made: one Guice injector per machine, from the arch the plugin
 * returns, the engine's bindings and any modules the user adds.
 */
public final class Machines {
    private Machines() {
    }

    /** Why {@code arch} cannot carry page tables of this engine, if it cannot. */
    private static Optional<String> brokenGeometry(ArchPlugin plugin, Arch arch) {
        if (arch == null || arch.format() == null || arch.tlb() == null || arch.cache() == null) {
            return Optional.of("arch plugin '" + plugin.name() + "' returned an arch with missing parts");
        }
        for (Stage stage : Stage.values()) {
            int maxLevel = arch.format().maxLevel(stage);
            int roots = arch.format().rootTableCount(stage);
            if (maxLevel < 1 || maxLevel > 3 || roots < 1 || roots > 16 || Integer.bitCount(roots) != 1) {
                return Optional.of("arch plugin '" + plugin.name() + "' declares " + stage + " max level " + maxLevel
                        + " and " + roots + " root tables; the engine supports max levels 1 to 3 and 1 to 16 root"
                        + " tables, a power of two (conformance rule ARCH-2)");
            }
        }
        return Optional.empty();
    }

    /**
     * Makes a machine.
     *
     * @param userModules extra bindings (custom policies, observers); may be empty
     * @return the machine, or a failure that says why; never throws on a bad configuration
     */
    public static MachineResult create(MachineConfig config, ArchRegistry registry, Module... userModules) {
        requireNonNull(config, "config is null");
        requireNonNull(registry, "registry is null");
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
        List<Module> modules = new ArrayList<>();
        modules.add(new MachineModule(config, arch));
        modules.addAll(List.of(userModules));
        Optional<Machine> machine = Guice.createInjector(com.google.inject.Stage.DEVELOPMENT, modules)
                .getInstance(MachineAssembler.class)
                .assemble();
        if (machine.isEmpty()) {
            return new MachineResult.Failed(MachineResult.Failure.OUT_OF_MEMORY,
                    "a pool of " + config.poolPages() + " pages cannot hold the root tables of "
                            + config.vmCount() + " VMs and the hypervisor");
        }
        return new MachineResult.Created(machine.get());
    }
}
