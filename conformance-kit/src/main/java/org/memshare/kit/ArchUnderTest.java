package org.memshare.kit;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.memshare.api.addr.Addresses;
import org.memshare.api.arch.Arch;
import org.memshare.api.arch.ArchConfig;
import org.memshare.api.arch.ArchFeature;
import org.memshare.api.arch.ArchPlugin;
import org.memshare.api.arch.PageTableFormat;
import org.memshare.api.pool.PagePool;
import org.memshare.engine.machine.Machine;
import org.memshare.engine.machine.MachineConfig;
import org.memshare.engine.machine.MachineResult;
import org.memshare.engine.machine.Machines;
import org.memshare.engine.plugin.ArchRegistry;
import org.memshare.engine.pool.DefaultPagePool;

/**
 * One arch plugin at one configuration, as a rule receives it. The plugin's arch was created once
 * to check the configuration; rules that need a machine {@link #boot} one (each machine gets a
 * fresh arch from the plugin, so observers never leak between rules).
 *
 * @param plugin the plugin under test
 * @param config the configuration under test
 * @param registry the registry the plugin was found in (machines are made through it)
 * @param seed the seed randomised rules start from ({@link KitKeys#SEED})
 * @param pools where the PT and POOL rules take their pools from ({@link KitKeys#POOL_FACTORY})
 */
public record ArchUnderTest(ArchPlugin plugin, ArchConfig config, ArchRegistry registry, long seed,
        PoolFactory pools) {

    /** Where pools come from when no {@link KitKeys#POOL_FACTORY} is named: the engine's own pool. */
    public static final PoolFactory ENGINE_POOLS = DefaultPagePool::create;

    /** The smallest PA size the kit proves: its machines put the page pool at 2 GiB. */
    public static final int MIN_PA_BITS = 32;

    public ArchUnderTest {
        requireNonNull(plugin, "plugin is null");
        requireNonNull(config, "config is null");
        requireNonNull(registry, "registry is null");
        requireNonNull(pools, "pools is null");
    }

    /** An arch under test with the engine's own pools. */
    public ArchUnderTest(ArchPlugin plugin, ArchConfig config, ArchRegistry registry, long seed) {
        this(plugin, config, registry, seed, ENGINE_POOLS);
    }

    /**
     * A pool of 4 KiB entries holding {@code pages} pages as one chunk at {@code base} (a multiple of
     * 4 KiB), from {@link #pools()}.
     */
    public PagePool newPool(long base, long pages) {
        PagePool pool = pools.create(Addresses.PAGE_SIZE);
        if (pages > 0 && !pool.addChunk(base, pages * Addresses.PAGE_SIZE)) {
            throw new IllegalStateException("the pool under test refused a chunk of " + pages + " pages at 0x"
                    + Long.toHexString(base));
        }
        return pool;
    }

    /** The plugin's name. */
    public String name() {
        return plugin.name();
    }

    /** The configuration in the kit's spelling: {@code pa_bits=40}, then any properties as {@code key=value}. */
    public String configuration() {
        StringBuilder text = new StringBuilder("pa_bits=").append(config.paBits());
        new TreeMap<>(config.properties()).forEach((key, value) -> text.append(' ').append(key).append('=').append(value));
        return text.toString();
    }

    /** A fresh arch from the plugin at this configuration. */
    public Arch arch() {
        return plugin.create(config);
    }

    /** The format of this configuration. */
    public PageTableFormat format() {
        return arch().format();
    }

    /** The features the plugin declares. */
    public Set<ArchFeature> features() {
        return plugin.features();
    }

    /**
     * A machine of this arch with a pool of {@code poolPages} pages and VMs {@code 1..vms}.
     *
     * @throws IllegalStateException if the machine cannot be made; the message says why
     */
    public Machine boot(long poolPages, int vms) {
        MachineConfig machineConfig = new MachineConfig(plugin.name(), config, poolPages, vms,
                MachineConfig.DEFAULT_POOL_BASE);
        MachineResult result = Machines.create(machineConfig, registry);
        if (result instanceof MachineResult.Created created) {
            return created.machine();
        }
        MachineResult.Failed failed = (MachineResult.Failed) result;
        throw new IllegalStateException("cannot boot " + this + ": " + failed.failure() + ": " + failed.message());
    }

    /** The properties of this configuration with the plugin's defaults filled in. */
    public Map<String, String> effectiveProperties() {
        Map<String, String> all = new TreeMap<>(plugin.properties());
        all.putAll(config.properties());
        return all;
    }

    /** Why the plugin refuses this configuration, if it does. */
    Optional<String> refusal() {
        if (config.paBits() < MIN_PA_BITS) {
            return Optional.of("the kit places page tables at 0x" + Long.toHexString(MachineConfig.DEFAULT_POOL_BASE)
                    + ", which a " + config.paBits() + "-bit PA cannot hold; the kit proves PA sizes of "
                    + MIN_PA_BITS + " bits and more");
        }
        try {
            plugin.create(config);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(name() + " refuses " + configuration() + ": " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return name() + " " + configuration();
    }
}
