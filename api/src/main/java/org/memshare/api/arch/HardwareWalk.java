package org.memshare.api.arch;

import java.util.function.LongFunction;

/**
 * A plugin's own model of the hardware's translation-table walk, written from its architecture's
 * specification and independent of its {@link PageTableFormat}: it decodes raw entries as the
 * hardware would (reserved bits fault, permissions as the hardware grants them). The conformance
 * kit's HW rules compare what it grants with the modes the engine promises, so a format that
 * encodes a mode the hardware reads differently is caught. Offered through {@link Arch#hardwareWalk()}
 * by an arch that declares {@link ArchFeature#HARDWARE_WALK}. Must be thread-safe.
 */
public interface HardwareWalk {

    /**
     * Translates {@code inputAddress} through the tables rooted at {@code rootAddress} as the
     * hardware of {@code stage} would, for this arch's configured geometry.
     *
     * @param stage the stage whose walk to perform
     * @param tables the 512 entries of the table page at a physical address; must not be modified
     * @param rootAddress the physical address of the first (possibly concatenated) root table
     * @param inputAddress the address to translate (an IPA at stage 2, a VA at stage 1)
     * @return what the hardware grants, or the fault it raises; never null
     */
    Translation translate(Stage stage, LongFunction<long[]> tables, long rootAddress, long inputAddress);

    /** The outcome of one hardware walk. */
    sealed interface Translation permits Granted, Fault {
    }

    /**
     * The walk reached a valid leaf.
     *
     * @param outputAddress the physical address {@code inputAddress} translates to
     * @param level the level of the leaf entry
     * @param access what the hardware allows, as {@link org.memshare.api.mode.Mode} bits: R, W, X,
     *     and D for device memory; never INVALID, UNOWNED or SHARED
     */
    record Granted(long outputAddress, int level, int access) implements Translation {
    }

    /**
     * The walk faulted.
     *
     * @param level the level at which it faulted
     * @param reason what the hardware objected to, for messages (for example "invalid entry" or
     *     "reserved bit 51 set")
     */
    record Fault(int level, String reason) implements Translation {
        public Fault {
            java.util.Objects.requireNonNull(reason, "reason is null");
        }
    }
}
