package org.memshare.arch.aarch64;

import java.util.List;
import java.util.stream.Collectors;
import org.memshare.api.addr.Addresses;
import org.memshare.api.arch.UnsupportedConfigurationException;

/**
 * The stage-2 geometry an AArch64 machine gets from its physical address size, chosen the way
 * Hafnium's {@code arch_mm_init} chooses it: the shallowest tree that covers the PA size, using
 * up to 16 concatenated tables at the root instead of one more level.
 *
 * <p>Levels count up from 0 (4 KiB pages), as everywhere in memshare. The Arm architecture counts
 * the other way (its level 3 holds pages), so memshare's level {@code n} is Arm's level
 * {@code 3 - n}, and VTCR_EL2.SL0, which names Arm's start level, is {@code stage2MaxLevel - 1}.
 *
 * <p>Worked example, a 40-bit PA:
 * <ul>
 *   <li>ID_AA64MMFR0_EL1.PARange for 40 bits is 2, so {@code parange = 2};</li>
 *   <li>40 is at least 35 but below 44, so the root is at level 2 (1 GiB entries):
 *       {@code stage2MaxLevel = 2};</li>
 *   <li>40 - 12 = 28 address bits above the page offset; 28 mod 9 = 1 bit left over past whole
 *       levels, at most 4, so the root concatenates 2^1 tables: {@code stage2RootTables = 2}
 *       (2 x 512 x 1 GiB = 2^40 bytes);</li>
 *   <li>VTCR_EL2 = RES1 (1 &lt;&lt; 31) | PS 2 &lt;&lt; 16 | TG0 0 &lt;&lt; 14 | SH0 3 &lt;&lt; 12
 *       | ORGN0 1 &lt;&lt; 10 | IRGN0 1 &lt;&lt; 8 | SL0 1 &lt;&lt; 6 | T0SZ (64 - 40 = 24)
 *       = 0x80000000 | 0x20000 | 0x3000 | 0x400 | 0x100 | 0x40 | 0x18 = {@code 0x80023558}.</li>
 * </ul>
 *
 * <p>All supported sizes:
 * <table>
 *   <caption>stage-2 geometry by PA size</caption>
 *   <tr><th>PA bits</th><th>PARange</th><th>max level</th><th>root tables</th><th>address space end</th></tr>
 *   <tr><td>32</td><td>0</td><td>1</td><td>4</td><td>2^32</td></tr>
 *   <tr><td>36</td><td>1</td><td>2</td><td>1</td><td>2^39</td></tr>
 *   <tr><td>40</td><td>2</td><td>2</td><td>2</td><td>2^40</td></tr>
 *   <tr><td>42</td><td>3</td><td>2</td><td>8</td><td>2^42</td></tr>
 *   <tr><td>44</td><td>4</td><td>3</td><td>1</td><td>2^48</td></tr>
 *   <tr><td>48</td><td>5</td><td>3</td><td>1</td><td>2^48</td></tr>
 * </table>
 * For 36 and 44 bits the table reaches further than the PA size (the leftover bits, 6 and 5,
 * are too many to concatenate), exactly as in Hafnium; T0SZ still limits the hardware's input
 * to {@code paBits}.
 *
 * <p>Stage 1 does not depend on the PA size: max level {@value #STAGE1_MAX_LEVEL}, one root table.
 *
 * @param paBits the physical address size in bits, one of {@link #SUPPORTED_PA_BITS}
 * @param parange the ID_AA64MMFR0_EL1.PARange encoding of {@code paBits} (0 to 5); also VTCR_EL2.PS
 * @param stage2MaxLevel the level of the stage-2 root tables (1 to 3)
 * @param stage2RootTables how many tables the stage-2 root concatenates (1, 2, 4, 8 or 16)
 */
public record Aarch64Geometry(int paBits, int parange, int stage2MaxLevel, int stage2RootTables) {

    /** The PA sizes AArch64 can report, indexed by their PARange encoding. */
    public static final List<Integer> SUPPORTED_PA_BITS = List.of(32, 36, 40, 42, 44, 48);

    /** The level of the stage-1 root table: fixed at 2, which limits the hypervisor to 512 GiB. */
    public static final int STAGE1_MAX_LEVEL = 2;

    /** Stage 1 never concatenates root tables. */
    public static final int STAGE1_ROOT_TABLES = 1;

    /** The most tables a root may concatenate: 4 leftover address bits. */
    private static final int MAX_CONCATENATION_BITS = 4;

