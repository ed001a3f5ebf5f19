package org.memshare.arch.aarch64;

import static java.util.Objects.requireNonNull;

import org.memshare.api.addr.Addresses;
import org.memshare.api.arch.PageTableFormat;
import org.memshare.api.arch.Stage;
import org.memshare.api.mode.Mode;

/**
 * VMSAv8-64 translation table descriptors for the 4 KiB granule, encoded bit for bit as Hafnium's
 * aarch64 arch layer encodes them, with its two software-defined stage-2 bits (owned and
 * exclusive) that record ownership in entries the hardware ignores.
 *
 * <p>Levels are memshare's (0 holds pages; Arm calls that level 3). In short:
 * <ul>
 *   <li>absent: 0;</li>
 *   <li>table: the next table's address | bit 1 | valid;</li>
 *   <li>block: address | attributes, plus bit 1 at level 0, where Arm calls the entry a page;
 *       blocks are allowed at levels 0 to 2;</li>
 *   <li>present: valid, or the owned bit set (an invalid entry that still records ownership).</li>
 * </ul>
 *
 * <p>Immutable; the stage-2 geometry comes from an {@link Aarch64Geometry}.
 */
final class Aarch64PageTableFormat implements PageTableFormat {

    // ---------------------------------------------------------------- descriptor bits common to both stages

    /** Bit 0, valid: the hardware uses the descriptor; when clear every other bit is ignored by hardware. */
    static final long PTE_VALID = 1L << 0;
    /**
     * Bit 1, descriptor type. Above Arm level 3 it tells a table (1) from a block (0); at Arm
     * level 3 (memshare level 0) it must be 1 for a page, 0 there being a reserved encoding.
     */
    static final long PTE_TABLE = 1L << 1;
    /** The same bit 1, read as the page marker of a level-0 entry. */
    static final long PTE_LEVEL0_BLOCK = 1L << 1;

    /** Bits 12 to 47: the output address of a block or page, or the address of the next table. */
    static final long PTE_ADDR_MASK = ((1L << 48) - 1) & ~(Addresses.PAGE_SIZE - 1);
    /** Everything that is not the address or the descriptor-type bit (so the valid bit is included). */
    static final long PTE_ATTR_MASK = ~(PTE_ADDR_MASK | PTE_TABLE);

    /** SH field value: not shared; at stage 2 it lets stage 1 decide. */
    static final long NON_SHAREABLE = 0;
    /** SH field value: coherent across the outer shareable domain. */
    static final long OUTER_SHAREABLE = 2;

    // ---------------------------------------------------------------- stage-1 block and page attributes

    /** Bit 54, XN: execute-never (in the EL2 regime there is a single execute-never bit). */
    static final long STAGE1_XN = 1L << 54;
    /** Bit 53, PXN: privileged execute-never; set by Hafnium only when merging a table marked PXNTable. */
    static final long STAGE1_PXN = 1L << 53;
    /** Bit 10, AF: access flag; clear would make the first access fault. */
    static final long STAGE1_AF = 1L << 10;
    /** Bits 8-9, SH: shareability of normal memory. */
    static final int STAGE1_SH_SHIFT = 8;
    /** Bit 7, AP[2]: read-only when set. */
    static final long STAGE1_AP2 = 1L << 7;
    /**
     * Bit 6, AP[1]: in a regime with two privilege levels, grants EL0 access; it has no access
     * meaning in a regime with one (EL2 without host extensions).
     */
    static final long STAGE1_AP1 = 1L << 6;
    /** Bits 6-7, AP[2:1]: the data access permissions. */
    static final int STAGE1_AP_SHIFT = 6;
    /** AP[2:1] value: read/write. */
    static final long STAGE1_READWRITE = 0;
    /** AP[2:1] value: read-only. */
    static final long STAGE1_READONLY = 2;
    /** Bit 5, NS: the output address is in the non-secure physical address space. */
    static final long STAGE1_NS = 1L << 5;
    /** Bits 2-4, AttrIndx: which byte of MAIR_EL2 gives the memory type. */
    static final int STAGE1_ATTRINDX_SHIFT = 2;
    /** MAIR_EL2 byte 0 as Hafnium programs it: Device-nGnRnE. */
    static final long STAGE1_DEVICEINDX = 0;
    /** MAIR_EL2 byte 1 as Hafnium programs it: normal, inner and outer write-back, read- and write-allocate. */
    static final long STAGE1_NORMALINDX = 1;

    // ---------------------------------------------------------------- stage-1 table descriptor attributes

    /** Bit 63, NSTable: everything below this table is in the non-secure address space. */
    static final long TABLE_NSTABLE = 1L << 63;
    /** Bit 62, APTable[1]: everything below is read-only, whatever its own AP says. */
    static final long TABLE_APTABLE1 = 1L << 62;
    /** Bit 61, APTable[0]: nothing below is accessible from EL0. */
    static final long TABLE_APTABLE0 = 1L << 61;
    /** Bit 60, XNTable: nothing below is executable. */
    static final long TABLE_XNTABLE = 1L << 60;
    /** Bit 59, PXNTable: nothing below is executable at a privileged level. */
    static final long TABLE_PXNTABLE = 1L << 59;

