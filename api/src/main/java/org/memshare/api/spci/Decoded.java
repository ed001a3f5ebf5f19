package org.memshare.api.spci;

import static java.util.Objects.requireNonNull;

/**
 * What {@link MemoryRegionCodec#decode(byte[], int, int)} makes of a descriptor: either the
 * region, well formed in every structural rule, or the reason it was rejected.
 */
public sealed interface Decoded permits Decoded.Ok, Decoded.Rejected {

    /**
     * The descriptor passed every structural rule.
     *
     * @param region the decoded region
     */
    record Ok(MemoryRegion region) implements Decoded {
        public Ok {
            requireNonNull(region, "region is null");
        }
    }

    /**
     * The descriptor broke a rule.
     *
     * @param error the SPCI error to answer (the codec always gives INVALID_PARAMETERS)
     * @param reason which rule was broken and by which values, for people
     */
    record Rejected(SpciError error, String reason) implements Decoded {
        public Rejected {
            requireNonNull(error, "error is null");
            requireNonNull(reason, "reason is null");
        }
    }
}
