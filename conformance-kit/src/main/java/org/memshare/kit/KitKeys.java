package org.memshare.kit;

/**
 * The configuration keys of the kit. They are JUnit configuration parameters, read through the
 * extension context, so each works alike from {@code -D} on the command line, from
 * {@code junit-platform.properties}, from the JUnit Launcher and from a {@code @Suite} class's
 * {@code @ConfigurationParameter}.
 */
public final class KitKeys {
    /** The name of the one arch plugin to test; unset means every plugin found (usually just one). */
    public static final String ARCH = "memshare.arch";
    /**
     * One PA size to test; unset means every configuration the plugin lists
     * ({@link org.memshare.api.arch.ArchPlugin#configurations()}).
     */
    public static final String PA_BITS = "memshare.pa_bits";
    /** Prefix of the plugin's own properties: {@code memshare.arch.ctr_el0=0x8444c004} passes {@code ctr_el0}. */
    public static final String PROPERTY_PREFIX = "memshare.arch.";
    /** The seed of the randomised rules (MODEL); unset means {@value #DEFAULT_SEED}. */
    public static final String SEED = "memshare.seed";
    /**
     * The class name of a {@link PoolFactory} whose pools the PT and POOL rules use; unset means
     * the engine's own pool. Loaded through the thread's context class loader.
     */
    public static final String POOL_FACTORY = "memshare.pool.factory";
    /**
     * {@code off} runs every rule whatever the rules of the layers below it give (to see every
     * failure at once while debugging a plugin); unset or {@code on} skips a rule whose lower
     * layers fail on that configuration, naming the failing rule.
     */
    public static final String LAYERS = "memshare.layers";
    /** The seed used when none is configured. */
    public static final long DEFAULT_SEED = 20191205L;

    private KitKeys() {
    }
}
