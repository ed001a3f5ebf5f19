package org.memshare.trace;

/** A trace line after parsing: nothing to do, an operation, or a reason it is malformed. */
public sealed interface ParsedLine {

    /** The 1-based line number in the file. */
    int number();

    /** A blank or comment-only line: no output. */
    record Blank(int number) implements ParsedLine {
    }

    /** A well-formed operation. */
    record Op(int number, Operation operation) implements ParsedLine {
    }

    /** A malformed line; replay prints {@code N: error <reason>}. */
    record Malformed(int number, String reason) implements ParsedLine {
    }
}
