package org.memshare.api.addr;

/**
 * An address in the physical address space (Hafnium's {@code paddr_t}). The 64 bits are unsigned
 * and arithmetic wraps as it does in C.
 *
 * @param value the raw 64-bit address, read as unsigned
 */
public record PhysicalAddress(long value) implements Comparable<PhysicalAddress> {

    public static PhysicalAddress of(long value) {
        return new PhysicalAddress(value);
    }

    /** This address plus {@code offset}, wrapping modulo 2^64. */
    public PhysicalAddress add(long offset) {
        return new PhysicalAddress(value + offset);
    }

    /** The intermediate physical address a VM uses for this page under an identity mapping. */
    public IntermediatePhysicalAddress toIpa() {
        return new IntermediatePhysicalAddress(value);
    }

    /** The address the hypervisor uses for this page under its identity stage-1 mapping. */
    public VirtualAddress toVa() {
        return new VirtualAddress(value);
    }

    @Override
    public int compareTo(PhysicalAddress other) {
        return Long.compareUnsigned(value, other.value);
    }

    @Override
    public String toString() {
        return "pa:0x" + Long.toHexString(value);
    }
}
