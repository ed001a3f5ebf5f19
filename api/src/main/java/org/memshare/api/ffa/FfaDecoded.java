package org.memshare.api.ffa;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * What a {@link FfaDescriptorCodec} decode makes of bytes: the value laid out from them, or the
 * {@link Rejection} saying why that was impossible.
 *
 * @param <T> the decoded value's type
 */
public sealed interface FfaDecoded<T> permits FfaDecoded.Ok, FfaDecoded.Rejected {

    /** The value, if decoding succeeded. */
    Optional<T> accepted();

    /** The rejection, if decoding failed. */
    Optional<Rejection> rejected();

    /** Whether decoding succeeded. */
    default boolean isOk() {
        return accepted().isPresent();
    }

    /**
     * The bytes laid out as a value.
     *
     * @param value the value
     * @param <T> its type
     */
    record Ok<T>(T value) implements FfaDecoded<T> {
        public Ok {
            requireNonNull(value, "value is null");
        }

        @Override
        public Optional<T> accepted() {
            return Optional.of(value);
        }

        @Override
        public Optional<Rejection> rejected() {
            return Optional.empty();
        }
    }

    /**
     * The bytes could not be laid out.
     *
     * @param rejection why
     * @param <T> the type a success would have had
     */
    record Rejected<T>(Rejection rejection) implements FfaDecoded<T> {
        public Rejected {
            requireNonNull(rejection, "rejection is null");
        }

        @Override
        public Optional<T> accepted() {
            return Optional.empty();
        }

        @Override
        public Optional<Rejection> rejected() {
            return Optional.of(rejection);
        }
    }
}
