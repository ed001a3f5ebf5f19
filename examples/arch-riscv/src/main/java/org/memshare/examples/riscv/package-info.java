/**
 * The {@code riscv} arch plugin: RISC-V hypervisor (H extension) G-stage page tables, Sv39x4,
 * Sv48x4 and Sv57x4, and the hypervisor's own Sv39 table, written from the RISC-V privileged
 * specification. Public for users: {@link org.memshare.examples.riscv.RiscvArchPlugin} (the entry
 * point), {@link org.memshare.examples.riscv.GStageScheme} (the scheme a PA size chooses and its
 * {@code hgatp} encoding) and {@link org.memshare.examples.riscv.Fence} (the fences the TLB model
 * issues).
 */
package org.memshare.examples.riscv;