    // ---------------------------------------------------------------- stage-2 block and page attributes

    /** Bits 53-54, XN[1:0]: stage-2 execute permission. */
    static final int STAGE2_XN_SHIFT = 53;
    /** XN value: executable at EL0 and EL1. */
    static final long STAGE2_EXECUTE_ALL = 0;
    /** XN value: executable at neither EL0 nor EL1. */
    static final long STAGE2_EXECUTE_NONE = 2;
    /** The two XN bits. */
    static final long STAGE2_EXECUTE_MASK = 3;
    /** Bit 10, AF: access flag. */
    static final long STAGE2_AF = 1L << 10;
    /** Bits 8-9, SH: shareability; non-shareable leaves the choice to stage 1. */
    static final int STAGE2_SH_SHIFT = 8;
    /** Bits 6-7, S2AP: stage-2 data access permissions, bit 6 read and bit 7 write. */
    static final int STAGE2_S2AP_SHIFT = 6;
    /** S2AP bit: reads allowed. */
    static final long STAGE2_ACCESS_READ = 1;
    /** S2AP bit: writes allowed. */
    static final long STAGE2_ACCESS_WRITE = 2;
    /**
     * Bits 2-5, MemAttr: bits 4-5 the outer (or, when 0, device) type, bits 2-3 the inner
     * cacheability or the device kind. The field is shifted left by 2 within the descriptor.
     */
    static final int STAGE2_MEMATTR_SHIFT = 2;
    /** MemAttr outer type 0: device memory (bits 2-3 then say which kind). */
    static final long STAGE2_DEVICE_MEMORY = 0;
    /** MemAttr cacheability 3: write-back. */
    static final long STAGE2_WRITEBACK = 3;
    /** MemAttr device kind 3: Device-GRE, the weakest device type, so stage 1 decides. */
    static final long STAGE2_MEMATTR_DEVICE_GRE = 3;
    /** MemAttr bits 4-5: zero exactly when the memory is a device type. */
    static final long STAGE2_MEMATTR_TYPE_MASK = 3L << 4;

    // ---------------------------------------------------------------- stage-2 software bits (55-58 are ignored by hardware)

    /** Bit 55, software: the VM owns the memory (Hafnium's own bit; hardware ignores it). */
    static final long STAGE2_SW_OWNED = 1L << 55;
    /** Bit 56, software: the VM's access is exclusive (Hafnium's own bit; hardware ignores it). */
    static final long STAGE2_SW_EXCLUSIVE = 1L << 56;

    /** The highest level at which a block (1 GiB at level 2) may stand. */
    private static final int MAX_BLOCK_LEVEL = 2;

    private final Aarch64Geometry geometry;

    Aarch64PageTableFormat(Aarch64Geometry geometry) {
        this.geometry = requireNonNull(geometry, "geometry is null");
    }

    Aarch64Geometry geometry() {
        return geometry;
    }

    /** A stage-2 MemAttr field value from its outer (or device) half and inner half. */
    private static long stage2MemAttr(long outer, long inner) {
        return ((outer << 2) | inner) << STAGE2_MEMATTR_SHIFT;
    }

    @Override
    public long absentPte(int level) {
        return 0;
    }

    @Override
    public long tablePte(int level, long tablePa) {
        // Stage-2 table descriptors carry no attributes, so none are set at either stage.
        return tablePa | PTE_TABLE | PTE_VALID;
    }

    @Override
    public long blockPte(int level, long pa, long attrs) {
        long pte = pa | attrs;
        if (level == 0) {
            pte |= PTE_LEVEL0_BLOCK;
        }
        return pte;
    }

    @Override
    public boolean isBlockAllowed(int level) {
        return level <= MAX_BLOCK_LEVEL;
    }

    @Override
    public boolean isPresent(long pte, int level) {
        return isValid(pte, level) || (pte & STAGE2_SW_OWNED) != 0;
    }

    @Override
    public boolean isValid(long pte, int level) {
        return (pte & PTE_VALID) != 0;
    }

    @Override
    public boolean isBlock(long pte, int level) {
        if (!isBlockAllowed(level)) {
            return false;
        }
        if (level == 0) {
            return (pte & PTE_LEVEL0_BLOCK) != 0;
        }
        return isPresent(pte, level) && !isTable(pte, level);
    }

    @Override
    public boolean isTable(long pte, int level) {
        return level != 0 && isValid(pte, level) && (pte & PTE_TABLE) != 0;
    }

    @Override
    public long clearPa(long pa) {
        return pa & PTE_ADDR_MASK;
    }

    @Override
    public long blockAddress(long pte, int level) {
        return pte & PTE_ADDR_MASK;
    }

    @Override
    public long tableAddress(long pte, int level) {
        return pte & PTE_ADDR_MASK;
    }

    @Override
    public long attrs(long pte, int level) {
        return pte & PTE_ATTR_MASK;
    }

