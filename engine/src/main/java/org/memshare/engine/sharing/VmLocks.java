package org.memshare.engine.sharing;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.memshare.engine.machine.Vm;

/**
 * The locks of several VMs, taken in id order (each VM once) so that two operations on
 * overlapping sets of VMs can never deadlock, and released in reverse. Use with
 * try-with-resources: {@code try (VmLocks held = VmLocks.lock(a, b, c)) { ... }}.
 */
public final class VmLocks implements AutoCloseable {
    private final List<Vm> held;

    private VmLocks(List<Vm> held) {
        this.held = held;
    }

    /**
     * Locks two VMs, lower id first (one VM given twice is locked once): the share path's case,
     * without the sorting of the general one.
     */
    public static VmLocks lock(Vm a, Vm b) {
        requireNonNull(a, "a is null");
        requireNonNull(b, "b is null");
        if (a.id() == b.id()) {
            a.lock().lock();
            return new VmLocks(List.of(a));
        }
        Vm first = a.id() < b.id() ? a : b;
        Vm second = first == a ? b : a;
        first.lock().lock();
        try {
            second.lock().lock();
        } catch (RuntimeException | Error e) {
            first.lock().unlock();
            throw e;
        }
        return new VmLocks(List.of(first, second));
    }

    /** Locks {@code vms}, lowest id first; a VM listed twice is locked once. */
    public static VmLocks lock(Vm... vms) {
        return lock(List.of(vms));
    }

    /** Locks {@code vms}, lowest id first; a VM listed twice is locked once. */
    public static VmLocks lock(List<Vm> vms) {
        requireNonNull(vms, "vms is null");
        List<Vm> ordered = new ArrayList<>(vms);
        ordered.sort(Comparator.comparingInt(Vm::id));
        List<Vm> distinct = new ArrayList<>(ordered.size());
        for (Vm vm : ordered) {
            if (distinct.isEmpty() || distinct.get(distinct.size() - 1).id() != vm.id()) {
                distinct.add(vm);
            }
        }
        int locked = 0;
        try {
            for (Vm vm : distinct) {
                vm.lock().lock();
                locked++;
            }
        } catch (RuntimeException | Error e) {
            for (int i = locked - 1; i >= 0; i--) {
                distinct.get(i).lock().unlock();
            }
            throw e;
        }
        return new VmLocks(distinct);
    }

    /** Releases every lock taken, the highest id first. */
    @Override
    public void close() {
        for (int i = held.size() - 1; i >= 0; i--) {
            held.get(i).lock().unlock();
        }
    }
}
