package org.memshare.kit.rules;

import java.util.Arrays;
import java.util.Optional;
import org.memshare.api.mode.Mode;
import org.memshare.api.spci.ShareType;

/**
 * The MODEL rules' abstract view of a window of pages: per page and VM, the mode the VM should
 * have, from which follow the page's one owner (the VM without UNOWNED) and the VMs that may
 * access it and how (the valid modes' R, W, X and D). It is updated by the kit's own reading of
 * the SPCI semantics of DESIGN.md section 4 and Hafnium's {@code spci_msg_check_transition},
 * independently of the engine's code.
 *
 * <p>State bits: INVALID (no access), UNOWNED, SHARED (access not exclusive). A share is
 * accepted when the constituents are disjoint, each one's pages have one mode in the sender and
 * one in the receiver, equal across constituents, the sender's mode has no D bit, and the type's
 * table has a row for the (sender, receiver) state bits. Then the sender gets the row's state
 * plus its own R, W, X and D bits, the receiver the row's state plus the requested access. A
 * mode with both INVALID and UNOWNED is written as an unmap (DESIGN.md section 2), so the page
 * then reads as an entry never written: the absent mode.
 */
final class OwnershipModel {
    static final int STATE = Mode.INVALID | Mode.UNOWNED | Mode.SHARED;

    /** One row of a transition table: (sender state, receiver state) to (sender state, receiver state). */
    private record Row(int from, int to, int newFrom, int newTo) {
    }

    private static final int O_EA = 0;
    private static final int NA_1 = Mode.INVALID | Mode.UNOWNED;
    private static final int NA_2 = Mode.INVALID | Mode.UNOWNED | Mode.SHARED;

    // The rows in the order the seed lists them; "unrelated" has two encodings, NA_1 and NA_2.
    private static final Row[] DONATE = {
        new Row(O_EA, NA_1, NA_1, O_EA),
        new Row(Mode.INVALID, Mode.UNOWNED, NA_1, O_EA),
        new Row(Mode.SHARED, Mode.UNOWNED | Mode.SHARED, NA_1, O_EA),
        new Row(O_EA, NA_2, NA_2, O_EA),
    };
    private static final Row[] LEND = {
        new Row(O_EA, NA_2, Mode.INVALID, Mode.UNOWNED),
        new Row(O_EA, NA_1, Mode.INVALID, Mode.UNOWNED),
    };
    private static final Row[] SHARE = {
        new Row(O_EA, NA_2, Mode.SHARED, Mode.UNOWNED | Mode.SHARED),
        new Row(O_EA, NA_1, Mode.SHARED, Mode.UNOWNED | Mode.SHARED),
    };
    private static final Row[] RELINQUISH = {
        new Row(Mode.UNOWNED, Mode.INVALID, NA_2, O_EA),
        new Row(Mode.UNOWNED | Mode.SHARED, Mode.SHARED, NA_2, O_EA),
    };

    private final long base;
    private final int pages;
    /** modes[vm - 1][page]. */
    private final int[][] modes;
    private final int absentMode;

    /**
     * A window of {@code pages} pages from {@code base} in which each of {@code vms} VMs starts
     * with {@code absentMode}, the mode an entry that was never written reads as.
     */
    OwnershipModel(long base, int pages, int vms, int absentMode) {
        this.base = base;
        this.pages = pages;
        this.modes = new int[vms][pages];
        this.absentMode = absentMode;
        for (int[] vm : modes) {
            Arrays.fill(vm, absentMode);
        }
    }

    long base() {
        return base;
    }

    int pages() {
        return pages;
    }

    int vms() {
        return modes.length;
    }

    long address(int page) {
        return base + ((long) page << 12);
    }

    /** The mode VM {@code vm} should have at page {@code page} of the window. */
    int mode(int vm, int page) {
        return modes[vm - 1][page];
    }

    /** Records a plain map of pages {@code [first, first + count)} in {@code mode}. */
    void map(int vm, int first, int count, int mode) {
        Arrays.fill(modes[vm - 1], first, first + count, written(mode));
    }

    /** The VM owning page {@code page} (the one whose mode lacks UNOWNED), if exactly one does. */
    Optional<Integer> owner(int page) {
        Integer owner = null;
        for (int vm = 1; vm <= vms(); vm++) {
            if ((mode(vm, page) & Mode.UNOWNED) == 0) {
                if (owner != null) {
                    return Optional.empty();
                }
                owner = vm;
            }
        }
        return Optional.ofNullable(owner);
    }

    /**
     * Applies a share of the window pages {@code constituents} (pairs of first page and page
     * count) if the protocol accepts it; returns whether it did. Changes nothing on a refusal.
     */
    boolean share(ShareType type, int from, int to, int receiverAccess, int[] constituents) {
        if (from == to || constituents.length == 0) {
            return false;
        }
        boolean[] used = new boolean[pages];
        int fromMode = -1;
        int toMode = -1;
        for (int i = 0; i < constituents.length; i += 2) {
            for (int page = constituents[i]; page < constituents[i] + constituents[i + 1]; page++) {
                if (used[page]) {
                    return false; // constituents overlap
                }
                used[page] = true;
                if (fromMode == -1) {
                    fromMode = mode(from, page);
                    toMode = mode(to, page);
                } else if (mode(from, page) != fromMode || mode(to, page) != toMode) {
                    return false; // not one mode across every constituent's pages
                }
            }
        }
        if ((fromMode & Mode.D) != 0) {
            return false;
        }
        Row row = row(type, fromMode & STATE, toMode & STATE);
        if (row == null) {
            return false;
        }
        int access = type == ShareType.RELINQUISH ? Mode.R | Mode.W | Mode.X : receiverAccess;
        int newFrom = written(row.newFrom() | (fromMode & ~STATE));
        int newTo = written(row.newTo() | access);
        for (int page = 0; page < pages; page++) {
            if (used[page]) {
                modes[from - 1][page] = newFrom;
                modes[to - 1][page] = newTo;
            }
        }
        return true;
    }

    /** What a page reads as after {@code mode} is written: the absent mode if writing it unmaps. */
    private int written(int mode) {
        return Mode.isUnmapped(mode) ? absentMode : mode;
    }

    private static Row row(ShareType type, int fromState, int toState) {
        Row[] table = switch (type) {
            case DONATE -> DONATE;
            case LEND -> LEND;
            case SHARE -> SHARE;
            case RELINQUISH -> RELINQUISH;
        };
        for (Row row : table) {
            if (row.from() == fromState && row.to() == toState) {
                return row;
            }
        }
        return null;
    }
}