    @Override
    public long combineTableEntryAttrs(long tableAttrs, long blockAttrs) {
        // Only stage-1 table descriptors use bits 59-63; at stage 2 they are RES0, so this is a
        // no-op there.
        long attrs = blockAttrs;
        if ((tableAttrs & TABLE_NSTABLE) != 0) {
            attrs |= STAGE1_NS;
        }
        if ((tableAttrs & TABLE_APTABLE1) != 0) {
            attrs |= STAGE1_AP2;
        }
        if ((tableAttrs & TABLE_APTABLE0) != 0) {
            attrs &= ~STAGE1_AP1;
        }
        if ((tableAttrs & TABLE_XNTABLE) != 0) {
            attrs |= STAGE1_XN;
        }
        if ((tableAttrs & TABLE_PXNTABLE) != 0) {
            attrs |= STAGE1_PXN;
        }
        return attrs;
    }

    @Override
    public long modeToStage1Attrs(int mode) {
        long attrs = STAGE1_AF | (OUTER_SHAREABLE << STAGE1_SH_SHIFT);
        if ((mode & Mode.X) == 0) {
            attrs |= STAGE1_XN;
        }
        attrs |= ((mode & Mode.W) != 0 ? STAGE1_READWRITE : STAGE1_READONLY) << STAGE1_AP_SHIFT;
        attrs |= ((mode & Mode.D) != 0 ? STAGE1_DEVICEINDX : STAGE1_NORMALINDX) << STAGE1_ATTRINDX_SHIFT;
        if ((mode & Mode.INVALID) == 0) {
            attrs |= PTE_VALID;
        }
        return attrs;
    }

    @Override
    public long modeToStage2Attrs(int mode) {
        long attrs = STAGE2_AF | (NON_SHAREABLE << STAGE2_SH_SHIFT);

        long access = 0;
        if ((mode & Mode.R) != 0) {
            access |= STAGE2_ACCESS_READ;
        }
        if ((mode & Mode.W) != 0) {
            access |= STAGE2_ACCESS_WRITE;
        }
        attrs |= access << STAGE2_S2AP_SHIFT;

        attrs |= ((mode & Mode.X) != 0 ? STAGE2_EXECUTE_ALL : STAGE2_EXECUTE_NONE) << STAGE2_XN_SHIFT;

        // The weakest device type and write-back normal memory are the values that leave stage 1
        // in control of the memory type.
        if ((mode & Mode.D) != 0) {
            attrs |= stage2MemAttr(STAGE2_DEVICE_MEMORY, STAGE2_MEMATTR_DEVICE_GRE);
        } else {
            attrs |= stage2MemAttr(STAGE2_WRITEBACK, STAGE2_WRITEBACK);
        }

        if ((mode & Mode.UNOWNED) == 0) {
            attrs |= STAGE2_SW_OWNED;
        }
        if ((mode & Mode.SHARED) == 0) {
            attrs |= STAGE2_SW_EXCLUSIVE;
        }
        if ((mode & Mode.INVALID) == 0) {
            attrs |= PTE_VALID;
        }
        return attrs;
    }

    @Override
    public int stage2AttrsToMode(long attrs) {
        int mode = 0;
        if ((attrs & (STAGE2_ACCESS_READ << STAGE2_S2AP_SHIFT)) != 0) {
            mode |= Mode.R;
        }
        if ((attrs & (STAGE2_ACCESS_WRITE << STAGE2_S2AP_SHIFT)) != 0) {
            mode |= Mode.W;
        }
        if ((attrs & (STAGE2_EXECUTE_MASK << STAGE2_XN_SHIFT)) == (STAGE2_EXECUTE_ALL << STAGE2_XN_SHIFT)) {
            mode |= Mode.X;
        }
        if ((attrs & STAGE2_MEMATTR_TYPE_MASK) == STAGE2_DEVICE_MEMORY) {
            mode |= Mode.D;
        }
        if ((attrs & STAGE2_SW_OWNED) == 0) {
            mode |= Mode.UNOWNED;
        }
        if ((attrs & STAGE2_SW_EXCLUSIVE) == 0) {
            mode |= Mode.SHARED;
        }
        if ((attrs & PTE_VALID) == 0) {
            mode |= Mode.INVALID;
        }
        return mode;
    }

    @Override
    public int maxLevel(Stage stage) {
        return stage == Stage.STAGE2 ? geometry.stage2MaxLevel() : Aarch64Geometry.STAGE1_MAX_LEVEL;
    }

    @Override
    public int rootTableCount(Stage stage) {
        return stage == Stage.STAGE2 ? geometry.stage2RootTables() : Aarch64Geometry.STAGE1_ROOT_TABLES;
    }

    @Override
    public String toString() {
        return "aarch64 VMSAv8-64 format, " + geometry.paBits() + "-bit PA (stage 2: max level "
                + geometry.stage2MaxLevel() + ", " + geometry.stage2RootTables() + " root table"
                + (geometry.stage2RootTables() == 1 ? "" : "s") + ")";
    }
}
