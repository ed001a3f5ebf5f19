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
 */
public interface PageTableFormat {

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
     * {@code blockAttrs}, given the table entry's own {@code tableAttrs}.
     */
    long combineTableEntryAttrs(long tableAttrs, long blockAttrs);

    /** The stage-1 attribute bits that express {@code mode}. */
    long modeToStage1Attrs(int mode);

    /** The stage-2 attribute bits that express {@code mode}, ownership state included. */
    long modeToStage2Attrs(int mode);

    /** The mode that stage-2 attribute bits express; the inverse of {@link #modeToStage2Attrs(int)} on its image. */
    int stage2AttrsToMode(long attrs);

    /** The level of the root tables of {@code stage}. */
    int maxLevel(Stage stage);

    /** How many root tables {@code stage} concatenates (a power of two). */
    int rootTableCount(Stage stage);
}
