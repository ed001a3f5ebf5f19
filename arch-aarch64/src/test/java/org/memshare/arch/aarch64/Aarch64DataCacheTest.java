package org.memshare.arch.aarch64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.memshare.api.addr.VirtualAddress;
import org.memshare.api.arch.DataCacheObserver;
import org.memshare.api.arch.UnsupportedConfigurationException;

class Aarch64DataCacheTest {
    private final List<Long> lines = new ArrayList<>();

    private Aarch64DataCache observed(long ctrEl0) {
        Aarch64DataCache cache = new Aarch64DataCache(ctrEl0);
        cache.addObserver(lines::add);
        return cache;
    }

    /* Default CTR_EL0 0x8444c004: bits 16-19 = 0x4 -> 4 << 4 = 64-byte lines. */
    @Test
    void defaultLineIs64Bytes() {
        assertEquals(64, new Aarch64DataCache().lineSize());
        assertEquals(0x8444c004L, new Aarch64DataCache().ctrEl0());
    }

    /* DminLine 3 (CTR_EL0 0x30000) -> 32 bytes; DminLine 0 -> 4 bytes; DminLine 13 -> 32 KiB. */
    @Test
    void lineSizeFromDminLine() {
        assertEquals(32, new Aarch64DataCache(0x0003_0000L).lineSize());
        assertEquals(4, new Aarch64DataCache(0).lineSize());
        assertEquals(32768, new Aarch64DataCache(0x000d_0000L).lineSize());
        // Only bits 16-19 matter.
        assertEquals(128, new Aarch64DataCache(0xfff0_ffffL | (5L << 16)).lineSize());
    }

    /* DminLine 14 would give 64 KiB, which Hafnium's 16-bit line size cannot hold. */
    @Test
    void refusesLinesHafniumCannotRepresent() {
        UnsupportedConfigurationException e =
                assertThrows(UnsupportedConfigurationException.class, () -> new Aarch64DataCache(0x000e_0000L));
        assertTrue(e.getMessage().contains("DminLine 14"), e.getMessage());
        assertTrue(e.getMessage().contains("DminLine 0 to 13"), e.getMessage());
    }

    /*
     * 64-byte lines, base 0x1030, 0x100 bytes: the range ends at 0x1130. The first line is the
     * one holding 0x1030, 0x1000; lines start at 0x1000, 0x1040, 0x1080, 0x10c0, 0x1100, and
     * 0x1140 is past the end: 5 lines (an aligned 0x100 bytes would be 4).
     */
    @Test
    void unalignedRangeFlushesEveryLineItTouches() {
        Aarch64DataCache cache = observed(Aarch64DataCache.DEFAULT_CTR_EL0);
        cache.flushDataCache(VirtualAddress.of(0x1030), 0x100);
        assertEquals(List.of(0x1000L, 0x1040L, 0x1080L, 0x10c0L, 0x1100L), lines);
        lines.clear();
        cache.flushDataCache(VirtualAddress.of(0x1000), 0x100);
        assertEquals(4, lines.size());
    }

    /* 32-byte lines, base 0x2ff0, 0x20 bytes: ends at 0x3010; lines 0x2fe0 and 0x3000. */
    @Test
    void rangeStraddlingAPageWith32ByteLines() {
        Aarch64DataCache cache = observed(0x0003_0000L);
        cache.flushDataCache(VirtualAddress.of(0x2ff0), 0x20);
        assertEquals(List.of(0x2fe0L, 0x3000L), lines);
    }

    /* A whole 4 KiB page with 64-byte lines: 64 lines. */
    @Test
    void wholePage() {
        Aarch64DataCache cache = observed(Aarch64DataCache.DEFAULT_CTR_EL0);
        cache.flushDataCache(VirtualAddress.of(0x7000), 4096);
        assertEquals(64, lines.size());
        assertEquals(0x7fc0L, lines.get(63));
    }

    /* As in Hafnium, 0 bytes at an unaligned address still flush the line holding it; at an aligned one, nothing. */
    @Test
    void emptyRanges() {
        Aarch64DataCache cache = observed(Aarch64DataCache.DEFAULT_CTR_EL0);
        cache.flushDataCache(VirtualAddress.of(0x1030), 0);
        assertEquals(List.of(0x1000L), lines);
        lines.clear();
        cache.flushDataCache(VirtualAddress.of(0x1000), 0);
        assertEquals(List.of(), lines);
    }

    /* A range reaching the top of the address space ends at the last line instead of wrapping around forever. */
    @Test
    void stopsAtTheTopOfTheAddressSpace() {
        Aarch64DataCache cache = observed(Aarch64DataCache.DEFAULT_CTR_EL0);
        cache.flushDataCache(VirtualAddress.of(-128L), 127);
        assertEquals(List.of(-128L, -64L), lines);
    }

    @Test
    void nothingReportedWithoutObserversOrAfterRemoval() {
        Aarch64DataCache cache = new Aarch64DataCache();
        cache.flushDataCache(VirtualAddress.of(0), 4096);
        DataCacheObserver observer = lines::add;
        cache.addObserver(observer);
        cache.flushDataCache(VirtualAddress.of(0), 128);
        assertEquals(2, lines.size());
        assertTrue(cache.removeObserver(observer));
        cache.flushDataCache(VirtualAddress.of(0), 128);
        assertEquals(2, lines.size());
    }

    @Test
    void parsesHexAndDecimal() {
        assertEquals(0x8444c004L, Aarch64DataCache.parseCtrEl0("0x8444c004"));
        assertEquals(0x8444c004L, Aarch64DataCache.parseCtrEl0("0X8444C004"));
        assertEquals(196608L, Aarch64DataCache.parseCtrEl0("196608"));
        assertEquals(-1L, Aarch64DataCache.parseCtrEl0("0xffffffffffffffff"));
        UnsupportedConfigurationException e =
                assertThrows(UnsupportedConfigurationException.class, () -> Aarch64DataCache.parseCtrEl0("64 bytes"));
        assertTrue(e.getMessage().contains("'64 bytes'"), e.getMessage());
    }
}
