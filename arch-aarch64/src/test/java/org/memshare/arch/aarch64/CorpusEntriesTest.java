package org.memshare.arch.aarch64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.memshare.api.arch.Stage;

/**
 * Entries printed by Hafnium's own code in the conformance corpus ({@code shared/corpus}, the
 * {@code mm-aarch64-*.expected} dumps), which this format must reproduce bit for bit: the pte
 * from the address and attributes, the attributes from the pte, the mode from the attributes,
 * and the attributes from the mode.
 */
class CorpusEntriesTest {
    private static final Pattern BLOCK = Pattern.compile(
            "L(\\d) 0x(\\p{XDigit}+) block attrs=0x(\\p{XDigit}+) mode=0x(\\p{XDigit}+) pte=0x(\\p{XDigit}+)");

    @ParameterizedTest(name = "{1} ({0}-bit PA)")
    @CsvSource(delimiter = '|', textBlock = """
            # mm-aarch64-1001.expected:97 (dump of trace line 99): valid unowned exclusive R|W|X page
            40 | L0 0x11e0b000 block attrs=0x1000000000004fd mode=0x27 pte=0x100000011e0b4ff
            # mm-aarch64-1001.expected:1848: level-1 block, owned exclusive, X only (no S2AP)
            40 | L1 0xf5a00000 block attrs=0x18000000000043d mode=0x4 pte=0x1800000f5a0043d
            # mm-aarch64-1001.expected:1931: level-2 (1 GiB) block at 4 GiB
            40 | L2 0x100000000 block attrs=0x18000000000043d mode=0x4 pte=0x18000010000043d
            # mm-aarch64-pa44-1008.expected:3577: level-2 block, unowned exclusive R|W|X
            44 | L2 0xc0000000 block attrs=0x1000000000004fd mode=0x27 pte=0x1000000c00004fd
            # mm-aarch64-1001.expected:4902: owned, shared, invalid page (R|W|X|INVALID|SHARED)
            40 | L0 0x4f37ee3000 block attrs=0x800000000004fc mode=0x57 pte=0x80004f37ee34fe
            # mm-aarch64-1001.expected:5187: the same state as a level-1 block
            40 | L1 0x4f38000000 block attrs=0x800000000004fc mode=0x57 pte=0x80004f380004fc
            # mm-aarch64-1004.expected:10663: owned, exclusive, invalid, read-only (R|INVALID) page
            40 | L0 0x1ed600000 block attrs=0x1c000000000047c mode=0x11 pte=0x1c00001ed60047e
            # mm-aarch64-1006.expected:2592: valid device memory, owned, shared, no access (D|SHARED)
            40 | L0 0x103488000 block attrs=0xc000000000040d mode=0x48 pte=0xc000010348840f
            # mm-aarch64-1002.expected:1737: valid device, write-only, unowned, shared (W|D|UNOWNED|SHARED)
            40 | L0 0x46a00000 block attrs=0x4000000000048d mode=0x6a pte=0x40000046a0048f
            # mm-aarch64-1001.expected:7779: owned exclusive R|X|INVALID page
            40 | L0 0x17118b000 block attrs=0x1800000000004bc mode=0x16 pte=0x18000017118b4be
            # mm-aarch64-pa32-1007.expected:384: level-1 owned exclusive invalid R|D block
            32 | L1 0x29200000 block attrs=0x1c000000000044c mode=0x19 pte=0x1c000002920044c
            # mm-aarch64-1002.expected:4432: read-write normal page, owned and exclusive (R|W)
            40 | L0 0x77cfe000 block attrs=0x1c00000000004fd mode=0x3 pte=0x1c0000077cfe4ff
            """)
    void reproducesCorpusEntry(int paBits, String line) {
        Matcher m = BLOCK.matcher(line);
        assertTrue(m.matches(), line);
        int level = Integer.parseInt(m.group(1));
        long address = Long.parseUnsignedLong(m.group(2), 16);
        long attrs = Long.parseUnsignedLong(m.group(3), 16);
        int mode = Integer.parseInt(m.group(4), 16);
        long pte = Long.parseUnsignedLong(m.group(5), 16);

        Aarch64PageTableFormat format = new Aarch64PageTableFormat(Aarch64Geometry.of(paBits));
        assertEquals(pte, format.blockPte(level, address, attrs), "pte from address and attrs");
        assertEquals(attrs, format.attrs(pte, level), "attrs from pte");
        assertEquals(address, format.blockAddress(pte, level), "address from pte");
        assertEquals(mode, format.stage2AttrsToMode(attrs), "mode from attrs");
        assertEquals(attrs, format.modeToStage2Attrs(mode), "attrs from mode");
        assertTrue(format.isPresent(pte, level), "present");
        assertTrue(format.isBlock(pte, level), "block");
        assertFalse(format.isTable(pte, level), "not a table");
        assertEquals((attrs & 1) != 0, format.isValid(pte, level), "valid");
    }

    /*
     * mm-aarch64-1001: trace line 18 asks VM 2's mode over [0x100000000, 0x10000e000), where it
     * has no entries; Hafnium answers "mode 0x7c", the mode of the absent entry's attributes.
     */
    @ParameterizedTest
    @CsvSource({"32", "40", "44"})
    void absentEntryModeAsInCorpus(int paBits) {
        Aarch64PageTableFormat format = new Aarch64PageTableFormat(Aarch64Geometry.of(paBits));
        int maxLevel = format.maxLevel(Stage.STAGE2);
        for (int level = 0; level <= maxLevel; level++) {
            assertEquals(0x7c, format.stage2AttrsToMode(format.attrs(format.absentPte(level), level)));
        }
    }

    /*
     * The dumps of mm-aarch64-pa44-1008 start with "L3 0x0 table" and those of
     * mm-aarch64-pa32-1007 with "L1 ... table": the root level is 3 at 44 bits and 1 at 32.
     */
    @ParameterizedTest
    @CsvSource({"32, 1", "40, 2", "44, 3"})
    void rootLevelAsInCorpusDumps(int paBits, int rootLevel) {
        Aarch64PageTableFormat format = new Aarch64PageTableFormat(Aarch64Geometry.of(paBits));
        assertEquals(rootLevel, format.maxLevel(Stage.STAGE2));
        long table = format.tablePte(rootLevel, 0x4000_0000L);
        assertTrue(format.isTable(table, rootLevel));
        assertFalse(format.isBlock(table, rootLevel));
    }
}
