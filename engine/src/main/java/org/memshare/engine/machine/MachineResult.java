package org.memshare.engine.machine;

import static java.util.Objects.requireNonNull;

import org.memshare.engine.hypervisor.Hypervisor;

/** What {@link Machines#create} gives: a machine, or why there is none. */
public sealed interface MachineResult {

    /** Why a machine could not be made. */
    enum Failure {
        /** No arch plugin has the name asked for (or several have). */
        UNKNOWN_ARCH,
        /** The arch refused the configuration, for example an unsupported PA size. */
        UNSUPPORTED_CONFIGURATION,
        /** The arch plugin failed, or returned an arch the engine cannot use. */
        BROKEN_PLUGIN,
        /** The page pool is too small for the root tables. */
        OUT_OF_MEMORY,
        /**
         * The machine could need more heap than this JVM may ever have (a pool or VM count too
         * large for {@code -Xmx}); the message says what to raise.
         */
        INSUFFICIENT_HEAP
    }

    /**
     * A machine was made, with the hypervisor the injector built for it (its sharing engine asks
     * the machine's policies).
     */
    record Created(Machine machine, Hypervisor hypervisor) implements MachineResult {
        public Created {
            requireNonNull(machine, "machine is null");
            requireNonNull(hypervisor, "hypervisor is null");
            if (hypervisor.machine() != machine) {
                throw new IllegalArgumentException("the hypervisor belongs to another machine");
            }
        }
    }

    /** No machine; {@code message} says why in words a user can act on. */
    record Failed(Failure failure, String message) implements MachineResult {
        public Failed {
            requireNonNull(failure, "failure is null");
            requireNonNull(message, "message is null");
        }
    }
}
