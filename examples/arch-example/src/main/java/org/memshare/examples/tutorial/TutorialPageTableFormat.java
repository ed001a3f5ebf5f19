package org.memshare.examples.tutorial;

import static java.util.Objects.requireNonNull;

import org.memshare.api.arch.PageTableFormat;
import org.memshare.api.arch.Stage;
import org.memshare.api.mode.Mode;

/**
 * The tutorial arch's page-table entries: a small, made-up but complete 64-bit format for 4 KiB
 * pages, in the spirit of VMSAv8-64 and RISC-V Sv39/Sv48, laid out so that each piece of state
 * memshare needs has a bit of its own.
 *
 * <pre>
 *  63      58 57 56 55      48 47                           12 11    6  5  4  3  2  1  0
 * +----------+--+--+----------+-------------------------------+-------+--+--+--+--+--+--+
 * | software |EX|OW| reserved |  output or next-table address | res.  | D| X| W| R| T| V|
 * +----------+--+--+----------+-------------------------------+-------+--+--+--+--+--+--+
 * </pre>
 *
 * <ul>
 *   <li><b>V</b> (bit 0), valid: the hardware uses the entry. When clear, the hardware ignores
 *       every other bit, which is what lets software keep state in an invalid entry.</li>
 *   <li><b>T</b> (bit 1), table: above level 0, set for a pointer to the next table and clear
 *       for a block. At level 0 there is nothing below a page, so the bit is reserved (zero):
 *       every present level-0 entry is a page.</li>
 *   <li><b>R, W, X</b> (bits 2-4): read, write and execute permission of a block. Positive
 *       sense (set means allowed), so the all-zero absent entry allows nothing.</li>
 *   <li><b>D</b> (bit 5), device: the block maps device memory rather than normal memory.</li>
 *   <li>bits 6-11 and 48-55: reserved, always zero.</li>
 *   <li><b>address</b> (bits 12-47): the block's output address, or the next table's address;
 *       a 48-bit physical address space with the page offset left out.</li>
 *   <li><b>OW</b> (bit 56), owned, and <b>EX</b> (bit 57), exclusive: stage 2's ownership state.
 *       The hardware ignores bits 56-63, so software may keep its own state there, in valid and
 *       invalid entries alike. (Keeping it in a reserved bit instead would make the hardware
 *       fault, or misread the entry, once the entry is valid.)</li>
 * </ul>
 *
 * <p>Entry kinds, as memshare's engine sees them:
 * <ul>
 *   <li>absent: all zero, at every level;</li>
 *   <li>table: {@code address | T | V}, nothing else (this format has no hierarchical
 *       permissions, so a table entry constrains nothing below it);</li>
 *   <li>valid block: {@code address | V | R/W/X/D | OW/EX}, at levels 0 to
 *       {@value #MAX_BLOCK_LEVEL} only (a level-3 block would map 512 GiB; the format forbids
 *       it, so the engine splits such ranges into tables);</li>
 *   <li>invalid block: V clear but OW set: the VM owns memory it cannot access right now (for
 *       example memory it lent away). The entry is "present": it must survive in the table
 *       because it records ownership, and {@link #stage2AttrsToMode} reads the state back from
 *       it. An entry with neither V nor OW set records nothing and counts as absent.</li>
 * </ul>
 *
 * <p>Stage 1 uses the same layout without the software bits (the hypervisor's own table tracks
 * no ownership). Stage-2 modes map onto the bits one to one, so all 128 modes round-trip:
 * R, W, X, D are their own bits; INVALID is V clear; UNOWNED is OW clear; SHARED is EX clear.
 * An absent entry therefore reads back as {@code INVALID|UNOWNED|SHARED}, "unrelated".
 *
 * <p>Immutable and thread-safe, as the api requires: the geometry is fixed at construction.
 */
final class TutorialPageTableFormat implements PageTableFormat {

    // ---------------------------------------------------------------- the bits

    /** Bit 0: the hardware uses the entry. */
    static final long VALID = 1L << 0;
    /** Bit 1: above level 0, the entry points at a table; reserved at level 0. */
    static final long TABLE = 1L << 1;
    /** Bit 2: reads allowed. */
    static final long READ = 1L << 2;
    /** Bit 3: writes allowed. */
    static final long WRITE = 1L << 3;
    /** Bit 4: instruction fetches allowed. */
    static final long EXECUTE = 1L << 4;
    /** Bit 5: device memory (no speculation, no caching). */
    static final long DEVICE = 1L << 5;
    /** Bits 12-47: the output address, or the next table's address. */
    static final long ADDRESS_MASK = 0x0000_ffff_ffff_f000L;
    /** Bit 56, software (stage 2 only): the VM owns the memory. */
    static final long SW_OWNED = 1L << 56;
    /** Bit 57, software (stage 2 only): the VM's access is exclusive. */
    static final long SW_EXCLUSIVE = 1L << 57;

    /**
     * What {@link #attrs} keeps of an entry: everything but the address and the table marker. The
     * valid bit is part of the attributes on purpose, so a valid and an invalid block never
     * compare equal, and defrag never merges them.
     */
    static final long ATTRS_MASK = ~(ADDRESS_MASK | TABLE);

    /** The highest level at which a block may stand (level 2: 1 GiB). */
    static final int MAX_BLOCK_LEVEL = 2;

    private final TutorialGeometry geometry;

    TutorialPageTableFormat(TutorialGeometry geometry) {
        this.geometry = requireNonNull(geometry, "geometry is null");
    }

    // ---------------------------------------------------------------- building entries

