package org.memshare.kit.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.memshare.api.addr.Addresses;
import org.memshare.api.arch.Arch;
import org.memshare.api.arch.PageTableFormat;
import org.memshare.api.arch.Stage;
import org.memshare.api.mode.Mode;
import org.memshare.kit.ArchUnderTest;
import org.memshare.kit.ConformanceRule;
import org.memshare.kit.RuleDisplayNames;

/**
 * ARCH rules: invariants every page-table format must keep, whatever its encoding (the
 * counterpart of Hafnium's {@code test/arch/mm_test.c}, which Hafnium could never run against
 * its fake arch; these run against every arch). All are required.
 *
 * <p>A failure names the arch, the stage, the level, the entry in hex and the mode by name.
 */
@DisplayNameGeneration(RuleDisplayNames.class)
public class ArchRules {
    /** Multiples of an entry's size tried as addresses; cut to what the configured PA size holds. */
    private static final long[] SAMPLE_MULTIPLES = {0, 1, 17, 500, 12345678L};

    /**
     * Addresses a block at {@code level} may map under {@code under}'s PA size: aligned to the
     * entry's size (an architecture may treat the bits below as reserved) and below 2^pa_bits (it
     * may drop the bits above), the highest such address included.
     */
    static long[] sampleAddresses(ArchUnderTest under, int level) {
        int paBits = Math.min(under.config().paBits(), 63);
        long limit = 1L << paBits;
        long size = Addresses.entrySize(level);
        List<Long> addresses = new ArrayList<>();
        for (long multiple : SAMPLE_MULTIPLES) {
            if (multiple == 0 || Long.compareUnsigned(multiple, Long.divideUnsigned(limit, size)) < 0) {
                addresses.add(multiple * size);
            }
        }
        if (Long.compareUnsigned(size, limit) < 0) {
            addresses.add(limit - size);
        }
        return addresses.stream().distinct().mapToLong(Long::longValue).toArray();
    }

    /** The highest level either stage of {@code format} uses. */
    private static int topLevel(PageTableFormat format) {
        return Math.max(format.maxLevel(Stage.STAGE1), format.maxLevel(Stage.STAGE2));
    }

    private static long attrs(PageTableFormat format, Stage stage, int mode) {
        return stage == Stage.STAGE1 ? format.modeToStage1Attrs(mode) : format.modeToStage2Attrs(mode);
    }

    /** A mode as {@code 0x43 (R|W|SHARED)}. */
    static String mode(int mode) {
        return "0x" + Integer.toHexString(mode) + " (" + Mode.describe(mode) + ")";
    }

    private static long lastSample(ArchUnderTest under, int level) {
        long[] addresses = sampleAddresses(under, level);
        return addresses[addresses.length - 1];
    }

    private static String where(Arch arch, Stage stage, int level, long pte) {
        return arch.name() + " " + stage + " level " + level + " entry 0x" + Long.toHexString(pte);
    }

    @ConformanceRule(id = "ARCH-1", title = "a block (a page) is allowed at level 0")
    void arch1BlockAllowedAtLevelZero(ArchUnderTest under) {
        Arch arch = under.arch();
        String name = under.toString();
        assertTrue(arch.format().isBlockAllowed(0), name + " must allow pages at level 0");
    }

    @ConformanceRule(id = "ARCH-2", title = "max levels are 1 to 4 and root table counts are powers of two up to 16")
    void arch2GeometryInBounds(ArchUnderTest under) {
        Arch arch = under.arch();
        String name = under.toString();
        for (Stage stage : Stage.values()) {
            int max = arch.format().maxLevel(stage);
            assertTrue(max >= PageTableFormat.MIN_MAX_LEVEL && max <= PageTableFormat.MAX_MAX_LEVEL, name + " " + stage
                    + " max level " + max + " is outside " + PageTableFormat.MIN_MAX_LEVEL + ".."
                    + PageTableFormat.MAX_MAX_LEVEL);
            int roots = arch.format().rootTableCount(stage);
            assertTrue(roots >= 1 && roots <= PageTableFormat.MAX_ROOT_TABLES && Integer.bitCount(roots) == 1,
                    name + " " + stage + " root table count " + roots + " is not a power of two in 1.."
                            + PageTableFormat.MAX_ROOT_TABLES);
            assertTrue(arch.format().isBlockAllowed(0) || max > 0, name + " cannot map anything");
        }
    }

