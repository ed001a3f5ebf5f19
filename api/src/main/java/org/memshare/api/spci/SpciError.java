package org.memshare.api.spci;

import java.util.Optional;

/** SPCI's error codes, with the values SPCI returns in a register (all negative). */
public enum SpciError {
    /** The function or operation is not implemented. */
    NOT_SUPPORTED(-1),
    /** A descriptor or argument is malformed or not allowed in the current state. */
    INVALID_PARAMETERS(-2),
    /** The hypervisor ran out of memory (page-table pages) while carrying out the request. */
    NO_MEMORY(-3),
    /** A resource, such as a mailbox, is in use. */
    BUSY(-4),
    /** The operation was interrupted. */
    INTERRUPTED(-5),
    /** The request is well formed but refused (memshare: by a sharing policy). */
    DENIED(-6),
    /** The operation should be tried again. */
    RETRY(-7),
    /** The operation was aborted. */
    ABORTED(-8);

    private final int code;

    SpciError(int code) {
        this.code = code;
    }

    /** The SPCI error code (-1 to -8). */
    public int code() {
        return code;
    }

    /** The error whose {@link #code()} is {@code code}, or empty for any other value. */
    public static Optional<SpciError> fromCode(int code) {
        for (SpciError error : values()) {
            if (error.code == code) {
                return Optional.of(error);
            }
        }
        return Optional.empty();
    }
}
