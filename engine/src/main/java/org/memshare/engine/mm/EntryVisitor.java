package org.memshare.engine.mm;

/** Sees the present entries of a page table, depth first, in address order (see {@link PageTable#visit}). */
@FunctionalInterface
public interface EntryVisitor {

    /** What a present entry is. */
    enum Kind {
        /** Points at the table one level down, which is visited next. */
        TABLE,
        /** A block, or a page at level 0, valid or not. */
        BLOCK,
        /** Present but neither a table nor a block: a malformed entry. */
        OTHER
    }

    /**
     * Called once per present entry.
     *
     * @param level the entry's level
     * @param address the first address the entry covers
     * @param pte the raw entry
     * @param kind what the entry is
     */
    void visit(int level, long address, long pte, Kind kind);
}
