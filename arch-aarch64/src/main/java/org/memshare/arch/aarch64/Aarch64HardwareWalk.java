package org.memshare.arch.aarch64;

import static java.util.Objects.requireNonNull;

import java.util.function.LongFunction;
import org.memshare.api.arch.HardwareWalk;
import org.memshare.api.arch.Stage;
import org.memshare.api.mode.Mode;

/**
 * The VMSAv8-64 translation table walk for the 4 KiB granule, decoded from the raw descriptor
 * bits as the Arm Architecture Reference Manual describes them (chapter D8, "The AArch64
 * Virtual Memory System Architecture"), not through {@link Aarch64PageTableFormat}: the two are
 * written independently so that one can check the other.
 *
 * <p>Only the configuration comes from elsewhere: the stage-2 start level and the number of
 * concatenated root tables ({@link Aarch64Geometry}, i.e. VTCR_EL2.SL0 and T0SZ), the stage-1
 * start level (TCR_EL2.T0SZ = 25: Arm level 1, 512 GiB) and MAIR_EL2 as Hafnium programs it
 * (attribute 0 Device-nGnRnE, attribute 1 Normal write-back, every other attribute 0, also device).
 *
 * <p>Levels are reported in memshare's numbering (0 holds pages); Arm's level is {@code 3 - level}.
 *
 * <p>What a descriptor means (bits[1:0] first):
 * <ul>
 *   <li>{@code x0}: invalid, a translation fault;</li>
 *   <li>{@code 11} above Arm level 3: a table descriptor (next-level table address in bits[47:12]);</li>
 *   <li>{@code 01} at Arm levels 1 and 2: a block; at Arm level 0 a block does not exist for the
 *       4 KiB granule (without FEAT_LPA2), a translation fault;</li>
 *   <li>{@code 11} at Arm level 3: a page; {@code 01} there is reserved, a translation fault.</li>
 * </ul>
 * Output address bits[47:n] (n = 12 for a page, 21 for a 2 MiB block, 30 for a 1 GiB block);
 * bits[n-1:12] of a block and bits[51:48] are RES0 and treated as faults here (an address size
 * fault for bits at or above the PA size, "reserved bit" for the block's low address bits); a
 * table address at or above the PA size is an address size fault too.
 *
 * <p>Stage-2 block and page attributes: MemAttr bits[5:2] (bits[5:4] zero: device memory;
 * otherwise normal memory, whose inner cacheability bits[3:2] must not be zero: a reserved
 * combination, faulted here), S2AP bits[7:6] (bit 6 read, bit 7 write), SH bits[9:8] (01 is
 * reserved), AF bit 10 (0: access flag fault), bit 11 RES0, bit 50 RES0, DBM bit 51 and the
 * contiguous hint bit 52 (ignored: no effect on what is granted), XN[1:0] bits[54:53] (any nonzero
 * value is treated as execute-never: FEAT_XNX, which gives 01 and 11 per-EL meanings, is not
 * modelled), bits[58:55] for software (Hafnium's ownership bits live there) and bits[63:59]
 * ignored. Stage-2 table descriptors: bits[11:2] and [58:52] ignored, bits[63:59] RES0 (stage 2
 * has no hierarchical attributes).
 *
 * <p>Stage-1 (EL2 regime, one privilege level) block and page attributes: AttrIndx bits[4:2]
 * through MAIR_EL2, NS bit 5 (ignored: it selects the address space, not the access), AP[2] bit 7
 * (1: read-only), AP[1] bit 6 (RES1 in a one-privilege regime; the hardware does not use it, so
 * either value is accepted, since Hafnium writes 0), SH bits[9:8], AF bit 10, nG bit 11 (ignored),
 * PXN bit 53 RES0, XN bit 54. Table descriptors: APTable[1] bit 62 (nothing below is writable)
 * and XNTable bit 60 (nothing below executes) apply hierarchically; APTable[0] bit 61 and
 * PXNTable bit 59 are RES0; NSTable bit 63 is ignored for access. A stage-1 leaf always grants
 * reads.
 *
 * <p>Immutable and thread-safe.
 */
final class Aarch64HardwareWalk implements HardwareWalk {

    /** TCR_EL2.T0SZ as Hafnium sets it: a 39-bit (512 GiB) stage-1 input range, walked from Arm level 1. */
    static final int STAGE1_INPUT_BITS = 39;

    /** MAIR_EL2 as Hafnium programs it: byte 0 Device-nGnRnE (0x00), byte 1 Normal write-back (0xff). */
    static final long MAIR_EL2 = 0xffL << 8;

