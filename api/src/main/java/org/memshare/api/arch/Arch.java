package org.memshare.api.arch;

import java.util.Optional;
import java.util.Set;

/**
 * One configured architecture: the pieces a plugin hands the engine for one machine. Returned by
 * {@link ArchPlugin#create(ArchConfig)}.
 */
public interface Arch {

    /** The plugin's name, as in {@link ArchPlugin#name()}. */
    String name();

    /** The entry encoding and the geometry of both stages. */
    PageTableFormat format();

    /** TLB maintenance; {@link TlbMaintenance#NONE} if the arch models no TLB. */
    TlbMaintenance tlb();

    /** Data-cache maintenance; {@link CacheMaintenance#NONE} if the arch models no cache. */
    CacheMaintenance cache();

    /** The optional behaviour this configured arch offers. */
    Set<ArchFeature> features();

    /**
     * The arch's own model of the hardware walk, present exactly when {@link #features()}
     * contains {@link ArchFeature#HARDWARE_WALK}. The default: none.
     */
    default Optional<HardwareWalk> hardwareWalk() {
        return Optional.empty();
    }
}
