package org.memshare.api.spci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Fuzzes the SPCI region decoder with arbitrary bytes. Whatever the input, {@link
 * MemoryRegionCodec#decode(byte[])}:
 * <ul>
 *   <li>returns (no exception escapes; Jazzer reports one as a finding);</li>
 *   <li>is pure: the input is not modified, and a second decode, a decode of the same bytes at
 *       another offset of a larger array, and a decode of the whole message behind an 8-byte
 *       header all answer the same verdict with the same reason (a rejected message is rejected
 *       consistently);</li>
 *   <li>agrees with {@link ReferenceRules}, a separate, naive reading of DESIGN.md section 4;</li>
 *   <li>on acceptance, gives a region that encodes back to the input byte for byte, except the
 *       padding between the receiver entry and constituent_offset (written as zero).</li>
 * </ul>
 * In {@code ./mvnw verify} this runs once on every file of {@code RegionDecoderFuzzTestInputs/decode}
 * (regression mode); {@code -Pfuzz} fuzzes it (see the root pom).
 */
class RegionDecoderFuzzTest {

    @FuzzTest(maxDuration = "5m")
    void decode(byte[] data) {
        byte[] original = data.clone();
        Decoded first = MemoryRegionCodec.decode(data);
        assertArrayEquals(original, data, "decode modified its input");

        assertSame(first, MemoryRegionCodec.decode(data), "a second decode of the same bytes");
        byte[] padded = new byte[data.length + 11];
        Arrays.fill(padded, (byte) 0xa5);
        System.arraycopy(data, 0, padded, 5, data.length);
        assertSame(first, MemoryRegionCodec.decode(padded, 5, data.length), "the same bytes at offset 5");
        assertSame(first, MemoryRegionCodec.decodeMessage(MemoryRegionCodec.message(3, data)),
                "the same bytes behind a message header");

        assertEquals(ReferenceRules.verdict(data), ReferenceRules.verdictOf(first),
                () -> "the codec and the reference rules disagree on " + ReferenceRules.verdictOf(first));

        if (first instanceof Decoded.Ok ok) {
            MemoryRegion region = ok.region();
            byte[] expected = data.clone();
            int attributesEnd = MemoryRegion.REGION_HEADER_SIZE + ReceiverAttributes.SIZE;
            Arrays.fill(expected, attributesEnd, region.constituentOffset(), (byte) 0);
            assertArrayEquals(expected, MemoryRegionCodec.encode(region), "an accepted region re-encoded");
            long sum = region.constituents().stream().mapToLong(Constituent::pageCount).sum();
            assertEquals(region.pageCount(), sum, "page_count of an accepted region");
            assertTrue(region.constituents().stream().noneMatch(Constituent::endOverflows),
                    "an accepted constituent wraps");
            assertEquals(ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).getInt(4), region.flags(), "flags");
        }
    }

    private static void assertSame(Decoded expected, Decoded actual, String what) {
        if (expected instanceof Decoded.Ok ok) {
            assertTrue(actual instanceof Decoded.Ok, () -> what + " was rejected: " + actual);
            assertEquals(ok.region(), ((Decoded.Ok) actual).region(), what);
        } else {
            assertEquals(expected, actual, what);
        }
    }
}
