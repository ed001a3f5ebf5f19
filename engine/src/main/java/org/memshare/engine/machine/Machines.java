package org.memshare.engine.machine;

import static java.util.Objects.requireNonNull;

import com.google.inject.Module;
import org.memshare.engine.plugin.ArchRegistry;

/**
 * The one place machines are made. A machine is assembled by a Guice injector from the arch the
 * plugin returns, the engine's bindings and any modules the user adds; the injector is built
 * once per {@link MachineFactory} and makes each machine in its own scope, so a machine costs
 * microseconds and shares no state with another.
 */
public final class Machines {
    private Machines() {
    }

    /** The factory for machines without user modules, built on first use. */
    private static final class Plain {
        static final MachineFactory FACTORY = new MachineFactory();
    }

    /**
     * Makes a machine. Without user modules it comes from one shared injector; with user modules
     * an injector is built for this machine alone (milliseconds: to make many machines with the
     * same modules, use {@link #factory}).
     *
     * @param userModules extra bindings (custom policies, observers); may be empty
     * @return the machine and its hypervisor, or a failure that says why; never throws on a bad configuration
     */
    public static MachineResult create(MachineConfig config, ArchRegistry registry, Module... userModules) {
        requireNonNull(config, "config is null");
        requireNonNull(registry, "registry is null");
        requireNonNull(userModules, "userModules is null");
        MachineFactory factory = userModules.length == 0 ? Plain.FACTORY : new MachineFactory(userModules);
        return factory.create(config, registry);
    }

    /**
     * A factory whose one injector holds the engine's bindings and {@code userModules}, for making
     * many machines cheaply. Each machine has its own state; the modules' singletons are shared by
     * every machine of the factory.
     */
    public static MachineFactory factory(Module... userModules) {
        requireNonNull(userModules, "userModules is null");
        return new MachineFactory(userModules);
    }
}
