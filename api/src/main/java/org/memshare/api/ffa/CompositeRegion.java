package org.memshare.api.ffa;

import java.util.List;
import java.util.Objects;

/**
 * A composite memory region descriptor (16 bytes) and the constituents that follow it.
 *
 * <pre>
 * 0   uint32 total page count     (should be the sum over all constituents, every fragment)
 * 4   uint32 constituent count    (all constituents, every fragment)
 * 8   uint64 reserved             (Hafnium never checks it)
 * 16  constituents, 16 bytes each
 * </pre>
 *
 * <p>{@link #constituents()} are the ones present in the decoded bytes: for the first fragment of
 * a fragmented transaction, fewer than {@link #constituentCount()}. Both are kept as they are;
 * comparing them is the engine's job.
 *
 * @param totalPageCount the total page count field, 0 to 2^32-1
 * @param constituentCount the constituent count field, 0 to 2^32-1
 * @param reserved the reserved field, raw
 * @param constituents the constituents present, in order; copied
 */
public record CompositeRegion(long totalPageCount, long constituentCount, long reserved, List<FfaConstituent> constituents) {

    /** The size of the composite header, before the constituents. */
    public static final int HEADER_SIZE = 16;

    public CompositeRegion {
        checkU32("totalPageCount", totalPageCount);
        checkU32("constituentCount", constituentCount);
        constituents = List.copyOf(Objects.requireNonNull(constituents, "constituents is null"));
    }

    /**
     * The composite of these constituents, complete: the count is their number, the total their
     * page-count sum (modulo 2^32, as the 32-bit field wraps), reserved 0.
     */
    public static CompositeRegion of(List<FfaConstituent> constituents) {
        Objects.requireNonNull(constituents, "constituents is null");
        long sum = 0;
        for (FfaConstituent c : constituents) {
            sum += c.pageCount();
        }
        return new CompositeRegion(sum & 0xffff_ffffL, constituents.size(), 0, constituents);
    }

    /** The page-count sum of the constituents present, in 64 bits. */
    public long presentPageCount() {
        long sum = 0;
        for (FfaConstituent c : constituents) {
            sum += c.pageCount();
        }
        return sum;
    }

    /** The encoded size of the header and the constituents present. */
    public long sizeBytes() {
        return HEADER_SIZE + (long) FfaConstituent.SIZE * constituents.size();
    }

    static void checkU32(String name, long value) {
        if (value < 0 || value > 0xffff_ffffL) {
            throw new IllegalArgumentException(name + " must be a uint32 (0 to 0xffffffff), was " + value);
        }
    }
}
