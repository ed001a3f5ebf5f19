package org.memshare.api.ffa;

/**
 * Helpers for FF-A memory handles, which are plain 64-bit values. Bit 63 names the allocator
 * (1: the hypervisor, 0: the SPMC); Hafnium as hypervisor makes a handle from its share-state slot
 * index with bit 63 set, so handles are {@code 0x8000000000000000 + slot} and a freed slot's
 * handle comes back. All ones is the invalid handle.
 */
public final class Handle {

    /** The invalid handle: all ones. */
    public static final long INVALID = -1L;
    /** Bit 63: set when the hypervisor allocated the handle. */
    public static final long HYPERVISOR_ALLOCATOR_BIT = 1L << 63;

    private Handle() {
    }

    /** The handle for share-state slot {@code index} allocated by the hypervisor (bit 63 set). */
    public static long ofHypervisorSlot(long index) {
        return index | HYPERVISOR_ALLOCATOR_BIT;
    }

    /** Whether bit 63 says the hypervisor allocated {@code handle}. */
    public static boolean isHypervisorAllocated(long handle) {
        return (handle & HYPERVISOR_ALLOCATOR_BIT) != 0;
    }

    /** The handle without its allocator bit: the slot index for a hypervisor handle. */
    public static long index(long handle) {
        return handle & ~HYPERVISOR_ALLOCATOR_BIT;
    }

    /** The low 32 bits, as a register carries them (w1 or w2 depending on the ABI). */
    public static int low(long handle) {
        return (int) handle;
    }

    /** The high 32 bits, as a register carries them. */
    public static int high(long handle) {
        return (int) (handle >>> 32);
    }

    /** The handle whose halves two registers carry. */
    public static long fromRegisters(int low, int high) {
        return (long) high << 32 | Integer.toUnsignedLong(low);
    }

    /** {@code 0x} and 16 hex digits, as traces print handles. */
    public static String toString(long handle) {
        return String.format("0x%016x", handle);
    }
}
