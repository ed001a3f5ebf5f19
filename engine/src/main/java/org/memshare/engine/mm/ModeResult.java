package org.memshare.engine.mm;

import static java.util.Objects.requireNonNull;

import java.util.OptionalInt;

/**
 * What {@link PageTable#modeResult} found: the one mode of a range, or why the range has none
 * (empty, beyond the address space, or more than one mode, and where).
 *
 * @param mode the range's mode, or empty
 * @param reason empty with a mode; otherwise why there is none
 */
public record ModeResult(OptionalInt mode, String reason) {

    public ModeResult {
        requireNonNull(mode, "mode is null");
        requireNonNull(reason, "reason is null");
    }

    static ModeResult of(int mode) {
        return new ModeResult(OptionalInt.of(mode), "");
    }

    static ModeResult none(String reason) {
        return new ModeResult(OptionalInt.empty(), reason);
    }
}
