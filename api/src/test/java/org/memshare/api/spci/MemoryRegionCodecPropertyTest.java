package org.memshare.api.spci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class MemoryRegionCodecPropertyTest {

    // ---- valid regions ---------------------------------------------------------------------

    @Property
    void decodeInvertsEncode(@ForAll("validRegions") MemoryRegion region) {
        byte[] bytes = MemoryRegionCodec.encode(region);
        assertEquals(region.sizeBytes(), bytes.length);
        assertEquals("ok", ReferenceRules.verdict(bytes), "the generator made an invalid region");
        assertEquals(new Decoded.Ok(region), MemoryRegionCodec.decode(bytes));
    }

    @Property
    void messagesCarryTheirType(@ForAll("validRegions") MemoryRegion region, @ForAll @IntRange(max = 0xffff) int type) {
        byte[] message = MemoryRegionCodec.encodeMessage(type, region);
        assertEquals(type, MemoryRegionCodec.messageType(message).orElseThrow());
        assertEquals(new Decoded.Ok(region), MemoryRegionCodec.decodeMessage(message));
    }

    /**
     * One receiver; 1 to 64 page-aligned, non-empty, non-overlapping constituents that end below
     * 2^64 (some near the top), in any order, whose page counts add up to at most 2^32-1; any tag,
     * flags, receiver, attribute bits and reserved words; constituent_offset 32 to 64.
     */
    @Provide
    Arbitrary<MemoryRegion> validRegions() {
        Arbitrary<List<Constituent>> constituents = Arbitraries.integers().between(1, 64).flatMap(n -> {
            Arbitrary<List<Long>> pages = Arbitraries.longs().between(1, Constituent.MAX_PAGE_COUNT / n).list().ofSize(n);
            Arbitrary<List<Long>> gaps = Arbitraries.longs().between(0, 1L << 20).list().ofSize(n);
            Arbitrary<List<Integer>> reserved = Arbitraries.integers().list().ofSize(n);
            Arbitrary<Long> basePage = Arbitraries.longs().between(0, (1L << 52) - 1);
            Arbitrary<Long> shuffle = Arbitraries.longs();
            return Combinators.combine(pages, gaps, reserved, basePage, shuffle).as(MemoryRegionCodecPropertyTest::layout);
        });
        return Combinators.combine(constituents, Arbitraries.integers(), Arbitraries.integers(),
                Arbitraries.integers().between(0, 0xffff), Arbitraries.integers().between(0, 0xffff),
                Arbitraries.integers().between(0, 4)).as((list, tag, flags, receiver, attributes, extraWords) -> {
                    long sum = list.stream().mapToLong(Constituent::pageCount).sum();
                    return new MemoryRegion(tag, flags, sum, 32 + 8 * extraWords,
                            List.of(ReceiverAttributes.of(receiver, attributes)), list);
                });
    }

    private static List<Constituent> layout(List<Long> pages, List<Long> gaps, List<Integer> reserved, long basePage,
            long shuffleSeed) {
        long span = 0;
        for (int i = 0; i < pages.size(); i++) {
            span += (gaps.get(i) + pages.get(i)) * Constituent.PAGE_SIZE;
        }
        // The last page that can be covered ends at 2^64 - 4096: slide the layout down to fit.
        long highestBase = -span - Constituent.PAGE_SIZE;
        long address = basePage * Constituent.PAGE_SIZE;
        if (Long.compareUnsigned(address, highestBase) > 0) {
            address = highestBase;
        }
        List<Constituent> list = new ArrayList<>(pages.size());
        for (int i = 0; i < pages.size(); i++) {
            address += gaps.get(i) * Constituent.PAGE_SIZE;
            list.add(new Constituent(address, pages.get(i), reserved.get(i)));
            address += pages.get(i) * Constituent.PAGE_SIZE;
        }
        Collections.shuffle(list, new Random(shuffleSeed));
        return list;
    }

    // ---- arbitrary and damaged input -------------------------------------------------------

    @Property
    void arbitraryBytesNeverThrow(@ForAll @Size(max = 600) byte[] bytes) {
        Decoded decoded = MemoryRegionCodec.decode(bytes);
        checkAnswer(decoded);
        assertEquals(ReferenceRules.verdict(bytes), ReferenceRules.verdictOf(decoded));
        checkAnswer(MemoryRegionCodec.decodeMessage(bytes));
    }

    @Property
    void arbitrarySlicesNeverThrow(@ForAll @Size(max = 600) byte[] bytes,
            @ForAll @IntRange(min = -2, max = 602) int offset, @ForAll @IntRange(min = -2, max = 602) int length) {
        checkAnswer(MemoryRegionCodec.decode(bytes, offset, length));
    }

    @Property(tries = 1000)
    void damagedEncodingsNeverThrowAndAgreeWithTheReference(@ForAll("validRegions") MemoryRegion region,
            @ForAll("damage") UnaryOperator<byte[]> damage) {
        byte[] bytes = damage.apply(MemoryRegionCodec.encode(region));
        Decoded decoded = MemoryRegionCodec.decode(bytes);
        checkAnswer(decoded);
        assertEquals(ReferenceRules.verdict(bytes), ReferenceRules.verdictOf(decoded),
                () -> decoded + " for " + RawRegion.hex(bytes));
        if (decoded instanceof Decoded.Ok ok) {
            assertEquals(decoded, MemoryRegionCodec.decode(MemoryRegionCodec.encode(ok.region())));
        }
    }

    /** Flipped bytes, truncations and extensions, huge or edge header counts, clashing constituents. */
    @Provide
    Arbitrary<UnaryOperator<byte[]>> damage() {
        Arbitrary<UnaryOperator<byte[]>> flips = Combinators.combine(
                Arbitraries.integers().between(0, Integer.MAX_VALUE).list().ofMinSize(1).ofMaxSize(4),
                Arbitraries.integers().between(1, 255)).as((positions, mask) -> bytes -> {
                    byte[] out = bytes.clone();
                    for (int p : positions) {
                        out[p % out.length] ^= mask.byteValue();
                    }
                    return out;
                });
        Arbitrary<UnaryOperator<byte[]>> truncations = Arbitraries.integers().between(0, Integer.MAX_VALUE)
                .map(cut -> bytes -> Arrays.copyOf(bytes, cut % bytes.length));
        Arbitrary<UnaryOperator<byte[]>> extensions = Combinators.combine(
                Arbitraries.integers().between(1, 48), Arbitraries.bytes()).as((extra, fill) -> bytes -> {
                    byte[] out = Arrays.copyOf(bytes, bytes.length + extra);
                    Arrays.fill(out, bytes.length, out.length, fill);
                    return out;
                });
        Arbitrary<Long> edgeValues = Arbitraries.oneOf(
                Arbitraries.of(0L, 1L, 2L, 7L, 8L, 0x7fff_ffffL, 0x8000_0000L, 0xffff_fff8L, 0xffff_ffffL,
                        0x1000_0000L, 0x1000_0001L, 0x1000_0002L, 0x4000_0000L, 0x4000_0001L, 0x0fff_ffffL),
                Arbitraries.longs().between(0, 0xffff_ffffL));
        Arbitrary<UnaryOperator<byte[]>> headerFields = Combinators.combine(
                Arbitraries.of(8, 12, 16, 20), edgeValues).as((at, value) -> bytes -> {
                    byte[] out = bytes.clone();
                    putInt(out, at, value);
                    return out;
                });
        Arbitrary<UnaryOperator<byte[]>> constituentFields = Combinators.combine(
                Arbitraries.integers().between(0, 63), Arbitraries.of(0, 4, 8),
                Arbitraries.oneOf(edgeValues, Arbitraries.of(0xffff_f000L, 0xffff_e000L, 0x1000L))).as((index, field, value) -> bytes -> {
                    byte[] out = bytes.clone();
                    int count = (out.length - 32) / 16;
                    putInt(out, 32 + 16 * (index % count) + field, value);
                    return out;
                });
        Arbitrary<UnaryOperator<byte[]>> copies = Combinators.combine(
                Arbitraries.integers().between(0, 63), Arbitraries.integers().between(0, 63), Arbitraries.of(0, 1000))
                .as((from, to, extraPages) -> bytes -> {
                    byte[] out = bytes.clone();
                    int count = (out.length - 32) / 16;
                    int source = 32 + 16 * (from % count);
                    int target = 32 + 16 * (to % count);
                    System.arraycopy(out, source, out, target, 16);
                    putInt(out, target + 8, getInt(out, target + 8) + extraPages);
                    return out;
                });
        return Arbitraries.oneOf(flips, truncations, extensions, headerFields, constituentFields, copies);
    }

    private static void checkAnswer(Decoded decoded) {
        assertNotNull(decoded);
        if (decoded instanceof Decoded.Rejected rejected) {
            assertEquals(SpciError.INVALID_PARAMETERS, rejected.error());
            assertFalse(rejected.reason().isBlank());
            assertFalse(ReferenceRules.verdictOf(rejected).startsWith("unknown"), rejected.reason());
        }
    }

    private static void putInt(byte[] bytes, int at, long value) {
        for (int i = 0; i < 4; i++) {
            bytes[at + i] = (byte) (value >>> 8 * i);
        }
    }

    private static long getInt(byte[] bytes, int at) {
        long value = 0;
        for (int i = 0; i < 4; i++) {
            value |= (bytes[at + i] & 0xffL) << 8 * i;
        }
        return value;
    }
}
