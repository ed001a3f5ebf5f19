package org.memshare.api.memory;

import org.memshare.api.addr.PhysicalAddress;

/**
 * The memory that VMs read and write, addressed physically. Memory never written reads as zero.
 * Page tables do not live here: they are the hypervisor's own, and no VM can reach them.
 */
public interface PhysicalMemory {

    /** The 8 bytes at {@code address} as a little-endian value. */
    long read64(PhysicalAddress address);

    /** Writes {@code value} little-endian to the 8 bytes at {@code address}. */
    void write64(PhysicalAddress address, long value);

    /** Copies {@code length} bytes from {@code address} into {@code target}. */
    void read(PhysicalAddress address, byte[] target, int offset, int length);

    /** Copies {@code length} bytes of {@code source} to {@code address}. */
    void write(PhysicalAddress address, byte[] source, int offset, int length);

    /** Sets {@code size} bytes from {@code address} to zero. */
    void zero(PhysicalAddress address, long size);
}
