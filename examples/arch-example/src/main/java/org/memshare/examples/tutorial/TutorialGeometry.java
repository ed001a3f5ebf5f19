package org.memshare.examples.tutorial;

import java.util.List;
import java.util.stream.Collectors;
import org.memshare.api.addr.Addresses;
import org.memshare.api.arch.UnsupportedConfigurationException;

/**
 * The shape of the tutorial arch's stage-2 tree for one physical address size.
 *
 * <p>Every table is one 4 KiB page of 512 eight-byte entries, so each level resolves 9 bits of
 * the address above the 12-bit page offset. A {@code paBits}-bit address therefore needs
 * {@code (paBits - 12) / 9} whole levels; the bits left over (at most a few) are resolved by
 * concatenating {@code 2^leftover} root tables side by side instead of adding a level:
 *
 * <table>
 *   <caption>supported PA sizes</caption>
 *   <tr><th>PA bits</th><th>levels</th><th>max level</th><th>root tables</th><th>address space end</th></tr>
 *   <tr><td>39</td><td>3</td><td>2</td><td>1</td><td>2^39 (512 GiB)</td></tr>
 *   <tr><td>40</td><td>3</td><td>2</td><td>2</td><td>2^40 (1 TiB)</td></tr>
 *   <tr><td>48</td><td>4</td><td>3</td><td>1</td><td>2^48 (256 TiB)</td></tr>
 * </table>
 *
 * <p>Levels count up from 0, the level whose entries map single pages, as everywhere in
 * memshare; the root tables sit at the max level. The tree always covers exactly
 * {@code 2^paBits} bytes. Other sizes would work with the same formula (41 bits: 4 roots); the
 * plugin lists only these three so that the conformance kit proves each shape once: no
 * concatenation, concatenation, and a fourth level.
 *
 * <p>Stage 1 (the hypervisor's own table) does not depend on the PA size: max level
 * {@value #STAGE1_MAX_LEVEL}, one root table, 512 GiB, as in memshare's bundled arches.
 *
 * @param paBits the physical address size in bits, one of {@link #SUPPORTED_PA_BITS}
 * @param stage2MaxLevel the level of the stage-2 root tables
 * @param stage2RootTables how many root tables stage 2 concatenates (a power of two)
 */
record TutorialGeometry(int paBits, int stage2MaxLevel, int stage2RootTables) {

    /** The PA sizes the plugin accepts, in increasing order. */
    static final List<Integer> SUPPORTED_PA_BITS = List.of(39, 40, 48);

    /** The level of the stage-1 root table. */
    static final int STAGE1_MAX_LEVEL = 2;

    /** Stage 1 never concatenates root tables. */
    static final int STAGE1_ROOT_TABLES = 1;

    /**
     * The geometry for a {@code paBits}-bit PA.
     *
     * @throws UnsupportedConfigurationException if {@code paBits} is not supported; the message
     *     lists the sizes that are, so the user can act on it
     */
    static TutorialGeometry of(int paBits) {
        if (!SUPPORTED_PA_BITS.contains(paBits)) {
            throw new UnsupportedConfigurationException("tutorial does not support a " + paBits
                    + "-bit physical address size; supported sizes: "
                    + SUPPORTED_PA_BITS.stream().map(String::valueOf).collect(Collectors.joining(", ")));
        }
        int indexBits = paBits - Addresses.PAGE_BITS;
        int wholeLevels = indexBits / Addresses.PAGE_LEVEL_BITS;
        int leftoverBits = indexBits % Addresses.PAGE_LEVEL_BITS;
        return new TutorialGeometry(paBits, wholeLevels - 1, 1 << leftoverBits);
    }

    /** The first IPA stage 2 cannot map: the root tables times what one root table covers. */
    long stage2AddressSpaceEnd() {
        return stage2RootTables * Addresses.entrySize(stage2MaxLevel + 1);
    }
}
