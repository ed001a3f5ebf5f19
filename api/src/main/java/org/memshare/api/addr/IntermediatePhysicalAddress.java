package org.memshare.api.addr;

/**
 * An address in a VM's intermediate physical address space, the input of a stage-2 translation
 * (Hafnium's {@code ipaddr_t}). Unsigned 64-bit; arithmetic wraps as in C.
 *
 * @param value the raw 64-bit address, read as unsigned
 */
public record IntermediatePhysicalAddress(long value) implements Comparable<IntermediatePhysicalAddress> {

    public static IntermediatePhysicalAddress of(long value) {
        return new IntermediatePhysicalAddress(value);
    }

    /** This address plus {@code offset}, wrapping modulo 2^64. */
    public IntermediatePhysicalAddress add(long offset) {
        return new IntermediatePhysicalAddress(value + offset);
    }

    /** The physical address of this page under the identity mapping every VM in the model uses. */
    public PhysicalAddress toPa() {
        return new PhysicalAddress(value);
    }

    @Override
    public int compareTo(IntermediatePhysicalAddress other) {
        return Long.compareUnsigned(value, other.value);
    }

    @Override
    public String toString() {
        return "ipa:0x" + Long.toHexString(value);
    }
}
