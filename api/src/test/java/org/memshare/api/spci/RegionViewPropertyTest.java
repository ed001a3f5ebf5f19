package org.memshare.api.spci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The in-place {@link RegionView} against the object decoder as it was ({@link
 * ObjectDecoderReference}): on valid, damaged, hostile and arbitrary descriptors, at any offset of
 * a larger array, the same verdict with the same reason, and for a well-formed region the same
 * fields. One view is reused across all tries, as the send path reuses it, so a sort space grown
 * by one descriptor must not change the answer for the next.
 */
class RegionViewPropertyTest {

    private static final RegionView VIEW = new RegionView();
    private final MemoryRegionCodecPropertyTest codecProperties = new MemoryRegionCodecPropertyTest();

    @Property
    void validRegionsReadAsTheObjectDecoderDecodesThem(@ForAll("validRegions") MemoryRegion region,
            @ForAll @IntRange(max = 40) int offset) {
        assertSameAnswer(MemoryRegionCodec.encode(region), offset);
    }

    @Property(tries = 1000)
    void damagedRegionsGetTheSameVerdictAndReason(@ForAll("validRegions") MemoryRegion region,
            @ForAll("damage") UnaryOperator<byte[]> damage, @ForAll @IntRange(max = 40) int offset) {
        assertSameAnswer(damage.apply(MemoryRegionCodec.encode(region)), offset);
    }

    @Property(tries = 2000)
    void hostileRegionsGetTheSameVerdictAndReason(@ForAll("hostile") byte[] bytes, @ForAll @IntRange(max = 40) int offset) {
        assertSameAnswer(bytes, offset);
    }

    @Property
    void arbitraryBytesGetTheSameVerdictAndReason(@ForAll @Size(max = 600) byte[] bytes) {
        assertSameAnswer(bytes, 0);
    }

    @Property
    void arbitrarySlicesGetTheSameVerdictAndReason(@ForAll @Size(max = 100) byte[] bytes,
            @ForAll @IntRange(min = -2, max = 102) int offset, @ForAll @IntRange(min = -2, max = 102) int length) {
        Decoded expected = ObjectDecoderReference.decode(bytes, offset, length);
        Optional<Decoded.Rejected> read = VIEW.read(bytes, offset, length);
        if (expected instanceof Decoded.Rejected rejected) {
            assertEquals(Optional.of(rejected), read);
        } else {
            assertEquals(Optional.empty(), read);
            assertEquals(((Decoded.Ok) expected).region(), VIEW.toRegion());
        }
    }

    @Example
    void aRejectedReadLeavesTheViewEmpty() {
        RegionView view = new RegionView();
        assertFalse(view.isRead());
        assertThrows(IllegalStateException.class, view::constituentCount);
        byte[] good = RawRegion.valid(0x200000, 1).bytes();
        assertEquals(Optional.empty(), view.read(good, 0, good.length));
        assertTrue(view.isRead());
        assertEquals(0x200000, view.constituentAddress(0));
        assertThrows(IndexOutOfBoundsException.class, () -> view.constituentAddress(1));
        assertTrue(view.read(good, 0, good.length - 1).isPresent());
        assertFalse(view.isRead());
        assertThrows(IllegalStateException.class, () -> view.constituentAddress(0));
    }

    @Example
    void messageTypeCodeIsMessageTypeWithoutTheObject() {
        assertEquals(-1, MemoryRegionCodec.messageTypeCode(new byte[7]));
        byte[] message = MemoryRegionCodec.message(0xfffe, new byte[0]);
        assertEquals(0xfffe, MemoryRegionCodec.messageTypeCode(message));
        assertEquals(MemoryRegionCodec.messageType(message).orElseThrow(), MemoryRegionCodec.messageTypeCode(message));
    }

