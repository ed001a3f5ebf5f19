package org.memshare.engine.machine;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.locks.ReentrantLock;
import org.memshare.engine.mm.PageTable;

/**
 * A VM: its id (1 and up), its stage-2 page table, its mailbox, and the lock that guards both.
 * Operations on several VMs take their locks in id order ({@code org.memshare.engine.sharing.VmLocks}),
 * so two of them can never deadlock.
 */
public final class Vm {
    private final int id;
    private final PageTable table;
    private final Mailbox mailbox = new Mailbox();
    private final ReentrantLock lock = new ReentrantLock();

    Vm(int id, PageTable table) {
        this.id = id;
        this.table = requireNonNull(table, "table is null");
    }

    public int id() {
        return id;
    }

    /** The VM's stage-2 table; hold {@link #lock()} to use it. */
    public PageTable table() {
        return table;
    }

    /** The VM's mailbox; hold {@link #lock()} to use it. */
    public Mailbox mailbox() {
        return mailbox;
    }

    /** The lock guarding the table and the mailbox. */
    public ReentrantLock lock() {
        return lock;
    }


    @Override
    public String toString() {
        return "VM " + id;
    }
}
