package org.memshare.kit.model;

import static org.memshare.api.mode.Mode.INVALID;
import static org.memshare.api.mode.Mode.SHARED;
import static org.memshare.api.mode.Mode.UNOWNED;

import java.util.Optional;
import org.memshare.api.spci.ShareType;

/**
 * The kit's oracle of the SPCI transition tables (DESIGN.md section 4, Hafnium's
 * {@code spci_msg_check_transition}), written from the specification and independently of the
 * engine's own tables, so that a rule comparing the two means something. Used by the SHARE rules
 * (as the expectation of every row) and by {@link OwnershipModel} (the MODEL rules).
 *
 * <p>States are the state bits INVALID, UNOWNED and SHARED of a mode ({@link #STATE}), read
 * exactly: "unrelated" has two encodings, INVALID|UNOWNED (unmapped) and INVALID|UNOWNED|SHARED
 * (never mapped), and a table accepts either where it lists them.
 */
public final class ShareTransitions {
    /** The state bits of a mode: {@link org.memshare.api.mode.Mode#STATE_MASK}. */
    public static final int STATE = org.memshare.api.mode.Mode.STATE_MASK;

    /** New state bits of the sender and the receiver. */
    public record Transition(int sender, int receiver) {
    }

    /** One row: (sender state, receiver state) to the transition. */
    private record Row(int sender, int receiver, Transition next) {
    }

    private static final int OWNED_EXCLUSIVE = 0;
    private static final int UNMAPPED = INVALID | UNOWNED;
    private static final int NEVER_MAPPED = INVALID | UNOWNED | SHARED;

    // The rows in the order the seed lists them.
    private static final Row[] DONATE = {
        new Row(OWNED_EXCLUSIVE, UNMAPPED, new Transition(UNMAPPED, OWNED_EXCLUSIVE)),
        new Row(INVALID, UNOWNED, new Transition(UNMAPPED, OWNED_EXCLUSIVE)),
        new Row(SHARED, UNOWNED | SHARED, new Transition(UNMAPPED, OWNED_EXCLUSIVE)),
        new Row(OWNED_EXCLUSIVE, NEVER_MAPPED, new Transition(NEVER_MAPPED, OWNED_EXCLUSIVE)),
    };
    private static final Row[] LEND = {
        new Row(OWNED_EXCLUSIVE, NEVER_MAPPED, new Transition(INVALID, UNOWNED)),
        new Row(OWNED_EXCLUSIVE, UNMAPPED, new Transition(INVALID, UNOWNED)),
    };
    private static final Row[] SHARE = {
        new Row(OWNED_EXCLUSIVE, NEVER_MAPPED, new Transition(SHARED, UNOWNED | SHARED)),
        new Row(OWNED_EXCLUSIVE, UNMAPPED, new Transition(SHARED, UNOWNED | SHARED)),
    };
    private static final Row[] RELINQUISH = {
        new Row(UNOWNED, INVALID, new Transition(NEVER_MAPPED, OWNED_EXCLUSIVE)),
        new Row(UNOWNED | SHARED, SHARED, new Transition(NEVER_MAPPED, OWNED_EXCLUSIVE)),
    };

    private ShareTransitions() {
    }

    /**
     * The new state bits of the sender and the receiver when a share of {@code type} finds them
     * in states {@code sender} and {@code receiver} (state bits only); empty where the table has
     * no row, i.e. the share must be refused. Device memory and mode mismatches are the caller's
     * to refuse: this is the table alone.
     */
    public static Optional<Transition> next(ShareType type, int sender, int receiver) {
        Row[] table = switch (type) {
            case DONATE -> DONATE;
            case LEND -> LEND;
            case SHARE -> SHARE;
            case RELINQUISH -> RELINQUISH;
        };
        for (Row row : table) {
            if (row.sender() == sender && row.receiver() == receiver) {
                return Optional.of(row.next());
            }
        }
        return Optional.empty();
    }
}
