package org.memshare.api.ffa;

import java.util.Optional;

/** FF-A's error codes, with the values FF-A returns in w2 of an FFA_ERROR (all negative). */
public enum FfaError {
    /** The function or operation is not implemented. */
    NOT_SUPPORTED(-1),
    /** A descriptor or argument is malformed or not allowed in the current state. */
    INVALID_PARAMETERS(-2),
    /** Not enough memory (share-state slots, fragments, page-table pages) to carry out the request. */
    NO_MEMORY(-3),
    /** A resource, such as the caller's RX buffer, is in use. */
    BUSY(-4),
    /** The operation was interrupted. */
    INTERRUPTED(-5),
    /** The request is well formed but not allowed (by the memory state, or memshare: a policy). */
    DENIED(-6),
    /** The operation should be tried again. */
    RETRY(-7),
    /** The operation was aborted. */
    ABORTED(-8);

    private final int code;

    FfaError(int code) {
        this.code = code;
    }

    /** The FF-A error code (-1 to -8). */
    public int code() {
        return code;
    }

    /** The error whose {@link #code()} is {@code code}, or empty for any other value. */
    public static Optional<FfaError> fromCode(int code) {
        for (FfaError error : values()) {
            if (error.code == code) {
                return Optional.of(error);
            }
        }
        return Optional.empty();
    }
}
