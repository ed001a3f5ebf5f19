package org.memshare.engine.ffa;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.memshare.api.ffa.FfaVersion;
import org.memshare.api.pool.PagePool;
import org.memshare.engine.machine.Machine;
import org.memshare.engine.machine.Vm;
import org.memshare.engine.pool.DefaultPagePool;
import org.memshare.engine.sharing.MemoryClearing;
import org.memshare.engine.sharing.ModeScan;
import org.memshare.engine.sharing.TableUpdate;

/** What every FF-A flow works with: the machine, its pool and tables, the share states, the VMs' FF-A state. */
final class Context {
    /** Hafnium's HF_PRIMARY_VM_ID on the fake arch and memshare's numbering. */
    static final int PRIMARY_VM = 1;
    /** Each VM's TX and RX buffers, and Hafnium's MM_PPOOL_ENTRY_SIZE. */
    static final int MAILBOX_SIZE = 4096;
    /** Hafnium's MAX_FRAGMENTS. */
    static final int MAX_FRAGMENTS = 20;

    /** A VM's FF-A state: its version and whether it has made an FF-A call other than FFA_VERSION. */
    static final class VmState {
        FfaVersion version = FfaVersion.DEFAULT;
        boolean negotiated;
    }

    final Machine machine;
    final DefaultPagePool pool;
    final TableUpdate update;
    final PolicyHook policies;
    final ShareStateTable table;
    final ModeScan.Rule modeRule;
    /** Hafnium's PA-range bound at prepare: 2^PA bits, or the stage-2 address space if smaller. */
    final OptionalLong paLimit;
    private final List<VmState> vms;

    Context(Machine machine, ModeScan.Rule modeRule) {
        this.machine = machine;
        this.pool = machine.pool();
        this.update = new TableUpdate(pool, MemoryClearing.of(machine));
        this.policies = new PolicyHook(machine.policies());
        this.table = new ShareStateTable(pool);
        this.modeRule = modeRule;
        this.paLimit = paLimit(machine);
        List<VmState> states = new ArrayList<>(machine.vms().size());
        for (int i = 0; i < machine.vms().size(); i++) {
            states.add(new VmState());
        }
        this.vms = states;
    }

    private static OptionalLong paLimit(Machine machine) {
        int bits = machine.config().archConfig().paBits();
        long space = machine.vms().isEmpty() ? 0 : machine.vms().get(0).table().addressSpaceEnd();
        long limit = bits >= 64 ? -1L : 1L << bits;
        if (space != 0 && Long.compareUnsigned(space, limit) < 0) {
            limit = space;
        }
        return bits >= 64 && space == 0 ? OptionalLong.empty() : OptionalLong.of(limit);
    }

    Optional<Vm> vm(int id) {
        return machine.vm(id);
    }

    VmState state(Vm vm) {
        return vms.get(vm.id() - 1);
    }

    /** Whether {@code id} is a VM of the machine. */
    boolean isVm(int id) {
        return machine.vm(id).isPresent();
    }

    /**
     * Takes {@code count} pages from the pool for a descriptor copy, as Hafnium's
     * {@code memory_alloc} takes them from the heap its page tables come from.
     *
     * @return the pages, or empty (nothing taken) if the pool ran out
     */
    Optional<List<Long>> allocate(int count) {
        List<Long> pages = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long page = pool.alloc();
            if (page == PagePool.NO_ENTRY) {
                free(pages);
                return Optional.empty();
            }
            pages.add(page);
        }
        return Optional.of(pages);
    }

    void free(List<Long> pages) {
        for (int i = pages.size() - 1; i >= 0; i--) {
            pool.free(pages.get(i));
        }
    }
}
