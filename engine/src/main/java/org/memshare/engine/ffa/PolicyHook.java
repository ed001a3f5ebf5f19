package org.memshare.engine.ffa;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import org.memshare.api.ffa.FfaError;
import org.memshare.api.policy.FfaRequest;
import org.memshare.api.policy.SharePolicy;

/**
 * Asks the machine's policies about an FF-A step and tells them how it ended, as the SPCI flow
 * does: in order, the first refusal wins, a policy that throws refuses, and exactly the policies
 * that allowed the step hear whether it committed or failed.
 */
final class PolicyHook {
    private final List<SharePolicy> policies;

    PolicyHook(List<SharePolicy> policies) {
        this.policies = List.copyOf(policies);
    }

    /** A refusal: how many policies allowed the step before it, and why. */
    record Refusal(int allowed, String reason) {
    }

    /** Empty when every policy allows {@code request}. */
    Optional<Refusal> ask(FfaRequest request) {
        for (int i = 0; i < policies.size(); i++) {
            SharePolicy policy = policies.get(i);
            Optional<String> refusal;
            try {
                refusal = requireNonNull(policy.refusal(request), "the policy answered null");
            } catch (RuntimeException e) {
                return Optional.of(new Refusal(i, "policy " + policy.getClass().getName() + " failed: " + e));
            }
            if (refusal.isPresent()) {
                return Optional.of(new Refusal(i, refusal.get()));
            }
        }
        return Optional.empty();
    }

    /** Every policy allowed the step. */
    int all() {
        return policies.size();
    }

    /** Tells the first {@code allowed} policies that {@code request} failed and changed nothing. */
    void failed(int allowed, FfaRequest request, FfaError error, String reason) {
        for (int i = 0; i < allowed; i++) {
            try {
                policies.get(i).failed(request, error, reason);
            } catch (RuntimeException e) {
                // Nothing changed; a policy's bookkeeping cannot change that.
            }
        }
    }

    /** Tells every policy that {@code request} committed. */
    void committed(FfaRequest request) {
        for (SharePolicy policy : policies) {
            try {
                policy.committed(request);
            } catch (RuntimeException e) {
                // The step has happened; a policy's bookkeeping cannot undo it.
            }
        }
    }
}
