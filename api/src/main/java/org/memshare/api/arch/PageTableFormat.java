package org.memshare.api.arch;

/**
 * How an architecture encodes page-table entries: everything the generic engine asks of an arch
 * (the counterpart of Hafnium's {@code inc/hf/arch/mm.h}).
 *
 * <p>Entries and addresses are raw unsigned 64-bit values on purpose: these methods sit on the
 * hot path of every page-table walk. Levels count up from 0 (entries that map 4 KiB pages) to
 * {@link #maxLevel(Stage)}. Every method is a pure function of its arguments (the geometry is
 * fixed when the format is created), so implementations must be immutable and thread-safe.
 *
 * <p>An entry is exactly one of: absent (not present), an invalid block (present, carries
 * ownership state, not accessible), a valid block (a page at level 0), or a table (a pointer to
 * the table one level down).
 *
 * <h2>Limits the engine enforces</h2>
 *
 * <p>A machine is refused (failure {@code BROKEN_PLUGIN}, conformance rule ARCH-2) unless, at both
 * stages:
 * <ul>
 *   <li><b>levels</b>: entries live at levels 0 to {@link #maxLevel(Stage)}, and the max level is
 *       {@value #MIN_MAX_LEVEL} to {@value #MAX_MAX_LEVEL}. Every table is one 4 KiB page of 512
 *       eight-byte entries, so an entry at level {@code l} covers {@code 2^(12 + 9l)} bytes
 *       ({@link org.memshare.api.addr.Addresses#entrySize(int)}: 4 KiB, 2 MiB, 1 GiB, 512 GiB,
 *       256 TiB at level 4);</li>
 *   <li><b>root tables</b>: {@link #rootTableCount(Stage)} is a power of two from 1 to
 *       {@value #MAX_ROOT_TABLES}. The roots are concatenated: the engine takes them from the page
 *       pool as one contiguous run of {@code rootTableCount} pages aligned to {@code rootTableCount}
 *       pages (a run of four 4 KiB pages starts on a 16 KiB boundary), and root {@code i} maps the
 *       {@code i}-th span of {@code entrySize(maxLevel + 1)} bytes. So the address space ends at
 *       {@code rootTableCount * entrySize(maxLevel + 1)}, at most 2^61.</li>
 * </ul>
 *
 * <p>Every table address and every block address the engine passes is aligned to the page (a
 * block's to its entry size) and below the address space's end; the pool's pages must survive
 * {@link #clearPa(long)} unchanged or the machine is refused.
 *
 * <h2>Modes, canonical modes and absent entries</h2>
 *
 * <p>Modes are {@link org.memshare.api.mode.Mode} bits. At stage 2 a format must represent every
 * mode's ownership state (INVALID, UNOWNED, SHARED), but it may be unable to represent some
 * permission combinations that its hardware cannot express (RISC-V cannot encode write without
 * read). Such a format says so with {@link #canonicalStage2Mode(int)}: the mode the hardware
 * actually grants when asked for {@code mode}. The engine never asks for it: mapping {@code mode}
 * writes {@link #modeToStage2Attrs(int)}, which must read back ({@link #stage2AttrsToMode(long)}) as
 * the canonical mode, and everything the engine answers (get-mode, the hypervisor's access checks,
 * the sharing protocol's state checks) comes from that read-back mode, so it is what the hardware
 * grants. Conformance rule ARCH-8 checks all 128 modes.
 *
 * <p>An absent entry ({@link #absentPte(int)}) still has a mode, {@code stage2AttrsToMode(attrs(absentPte))},
 * which get-mode reports for unmapped memory and which must be unmapped (INVALID and UNOWNED set;
 * {@code 0x70} on fake, {@code 0x7c} on aarch64), conformance rule PT-1.
 */
public interface PageTableFormat {

    /** The smallest max level the engine accepts: a root table of entries that map 2 MiB. */
    int MIN_MAX_LEVEL = 1;

    /** The largest max level the engine accepts: five levels, as in RISC-V Sv57 or Arm's 52-bit VA. */
    int MAX_MAX_LEVEL = 4;

    /** The most concatenated root tables the engine accepts (a power of two). */
    int MAX_ROOT_TABLES = 16;

