package org.memshare.api.arch;

/**
 * Optional behaviour an architecture declares. Rules of the conformance suite that need a feature
 * are skipped, with a reason naming the feature, when the arch does not declare it; calls that
 * need a feature the arch lacks fail with a message that names it.
 */
public enum ArchFeature {
    /**
     * The arch models a TLB: its {@link TlbMaintenance} accepts {@link TlbObserver}s and reports
     * every invalidation the hardware would execute.
     */
    TLB_MODEL,
    /** The arch models data-cache maintenance: its {@link CacheMaintenance} accepts {@link DataCacheObserver}s. */
    DCACHE_MODEL,
    /** The PA size is configurable ({@code pa_bits}); {@link ArchPlugin#configurations()} lists the sizes it accepts. */
    CONFIGURABLE_PA_SIZE,
    /** The arch offers its own model of the hardware walk, {@link Arch#hardwareWalk()}. */
    HARDWARE_WALK
}