    @ConformanceRule(id = "ARCH-3", title = "the absent entry is neither present, valid, a block nor a table, at every level")
    void arch3AbsentEntries(ArchUnderTest under) {
        Arch arch = under.arch();
        String name = under.toString();
        PageTableFormat f = arch.format();
        for (int level = 0; level <= topLevel(f); level++) {
            long pte = f.absentPte(level);
            String at = where(arch, Stage.STAGE2, level, pte);
            assertFalse(f.isPresent(pte, level), "absent entry reads as present: " + at);
            assertFalse(f.isValid(pte, level), "absent entry reads as valid: " + at);
            assertFalse(f.isBlock(pte, level), "absent entry reads as a block: " + at);
            assertFalse(f.isTable(pte, level), "absent entry reads as a table: " + at);
        }
    }

    @ConformanceRule(id = "ARCH-4", title = "a stage-2 invalid block is present, not valid, a block and not a table")
    void arch4InvalidBlocksKeepOwnershipState(ArchUnderTest under) {
        Arch arch = under.arch();
        String name = under.toString();
        // Only stage 2 records ownership in invalid entries; at stage 1 an invalid entry may be absent.
        PageTableFormat f = arch.format();
        long attrs = f.modeToStage2Attrs(Mode.INVALID);
        for (int level = 0; level <= topLevel(f); level++) {
            if (!f.isBlockAllowed(level)) {
                continue;
            }
            long pte = f.blockPte(level, lastSample(under, level), attrs);
            String at = where(arch, Stage.STAGE2, level, pte);
            assertTrue(f.isPresent(pte, level), "an owned invalid block must be present: " + at);
            assertFalse(f.isValid(pte, level), "an invalid block reads as valid: " + at);
            assertTrue(f.isBlock(pte, level), "an invalid block does not read as a block: " + at);
            assertFalse(f.isTable(pte, level), "an invalid block reads as a table: " + at);
        }
    }

    @ConformanceRule(id = "ARCH-5", title = "a valid block is present, valid, a block and not a table, at both stages")
    void arch5ValidBlocks(ArchUnderTest under) {
        Arch arch = under.arch();
        String name = under.toString();
        PageTableFormat f = arch.format();
        for (Stage stage : Stage.values()) {
            // Readable: a valid mode with no permission at all is one some hardware cannot express
            // (a RISC-V leaf needs R, W or X; its canonical mode is invalid).
            long attrs = attrs(f, stage, Mode.R);
            for (int level = 0; level <= topLevel(f); level++) {
                if (!f.isBlockAllowed(level)) {
                    continue;
                }
                long pte = f.blockPte(level, lastSample(under, level), attrs);
                String at = where(arch, stage, level, pte);
                assertTrue(f.isPresent(pte, level), "a valid block is not present: " + at);
                assertTrue(f.isValid(pte, level), "a valid block is not valid: " + at);
                assertTrue(f.isBlock(pte, level), "a valid block is not a block: " + at);
                assertFalse(f.isTable(pte, level), "a valid block reads as a table: " + at);
            }
        }
    }

    @ConformanceRule(id = "ARCH-6", title = "a table entry is present, valid, a table and not a block, above level 0")
    void arch6TableEntries(ArchUnderTest under) {
        Arch arch = under.arch();
        String name = under.toString();
        PageTableFormat f = arch.format();
        for (int level = 1; level <= topLevel(f); level++) {
            long tablePa = lastSample(under, 0);
            long pte = f.tablePte(level, tablePa);
            String at = where(arch, Stage.STAGE2, level, pte);
            assertTrue(f.isPresent(pte, level), "a table entry is not present: " + at);
            assertTrue(f.isValid(pte, level), "a table entry is not valid: " + at);
            assertTrue(f.isTable(pte, level), "a table entry is not a table: " + at);
            assertFalse(f.isBlock(pte, level), "a table entry reads as a block: " + at);
            assertEquals(tablePa, f.tableAddress(pte, level), "a table entry loses its table's address: " + at);
        }
    }