    /** The entry that maps nothing at {@code level}. */
    long absentPte(int level);

    /** A table entry at {@code level} pointing at the table whose physical address is {@code tablePa}. */
    long tablePte(int level, long tablePa);

    /** A block (level 0: page) entry at {@code level} mapping {@code pa} with {@code attrs}. */
    long blockPte(int level, long pa, long attrs);

    /** Whether a block may stand at {@code level}. Where it may not, ranges are split into tables. */
    boolean isBlockAllowed(int level);

    /** Whether the entry carries any state: valid, or an invalid block that still records ownership. */
    boolean isPresent(long pte, int level);

    /** Whether the hardware would use the entry for translation. */
    boolean isValid(long pte, int level);

    /** Whether the entry is a block (or a page at level 0), valid or not. */
    boolean isBlock(long pte, int level);

    /** Whether the entry points at another table. */
    boolean isTable(long pte, int level);

    /** Clears the bits of {@code pa} that an entry cannot hold (page offset and any bits past the output size). */
    long clearPa(long pa);

    /** The output address of a block entry. */
    long blockAddress(long pte, int level);

    /** The physical address of the table a table entry points at. */
    long tableAddress(long pte, int level);

    /** The attribute bits of an entry: everything but the address and the table/block marker. */
    long attrs(long pte, int level);

    /**
     * The attributes of a block that replaces a table whose entries were all blocks with
     * {@code blockAttrs}, given the table entry's own {@code tableAttrs}. Defrag calls it when it
     * merges such a table; {@code tableAttrs} is {@link #attrs(long, int)} of the table entry as
     * {@link #tablePte(int, long)} wrote it (the engine never changes a table entry's bits), so it
     * holds whatever the format puts there besides the table's address and the table marker:
     * usually a valid bit, and the hierarchical permission limits of formats that have them. The
     * result must read back as the blocks' own mode: in particular a table entry's valid bit must
     * not reach an invalid block's attributes (rule PT-13).
     */
    long combineTableEntryAttrs(long tableAttrs, long blockAttrs);

    /** The stage-1 attribute bits that express {@code mode}. */
    long modeToStage1Attrs(int mode);

    /**
     * The stage-2 attribute bits that express {@code mode}, ownership state included. For a mode
     * the format cannot represent they express {@link #canonicalStage2Mode(int) its canonical
     * mode}.
     */
    long modeToStage2Attrs(int mode);

    /**
     * The mode that stage-2 attribute bits express: for attributes made by
     * {@link #modeToStage2Attrs(int) modeToStage2Attrs(mode)}, exactly {@code canonicalStage2Mode(mode)}.
     */
    int stage2AttrsToMode(long attrs);

    /**
     * What the hardware grants when stage 2 is asked for {@code mode} (a value from 0 to
     * {@link org.memshare.api.mode.Mode#ALL}): {@code mode} itself where the format can represent
     * it, else the representable mode that stands for it. The canonical mapping must
     * <ul>
     *   <li>be idempotent: {@code canonicalStage2Mode(canonicalStage2Mode(m)) == canonicalStage2Mode(m)};</li>
     *   <li>never grant more than asked: keep UNOWNED, SHARED and D as they are, never clear
     *       INVALID, and, unless it sets INVALID (which grants nothing), keep only R, W and X bits
     *       that {@code mode} has.</li>
     * </ul>
     * Conformance rule ARCH-8 checks both, and that every mode reads back as its canonical mode.
     * The default: every mode is representable.
     */
    default int canonicalStage2Mode(int mode) {
        return mode;
    }

    /** Whether the format represents {@code mode} at stage 2 as it is: {@code canonicalStage2Mode(mode) == mode}. */
    default boolean representsStage2Mode(int mode) {
        return canonicalStage2Mode(mode) == mode;
    }

    /** The level of the root tables of {@code stage}: {@value #MIN_MAX_LEVEL} to {@value #MAX_MAX_LEVEL}. */
    int maxLevel(Stage stage);

    /**
     * How many root tables {@code stage} concatenates: a power of two from 1 to
     * {@value #MAX_ROOT_TABLES}, taken as one contiguous run aligned to its own length in pages.
     */
    int rootTableCount(Stage stage);
}
