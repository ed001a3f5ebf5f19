package org.memshare.api.addr;

/**
 * An address in the hypervisor's own virtual address space, the input of its stage-1
 * translation (Hafnium's {@code vaddr_t}). Unsigned 64-bit; arithmetic wraps as in C.
 *
 * @param value the raw 64-bit address, read as unsigned
 */
public record VirtualAddress(long value) implements Comparable<VirtualAddress> {

    public static VirtualAddress of(long value) {
        return new VirtualAddress(value);
    }

    /** This address plus {@code offset}, wrapping modulo 2^64. */
    public VirtualAddress add(long offset) {
        return new VirtualAddress(value + offset);
    }

    @Override
    public int compareTo(VirtualAddress other) {
        return Long.compareUnsigned(value, other.value);
    }

    @Override
    public String toString() {
        return "va:0x" + Long.toHexString(value);
    }
}
