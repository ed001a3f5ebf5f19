package org.memshare.engine.ffa;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import org.memshare.api.ffa.FfaResult;

/**
 * What an FF-A call answered and, for a refusal, the check that refused it and why (for people:
 * the registers carry only the error code).
 *
 * @param result the registers and RX bytes as Hafnium would set them
 * @param check the check that refused the call, empty when it succeeded
 * @param reason the check's finding with the values involved, empty when it succeeded
 */
public record FfaOutcome(FfaResult result, Optional<FfaCheck> check, String reason) {
    public FfaOutcome {
        requireNonNull(result, "result is null");
        requireNonNull(check, "check is null");
        requireNonNull(reason, "reason is null");
    }

    static FfaOutcome ok(FfaResult result) {
        return new FfaOutcome(result, Optional.empty(), "");
    }

    /** A refusal by {@code check}: FFA_ERROR with its code (or, for FFA_VERSION, NOT_SUPPORTED in w0). */
    static FfaOutcome refused(FfaCheck check, String reason) {
        FfaResult result = check.abi() == FfaCheck.Abi.VERSION
                ? FfaResult.versionNotSupported()
                : FfaResult.error(check.error());
        return new FfaOutcome(result, Optional.of(check), reason);
    }

    /** Whether the call was refused. */
    public boolean isRefused() {
        return check.isPresent();
    }

    @Override
    public String toString() {
        return check.map(c -> c + " (" + reason + "): " + result).orElse(result.toString());
    }
}
