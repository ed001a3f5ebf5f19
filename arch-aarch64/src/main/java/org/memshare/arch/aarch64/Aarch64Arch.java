package org.memshare.arch.aarch64;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.Set;
import org.memshare.api.arch.Arch;
import org.memshare.api.arch.ArchFeature;
import org.memshare.api.arch.CacheMaintenance;
import org.memshare.api.arch.HardwareWalk;
import org.memshare.api.arch.PageTableFormat;
import org.memshare.api.arch.TlbMaintenance;

/**
 * One configured aarch64 machine's arch: the format, fresh TLB and data-cache maintenance models,
 * and the {@linkplain Aarch64HardwareWalk hardware walk} of the same geometry.
 *
 * @param name the plugin's name
 * @param format the descriptor encoding
 * @param tlb the TLB maintenance model
 * @param cache the data-cache maintenance model
 * @param features what the arch offers, {@link ArchFeature#HARDWARE_WALK} included; copied
 * @param walk the hardware walk
 */
record Aarch64Arch(String name, PageTableFormat format, TlbMaintenance tlb, CacheMaintenance cache,
        Set<ArchFeature> features, HardwareWalk walk) implements Arch {

    Aarch64Arch {
        requireNonNull(name, "name is null");
        requireNonNull(format, "format is null");
        requireNonNull(tlb, "tlb is null");
        requireNonNull(cache, "cache is null");
        requireNonNull(walk, "walk is null");
        features = Set.copyOf(requireNonNull(features, "features is null"));
    }

    @Override
    public Optional<HardwareWalk> hardwareWalk() {
        return Optional.of(walk);
    }
}