    @ConformanceRule(id = "ARCH-7", title = "a block keeps its address and attributes, at both stages and every level")
    void arch7BlocksPreserveAddressAndAttributes(ArchUnderTest under) {
        Arch arch = under.arch();
        String name = under.toString();
        PageTableFormat f = arch.format();
        int[] modes = {0, Mode.INVALID, Mode.R | Mode.W, Mode.R | Mode.X, Mode.R | Mode.W | Mode.D};
        for (Stage stage : Stage.values()) {
            for (int level = 0; level <= topLevel(f); level++) {
                if (!f.isBlockAllowed(level)) {
                    continue;
                }
                for (int mode : modes) {
                    long attrs = attrs(f, stage, mode);
                    for (long address : sampleAddresses(under, level)) {
                        long pte = f.blockPte(level, address, attrs);
                        String at = where(arch, stage, level, pte) + " (mode " + mode(mode) + ")";
                        assertEquals(attrs, f.attrs(pte, level), "attributes not preserved: " + at);
                        assertEquals(address, f.blockAddress(pte, level), "address not preserved: " + at);
                    }
                }
            }
        }
    }

    @ConformanceRule(id = "ARCH-8", title = "every stage-2 mode reads back as its canonical mode, which grants no more than asked")
    void arch8Stage2ModesRoundTrip(ArchUnderTest under) {
        Arch arch = under.arch();
        String name = under.toString();
        PageTableFormat f = arch.format();
        int kept = Mode.UNOWNED | Mode.SHARED | Mode.D;
        int permissions = Mode.R | Mode.W | Mode.X;
        for (int mode = 0; mode <= Mode.ALL; mode++) {
            int canonical = f.canonicalStage2Mode(mode);
            String asked = name + ": stage-2 mode " + mode(mode) + " has the canonical mode " + mode(canonical);
            assertEquals(canonical, f.canonicalStage2Mode(canonical), asked + ", whose own canonical mode is "
                    + mode(f.canonicalStage2Mode(canonical)) + " (the canonical mapping must be idempotent)");
            assertEquals(0, canonical & ~Mode.ALL, asked + ", which has bits no mode has");
            assertEquals(mode & kept, canonical & kept, asked + ", which changes UNOWNED, SHARED or D");
            assertTrue((mode & Mode.INVALID) == 0 || (canonical & Mode.INVALID) != 0,
                    asked + ", which makes an invalid mode valid");
            assertTrue((canonical & Mode.INVALID) != 0 || (canonical & permissions & ~mode) == 0,
                    asked + ", which grants more than was asked");
            assertEquals(canonical == mode, f.representsStage2Mode(mode),
                    asked + ", but representsStage2Mode says " + f.representsStage2Mode(mode));
            long attrs = f.modeToStage2Attrs(mode);
            int back = f.stage2AttrsToMode(attrs);
            assertEquals(canonical, back, name + ": stage-2 mode " + mode(mode) + " encodes as attributes 0x"
                    + Long.toHexString(attrs) + ", which read back as " + mode(back)
                    + (canonical == mode ? "" : ", not as its canonical mode " + mode(canonical)));
        }
    }

    @ConformanceRule(id = "ARCH-9", title = "clearing an address drops the page offset and keeps page-aligned addresses in range")
    void arch9ClearPaDropsThePageOffset(ArchUnderTest under) {
        Arch arch = under.arch();
        String name = under.toString();
        PageTableFormat f = arch.format();
        for (long address : sampleAddresses(under, 0)) {
            assertEquals(address, f.clearPa(address), name + " changes the page-aligned address 0x" + Long.toHexString(address));
            assertEquals(address, f.clearPa(address + 0x123), name + " keeps the page offset of 0x"
                    + Long.toHexString(address + 0x123));
        }
    }
}
