package org.memshare.engine.spci;

import static org.memshare.api.mode.Mode.INVALID;
import static org.memshare.api.mode.Mode.SHARED;
import static org.memshare.api.mode.Mode.UNOWNED;

import java.util.List;
import java.util.Optional;
import org.memshare.api.spci.ShareType;

/**
 * The ownership transitions each share type allows, row for row and in the seed's order
 * ({@code spci_msg_check_transition}). A row matches the state bits (INVALID, UNOWNED, SHARED) of
 * the sender's and the receiver's current modes exactly: "unrelated" has two encodings
 * (INVALID|UNOWNED, and INVALID|UNOWNED|SHARED for memory never mapped) and they are not
 * interchangeable.
 */
final class Transitions {
    /** The bits of a mode that make up the ownership state. */
    static final int STATE_MASK = INVALID | UNOWNED | SHARED;

    /** One row: from these states to those. */
    record Row(int senderBefore, int receiverBefore, int senderAfter, int receiverAfter) {
    }

    /** The new modes of a matched row. */
    record Outcome(int senderMode, int receiverMode) {
    }

    private static final List<Row> DONATE = List.of(
            new Row(0, INVALID | UNOWNED, INVALID | UNOWNED, 0),
            new Row(INVALID, UNOWNED, INVALID | UNOWNED, 0),
            new Row(SHARED, UNOWNED | SHARED, INVALID | UNOWNED, 0),
            new Row(0, INVALID | UNOWNED | SHARED, INVALID | UNOWNED | SHARED, 0));

    private static final List<Row> LEND = List.of(
            new Row(0, INVALID | UNOWNED | SHARED, INVALID, UNOWNED),
            new Row(0, INVALID | UNOWNED, INVALID, UNOWNED));

    private static final List<Row> SHARE = List.of(
            new Row(0, INVALID | UNOWNED | SHARED, SHARED, UNOWNED | SHARED),
            new Row(0, INVALID | UNOWNED, SHARED, UNOWNED | SHARED));

    private static final List<Row> RELINQUISH = List.of(
            new Row(UNOWNED, INVALID, INVALID | UNOWNED | SHARED, 0),
            new Row(UNOWNED | SHARED, SHARED, INVALID | UNOWNED | SHARED, 0));

    private Transitions() {
    }

    static List<Row> rows(ShareType type) {
        return switch (type) {
            case DONATE -> DONATE;
            case LEND -> LEND;
            case SHARE -> SHARE;
            case RELINQUISH -> RELINQUISH;
        };
    }

    /**
     * The first row matching the current modes: the sender keeps its non-state bits (R, W, X,
     * D), the receiver gets the row's state plus {@code receiverPermissions}.
     */
    static Optional<Outcome> next(ShareType type, int senderMode, int receiverMode, int receiverPermissions) {
        for (Row row : rows(type)) {
            if ((senderMode & STATE_MASK) == row.senderBefore() && (receiverMode & STATE_MASK) == row.receiverBefore()) {
                return Optional.of(new Outcome(row.senderAfter() | (senderMode & ~STATE_MASK),
                        row.receiverAfter() | receiverPermissions));
            }
        }
        return Optional.empty();
    }
}
