package org.memshare.engine.machine;

import static java.util.Objects.requireNonNull;

import com.google.inject.Module;
import java.util.Optional;
import org.memshare.api.arch.Arch;
import org.memshare.engine.mm.TableMemory;
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

    /**
     * Heap one table costs: the 512-entry {@code long[]} (4 KiB and its header), its changed mark
     * and 512 bits of changed children, and its share of the table memory's index, rounded up.
     */
    static final long HEAP_BYTES_PER_TABLE = 4096 + 128;
    /** Heap one VM costs besides its tables: its 4 KiB send buffer, mailbox, lock and table objects. */
    static final long HEAP_BYTES_PER_VM = 4096 + 512;
    /**
     * Heap kept aside for everything else the JVM holds (the injector, the caller's data, a
     * message and its output): the margin left when the tables reach their limit.
     */
    static final long HEAP_RESERVE = 32L << 20;

    /**
     * Why the pool's addresses cannot be table addresses of {@code arch}, if they cannot: every
     * table of the machine comes from the pool, and an entry must hold its table's address, so
     * the pool's first and last page must survive the format's {@code clearPa}. Otherwise a map
     * would write entries that point somewhere else and seem to succeed.
     */
    static Optional<String> unrepresentablePool(MachineConfig config, Arch arch) {
        if (config.poolPages() == 0) {
            return Optional.empty();
        }
        long first = config.poolBase();
        long last = config.poolEnd() - 4096;
        for (long page : new long[] {first, last}) {
            if (arch.format().clearPa(page) != page) {
                return Optional.of("a pool of " + config.poolPages() + " pages at 0x" + Long.toHexString(first)
                        + " reaches 0x" + Long.toHexString(page) + ", which arch '" + config.archName()
                        + "' cannot hold in a page-table entry (it reads back as 0x"
                        + Long.toHexString(arch.format().clearPa(page)) + "); use a lower pool base or fewer pages");
            }
        }
        return Optional.empty();
    }

    /**
     * How many tables the machine's table memory may hold in a heap of {@code maxHeap} bytes:
     * what is left after the reserve and the VMs, at {@link #HEAP_BYTES_PER_TABLE} each
     * ({@link Long#MAX_VALUE}, no limit, for an unlimited heap). Tables are counted as they are
     * made, so a pool larger than the heap costs nothing until its pages hold tables.
     */
    static long tableLimit(MachineConfig config, long maxHeap) {
        if (maxHeap == Long.MAX_VALUE) {
            return Long.MAX_VALUE;
        }
        // vmCount < 2^16, so the product cannot overflow.
        long left = maxHeap - HEAP_RESERVE - config.vmCount() * HEAP_BYTES_PER_VM;
        return Math.max(0, left / HEAP_BYTES_PER_TABLE);
    }

    /**
     * Why the machine cannot even be made in a heap of {@code maxHeap} bytes, if it cannot: its
     * VMs and root tables ({@code rootTables} of them) must fit beside the reserve. What a
     * machine allocates later is checked as it happens.
     */
    static Optional<String> heapShortfall(MachineConfig config, long rootTables, long maxHeap) {
        if (rootTables <= tableLimit(config, maxHeap)) {
            return Optional.empty();
        }
        long need = HEAP_RESERVE + config.vmCount() * HEAP_BYTES_PER_VM + rootTables * HEAP_BYTES_PER_TABLE;
        long mib = 1L << 20;
        return Optional.of(config.vmCount() + " VMs and their " + rootTables + " root tables need "
                + (need + mib - 1) / mib + " MiB of heap, but this JVM may use at most " + maxHeap / mib
                + " MiB: raise the maximum heap (java -Xmx; for the memshare script set MEMSHARE_JAVA_OPTS=-Xmx"
                + gib(need) + "g) or ask for fewer VMs");
    }

    /**
     * What to tell the user when {@code machine}'s table memory refused a table (see
     * {@link TableMemory#heapRefusals}): how much the tables hold, the heap's limit, and a heap
     * that would hold tables in every page of the pool.
     */
    static String heapExhausted(MachineConfig config, TableMemory tables) {
        long mib = 1L << 20;
        long whole = HEAP_RESERVE + config.vmCount() * HEAP_BYTES_PER_VM + config.poolPages() * HEAP_BYTES_PER_TABLE;
        return "the heap cannot hold the page tables this operation needs (this machine holds "
                + tables.tableCount() + " tables, " + tables.tableCount() * HEAP_BYTES_PER_TABLE / mib
                + " MiB, of the " + tables.tableLimit() + " the heap allows): it failed as if the page pool had run"
                + " out; raise the maximum heap (MEMSHARE_JAVA_OPTS=-Xmx" + gib(whole)
                + "g holds a table in every page of the pool)";
    }

    private static long gib(long bytes) {
        return (bytes + (1L << 30) - 1) >> 30;
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
        return create(config, registry, Runtime.getRuntime().maxMemory(), userModules);
    }

    /** {@link #create(MachineConfig, ArchRegistry, Module...)} with the heap limit given, for tests. */
    static MachineResult create(MachineConfig config, ArchRegistry registry, long maxHeap, Module... userModules) {
        requireNonNull(config, "config is null");
        requireNonNull(registry, "registry is null");
        requireNonNull(userModules, "userModules is null");
        MachineFactory factory = userModules.length == 0 ? Plain.FACTORY : new MachineFactory(userModules);
        return factory.create(config, registry, maxHeap);
    }

    /**
     * Makes a machine with named policies (a fresh policy from each, asked in this order), from
     * the one shared injector: no injector is built per machine.
     *
     * @return the machine and its hypervisor, or a failure that says why; never throws on a bad configuration
     */
    public static MachineResult create(MachineConfig config, ArchRegistry registry,
            java.util.List<org.memshare.api.policy.SharePolicyFactories.Selected> policies) {
        return Plain.FACTORY.create(config, registry, policies);
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
