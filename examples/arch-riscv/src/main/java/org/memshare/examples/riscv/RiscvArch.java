package org.memshare.examples.riscv;

import java.util.Optional;
import java.util.Set;
import org.memshare.api.arch.Arch;
import org.memshare.api.arch.ArchFeature;
import org.memshare.api.arch.CacheMaintenance;
import org.memshare.api.arch.HardwareWalk;
import org.memshare.api.arch.PageTableFormat;
import org.memshare.api.arch.TlbMaintenance;

/** One configured riscv arch: its format, its own TLB model and its hardware walk. */
record RiscvArch(RiscvPageTableFormat riscvFormat, RiscvTlb riscvTlb, RiscvHardwareWalk walk) implements Arch {

    @Override
    public String name() {
        return RiscvArchPlugin.NAME;
    }

    @Override
    public PageTableFormat format() {
        return riscvFormat;
    }

    @Override
    public TlbMaintenance tlb() {
        return riscvTlb;
    }

    /** No data-cache model: RISC-V's base ISA has no architected data-cache maintenance. */
    @Override
    public CacheMaintenance cache() {
        return CacheMaintenance.NONE;
    }

    @Override
    public Set<ArchFeature> features() {
        return RiscvArchPlugin.FEATURES;
    }

    @Override
    public Optional<HardwareWalk> hardwareWalk() {
        return Optional.of(walk);
    }
}
