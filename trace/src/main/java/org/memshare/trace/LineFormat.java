package org.memshare.trace;

/**
 * How a replay writes its output lines, when not as the canonical text alone: each line the
 * replay prints comes here with what the replayer knows about it ({@link ReplayLine}), and the
 * format appends whatever it shows. {@link #explained()} is {@code memshare replay --explain};
 * {@code --json} is another.
 */
@FunctionalInterface
public interface LineFormat {

    /** Appends the output for {@code line} to {@code out}, ending with a line feed. */
    void append(ReplayLine line, StringBuilder out);

    /**
     * The canonical output with the engine's reasons: a result that is a refusal, failure or
     * fault ends in {@code  # reason} (an FF-A error's names the refusing check), and a share's
     * result, or an FF-A line's, is followed by its decoded descriptor on lines that start with
     * {@code #}. Deleting the lines that start with {@code #}, and
     * everything from the first {@code " # "} of the others, gives the canonical output back.
     */
    static LineFormat explained() {
        return Explained.FORMAT;
    }
}
