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
     * Heap one pool page can cost once a table lives in it: the 512-entry {@code long[]} (4 KiB and
     * its header) and its slot in the table memory's index, rounded up.
     */
    static final long HEAP_BYTES_PER_POOL_PAGE = 4096 + 64;
    /** Heap one VM costs besides its tables: its 4 KiB send buffer, mailbox, lock and table objects. */
    static final long HEAP_BYTES_PER_VM = 4096 + 512;
    /** Heap kept aside for everything else the JVM holds (classes, the injector, the caller's data). */
    static final long HEAP_RESERVE = 32L << 20;

    /**
     * Why the pool's addresses cannot be table addresses of {@code arch}, if they cannot: every
     * table of the machine comes from the pool, and an entry must hold its table's address, so
     * the pool's first and last page must survive the format's {@code clearPa}. Otherwise a map
     * would write entries that point somewhere else and seem to succeed.
     */
    private static Optional<String> unrepresentablePool(MachineConfig config, Arch arch) {
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
     * Why a machine of this size may not fit the heap, if it may not: every table comes from the
     * pool, so a full pool costs about {@link #HEAP_BYTES_PER_POOL_PAGE} per page, and each VM
     * {@link #HEAP_BYTES_PER_VM} more; with {@link #HEAP_RESERVE} that must fit in {@code maxHeap}.
     */
    static Optional<String> heapShortfall(MachineConfig config, long maxHeap) {
        // poolPages <= 2^36 and vmCount < 2^16, so these products cannot overflow.
        long need = config.poolPages() * HEAP_BYTES_PER_POOL_PAGE + config.vmCount() * HEAP_BYTES_PER_VM
                + HEAP_RESERVE;
        if (maxHeap == Long.MAX_VALUE || need <= maxHeap) {
            return Optional.empty();
        }
        long mib = 1L << 20;
        return Optional.of("a pool of " + config.poolPages() + " pages and " + config.vmCount()
                + " VMs may need up to " + (need + mib - 1) / mib + " MiB of heap, but this JVM may use at most "
                + maxHeap / mib + " MiB: raise the maximum heap (java -Xmx; for the memshare script set"
                + " MEMSHARE_JAVA_OPTS=-Xmx" + ((need + (1L << 30) - 1) >> 30) + "g) or ask for fewer pool pages or VMs");
    }

    /**
     * Makes a machine.
     *
     * @param userModules extra bindings (custom policies, observers); may be empty
     * @return the machine, or a failure that says why; never throws on a bad configuration
     */
    public static MachineResult create(MachineConfig config, ArchRegistry registry, Module... userModules) {
        return create(config, registry, Runtime.getRuntime().maxMemory(), userModules);
    }

    /** {@link #create(MachineConfig, ArchRegistry, Module...)} with the heap limit given, for tests. */
    static MachineResult create(MachineConfig config, ArchRegistry registry, long maxHeap, Module... userModules) {
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
        Optional<String> unrepresentable = unrepresentablePool(config, arch);
        if (unrepresentable.isPresent()) {
            return new MachineResult.Failed(MachineResult.Failure.UNSUPPORTED_CONFIGURATION, unrepresentable.get());
        }
        Optional<String> shortfall = heapShortfall(config, maxHeap);
        if (shortfall.isPresent()) {
            return new MachineResult.Failed(MachineResult.Failure.INSUFFICIENT_HEAP, shortfall.get());
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
