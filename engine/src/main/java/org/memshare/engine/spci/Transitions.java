package org.memshare.engine.spci;

import static org.memshare.api.mode.Mode.INVALID;
import static org.memshare.api.mode.Mode.SHARED;
import static org.memshare.api.mode.Mode.UNOWNED;

import java.util.List;
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
    static final int STATE_MASK = org.memshare.api.mode.Mode.STATE_MASK;

    /** One row: from these states to those. */
    record Row(int senderBefore, int receiverBefore, int senderAfter, int receiverAfter) {
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
     * The first row matching the current modes (their state bits), or null if none does; the new
     * modes are {@link #senderAfter} and {@link #receiverAfter} of it.
     */
    static Row match(ShareType type, int senderMode, int receiverMode) {
        List<Row> rows = rows(type);
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            if ((senderMode & STATE_MASK) == row.senderBefore() && (receiverMode & STATE_MASK) == row.receiverBefore()) {
                return row;
            }
        }
        return null;
    }

    /** The sender's mode after {@code row}: the row's state, its own R, W, X and D bits. */
    static int senderAfter(Row row, int senderMode) {
        return row.senderAfter() | (senderMode & ~STATE_MASK);
    }

    /** The receiver's mode after {@code row}: the row's state plus the permissions it asked for. */
    static int receiverAfter(Row row, int receiverPermissions) {
        return row.receiverAfter() | receiverPermissions;
    }
}
