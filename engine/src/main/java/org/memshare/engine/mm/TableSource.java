package org.memshare.engine.mm;

/**
 * Where a walk reads a table, given the address a table entry holds. The hypervisor's
 * {@link TableMemory} is one source; the commit budget's {@link ScratchTables} is another, which
 * also serves tables that exist only for the length of a dry run.
 */
interface TableSource {

    /** The live entries of the table at {@code tablePa}. */
    long[] table(long tablePa);
}