    private static final int PAGE_BITS = 12;
    private static final int LEVEL_BITS = 9;
    private static final long ENTRY_INDEX_MASK = (1L << LEVEL_BITS) - 1;

    /** Bits[47:12]: an output or next-level table address. */
    private static final long ADDRESS_MASK = ((1L << 48) - 1) & ~((1L << PAGE_BITS) - 1);
    /** Bits[51:48]: output address bits beyond 48, RES0 without FEAT_LPA. */
    private static final long HIGH_ADDRESS_MASK = 0xfL << 48;

    private final Aarch64Geometry geometry;

    Aarch64HardwareWalk(Aarch64Geometry geometry) {
        this.geometry = requireNonNull(geometry, "geometry is null");
    }

    @Override
    public Translation translate(Stage stage, LongFunction<long[]> tables, long rootAddress, long inputAddress) {
        requireNonNull(stage, "stage is null");
        requireNonNull(tables, "tables is null");
        boolean stage2 = stage == Stage.STAGE2;
        int level = stage2 ? geometry.stage2MaxLevel() : Aarch64Geometry.STAGE1_MAX_LEVEL;
        int rootTables = stage2 ? geometry.stage2RootTables() : Aarch64Geometry.STAGE1_ROOT_TABLES;
        int inputBits = stage2 ? geometry.paBits() : STAGE1_INPUT_BITS;
        // T0SZ: an input address beyond the configured range faults at the start level.
        if (inputBits < 64 && (inputAddress >>> inputBits) != 0) {
            return new Fault(level, "input address 0x" + Long.toHexString(inputAddress) + " beyond the "
                    + inputBits + "-bit input range (translation fault)");
        }
        long rootIndex = inputAddress >>> shift(level);
        if (rootIndex >= (long) rootTables << LEVEL_BITS) {
            return new Fault(level, "input address 0x" + Long.toHexString(inputAddress) + " beyond the "
                    + rootTables + " concatenated root tables (translation fault)");
        }
        // Concatenated root tables are consecutive pages: the index's bits above 9 pick the page.
        long tableAddress = rootAddress + ((rootIndex >>> LEVEL_BITS) << PAGE_BITS);
        int index = (int) (rootIndex & ENTRY_INDEX_MASK);
        boolean tableDeniesWrite = false;
        boolean tableDeniesExecute = false;
        while (true) {
            long descriptor = tables.apply(tableAddress)[index];
            int armLevel = 3 - level;
            if ((descriptor & 1) == 0) {
                return new Fault(level, "invalid descriptor 0x" + Long.toHexString(descriptor)
                        + " (bit 0 clear: translation fault)");
            }
            boolean bit1 = (descriptor & 2) != 0;
            if (armLevel < 3 && bit1) {
                // A table descriptor.
                String reserved = stage2 ? reservedBit(descriptor, 59, 63) : reservedTableBitStage1(descriptor);
                if (reserved != null) {
                    return new Fault(level, "table descriptor 0x" + Long.toHexString(descriptor) + " has " + reserved);
                }
                long next = descriptor & ADDRESS_MASK;
                if ((descriptor & HIGH_ADDRESS_MASK) != 0 || (next >>> geometry.paBits()) != 0) {
                    return new Fault(level, "table descriptor 0x" + Long.toHexString(descriptor)
                            + " points beyond the " + geometry.paBits() + "-bit PA (address size fault)");
                }
                if (!stage2) {
                    tableDeniesWrite |= (descriptor & (1L << 62)) != 0;
                    tableDeniesExecute |= (descriptor & (1L << 60)) != 0;
                }
                tableAddress = next;
                level--;
                index = (int) ((inputAddress >>> shift(level)) & ENTRY_INDEX_MASK);
                continue;
            }
            if (armLevel == 3 && !bit1) {
                return new Fault(level, "descriptor 0x" + Long.toHexString(descriptor)
                        + " has type 01 at Arm level 3, a reserved encoding (translation fault)");
            }
            if (armLevel == 0) {
                return new Fault(level, "block descriptor 0x" + Long.toHexString(descriptor)
                        + " at Arm level 0, where the 4 KiB granule has no blocks (translation fault)");
            }
            return leaf(stage2, descriptor, level, inputAddress, tableDeniesWrite, tableDeniesExecute);
        }
    }