    /** All zero: maps nothing and records nothing, at every level. */
    @Override
    public long absentPte(int level) {
        return 0;
    }

    /** The table's address with T and V; a table entry carries no permissions. */
    @Override
    public long tablePte(int level, long tablePa) {
        return tablePa | TABLE | VALID;
    }

    /**
     * The address with the attributes; T stays clear, which marks a block above level 0 and is
     * required at level 0. The engine hands only page-aligned addresses that {@link #clearPa}
     * has cleaned, and attributes from {@link #modeToStage1Attrs} or {@link #modeToStage2Attrs},
     * so the two never overlap.
     */
    @Override
    public long blockPte(int level, long pa, long attrs) {
        return pa | attrs;
    }

    @Override
    public boolean isBlockAllowed(int level) {
        return level <= MAX_BLOCK_LEVEL;
    }

    // ---------------------------------------------------------------- reading entries

    /** Valid, or invalid but still recording ownership (an invalid block of owned memory). */
    @Override
    public boolean isPresent(long pte, int level) {
        return (pte & VALID) != 0 || (pte & SW_OWNED) != 0;
    }

    @Override
    public boolean isValid(long pte, int level) {
        return (pte & VALID) != 0;
    }

    /**
     * A present entry that is not a table, at a level where blocks may stand. At level 0 that is
     * every present entry (pages); an invalid block never has T set, because
     * {@link #blockPte} never sets it.
     */
    @Override
    public boolean isBlock(long pte, int level) {
        return isBlockAllowed(level) && isPresent(pte, level) && !isTable(pte, level);
    }

    /** Valid with T set, above level 0 (at level 0 the bit is reserved and never means a table). */
    @Override
    public boolean isTable(long pte, int level) {
        return level > 0 && (pte & VALID) != 0 && (pte & TABLE) != 0;
    }

    /** Keeps bits 12-47: drops the page offset and anything beyond a 48-bit physical address. */
    @Override
    public long clearPa(long pa) {
        return pa & ADDRESS_MASK;
    }

    @Override
    public long blockAddress(long pte, int level) {
        return pte & ADDRESS_MASK;
    }

    @Override
    public long tableAddress(long pte, int level) {
        return pte & ADDRESS_MASK;
    }

    @Override
    public long attrs(long pte, int level) {
        return pte & ATTRS_MASK;
    }

    /**
     * Defrag replaces a table whose 512 entries are equal blocks by one block with these
     * attributes. A table entry here restricts nothing below it, so the block keeps exactly the
     * attributes of the blocks it replaces, and {@code tableAttrs} (which is just V) is ignored.
     * Combining them with OR would be a bug: it would copy the table's V onto blocks that were
     * invalid, handing access back to a VM that lent its memory away.
     */
    @Override
    public long combineTableEntryAttrs(long tableAttrs, long blockAttrs) {
        return blockAttrs;
    }

    // ---------------------------------------------------------------- modes

    /** V unless INVALID, and R, W, X, D as asked. Ownership bits are a stage-2 matter and ignored. */
    @Override
    public long modeToStage1Attrs(int mode) {
        return accessBits(mode) | ((mode & Mode.INVALID) == 0 ? VALID : 0);
    }

    /** As at stage 1, plus OW unless UNOWNED and EX unless SHARED. */
    @Override
    public long modeToStage2Attrs(int mode) {
        long attrs = modeToStage1Attrs(mode);
        if ((mode & Mode.UNOWNED) == 0) {
            attrs |= SW_OWNED;
        }
        if ((mode & Mode.SHARED) == 0) {
            attrs |= SW_EXCLUSIVE;
        }
        return attrs;
    }

    /** The exact inverse of {@link #modeToStage2Attrs}: each mode bit is read from its own entry bit. */
    @Override
    public int stage2AttrsToMode(long attrs) {
        int mode = 0;
        mode |= (attrs & READ) != 0 ? Mode.R : 0;
        mode |= (attrs & WRITE) != 0 ? Mode.W : 0;
        mode |= (attrs & EXECUTE) != 0 ? Mode.X : 0;
        mode |= (attrs & DEVICE) != 0 ? Mode.D : 0;
        mode |= (attrs & VALID) == 0 ? Mode.INVALID : 0;
        mode |= (attrs & SW_OWNED) == 0 ? Mode.UNOWNED : 0;
        mode |= (attrs & SW_EXCLUSIVE) == 0 ? Mode.SHARED : 0;
        return mode;
    }

    /** The R, W, X and D entry bits of {@code mode}. */
    private static long accessBits(int mode) {
        long bits = 0;
        bits |= (mode & Mode.R) != 0 ? READ : 0;
        bits |= (mode & Mode.W) != 0 ? WRITE : 0;
        bits |= (mode & Mode.X) != 0 ? EXECUTE : 0;
        bits |= (mode & Mode.D) != 0 ? DEVICE : 0;
        return bits;
    }

    // ---------------------------------------------------------------- geometry

    @Override
    public int maxLevel(Stage stage) {
        return stage == Stage.STAGE2 ? geometry.stage2MaxLevel() : TutorialGeometry.STAGE1_MAX_LEVEL;
    }

    @Override
    public int rootTableCount(Stage stage) {
        return stage == Stage.STAGE2 ? geometry.stage2RootTables() : TutorialGeometry.STAGE1_ROOT_TABLES;
    }

    @Override
    public String toString() {
        return "tutorial format, " + geometry.paBits() + "-bit PA (stage 2: max level " + geometry.stage2MaxLevel()
                + ", " + geometry.stage2RootTables() + " root table" + (geometry.stage2RootTables() == 1 ? "" : "s")
                + ")";
    }
}
