package org.memshare.cli.map;

import org.memshare.api.mode.Mode;

/**
 * What a VM's mode of a page says about who owns it and who may use it, read from the mode's bits
 * alone (DESIGN.md section 2), so any protocol that writes modes (SPCI's donate, lend, share and
 * relinquish, FF-A's) is coloured alike. The order is the order of the legend; a code is the
 * ordinal, which the page's script uses.
 */
enum OwnershipState {
    UNMAPPED("unmapped", "#e4e4e4", "no entry, or INVALID|UNOWNED: not the VM's and not accessible"),
    OWNED_EXCLUSIVE("owned exclusive", "#1f5fa8", "valid, owned, exclusive: no state bit"),
    OWNED_SHARED("owned shared", "#72aee6", "valid, owned, shared with another VM: SHARED"),
    LENT("lent away", "#e69f00", "owned but not accessible, lent to another VM: INVALID"),
    BORROWED_EXCLUSIVE("borrowed exclusive", "#13864c", "valid, not owned, exclusive: UNOWNED"),
    BORROWED_SHARED("borrowed shared", "#95d5a4", "valid, not owned, shared with its owner: UNOWNED|SHARED"),
    DEVICE("device", "#8e44ad", "device memory (the D bit), whatever its ownership");

    private final String label;
    private final String colour;
    private final String about;

    OwnershipState(String label, String colour, String about) {
        this.label = label;
        this.colour = colour;
        this.about = about;
    }

    /** The state a mode stands for. */
    static OwnershipState of(int mode) {
        if (Mode.isUnmapped(mode)) {
            return UNMAPPED;
        }
        if ((mode & Mode.D) != 0) {
            return DEVICE;
        }
        boolean shared = (mode & Mode.SHARED) != 0;
        if ((mode & Mode.INVALID) != 0) {
            // Owned, not accessible: the owner lent it (to one borrower or several).
            return LENT;
        }
        if ((mode & Mode.UNOWNED) != 0) {
            return shared ? BORROWED_SHARED : BORROWED_EXCLUSIVE;
        }
        return shared ? OWNED_SHARED : OWNED_EXCLUSIVE;
    }

    String label() {
        return label;
    }

    /** The fill colour, {@code #rrggbb}. */
    String colour() {
        return colour;
    }

    /** The mode bits that make this state, for the legend. */
    String about() {
        return about;
    }

    /**
     * Which state a pixel column drawn over several runs shows, most telling first: a change of
     * ownership should stay visible when the map is zoomed out.
     */
    static final OwnershipState[] PRIORITY = {LENT, BORROWED_SHARED, BORROWED_EXCLUSIVE, OWNED_SHARED, DEVICE,
        OWNED_EXCLUSIVE, UNMAPPED};
}
