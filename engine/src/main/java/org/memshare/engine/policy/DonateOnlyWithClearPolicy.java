package org.memshare.engine.policy;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import org.memshare.api.ffa.TransactionFlags;
import org.memshare.api.policy.FfaRequest;
import org.memshare.api.policy.SharePolicy;
import org.memshare.api.policy.ShareRequest;
import org.memshare.api.spci.MemoryRegion;
import org.memshare.api.spci.ShareType;

/**
 * Refuses a donate whose region does not set {@link MemoryRegion#FLAG_CLEAR}, so memory changes
 * owner only after it has been zeroed and no data leaks from the old owner to the new one. Lend,
 * share and relinquish are not looked at. FF-A: an FFA_MEM_DONATE whose flags lack the clear bit
 * is refused.
 *
 * <p>Stateless and thread-safe. Install it with {@link DonateOnlyWithClearModule}.
 */
public final class DonateOnlyWithClearPolicy implements SharePolicy {

    DonateOnlyWithClearPolicy() {
    }

    /** A new policy (they are all alike). */
    public static DonateOnlyWithClearPolicy create() {
        return new DonateOnlyWithClearPolicy();
    }

    @Override
    public Optional<String> refusal(ShareRequest request) {
        requireNonNull(request, "request is null");
        if (request.type() == ShareType.DONATE && !request.region().clearRequested()) {
            return Optional.of("a donate must clear the memory it gives away: VM " + request.sender()
                    + " donated to VM " + request.receiver() + " without the clear flag (flags 0x"
                    + Integer.toHexString(request.region().flags()) + ")");
        }
        return Optional.empty();
    }

    @Override
    public Optional<String> refusal(FfaRequest request) {
        requireNonNull(request, "request is null");
        if (request.operation() == FfaRequest.Operation.SEND_DONATE && (request.flags() & TransactionFlags.CLEAR) == 0) {
            return Optional.of("a donate must clear the memory it gives away: VM " + request.sender()
                    + " donated to VM " + request.receivers().get(0).id() + " without the clear flag (flags 0x"
                    + Integer.toHexString(request.flags()) + ")");
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "DonateOnlyWithClearPolicy";
    }
}
