package org.memshare.engine.machine;

import com.google.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.memshare.api.arch.Arch;
import org.memshare.api.arch.Stage;
import org.memshare.api.policy.SharePolicy;
import org.memshare.engine.memory.SparsePhysicalMemory;
import org.memshare.engine.mm.PageTable;
import org.memshare.engine.mm.TableMemory;
import org.memshare.engine.pool.DefaultPagePool;

/**
 * Allocates a machine's tables in Hafnium's boot order: the hypervisor's stage-1 root first,
 * then each VM's stage-2 root in VM order.
 */
final class MachineAssembler {
    private final MachineConfig config;
    private final Arch arch;
    private final DefaultPagePool pool;
    private final TableMemory memory;
    private final Set<SharePolicy> policies;

    @Inject
    MachineAssembler(MachineConfig config, Arch arch, DefaultPagePool pool, TableMemory memory,
            Set<SharePolicy> policies) {
        this.config = config;
        this.arch = arch;
        this.pool = pool;
        this.memory = memory;
        this.policies = policies;
    }

    /**
     * The machine, or empty if the pool cannot hold every root table.
     *
     * @param extra policies for this machine alone, asked after the bound ones
     */
    Optional<Machine> assemble(List<SharePolicy> extra) {
        Optional<PageTable> hypervisor = PageTable.create(arch.format(), Stage.STAGE1, memory, arch.tlb(), 0, pool);
        if (hypervisor.isEmpty()) {
            return Optional.empty();
        }
        List<Vm> vms = new ArrayList<>(config.vmCount());
        for (int id = 1; id <= config.vmCount(); id++) {
            Optional<PageTable> table = PageTable.create(arch.format(), Stage.STAGE2, memory, arch.tlb(), id, pool);
            if (table.isEmpty()) {
                return Optional.empty();
            }
            vms.add(new Vm(id, table.get()));
        }
        return Optional.of(new Machine(config, arch, pool, memory, hypervisor.get(), vms, new SparsePhysicalMemory(),
                extra.isEmpty() ? List.copyOf(policies) : concat(policies, extra)));
    }

    private static List<SharePolicy> concat(Set<SharePolicy> bound, List<SharePolicy> extra) {
        List<SharePolicy> all = new ArrayList<>(bound.size() + extra.size());
        all.addAll(bound);
        all.addAll(extra);
        return all;
    }
}
