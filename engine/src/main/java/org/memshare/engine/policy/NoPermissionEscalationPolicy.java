package org.memshare.engine.policy;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import org.memshare.api.ffa.Handle;
import org.memshare.api.mode.Mode;
import org.memshare.api.policy.FfaRequest;
import org.memshare.api.policy.SharePolicy;
import org.memshare.api.policy.ShareRequest;
import org.memshare.api.spci.ShareType;

/**
 * Refuses a share that would give the receiver a permission (R, W or X) its source does not have,
 * as later Hafnium does (it answers DENIED there); the seed's protocol, memshare's default, lets
 * it through.
 *
 * <ul>
 *   <li>A donate, lend or share may give the receiver only permissions the sender has over the
 *       memory now: a VM given a page read-only cannot lend it on with {@code RW_X}.</li>
 *   <li>A relinquish always gives R|W|X back to the owner, so it is refused unless the owner kept
 *       all three when it lent or shared the memory: otherwise a VM that owns a page read-only
 *       could lend it read-only and, once it came back, own it R|W|X. Such memory stays with the
 *       borrower (lend it read-only only if you can live with that).</li>
 * </ul>
 * Without this policy the path "a VM given a page read-only lends it {@code RW_X}; the borrower
 * relinquishes it; the VM now owns it R|W|X" succeeds, as in the seed.
 *
 * <p>FF-A: a retrieve is refused when it would give the borrower R, W or X that the sender did
 * not have when it sent the memory (Hafnium grants X to a borrower that asks for it whatever the
 * sender's mode). A reclaim gives the sender back exactly what it had, so it is not looked at.
 *
 * <p>Stateless and thread-safe. Install it with {@link NoPermissionEscalationModule}.
 */
public final class NoPermissionEscalationPolicy implements SharePolicy {
    private static final int PERMISSIONS = Mode.R | Mode.W | Mode.X;

    NoPermissionEscalationPolicy() {
    }

    /** A new policy (they are all alike). */
    public static NoPermissionEscalationPolicy create() {
        return new NoPermissionEscalationPolicy();
    }

    @Override
    public Optional<String> refusal(ShareRequest request) {
        requireNonNull(request, "request is null");
        int granted = request.newReceiverMode() & PERMISSIONS;
        boolean relinquish = request.type() == ShareType.RELINQUISH;
        // A relinquish hands the memory back to its owner (the receiver), which gets what it kept.
        int source = (relinquish ? request.receiverMode() : request.senderMode()) & PERMISSIONS;
        int extra = granted & ~source;
        if (extra == 0) {
            return Optional.empty();
        }
        if (relinquish) {
            return Optional.of("the relinquish from VM " + request.sender() + " would give owner VM "
                    + request.receiver() + " permissions " + Mode.describe(granted) + " but it kept only "
                    + Mode.describe(source) + " (" + Mode.describe(extra) + " would be gained)");
        }
        return Optional.of("the " + request.type().traceName() + " from VM " + request.sender() + " to VM "
                + request.receiver() + " asks for " + Mode.describe(granted) + " but the sender has only "
                + Mode.describe(source) + " (" + Mode.describe(extra) + " would be gained)");
    }

    @Override
    public Optional<String> refusal(FfaRequest request) {
        requireNonNull(request, "request is null");
        if (request.operation() != FfaRequest.Operation.RETRIEVE) {
            return Optional.empty();
        }
        int granted = request.newCallerMode() & PERMISSIONS;
        int source = request.senderOriginalMode() & PERMISSIONS;
        int extra = granted & ~source;
        if (extra == 0) {
            return Optional.empty();
        }
        return Optional.of("the retrieve by VM " + request.caller() + " of " + Handle.toString(request.handle())
                + " would give it " + Mode.describe(granted) + " but sender VM " + request.sender() + " had only "
                + Mode.describe(source) + " (" + Mode.describe(extra) + " would be gained)");
    }

    @Override
    public String toString() {
        return "NoPermissionEscalationPolicy";
    }
}
