package org.memshare.kit.model;

import static org.memshare.api.mode.Mode.D;
import static org.memshare.api.mode.Mode.INVALID;
import static org.memshare.api.mode.Mode.R;
import static org.memshare.api.mode.Mode.SHARED;
import static org.memshare.api.mode.Mode.UNOWNED;
import static org.memshare.api.mode.Mode.W;
import static org.memshare.api.mode.Mode.X;

import org.memshare.api.ffa.FfaShareKind;

/**
 * The stage-2 modes FF-A memory management gives each party, as Hafnium's hypervisor implements
 * it (the issue-12 digest, section 5), written for the kit independently of the engine. Every
 * FF-A step changes one party's table:
 * <ul>
 * <li>a send changes only the sender: its state bits become INVALID|UNOWNED for a donate, INVALID
 *     for a lend and SHARED for a share, its R, W, X and D kept;
 * <li>a retrieve changes only the retriever: it gets the granted access (R for read-only, R|W for
 *     read-write, X only if granted), the sender's D, and no state bits for a donate, UNOWNED for
 *     a lend, UNOWNED|SHARED for a share;
 * <li>a relinquish unmaps the borrower (INVALID|UNOWNED);
 * <li>a reclaim gives the sender back the mode it had before the send, exactly.
 * </ul>
 */
public final class FfaModes {
    /** The state bits: {@link org.memshare.api.mode.Mode#STATE_MASK}. */
    public static final int STATE = org.memshare.api.mode.Mode.STATE_MASK;
    /** Unmapped: what a VM that never had the page, or gave it away, holds (reads as an absent entry). */
    public static final int UNMAPPED = INVALID | UNOWNED;

    private FfaModes() {
    }

    /** The sender's mode after a send of {@code kind}, from {@code original}. */
    public static int senderAfterSend(FfaShareKind kind, int original) {
        int kept = original & ~STATE;
        return switch (kind) {
            case DONATE -> kept | INVALID | UNOWNED;
            case LEND -> kept | INVALID;
            case SHARE -> kept | SHARED;
        };
    }

    /**
     * The retriever's mode after a retrieve of {@code kind} granting write access or not and
     * execute access or not, of memory the sender had in mode {@code senderOriginal}.
     */
    public static int retriever(FfaShareKind kind, boolean write, boolean execute, int senderOriginal) {
        int mode = R | (write ? W : 0) | (execute ? X : 0) | (senderOriginal & D);
        return switch (kind) {
            case DONATE -> mode;
            case LEND -> mode | UNOWNED;
            case SHARE -> mode | UNOWNED | SHARED;
        };
    }
}
