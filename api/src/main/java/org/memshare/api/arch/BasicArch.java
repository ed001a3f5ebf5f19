package org.memshare.api.arch;

import static java.util.Objects.requireNonNull;

import java.util.Set;

/**
 * The plain {@link Arch} most plugins return: the pieces, held as they are.
 *
 * @param name the plugin's name
 * @param format the entry encoding and geometry
 * @param tlb the TLB maintenance
 * @param cache the cache maintenance
 * @param features the optional behaviour offered; copied
 */
public record BasicArch(String name, PageTableFormat format, TlbMaintenance tlb, CacheMaintenance cache,
        Set<ArchFeature> features) implements Arch {

    public BasicArch {
        requireNonNull(name, "name is null");
        requireNonNull(format, "format is null");
        requireNonNull(tlb, "tlb is null");
        requireNonNull(cache, "cache is null");
        features = Set.copyOf(requireNonNull(features, "features is null"));
    }
}
