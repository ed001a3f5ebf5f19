package org.memshare.examples.riscv;

/**
 * One address-translation fence the riscv TLB model issues, with its operands as the instruction
 * takes them: {@code HFENCE.GVMA rs1, rs2} (G-stage: rs1 the guest physical address shifted right
 * by 2, rs2 the VMID) or {@code SFENCE.VMA rs1, x0} (the hypervisor's own table: rs1 the virtual
 * address). A register operand that is {@code x0} means "all"; here it is {@link #ALL}.
 *
 * @param mnemonic {@code HFENCE.GVMA} or {@code SFENCE.VMA}
 * @param rs1 the address operand, or {@link #ALL}
 * @param rs2 the VMID (HFENCE.GVMA) or the ASID (SFENCE.VMA), or {@link #ALL}
 */
public record Fence(String mnemonic, long rs1, long rs2) {
    /** An operand given as {@code x0}: every address, every VMID or ASID. */
    public static final long ALL = -1;

    /** {@code HFENCE.GVMA} of one guest physical address of one VMID. */
    public static Fence hfenceGvma(long guestPhysicalAddress, int vmid) {
        return new Fence("HFENCE.GVMA", guestPhysicalAddress >>> 2, vmid);
    }

    /** {@code HFENCE.GVMA x0, vmid}: every G-stage translation of one VMID. */
    public static Fence hfenceGvmaAll(int vmid) {
        return new Fence("HFENCE.GVMA", ALL, vmid);
    }

    /** {@code SFENCE.VMA va, x0}: the hypervisor's translation of one virtual address, every ASID. */
    public static Fence sfenceVma(long virtualAddress) {
        return new Fence("SFENCE.VMA", virtualAddress, ALL);
    }

    /** {@code SFENCE.VMA x0, x0}: every translation of the hypervisor. */
    public static Fence sfenceVmaAll() {
        return new Fence("SFENCE.VMA", ALL, ALL);
    }

    @Override
    public String toString() {
        return mnemonic + " " + (rs1 == ALL ? "x0" : "0x" + Long.toHexString(rs1)) + ", "
                + (rs2 == ALL ? "x0" : "0x" + Long.toHexString(rs2));
    }
}
