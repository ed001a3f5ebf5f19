package org.memshare.api.mode;

import java.util.StringJoiner;

/**
 * Architecture-neutral memory modes, with Hafnium's bit values (the traces use them too). A mode
 * is a plain {@code int} of these bits; the stage-2 ownership state is the INVALID, UNOWNED and
 * SHARED bits read together (see {@link #isUnmapped(int)}).
 */
public final class Mode {
    /** Read. */
    public static final int R = 0x01;
    /** Write. */
    public static final int W = 0x02;
    /** Execute. */
    public static final int X = 0x04;
    /** Device memory. */
    public static final int D = 0x08;
    /** Not in the address space: an access faults. */
    public static final int INVALID = 0x10;
    /** The VM does not own the memory. */
    public static final int UNOWNED = 0x20;
    /** Access is not exclusive. */
    public static final int SHARED = 0x40;

    /** Both bits together mean "unmapped": mapping such a mode is an unmap. */
    public static final int UNMAPPED_MASK = INVALID | UNOWNED;
    /**
     * The ownership-state bits (INVALID, UNOWNED, SHARED): who holds the memory and whether
     * exclusively, as opposed to the access bits R, W, X and D. A sharing step moves a mode from
     * one state to another and keeps, or narrows, its access.
     */
    public static final int STATE_MASK = INVALID | UNOWNED | SHARED;
    /** Every bit that has a meaning. */
    public static final int ALL = R | W | X | D | INVALID | UNOWNED | SHARED;

    private Mode() {
    }

    /** Whether mapping {@code mode} removes the mapping instead (INVALID and UNOWNED both set). */
    public static boolean isUnmapped(int mode) {
        return (mode & UNMAPPED_MASK) == UNMAPPED_MASK;
    }

    /** A readable spelling such as {@code R|W|SHARED}, or {@code 0} for no bits. */
    public static String describe(int mode) {
        StringJoiner joiner = new StringJoiner("|");
        String[] names = {"R", "W", "X", "D", "INVALID", "UNOWNED", "SHARED"};
        for (int bit = 0; bit < names.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                joiner.add(names[bit]);
            }
        }
        int unknown = mode & ~ALL;
        if (unknown != 0) {
            joiner.add("0x" + Integer.toHexString(unknown));
        }
        return joiner.length() == 0 ? "0" : joiner.toString();
    }
}
