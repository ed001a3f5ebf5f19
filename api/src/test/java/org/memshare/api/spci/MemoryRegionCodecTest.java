package org.memshare.api.spci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.memshare.api.spci.RawRegion.hex;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class MemoryRegionCodecTest {

    /** Hafnium's bytes for {@code share type=lend from=1 to=2 flags=0x0 attrs=0x60 c=...} (share-fake-1001:14). */
    private static final String LEND_FROM_CORPUS = "0000000000000000cd0d0000030000002000000001000000020060000000000000"
            + "002012000000000f000000000000000090cd1500000000b90600000000000000f0be13000000000507000000000000";

    private static MemoryRegion corpusLend() {
        return MemoryRegion.of(0, 0, List.of(ReceiverAttributes.of(2, 0x60)), List.of(
                Constituent.of(0x12200000L, 15), Constituent.of(0x15cd9000L, 1721), Constituent.of(0x13bef000L, 1797)));
    }

    static Decoded.Rejected rejected(byte[] bytes) {
        Decoded d = MemoryRegionCodec.decode(bytes);
        Decoded.Rejected r = assertInstanceOf(Decoded.Rejected.class, d, () -> "expected a rejection, got " + d);
        assertEquals(SpciError.INVALID_PARAMETERS, r.error());
        return r;
    }

    static void assertRejected(RawRegion raw, String... reasonParts) {
        Decoded.Rejected r = rejected(raw.bytes());
        for (String part : reasonParts) {
            assertTrue(r.reason().contains(part), () -> "reason \"" + r.reason() + "\" lacks \"" + part + "\"");
        }
    }

    static MemoryRegion accepted(byte[] bytes) {
        Decoded d = MemoryRegionCodec.decode(bytes);
        return assertInstanceOf(Decoded.Ok.class, d, () -> "expected success, got " + d).region();
    }

    @Nested
    class Encoding {

        @Test
        void matchesHafniumByteForByte() {
            assertEquals(LEND_FROM_CORPUS, hex(MemoryRegionCodec.encode(corpusLend())));
        }

        @Test
        void messagePutsTheArchitectedHeaderFirst() {
            byte[] message = MemoryRegionCodec.encodeMessage(ShareType.LEND, corpusLend());
            assertEquals("0100000000000000" + LEND_FROM_CORPUS, hex(message));
            assertEquals(Optional.of(1), MemoryRegionCodec.messageType(message));
            assertArrayEquals(message, MemoryRegionCodec.encodeMessage(1, corpusLend()));
            assertArrayEquals(message, MemoryRegionCodec.message(1, hex(LEND_FROM_CORPUS)));
            assertEquals(new Decoded.Ok(corpusLend()), MemoryRegionCodec.decodeMessage(message));
        }

        @Test
        void writeMessageWritesWhatMessageMakesOverWhateverTheBufferHeld() {
            byte[] region = hex(LEND_FROM_CORPUS);
            byte[] buffer = new byte[8 + region.length + 16];
            java.util.Arrays.fill(buffer, (byte) 0xee);
            assertEquals(8 + region.length, MemoryRegionCodec.writeMessage(1, region, buffer));
            // The header's bytes after the type are zeroed, not left as the buffer had them;
            // the bytes after the message are not touched.
            assertArrayEquals(MemoryRegionCodec.message(1, region), java.util.Arrays.copyOf(buffer, 8 + region.length));
            assertEquals((byte) 0xee, buffer[buffer.length - 1]);
            byte[] exact = new byte[8 + region.length];
            assertEquals(exact.length, MemoryRegionCodec.writeMessage(1, region, exact));
            assertArrayEquals(MemoryRegionCodec.message(1, region), exact);
            assertThrows(IllegalArgumentException.class,
                    () -> MemoryRegionCodec.writeMessage(1, region, new byte[8 + region.length - 1]));
            assertThrows(IllegalArgumentException.class, () -> MemoryRegionCodec.writeMessage(1, new byte[0], new byte[7]));
            assertThrows(IllegalArgumentException.class, () -> MemoryRegionCodec.writeMessage(0x10000, region, buffer));
        }

        @Test
        void messageTypeIsAnyUint16() {
            assertEquals("ffff000000000000", hex(MemoryRegionCodec.message(0xffff, new byte[0])));
            assertEquals(Optional.of(0xffff), MemoryRegionCodec.messageType(MemoryRegionCodec.message(0xffff, new byte[0])));
            assertEquals(Optional.empty(), MemoryRegionCodec.messageType(new byte[7]));
            assertThrows(IllegalArgumentException.class, () -> MemoryRegionCodec.message(0x10000, new byte[0]));
            assertThrows(IllegalArgumentException.class, () -> MemoryRegionCodec.encodeMessage(-1, corpusLend()));
        }

        @Test
        void writesEveryFieldAndZeroPadding() {
            MemoryRegion r = new MemoryRegion(0x89abcdef, 0xfffffffe, 0xffff_ffffL, 48,
                    List.of(ReceiverAttributes.of(0xfffe, 0xff7f), ReceiverAttributes.of(3, 1)),
                    List.of(new Constituent(0xfedc_ba98_7654_3000L, 0xffff_ffffL, 0x12345678), Constituent.of(0, 0)));
            String expected = "efcdab89" + "feffffff" + "ffffffff" + "02000000" + "30000000" + "02000000"
                    + "feff7fff" + "03000100" + "00".repeat(48 - 32)
                    + "00305476" + "98badcfe" + "ffffffff" + "78563412"
                    + "0000000000000000" + "00000000" + "00000000";
            assertEquals(expected, hex(MemoryRegionCodec.encode(r)));
        }
    }

    @Nested
    class Rejections {

        @Test
        void baselineIsValid() {
            MemoryRegion r = accepted(RawRegion.valid(0x1000, 3, 0x8000, 2).bytes());
            assertEquals(5, r.pageCount());
            assertEquals(List.of(ReceiverAttributes.of(2, 0x60)), r.attributes());
        }

        @Test
        void shorterThanTheHeader() {
            for (int length = 0; length < 24; length++) {
                byte[] bytes = RawRegion.valid(0x1000, 1).bytes();
                Decoded.Rejected r = rejected(java.util.Arrays.copyOf(bytes, length));
                assertTrue(r.reason().contains("is " + length + " bytes, shorter than its 24-byte header"), r.reason());
            }
        }

        @Test
        void offsetNotAMultipleOfEight() {
            assertRejected(RawRegion.valid(0x1000, 1).set(r -> r.constituentOffset = 36),
                    "constituent_offset 36 is not a multiple of 8");
            assertRejected(RawRegion.valid(0x1000, 1).set(r -> r.constituentOffset = 28),
                    "constituent_offset 28 is not a multiple of 8");
        }

        @Test
        void offsetOverlapsTheAttributes() {
            assertRejected(RawRegion.valid(0x1000, 1).set(r -> r.constituentOffset = 24),
                    "constituent_offset 24 is less than 24 + 4 * attribute_count 1 = 28");
            assertRejected(RawRegion.valid(0x1000, 1).set(r -> r.attributeCount = 3),
                    "constituent_offset 32 is less than 24 + 4 * attribute_count 3 = 36");
        }

        @Test
        void attributeCountWhoseProductWraps32Bits() {
            // 4 * 0x40000001 is 4 in 32 bits: the seed's check saw 24 + 4 <= 32.
            assertRejected(RawRegion.valid(0x1000, 1).set(r -> r.attributeCount = 0x4000_0001L),
                    "attribute_count 1073741825 = 4294967324");
            assertRejected(RawRegion.valid(0x1000, 1).set(r -> r.attributeCount = 0xffff_ffffL),
                    "attribute_count 4294967295");
        }

        @Test
        void lengthNotOffsetPlusConstituents() {
            assertRejected(RawRegion.valid(0x1000, 1, 0x3000, 1).set(r -> r.constituentCount = 1),
                    "the region is 64 bytes, not constituent_offset 32 + 16 * constituent_count 1 = 48");
            assertRejected(RawRegion.valid(0x1000, 1).set(r -> r.length = 47), "is 47 bytes");
            assertRejected(RawRegion.valid(0x1000, 1).set(r -> r.length = 49), "is 49 bytes");
            assertRejected(RawRegion.valid(0x1000, 1).set(r -> {
                r.constituentOffset = 40;
                r.constituentsAt = 32;
            }), "the region is 48 bytes, not constituent_offset 40 + 16 * constituent_count 1 = 56");
        }

        @Test
        void constituentCountWhoseProductWraps32Bits() {
            // 16 * 0x10000001 is 16 in 32 bits: the seed would then have read 2^28 constituents.
            assertRejected(RawRegion.valid(0x1000, 1).set(r -> r.constituentCount = 0x1000_0001L),
                    "constituent_count 268435457 = 4294967344");
            assertRejected(RawRegion.valid(0x1000, 1).set(r -> r.constituentCount = 0xffff_ffffL), "4294967295");
        }

        @Test
        void offsetWhoseSumWraps32Bits() {
            // 0xfffffff8 + 16 * 3 is 40 in 32 bits, the region's real length.
            RawRegion raw = RawRegion.valid(0x1000, 1).set(r -> {
                r.constituentOffset = 0xffff_fff8L;
                r.constituentCount = 3;
                r.constituents.clear();
                r.constituentsAt = 32;
                r.length = 40;
            });
            assertRejected(raw, "the region is 40 bytes, not constituent_offset 4294967288 + 16 * constituent_count 3");
        }

        @Test
        void notExactlyOneReceiver() {
            assertRejected(RawRegion.valid(0x1000, 1).set(r -> r.attributeCount = 0), "attribute_count is 0, not 1");
            assertRejected(RawRegion.valid(0x1000, 1).set(r -> {
                r.attributeCount = 2;
                r.padding = 7;   // the second entry
            }), "attribute_count is 2, not 1");
        }

        @Test
        void noConstituents() {
            RawRegion raw = RawRegion.valid();
            assertEquals(0, raw.pageCount);
            assertRejected(raw, "constituent_count is 0");
        }

        @Test
        void emptyConstituent() {
            assertRejected(RawRegion.valid(0x1000, 1, 0x5000, 0).set(r -> r.pageCount = 1),
                    "constituent 1 (0x5000) is empty: 0 pages");
        }

        @Test
        void unalignedConstituent() {
            assertRejected(RawRegion.valid(0x1000, 1, 0x80dcbea, 3), "constituent 1 (0x80dcbea, 3 pages) is not aligned");
            assertRejected(RawRegion.valid(0x800, 1), "constituent 0 (0x800, 1 page) is not aligned to 4096");
        }

        @Test
        void constituentWrappingPastTheTop() {
            assertRejected(RawRegion.valid(0x1000, 1, 0xffff_ffff_ffff_d000L, 8),
                    "constituent 1 (0xffffffffffffd000, 8 pages) ends past 2^64", "wraps to 0x5000");
            assertRejected(RawRegion.valid(0xffff_ffff_ffff_f000L, 1), "constituent 0 (0xfffffffffffff000, 1 page) ends past 2^64: its end wraps to 0x0");
            assertRejected(RawRegion.valid(0xffff_ffff_0000_0000L, 0xffff_ffffL), "ends past 2^64");
        }

        @Test
        void overlappingConstituents() {
            assertRejected(RawRegion.valid(0, 2, 0x8000, 1, 0x1000, 3),
                    "constituent 2 (0x1000, 3 pages) overlaps constituent 0 (0x0, 2 pages)");
            assertRejected(RawRegion.valid(0x4000, 4, 0x2000, 8), "constituent 1 (0x2000, 8 pages) overlaps constituent 0");
            assertRejected(RawRegion.valid(0x4000, 1, 0x9000, 1, 0x2000, 8), "constituent 2", "overlaps constituent 0");
        }

        @Test
        void duplicateConstituents() {
            assertRejected(RawRegion.valid(0x7000, 1, 0x1000, 1, 0x7000, 1),
                    "constituent 2 (0x7000, 1 page) overlaps constituent 0 (0x7000, 1 page)");
        }

        @Test
        void overlapAcrossTheSignBit() {
            // Unsigned order: 0x7fff...f000 comes before 0x8000...0000.
            assertRejected(RawRegion.valid(0x8000_0000_0000_0000L, 1, 0x7fff_ffff_ffff_f000L, 2),
                    "constituent 1 (0x7ffffffffffff000, 2 pages) overlaps constituent 0 (0x8000000000000000, 1 page)");
            accepted(RawRegion.valid(0x8000_0000_0000_0000L, 1, 0x7fff_ffff_ffff_f000L, 1).bytes());
        }

        @Test
        void pageCountNotTheSum() {
            assertRejected(RawRegion.valid(0x1000, 3, 0x8000, 2).set(r -> r.pageCount = 4),
                    "page_count is 4 but the constituents' page counts add up to 5");
            assertRejected(RawRegion.valid(0x1000, 3).set(r -> r.pageCount = 0), "page_count is 0");
        }

        @Test
        void pageCountSumWrapping32Bits() {
            // What spci_memory_init writes for these constituents: the uint32 sum, 1.
            MemoryRegion wrapped = MemoryRegion.of(0, 0, List.of(ReceiverAttributes.of(2, 0x60)),
                    List.of(Constituent.of(0, 0xffff_ffffL), Constituent.of(0x1_0000_0000_0000L, 2)));
            Decoded.Rejected r = rejected(MemoryRegionCodec.encode(wrapped));
            assertEquals("page_count is 1 but the constituents' page counts add up to 4294967297 "
                    + "(more than a uint32 holds)", r.reason());
        }

        @Test
        void rulesApplyInOrder() {
            // Broken in several ways at once: the first rule in the documented order is reported.
            RawRegion raw = RawRegion.valid(0x1001, 0, 0x1001, 0).set(r -> {
                r.pageCount = 9;
                r.attributeCount = 2;
            });
            assertRejected(raw, "attribute_count is 2");
            raw.attributeCount = 1;
            assertRejected(raw, "constituent 0 (0x1001) is empty");
            raw.constituents.get(0)[1] = 1;
            assertRejected(raw, "constituent 0 (0x1001, 1 page) is not aligned");
            raw.constituents.get(0)[0] = 0x1000;
            raw.constituents.get(1)[0] = 0x1000;
            raw.constituents.get(1)[1] = 1;
            assertRejected(raw, "overlaps");
            raw.constituents.get(1)[0] = 0x2000;
            assertRejected(raw, "page_count is 9");
            raw.pageCount = 2;
            accepted(raw.bytes());
        }
    }

    @Nested
    class Acceptance {

        @Test
        void ignoresWhatTheProtocolDoesNotCheck() {
            RawRegion raw = RawRegion.valid(0x5000, 2, 0x1000, 1).set(r -> {
                r.tag = 0xffff_ffffL;
                r.flags = 0xffff_fffeL;
                r.attributes = 0xff9f;   // every bit but access=0
                r.receiver = 0xffff;
                r.constituentOffset = 48;
                r.padding = (byte) 0xa5;
                r.constituents.get(0)[2] = 0xdeadbeefL;
            });
            MemoryRegion region = accepted(raw.bytes());
            assertEquals(-1, region.tag());
            assertEquals(0xfffffffe, region.flags());
            assertEquals(ReceiverAttributes.of(0xffff, 0xff9f), region.attributes().get(0));
            assertEquals(48, region.constituentOffset());
            assertEquals(List.of(new Constituent(0x5000, 2, 0xdeadbeef), Constituent.of(0x1000, 1)),
                    region.constituents(), "constituents keep their order and reserved words");
            assertEquals(3, region.pageCount());
        }

        @Test
        void adjacentConstituentsDoNotOverlap() {
            accepted(RawRegion.valid(0x2000, 1, 0x1000, 1, 0x3000, 4).bytes());
        }

        @Test
        void constituentReachingTheLastPage() {
            MemoryRegion r = accepted(RawRegion.valid(0xffff_ffff_ffff_e000L, 1).bytes());
            assertEquals(0xffff_ffff_ffff_f000L, r.constituents().get(0).end());
        }

        @Test
        void largestPageCounts() {
            accepted(RawRegion.valid(0, 0xffff_ffffL).bytes());
            accepted(RawRegion.valid(0, 0xffff_fffeL, 0x1_0000_0000_0000L, 1).bytes());
        }

        @Test
        void decodesASliceOfALargerArray() {
            byte[] region = MemoryRegionCodec.encode(corpusLend());
            byte[] padded = new byte[region.length + 20];
            java.util.Arrays.fill(padded, (byte) 0x77);
            System.arraycopy(region, 0, padded, 9, region.length);
            assertEquals(new Decoded.Ok(corpusLend()), MemoryRegionCodec.decode(padded, 9, region.length));
            assertInstanceOf(Decoded.Rejected.class, MemoryRegionCodec.decode(padded, 9, region.length + 1));
        }

        @Test
        void aSliceOutsideTheArrayIsRejectedNotThrown() {
            byte[] bytes = new byte[40];
            for (int[] slice : new int[][] {{-1, 10}, {0, -1}, {30, 11}, {41, 0}, {Integer.MAX_VALUE, Integer.MAX_VALUE},
                    {Integer.MIN_VALUE, 5}, {1, Integer.MAX_VALUE}}) {
                Decoded d = MemoryRegionCodec.decode(bytes, slice[0], slice[1]);
                Decoded.Rejected r = assertInstanceOf(Decoded.Rejected.class, d);
                assertTrue(r.reason().contains("does not lie inside the 40-byte input"), r.reason());
            }
            assertInstanceOf(Decoded.Rejected.class, MemoryRegionCodec.decode(bytes, 40, 0));
            assertInstanceOf(Decoded.Rejected.class, MemoryRegionCodec.decodeMessage(new byte[7]));
            assertThrows(NullPointerException.class, () -> MemoryRegionCodec.decode(null, 0, 0));
        }

        @Test
        void overlapCheckIsNotQuadratic() {
            int n = 200_000;
            List<Constituent> constituents = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                // Reverse order, every other page: sorting finds no overlap.
                constituents.add(Constituent.of((long) (n - i) * 2 * Constituent.PAGE_SIZE, 1));
            }
            MemoryRegion region = MemoryRegion.of(0, 0, List.of(ReceiverAttributes.of(1, 0)), constituents);
            byte[] bytes = MemoryRegionCodec.encode(region);
            Assertions.assertTimeoutPreemptively(Duration.ofSeconds(5),
                    () -> assertEquals(new Decoded.Ok(region), MemoryRegionCodec.decode(bytes)));
        }
    }
}
