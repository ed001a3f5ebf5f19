package org.memshare.engine.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * Range normalisation quirks of {@link PageTable} that the reference documents rather than
 * requires (the {@code *_quirk} cases of Hafnium's {@code mm_test.cc}): begin is rounded down and
 * end up independently, and rounding the last address up wraps to 0.
 */
class PageTableQuirksTest extends PageTableTestSupport {

    /** mm_test map_reverse_range_quirk: a reversed range within one page maps that page. */
    @Test
    void mapOfReverseRangeWithinOnePageMapsThatPage() {
        assertTrue(map(20, 10, 0));

        assertTrue(isMapped(20));
        assertExactlyPagesMapped(0, 0);
    }

    /** mm_test map_last_address_quirk: an end of 2^64-1 rounds up to 0, so nothing is mapped. */
    @Test
    void mapUpToTheLastAddressMapsNothing() {
        assertTrue(map(0, -1L, 0));

        assertEverythingAbsent();
        assertFalse(isMapped(0));
        assertEquals(HEAP_PAGES - ROOT_TABLES, pool.freeCount());
    }

    /** mm_test unmap_reverse_range_quirk: a reversed range within one page unmaps that page. */
    @Test
    void unmapOfReverseRangeWithinOnePageUnmapsThatPage() {
        long page = 0x180_0000_0000L;
        assertTrue(map(page, page + PAGE, 0));

        assertTrue(unmap(page + 100, page + 50));

        assertRootAbsent(0);
        assertRootAbsent(1);
        assertRootAbsent(2);
        long[] level2 = root(3);
        assertAbsent(level2, 1, ENTRIES, 2);
        long[] level1 = below(level2[0], 2);
        assertAbsent(level1, 1, ENTRIES, 1);
        assertAllAbsent(below(level1[0], 1), 0);
        assertFalse(isMapped(page));
    }

    /** mm_test unmap_last_address_quirk: an unmap up to 2^64-1 rounds its end to 0 and unmaps nothing. */
    @Test
    void unmapUpToTheLastAddressUnmapsNothing() {
        assertTrue(map(0, VM_MEM_END, 0));

        assertTrue(unmap(0, -1L));

        assertEveryRootEntryIsATopLevelBlock(0);
        assertEquals(OptionalInt.of(0), modeOf(0, VM_MEM_END));
    }
}