    /** Decodes a block or page descriptor at {@code level}. */
    private Translation leaf(boolean stage2, long descriptor, int level, long inputAddress, boolean tableDeniesWrite,
            boolean tableDeniesExecute) {
        String hex = "0x" + Long.toHexString(descriptor);
        int blockBits = shift(level);
        // Bits[blockBits-1:12] of a block are RES0: the output address is aligned to the block.
        String reserved = reservedBit(descriptor, PAGE_BITS, blockBits - 1);
        if (reserved == null) {
            reserved = stage2 ? reservedLeafBitStage2(descriptor) : reservedLeafBitStage1(descriptor);
        }
        if (reserved != null) {
            return new Fault(level, "descriptor " + hex + " has " + reserved);
        }
        long output = descriptor & ADDRESS_MASK;
        if ((descriptor & HIGH_ADDRESS_MASK) != 0 || (output >>> geometry.paBits()) != 0) {
            return new Fault(level, "descriptor " + hex + " maps 0x" + Long.toHexString(output)
                    + ", beyond the " + geometry.paBits() + "-bit PA (address size fault)");
        }
        if ((descriptor & (1L << 10)) == 0) {
            return new Fault(level, "descriptor " + hex + " has AF (bit 10) clear (access flag fault)");
        }
        long sh = (descriptor >>> 8) & 3;
        if (sh == 1) {
            return new Fault(level, "descriptor " + hex + " has the reserved SH value 01 (bits 9:8)");
        }
        int access;
        if (stage2) {
            long memAttr = (descriptor >>> 2) & 0xf;
            boolean device = (memAttr >>> 2) == 0;
            if (!device && (memAttr & 3) == 0) {
                return new Fault(level, "descriptor " + hex + " has MemAttr 0x" + Long.toHexString(memAttr)
                        + ": normal memory with a reserved inner cacheability 00 (bits 3:2)");
            }
            long s2ap = (descriptor >>> 6) & 3;
            long xn = (descriptor >>> 53) & 3;
            access = ((s2ap & 1) != 0 ? Mode.R : 0) | ((s2ap & 2) != 0 ? Mode.W : 0) | (xn == 0 ? Mode.X : 0)
                    | (device ? Mode.D : 0);
        } else {
            int attrIndex = (int) ((descriptor >>> 2) & 7);
            long mair = (MAIR_EL2 >>> (8 * attrIndex)) & 0xff;
            boolean device = (mair >>> 4) == 0;
            boolean readOnly = (descriptor & (1L << 7)) != 0 || tableDeniesWrite;
            boolean executeNever = (descriptor & (1L << 54)) != 0 || tableDeniesExecute;
            access = Mode.R | (readOnly ? 0 : Mode.W) | (executeNever ? 0 : Mode.X) | (device ? Mode.D : 0);
        }
        long offset = inputAddress & ((1L << blockBits) - 1);
        return new Granted(output | offset, level, access);
    }

    /** The first RES0 bit set in a stage-2 block or page descriptor's attributes, described; or null. */
    private static String reservedLeafBitStage2(long descriptor) {
        String reserved = reservedBit(descriptor, 11, 11);
        return reserved != null ? reserved : reservedBit(descriptor, 50, 50);
    }

    /** The first RES0 bit set in a stage-1 (EL2) block or page descriptor's attributes, described; or null. */
    private static String reservedLeafBitStage1(long descriptor) {
        return reservedBit(descriptor, 53, 53);
    }

    /** The first RES0 bit set in a stage-1 (EL2) table descriptor: APTable[0] (61) and PXNTable (59). */
    private static String reservedTableBitStage1(long descriptor) {
        String reserved = reservedBit(descriptor, 61, 61);
        return reserved != null ? reserved : reservedBit(descriptor, 59, 59);
    }

    /** "reserved bit N set" for the lowest set bit of {@code descriptor} in bits[high:low], or null. */
    private static String reservedBit(long descriptor, int low, int high) {
        if (high < low) {
            return null;
        }
        long mask = (high == 63 ? -1L : (1L << (high + 1)) - 1) & -(1L << low);
        long set = descriptor & mask;
        return set == 0 ? null : "reserved bit " + Long.numberOfTrailingZeros(set) + " set (RES0)";
    }

    /** The input address bit where the index of a table at {@code level} starts. */
    private static int shift(int level) {
        return PAGE_BITS + level * LEVEL_BITS;
    }

    @Override
    public String toString() {
        return "aarch64 VMSAv8-64 hardware walk, 4 KiB granule, " + geometry.paBits() + "-bit PA";
    }
}