    // VTCR_EL2 fields (the stage-2 translation control register).
    /** Bit 31 is RES1: reserved, must be written as one. */
    private static final int VTCR_RES1_SHIFT = 31;
    /** PS, bits 16-18: the output (physical) address size, in PARange encoding. */
    private static final int VTCR_PS_SHIFT = 16;
    /** TG0, bits 14-15: the granule of the stage-2 tables; 0 selects 4 KiB. */
    private static final int VTCR_TG0_SHIFT = 14;
    private static final long VTCR_TG0_4KB = 0;
    /** SH0, bits 12-13: shareability of table walks; 3 is inner shareable. */
    private static final int VTCR_SH0_SHIFT = 12;
    private static final long VTCR_SH0_INNER_SHAREABLE = 3;
    /** ORGN0, bits 10-11: outer cacheability of table walks; 1 is write-back, read- and write-allocate. */
    private static final int VTCR_ORGN0_SHIFT = 10;
    /** IRGN0, bits 8-9: inner cacheability of table walks; 1 is write-back, read- and write-allocate. */
    private static final int VTCR_IRGN0_SHIFT = 8;
    private static final long VTCR_WRITE_BACK_ALLOCATE = 1;
    /** SL0, bits 6-7: the Arm level the walk starts at (4 KiB granule: 0 = level 2, 1 = level 1, 2 = level 0). */
    private static final int VTCR_SL0_SHIFT = 6;
    /** T0SZ, bits 0-5: the input address space is 2^(64 - T0SZ) bytes. */
    private static final int VTCR_T0SZ_SHIFT = 0;

    /**
     * Checks that the components are the ones {@link #of(int)} derives.
     *
     * @throws UnsupportedConfigurationException if {@code paBits} is not a supported size
     * @throws IllegalArgumentException if another component does not follow from {@code paBits}
     */
    public Aarch64Geometry {
        int expectedParange = parangeOf(paBits);
        if (parange != expectedParange || stage2MaxLevel != maxLevelOf(paBits)
                || stage2RootTables != rootTablesOf(paBits)) {
            throw new IllegalArgumentException("inconsistent AArch64 geometry for " + paBits + "-bit PA: parange="
                    + parange + " stage2MaxLevel=" + stage2MaxLevel + " stage2RootTables=" + stage2RootTables
                    + "; expected parange=" + expectedParange + " stage2MaxLevel=" + maxLevelOf(paBits)
                    + " stage2RootTables=" + rootTablesOf(paBits));
        }
    }

    /**
     * The geometry for a {@code paBits}-bit physical address size.
     *
     * @throws UnsupportedConfigurationException if {@code paBits} is not one of {@link #SUPPORTED_PA_BITS};
     *     the message lists them
     */
    public static Aarch64Geometry of(int paBits) {
        return new Aarch64Geometry(paBits, parangeOf(paBits), maxLevelOf(paBits), rootTablesOf(paBits));
    }

    /** Whether {@code paBits} is one of {@link #SUPPORTED_PA_BITS}. */
    public static boolean isSupported(int paBits) {
        return SUPPORTED_PA_BITS.contains(paBits);
    }

    private static int parangeOf(int paBits) {
        int parange = SUPPORTED_PA_BITS.indexOf(paBits);
        if (parange < 0) {
            throw new UnsupportedConfigurationException("aarch64 does not support a " + paBits
                    + "-bit physical address size; supported sizes: " + SUPPORTED_PA_BITS.stream()
                            .map(String::valueOf).collect(Collectors.joining(", ")));
        }
        return parange;
    }

    private static int maxLevelOf(int paBits) {
        if (paBits >= 44) {
            return 3;
        }
        if (paBits >= 35) {
            return 2;
        }
        return 1;
    }

    private static int rootTablesOf(int paBits) {
        int extendBits = (paBits - Addresses.PAGE_BITS) % Addresses.PAGE_LEVEL_BITS;
        if (extendBits > MAX_CONCATENATION_BITS) {
            extendBits = 0;
        }
        return 1 << extendBits;
    }

    /** VTCR_EL2.SL0: the Arm start level of the stage-2 walk, encoded (0 for Arm level 2, 1 for 1, 2 for 0). */
    public int sl0() {
        return stage2MaxLevel - 1;
    }

    /** VTCR_EL2.T0SZ: 64 minus the input address size, which Hafnium sets to the PA size. */
    public int t0sz() {
        return 64 - paBits;
    }

    /** The end (exclusive) of the stage-2 address space the tables cover: root tables times what one root table maps. */
    public long stage2AddressSpaceEnd() {
        return Addresses.entrySize(stage2MaxLevel + 1) * stage2RootTables;
    }

    /** The value Hafnium programs into VTCR_EL2 for this geometry (see the class comment for a worked example). */
    public long vtcrEl2() {
        return (1L << VTCR_RES1_SHIFT)
                | ((long) parange << VTCR_PS_SHIFT)
                | (VTCR_TG0_4KB << VTCR_TG0_SHIFT)
                | (VTCR_SH0_INNER_SHAREABLE << VTCR_SH0_SHIFT)
                | (VTCR_WRITE_BACK_ALLOCATE << VTCR_ORGN0_SHIFT)
                | (VTCR_WRITE_BACK_ALLOCATE << VTCR_IRGN0_SHIFT)
                | ((long) sl0() << VTCR_SL0_SHIFT)
                | ((long) t0sz() << VTCR_T0SZ_SHIFT);
    }
}
