package org.memshare.api.ffa;

import static java.util.Objects.requireNonNull;

/**
 * Why {@link FfaDescriptorCodec} could not lay out a descriptor from bytes: the error to answer,
 * the field at fault, where that field sits in the bytes, and why, with the values.
 *
 * @param error the FF-A error (INVALID_PARAMETERS for every layout problem; NOT_SUPPORTED for a
 *     version memshare does not model)
 * @param field the field's name as the descriptor documentation spells it, e.g.
 *     {@code receiversOffset}
 * @param offset the byte offset of that field from the descriptor's start (0 for the input as a
 *     whole)
 * @param reason what is wrong, with the values, for people
 */
public record Rejection(FfaError error, String field, long offset, String reason) {

    public Rejection {
        requireNonNull(error, "error is null");
        requireNonNull(field, "field is null");
        requireNonNull(reason, "reason is null");
    }

    /** {@code field at offset N: reason}. */
    public String message() {
        return field + " at offset " + offset + ": " + reason;
    }

    @Override
    public String toString() {
        return error + " (" + message() + ")";
    }
}
