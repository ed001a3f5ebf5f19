package org.memshare.engine.machine;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.locks.ReentrantLock;
import org.memshare.engine.mm.PageTable;

/**
 * A VM: its id (1 and up), its stage-2 page table, its mailbox, and the lock that guards both.
 * Operations on two VMs take both locks in id order (see {@link #lockBoth}), so two of them can
 * never deadlock.
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

    /** Locks two distinct VMs, lower id first; unlock with {@link #unlockBoth}. */
    public static void lockBoth(Vm a, Vm b) {
        Vm first = a.id < b.id ? a : b;
        Vm second = first == a ? b : a;
        first.lock.lock();
        second.lock.lock();
    }

    /** Unlocks what {@link #lockBoth} locked. */
    public static void unlockBoth(Vm a, Vm b) {
        a.lock.unlock();
        b.lock.unlock();
    }

    @Override
    public String toString() {
        return "VM " + id;
    }
}
