package org.memshare.engine.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.memshare.api.mode.Mode;

/**
 * Reading modes back with {@link PageTable#mode}: the is_mapped and get_mode cases of Hafnium's
 * {@code mm_test.cc} ("mapped" meaning the page reads as one mode without INVALID).
 */
class PageTableModeTest extends PageTableTestSupport {

    /** mm_test is_mapped_empty: nothing is mapped in a new table. */
    @Test
    void nothingIsMappedInAnEmptyTable() {
        assertFalse(isMapped(0));
        assertFalse(isMapped(0x8123_2344L));
        assertFalse(isMapped(0x1e0_0000_0073L));
    }

    /** mm_test is_mapped_all: everything in the space is mapped after mapping all of it. */
    @Test
    void everythingIsMappedAfterMappingTheWholeSpace() {
        assertTrue(map(0, VM_MEM_END, 0));
        assertTrue(isMapped(0));
        assertTrue(isMapped(0xf247_a7b3L));
        assertTrue(isMapped(0x1ff_7bfa_983bL));
    }

    /** mm_test is_mapped_page: a mapped page covers [begin, end) and not its end. */
    @Test
    void mappedPageCoversItsRangeOnly() {
        long page = 0x100_0000_0000L;
        assertTrue(map(page, page + PAGE, 0));
        assertTrue(isMapped(page));
        assertTrue(isMapped(page + 127));
        assertFalse(isMapped(page + PAGE));
        assertFalse(isMapped(page - 1));
    }

    /** mm_test is_mapped_out_of_range: addresses at or past the end of the space are never mapped. */
    @Test
    void nothingBeyondTheAddressSpaceIsMapped() {
        assertTrue(map(0, VM_MEM_END, 0));
        assertFalse(isMapped(VM_MEM_END));
        assertFalse(isMapped(0x1000_adb7_8123L));
        assertFalse(isMapped(-1L), "the last address: its page end wraps to 0");
    }

    /** mm_test get_mode_empty: unmapped memory reads as INVALID|UNOWNED|SHARED, over any in-range span. */
    @Test
    void unmappedMemoryReadsAsInvalidUnownedShared() {
        assertEquals(OptionalInt.of(ABSENT_MODE), modeOf(0, 20));
        assertEquals(OptionalInt.of(ABSENT_MODE), modeOf(0x3c97_654dL, 0x3c97_e000L));
        assertEquals(OptionalInt.of(ABSENT_MODE), modeOf(0x5f_ffff_ffffL, 0x1ff_ffff_ffffL));
    }

    /**
     * mm_test get_mode_pages_across_tables: two pages either side of a root boundary read as
     * their mode, separately and together, and a range that also covers unmapped memory fails.
     */
    @Test
    void modeOfPagesAcrossRootTables() {
        int mode = Mode.INVALID | Mode.SHARED;
        long begin = 0x180_0000_0000L - PAGE;
        long end = begin + 2 * PAGE;
        assertTrue(map(begin, end, mode));

        assertEquals(OptionalInt.of(mode), modeOf(begin, begin + PAGE));
        assertEquals(OptionalInt.empty(), modeOf(0, begin + PAGE), "mixed with unmapped memory");
        assertEquals(OptionalInt.of(mode), modeOf(begin, end));
        assertFalse(isMapped(begin), "an INVALID mode is not mapped");
    }

    /** mm_test get_mode_out_of_range: a range that ends past the space, or is reversed, has no mode. */
    @Test
    void modeOfRangesOutOfTheAddressSpaceFails() {
        assertTrue(map(0, VM_MEM_END, Mode.UNOWNED));
        assertEquals(OptionalInt.of(Mode.UNOWNED), modeOf(0, VM_MEM_END), "sanity: the full space has the mode");

        assertEquals(OptionalInt.empty(), modeOf(0, VM_MEM_END + 1));
        assertEquals(OptionalInt.empty(), modeOf(VM_MEM_END, VM_MEM_END + 1));
        assertEquals(OptionalInt.empty(), modeOf(0x1_1234_1234_1234L, 2_000_000_000_000L));
    }

    /** A range ending in the same page it begins in still covers that page; an empty page range fails. */
    @Test
    void modeRangeIsWidenedToPagesAndMustNotBeEmpty() {
        assertTrue(map(PAGE, 2 * PAGE, Mode.R));
        assertEquals(OptionalInt.of(Mode.R), modeOf(PAGE + 5, PAGE + 6));
        assertEquals(OptionalInt.of(Mode.R), modeOf(PAGE + 100, PAGE + 50), "reversed within one page");
        assertEquals(OptionalInt.empty(), modeOf(PAGE, PAGE), "an empty range has no mode");
        assertEquals(OptionalInt.empty(), modeOf(2 * PAGE, PAGE));
    }
}
