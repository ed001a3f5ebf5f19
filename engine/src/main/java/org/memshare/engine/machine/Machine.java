package org.memshare.engine.machine;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.memshare.api.arch.Arch;
import org.memshare.api.policy.SharePolicy;
import org.memshare.engine.memory.SparsePhysicalMemory;
import org.memshare.engine.mm.PageTable;
import org.memshare.engine.mm.TableMemory;
import org.memshare.engine.pool.DefaultPagePool;

/**
 * One simulated machine: an arch, the hypervisor's page pool and stage-1 table, and VMs with
 * their stage-2 tables. Made by {@link Machines#create}.
 */
public final class Machine {
    private final MachineConfig config;
    private final Arch arch;
    private final DefaultPagePool pool;
    private final TableMemory tableMemory;
    private final PageTable hypervisorTable;
    private final List<Vm> vms;
    private final SparsePhysicalMemory memory;
    private final List<SharePolicy> policies;
    private final ReentrantLock stage1Lock = new ReentrantLock();

    Machine(MachineConfig config, Arch arch, DefaultPagePool pool, TableMemory tableMemory,
            PageTable hypervisorTable, List<Vm> vms, SparsePhysicalMemory memory, Collection<SharePolicy> policies) {
        this.config = requireNonNull(config, "config is null");
        this.arch = requireNonNull(arch, "arch is null");
        this.pool = requireNonNull(pool, "pool is null");
        this.tableMemory = requireNonNull(tableMemory, "tableMemory is null");
        this.hypervisorTable = requireNonNull(hypervisorTable, "hypervisorTable is null");
        this.vms = List.copyOf(vms);
        this.memory = requireNonNull(memory, "memory is null");
        this.policies = List.copyOf(policies);
    }

    /** The memory VMs read and write (page tables live elsewhere). */
    public SparsePhysicalMemory memory() {
        return memory;
    }

    /** The custom sharing policies installed for this machine, in the order they were bound (none by default). */
    public List<SharePolicy> policies() {
        return policies;
    }

    /** The lock guarding the hypervisor's stage-1 table. */
    public ReentrantLock stage1Lock() {
        return stage1Lock;
    }

    public MachineConfig config() {
        return config;
    }

    public Arch arch() {
        return arch;
    }

    /** The hypervisor's page pool, from which every table of this machine is allocated. */
    public DefaultPagePool pool() {
        return pool;
    }

    /** The memory the tables live in. */
    public TableMemory tableMemory() {
        return tableMemory;
    }

    /**
     * What went wrong, for a user, when the table memory refused a table because the heap would
     * have run out ({@link TableMemory#heapRefusals} grew): the operation failed as if the pool
     * had run out, which is not what Hafnium, with the pool's pages at hand, would have answered.
     */
    public String heapExhaustedReason() {
        return Machines.heapExhausted(config, tableMemory);
    }

    /** The hypervisor's own stage-1 table. */
    public PageTable hypervisorTable() {
        return hypervisorTable;
    }

    /** The VMs, in id order (VM 1 first). */
    public List<Vm> vms() {
        return vms;
    }

    /** VM {@code id}, if there is one. */
    public Optional<Vm> vm(int id) {
        return id >= 1 && id <= vms.size() ? Optional.of(vms.get(id - 1)) : Optional.empty();
    }

    @Override
    public String toString() {
        return "Machine[" + arch.name() + ", " + vms.size() + " VMs, " + pool + "]";
    }
}
