package org.memshare.examples.riscv;

import org.memshare.api.arch.UnsupportedConfigurationException;

/**
 * The G-stage translation schemes of the RISC-V hypervisor extension, and the {@code hgatp} value
 * that selects one.
 *
 * <p>A G-stage scheme is its VS-stage namesake widened by two bits at the root: the root table has
 * 2048 entries instead of 512, so it is four 4 KiB pages concatenated into one 16 KiB table that
 * must be 16 KiB aligned. In memshare's terms: the max level of the VS-stage scheme and four root
 * tables.
 *
 * <table>
 *   <caption>schemes</caption>
 *   <tr><th>scheme</th><th>hgatp.MODE</th><th>levels</th><th>max level</th><th>root tables</th><th>guest physical address bits</th></tr>
 *   <tr><td>Sv39x4</td><td>8</td><td>3</td><td>2</td><td>4</td><td>41</td></tr>
 *   <tr><td>Sv48x4</td><td>9</td><td>4</td><td>3</td><td>4</td><td>50</td></tr>
 *   <tr><td>Sv57x4</td><td>10</td><td>5</td><td>4</td><td>4</td><td>59</td></tr>
 * </table>
 *
 * <p>The plugin's {@code pa_bits} is the guest physical address size a VM must reach (memshare's
 * VMs are identity mapped, so it is the machine's PA size too); {@link #forPaBits(int)} takes the
 * smallest scheme that covers it. A leaf's PPN field has 44 bits, so no entry can output an address
 * of 2^56 or more, while Sv57x4's guest physical space reaches 2^59: identity-mapped VMs would ask
 * for outputs the PPN cannot hold, so the plugin ({@link RiscvArchPlugin#create}) accepts PA sizes
 * up to 50 bits (Sv39x4 and Sv48x4). Sv57x4 is here for {@link #hgatp(int, long)} users; memshare's
 * engine walks five levels (max level 4), but this plugin cannot be proven at that level with
 * identity-mapped VMs.
 */
public enum GStageScheme {
    /** Three levels, 41-bit guest physical addresses. */
    SV39X4(8, 2),
    /** Four levels, 50-bit guest physical addresses. */
    SV48X4(9, 3),
    /** Five levels, 59-bit guest physical addresses (outputs up to 56 bits). */
    SV57X4(10, 4);

    /** The largest PA size the plugin accepts: Sv48x4's guest physical address width. */
    public static final int MAX_PA_BITS = 50;
    /** Every G-stage root: four concatenated 4 KiB pages. */
    public static final int ROOT_TABLES = 4;
    /** The alignment the root must have: 16 KiB. */
    public static final long ROOT_ALIGNMENT = ROOT_TABLES * 4096L;
    /** The width of hgatp.VMID on RV64 (VMIDLEN is at most 14). */
    public static final int VMID_BITS = 14;

    private final int hgatpMode;
    private final int maxLevel;

    GStageScheme(int hgatpMode, int maxLevel) {
        this.hgatpMode = hgatpMode;
        this.maxLevel = maxLevel;
    }

    /** The value of hgatp.MODE (bits 63:60) that selects this scheme. */
    public int hgatpMode() {
        return hgatpMode;
    }

    /** The level of the root table, memshare's {@code maxLevel}: levels minus one. */
    public int maxLevel() {
        return maxLevel;
    }

    /** How many bits of guest physical address the scheme translates: 12 + 9 per level + 2. */
    public int guestPhysicalAddressBits() {
        return 12 + 9 * (maxLevel + 1) + 2;
    }

    /**
     * The smallest scheme whose guest physical address space holds {@code paBits} bits.
     *
     * @throws UnsupportedConfigurationException above {@value #MAX_PA_BITS} bits, or below 1
     */
    public static GStageScheme forPaBits(int paBits) {
        if (paBits < 1 || paBits > MAX_PA_BITS) {
            throw new UnsupportedConfigurationException("riscv does not support a " + paBits
                    + "-bit physical address size; supported sizes: 1 to " + MAX_PA_BITS + " (Sv39x4 up to 41, Sv48x4"
                    + " up to 50; Sv57x4's 59-bit guest space cannot be identity mapped with a 44-bit PPN)");
        }
        for (GStageScheme scheme : values()) {
            if (paBits <= scheme.guestPhysicalAddressBits()) {
                return scheme;
            }
        }
        throw new AssertionError("Sv48x4 covers every size up to " + MAX_PA_BITS);
    }

    /**
     * The RV64 {@code hgatp} value that selects this scheme for one VM: MODE in bits 63:60, VMID in
     * bits 57:44, and in bits 43:0 the PPN of the root (its address shifted right by 12, whose two
     * low bits are zero because the root is 16 KiB aligned).
     *
     * @param vmid the VMID, 0 to 2^14 - 1
     * @param rootAddress the physical address of the 16 KiB root table
     * @throws IllegalArgumentException if the VMID does not fit, or the root is not 16 KiB aligned or
     *     lies above 2^56
     */
    public long hgatp(int vmid, long rootAddress) {
        if (vmid < 0 || vmid >= 1 << VMID_BITS) {
            throw new IllegalArgumentException("a VMID has " + VMID_BITS + " bits, was " + vmid);
        }
        if ((rootAddress & (ROOT_ALIGNMENT - 1)) != 0 || (rootAddress >>> 56) != 0) {
            throw new IllegalArgumentException("a G-stage root must be 16 KiB aligned and below 2^56, was 0x"
                    + Long.toHexString(rootAddress));
        }
        return ((long) hgatpMode << 60) | ((long) vmid << 44) | (rootAddress >>> 12);
    }
}
