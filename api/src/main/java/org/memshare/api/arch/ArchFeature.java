package org.memshare.api.arch;

/**
 * Optional behaviour an architecture declares. Rules of the conformance suite that need a feature
 * are skipped, with a reason naming the feature, when the arch does not declare it.
 */
public enum ArchFeature {
    /** The arch models a TLB that holds translations until they are invalidated. */
    TLB_MODEL,
    /** The arch models data-cache maintenance and records it. */
    DCACHE_MODEL,
    /** The PA size is configurable ({@code pa_bits}); the arch lists the sizes it accepts. */
    CONFIGURABLE_PA_SIZE
}
