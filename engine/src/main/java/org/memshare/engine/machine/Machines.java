package org.memshare.engine.machine;

import static java.util.Objects.requireNonNull;

import com.google.inject.Guice;
import com.google.inject.Module;
import com.google.inject.Stage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.memshare.api.arch.Arch;
import org.memshare.api.arch.ArchPlugin;
import org.memshare.api.arch.UnsupportedConfigurationException;
import org.memshare.engine.plugin.ArchRegistry;

/**
 * The one place machines are made: one Guice injector per machine, from the arch the plugin
 * returns, the engine's bindings and any modules the user adds.
 */
public final class Machines {
    private Machines() {
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
        Optional<ArchPlugin> plugin = registry.find(config.archName());
        if (plugin.isEmpty()) {
            return new MachineResult.Failed(MachineResult.Failure.UNKNOWN_ARCH,
                    "unknown arch '" + config.archName() + "' (found: " + registry.names() + ")");
        }
        Arch arch;
        try {
            arch = requireNonNull(plugin.get().create(config.archConfig()), "the plugin returned no arch");
        } catch (UnsupportedConfigurationException e) {
            return new MachineResult.Failed(MachineResult.Failure.UNSUPPORTED_CONFIGURATION, e.getMessage());
        }
        List<Module> modules = new ArrayList<>();
        modules.add(new MachineModule(config, arch));
        modules.addAll(List.of(userModules));
        Optional<Machine> machine = Guice.createInjector(Stage.DEVELOPMENT, modules)
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
