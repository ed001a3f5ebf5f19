package org.memshare.engine.machine;

import static java.util.Objects.requireNonNull;

import org.memshare.api.arch.ArchConfig;

/**
 * What one machine is made of (one {@code init} of a trace).
 *
 * @param archName the arch plugin's name
 * @param archConfig what the arch is asked for (the PA size)
 * @param poolPages how many 4 KiB pages the page pool starts with, as one chunk
 * @param vmCount how many VMs, numbered 1 to vmCount
 * @param poolBase the physical address of the pool's chunk, 1 MiB aligned; the whole pool must lie
 *     below 2^64, and {@link Machines#create} also refuses a pool whose addresses the arch's
 *     entries cannot hold
 */
public record MachineConfig(String archName, ArchConfig archConfig, long poolPages, int vmCount, long poolBase) {

    /** Where the pool starts unless told otherwise: 2 GiB, where many Arm boards put DRAM. */
    public static final long DEFAULT_POOL_BASE = 0x8000_0000L;
    /** VM ids are 16 bits on the wire, and 0 is the hypervisor. */
    public static final int MAX_VMS = 0xfffe;
    private static final long ONE_MIB = 1L << 20;
    private static final long PAGE_SIZE = 4096;

    public MachineConfig {
        requireNonNull(archName, "archName is null");
        requireNonNull(archConfig, "archConfig is null");
        if (poolPages < 0 || poolPages > (1L << 36)) {
            throw new IllegalArgumentException("poolPages must be between 0 and 2^36, was " + poolPages);
        }
        if (vmCount < 0 || vmCount > MAX_VMS) {
            throw new IllegalArgumentException("vmCount must be between 0 and " + MAX_VMS + ", was " + vmCount);
        }
        if ((poolBase & (ONE_MIB - 1)) != 0) {
            throw new IllegalArgumentException("poolBase must be 1 MiB aligned, was 0x" + Long.toHexString(poolBase));
        }
        if (poolPages > 0 && Long.compareUnsigned(poolPages * PAGE_SIZE - 1, -1L - poolBase) > 0) {
            throw new IllegalArgumentException("a pool of " + poolPages + " pages at 0x" + Long.toHexString(poolBase)
                    + " runs past the end of the 64-bit address space");
        }
    }

    /**
     * The first address past the pool (0 when the pool ends exactly at 2^64).
     */
    public long poolEnd() {
        return poolBase + poolPages * PAGE_SIZE;
    }

    public static MachineConfig of(String archName, int paBits, long poolPages, int vmCount) {
        return new MachineConfig(archName, ArchConfig.withPaBits(paBits), poolPages, vmCount, DEFAULT_POOL_BASE);
    }
}
