package org.memshare.engine.mm;

import static java.util.Objects.requireNonNull;

/**
 * What a {@link PageTable#mapResult map}, {@link PageTable#prepareResult prepare} or
 * {@link PageTable#unmapResult unmap} came to: done, or not done and why, in words for people
 * (the boolean methods of {@link PageTable} answer the same without the words).
 *
 * @param done whether the update went through
 * @param reason empty when done; otherwise why not, naming the numbers that decided it
 */
public record MapResult(boolean done, String reason) {
    private static final MapResult DONE = new MapResult(true, "");

    public MapResult {
        requireNonNull(reason, "reason is null");
    }

    /** The update went through. */
    public static MapResult ok() {
        return DONE;
    }

    /** The update did not go through, for {@code reason}. */
    public static MapResult failed(String reason) {
        return new MapResult(false, reason);
    }
}
