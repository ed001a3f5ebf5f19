package org.memshare.engine.spci;

import java.util.Optional;
import org.memshare.api.spci.SpciError;

/**
 * What an SPCI call answers: success, or an error code with a reason for people (the wire knows
 * only the code).
 */
public record SpciResult(Optional<SpciError> error, String reason) {

    private static final SpciResult SUCCESS = new SpciResult(Optional.empty(), "");

    public static SpciResult success() {
        return SUCCESS;
    }

    public static SpciResult error(SpciError error, String reason) {
        return new SpciResult(Optional.of(error), reason);
    }

    public boolean isSuccess() {
        return error.isEmpty();
    }

    /** {@code SUCCESS} or the error's name, as traces print it. */
    public String name() {
        return error.map(SpciError::name).orElse("SUCCESS");
    }

    @Override
    public String toString() {
        return isSuccess() ? "SUCCESS" : name() + " (" + reason + ")";
    }
}