    private static void assertSameAnswer(byte[] region, int offset) {
        byte[] bytes = new byte[offset + region.length + 3];
        java.util.Arrays.fill(bytes, (byte) 0x5a);
        System.arraycopy(region, 0, bytes, offset, region.length);
        Decoded expected = ObjectDecoderReference.decode(bytes, offset, region.length);
        Optional<Decoded.Rejected> read = VIEW.read(bytes, offset, region.length);
        assertEquals(expected, MemoryRegionCodec.decode(bytes, offset, region.length), "the codec's decode");
        if (expected instanceof Decoded.Rejected rejected) {
            assertEquals(Optional.of(rejected), read, () -> RawRegion.hex(region));
            assertFalse(VIEW.isRead());
            return;
        }
        assertEquals(Optional.empty(), read, () -> RawRegion.hex(region));
        MemoryRegion decoded = ((Decoded.Ok) expected).region();
        assertEquals(decoded, VIEW.toRegion());
        assertEquals(decoded.tag(), VIEW.tag());
        assertEquals(decoded.flags(), VIEW.flags());
        assertEquals(decoded.clearRequested(), VIEW.clearRequested());
        assertEquals(decoded.pageCount(), VIEW.pageCount());
        assertEquals(decoded.constituentOffset(), VIEW.constituentOffset());
        assertEquals(decoded.attributes().get(0).receiver(), VIEW.receiver());
        assertEquals(decoded.attributes().get(0).attributes().value(), VIEW.receiverAttributes());
        assertEquals(decoded.constituents().size(), VIEW.constituentCount());
        for (int i = 0; i < decoded.constituents().size(); i++) {
            Constituent c = decoded.constituents().get(i);
            assertEquals(c.address(), VIEW.constituentAddress(i));
            assertEquals(c.pageCount(), VIEW.constituentPageCount(i));
            assertEquals(c.reserved(), VIEW.constituentReserved(i));
        }
    }

    @Provide
    Arbitrary<MemoryRegion> validRegions() {
        return codecProperties.validRegions();
    }

    @Provide
    Arbitrary<UnaryOperator<byte[]>> damage() {
        return codecProperties.damage();
    }

    /**
     * Well-shaped headers over constituents chosen to clash: addresses from a few pages (so they
     * repeat and overlap, in and out of order), unaligned, zero, or near the top of the space;
     * page counts of 0, 1, a few, or huge; page_count the sum, one off, or anything.
     */
    @Provide
    Arbitrary<byte[]> hostile() {
        Arbitrary<Long> address = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.longs().between(0, 40).map(p -> 0x200000 + p * 4096)),
                net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(0, 40).map(p -> 0x200000 + p * 4096 + 0x800)),
                net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(1, 40).map(p -> -p * 4096)),
                net.jqwik.api.Tuple.of(1, Arbitraries.longs()));
        Arbitrary<Long> pages = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, Arbitraries.just(0L)),
                net.jqwik.api.Tuple.of(8, Arbitraries.longs().between(1, 4)),
                net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(0, 0xffff_ffffL)));
        Arbitrary<List<long[]>> constituents = Combinators.combine(address, pages).as((a, p) -> new long[] {a, p})
                .list().ofMinSize(1).ofMaxSize(70);
        Arbitrary<Integer> pageCountChange = Arbitraries.of(0, 0, 0, 1, -1, Integer.MIN_VALUE);
        return Combinators.combine(constituents, pageCountChange, Arbitraries.integers(), Arbitraries.integers())
                .as((list, change, tag, flags) -> {
                    ByteBuffer out = ByteBuffer.allocate(32 + 16 * list.size()).order(ByteOrder.LITTLE_ENDIAN);
                    long sum = 0;
                    for (int i = 0; i < list.size(); i++) {
                        out.putLong(32 + 16 * i, list.get(i)[0]).putInt(40 + 16 * i, (int) list.get(i)[1]);
                        sum += list.get(i)[1];
                    }
                    long pageCount = change == Integer.MIN_VALUE ? tag : sum + change;
                    out.putInt(0, tag).putInt(4, flags).putInt(8, (int) pageCount).putInt(12, list.size())
                            .putInt(16, 32).putInt(20, 1).putShort(24, (short) 2).putShort(26, (short) 0x60);
                    return out.array();
                });
    }
}
