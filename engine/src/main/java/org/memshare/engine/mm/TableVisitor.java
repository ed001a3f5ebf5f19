package org.memshare.engine.mm;

/**
 * What a {@link Walker} calls for the entries of a range, in the manner of pKVM's walker: once
 * for an entry that is not a table ({@link #LEAF}), before walking into a table
 * ({@link #TABLE_PRE}) and after walking out of it ({@link #TABLE_POST}). A visitor is a reused
 * object holding the operation's state, so a walk allocates nothing.
 */
interface TableVisitor {

    /** Visit entries that are not tables. */
    int LEAF = 1;
    /** Visit table entries before their table is walked. */
    int TABLE_PRE = 2;
    /** Visit table entries after their table was walked (only when the walk went into it). */
    int TABLE_POST = 4;
    /**
     * With {@link #TABLE_PRE} and no {@link #LEAF}: visit only the table entries noted as pointing
     * at tables marked changed ({@link TableMemory#setChildChanged}), which every table marked
     * changed is, instead of looking at every entry. For walks of the main walker, whose writes
     * keep the notes.
     */
    int CHANGED_CHILDREN = 8;

    /** Go on with the next entry without walking into a table. */
    long SKIP = -1;
    /** Stop the whole walk; the walk then reports failure. */
    long ABORT = -2;

    /** Which visits this visitor wants, as a mask of {@link #LEAF}, {@link #TABLE_PRE}, {@link #TABLE_POST}. */
    int flags();

    /**
     * Visits entry {@code index} of {@code table}, at {@code level}. The walk is at
     * {@code address} (inside the entry, at its start unless the range begins part way into it)
     * and goes up to {@code end}, already clipped to the table's span.
     *
     * <p>At {@link #LEAF} and {@link #TABLE_PRE} the answer says where the walk goes next: the
     * address of the table to walk into (a leaf visitor may have just made the entry a table,
     * or may name a scratch table), {@link #SKIP}, or {@link #ABORT}. Table addresses are
     * page-aligned, so neither sentinel can be one. At {@link #TABLE_POST} only
     * {@link #ABORT} means anything.
     */
    long visit(int flag, long[] table, int index, int level, long address, long end);
}
