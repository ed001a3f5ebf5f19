package org.memshare.engine.machine;

import static java.util.Objects.requireNonNull;

import org.memshare.engine.mm.PageTable;

/** A VM: its id (1 and up) and its stage-2 page table. */
public final class Vm {
    private final int id;
    private final PageTable table;

    Vm(int id, PageTable table) {
        this.id = id;
        this.table = requireNonNull(table, "table is null");
    }

    public int id() {
        return id;
    }

    /** The VM's stage-2 table. */
    public PageTable table() {
        return table;
    }

    @Override
    public String toString() {
        return "VM " + id;
    }
}
