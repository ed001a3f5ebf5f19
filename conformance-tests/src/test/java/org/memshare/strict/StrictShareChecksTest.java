package org.memshare.strict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.memshare.api.spci.SpciError.INVALID_PARAMETERS;
import static org.memshare.kit.fixture.Message.ATTRIBUTE_COUNT;
import static org.memshare.kit.fixture.Message.CONSTITUENT_COUNT;
import static org.memshare.kit.fixture.Message.CONSTITUENT_OFFSET;
import static org.memshare.kit.fixture.Message.PAGE_COUNT;
import static org.memshare.strict.ThreeVms.PAGE;
import static org.memshare.strict.ThreeVms.RWX;
import static org.memshare.strict.ThreeVms.RW_NX;
import static org.memshare.strict.ThreeVms.VM1_BASE;
import static org.memshare.strict.ThreeVms.c;
import static org.memshare.strict.ThreeVms.fill;
import static org.memshare.strict.ThreeVms.send;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.memshare.api.spci.Constituent;
import org.memshare.api.spci.MemoryRegion;
import org.memshare.api.spci.MemoryRegionCodec;
import org.memshare.api.spci.ReceiverAttributes;
import org.memshare.api.spci.ShareType;
import org.memshare.engine.hypervisor.Hypervisor;
import org.memshare.engine.spci.SpciResult;
import org.memshare.kit.ArchUnderTest;
import org.memshare.kit.fixture.KitMachine;
import org.memshare.kit.fixture.Message;
import org.memshare.kit.fixture.Snapshot;
import org.memshare.testing.OnEachArch;

/**
 * Every malformed or disallowed memory message answers INVALID_PARAMETERS and changes nothing:
 * no stage-2 or stage-1 entry, no pool page, no byte of memory, nothing delivered. Each case is a
 * variant of one well-formed lend of two constituents from VM 1 to VM 2, which succeeds (see the
 * control tests at the top), so a refusal is the rule's doing.
 */
class StrictShareChecksTest {
    /** VM 1 owns 4 pages here, inside its 2 MiB block. */
    private static final long A = VM1_BASE;
    /** VM 1 owns 2 pages here, inside its 2 MiB block. */
    private static final long B = VM1_BASE + 0x10_0000L;
    private static final int LEND = ShareType.LEND.code();

    /** The well-formed lend of A (4 pages) and B (2 pages) to VM 2, RW_NX. */
    private static Message lend() {
        return standard(2, RW_NX, c(A, 4), c(B, 2));
    }

    /** A lend from VM 1 naming {@code receiver} with {@code attributes} and the constituents, as {@code spci_memory_init} lays it out. */
    private static Message standard(int receiver, int attributes, Constituent... constituents) {
        return Message.lend(1, receiver).attributes(attributes).constituents(constituents);
    }

    private static byte[] lendMessage(Message region) {
        return region.bytes();
    }

    private static long u32(byte[] bytes, int at) {
        return Integer.toUnsignedLong(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(at));
    }

    /** Sends {@code region} as a lend from VM 1 to VM 2 and checks the refusal; probes {@code addresses} too. */
    private static void refused(ArchUnderTest under, String reasonFragment, Message region, long... addresses) {
        KitMachine fixture = ThreeVms.boot(under);
        fill(fixture, addresses);
        fixture.assertRefused(INVALID_PARAMETERS, reasonFragment, 1, 2, lendMessage(region));
    }

    // ---- controls: the base message is well formed, and the snapshot sees a change ----

    @OnEachArch
    void theHandBuiltBytesAreWhatTheCodecWrites(ArchUnderTest under) {
        MemoryRegion region = MemoryRegion.of(0, 0, List.of(ReceiverAttributes.of(2, RW_NX)),
                List.of(Constituent.of(A, 4), Constituent.of(B, 2)));
        // Laid out by hand, little-endian, as DESIGN.md section 4 gives the offsets.
        ByteBuffer hand = ByteBuffer.allocate(32 + 2 * 16).order(ByteOrder.LITTLE_ENDIAN);
        hand.putInt(8, 6).putInt(12, 2).putInt(16, 32).putInt(20, 1).putShort(24, (short) 2).putShort(26, (short) RW_NX);
        hand.putLong(32, A).putInt(40, 4).putLong(48, B).putInt(56, 2);
        assertArrayEquals(hand.array(), MemoryRegionCodec.encode(region));
        assertArrayEquals(hand.array(), lend().regionBytes());
        assertArrayEquals(MemoryRegionCodec.message(LEND, hand.array()), lendMessage(lend()));
    }

    @OnEachArch
    void theBaseLendSucceedsAndTheSnapshotSeesItsChanges(ArchUnderTest under) {
        KitMachine fixture = ThreeVms.boot(under);
        Snapshot before = fixture.snapshot();

        SpciResult result = send(fixture, 1, 2, lendMessage(lend()));

        assertTrue(result.isSuccess(), result::toString);
        Snapshot after = fixture.snapshot();
        assertNotEquals(before.stage2(1), after.stage2(1), "the sender's table changed");
        assertNotEquals(before.stage2(2), after.stage2(2), "the receiver's table changed");
        assertEquals(before.memory(), after.memory(), "a lend without the clear flag keeps the contents");
        assertTrue(fixture.hypervisor().canAccess(2, B, Hypervisor.Access.WRITE));
        assertEquals(KitMachine.pattern(B), fixture.hypervisor().read(2, B).orElseThrow());
    }

    @OnEachArch
    void aMessageOfExactlyTheMailboxSizeIsAccepted(ArchUnderTest under) {
        KitMachine fixture = ThreeVms.boot(under);
        byte[] message = MemoryRegionCodec.encodeMessage(ShareType.LEND, spreadRegion(253, 40));
        assertEquals(4096, message.length);

        SpciResult result = send(fixture, 1, 2, message);

        assertTrue(result.isSuccess(), result::toString);
        assertTrue(fixture.hypervisor().canAccess(2, A + 2 * 252 * PAGE, Hypervisor.Access.READ));
    }

    @OnEachArch
    void aConstituentEndingExactlyAtTheAddressSpaceEndIsAccepted(ArchUnderTest under) {
        KitMachine fixture = ThreeVms.boot(under);
        long last = fixture.addressSpaceEnd() - PAGE;
        fixture.map(1, last, last + PAGE, RWX);

        SpciResult result = send(fixture, 1, 2, lendMessage(standard(2, RW_NX, c(last, 1))));

        assertTrue(result.isSuccess(), result::toString);
        assertTrue(fixture.hypervisor().canAccess(2, last, Hypervisor.Access.WRITE));
    }

    // ---- constituents ----

    @OnEachArch
    void overlappingConstituentsAreRefused(ArchUnderTest under) {
        refused(under, "overlaps", standard(2, RW_NX, c(A, 4), c(A + 2 * PAGE, 4)));
        refused(under, "overlaps", standard(2, RW_NX, c(A + 2 * PAGE, 4), c(A, 4)));
        // The overlap is between the first and the last, with an unrelated one in between.
        refused(under, "overlaps", standard(2, RW_NX, c(A, 8), c(B, 2), c(A + 7 * PAGE, 1)));
        // One constituent inside another.
        refused(under, "overlaps", standard(2, RW_NX, c(A, 16), c(A + 4 * PAGE, 2)));
    }

    @OnEachArch
    void duplicateConstituentsAreRefused(ArchUnderTest under) {
        refused(under, "overlaps", standard(2, RW_NX, c(A, 4), c(A, 4)));
        refused(under, "overlaps", standard(2, RW_NX, c(B, 2), c(A, 1), c(B, 2)));
    }

    @OnEachArch
    void aConstituentCountWhose32BitSizeWrapsIsRefused(ArchUnderTest under) {
        // One constituent of 16 bytes, but constituent_count 2^28 + 1: 16 * count wraps to 16 in
        // 32 bits, so C's "offset + 16 * count == size" would hold.
        long count = 0x1000_0001L;
        Message region = standard(2, RW_NX, c(A, 4)).u32(CONSTITUENT_COUNT, count);
        assertEquals(region.regionBytes().length, 32 + 16 * (int) count, "premise: the 32-bit size matches");
        refused(under, "constituent_count", region);
    }

    @OnEachArch
    void anAttributeCountWhose32BitSizeWrapsIsRefused(ArchUnderTest under) {
        // attribute_count 2^30 + 1: 4 * count wraps to 4, so C's "24 + 4 * count <= offset" holds
        // with the standard offset of 32.
        long count = 0x4000_0001L;
        Message region = lend().u32(ATTRIBUTE_COUNT, count);
        assertTrue(24 + 4 * (int) count <= 32, "premise: the 32-bit bound holds");
        refused(under, "attribute_count", region);
    }

    @OnEachArch
    void aConstituentOffsetWhose32BitSumWrapsIsRefused(ArchUnderTest under) {
        // 48 bytes whose constituent_offset is 2^32 - 16 with 4 constituents: offset + 64 wraps to
        // 48 in 32 bits, and the offset is 8-aligned and above 28.
        long offset = 0xFFFF_FFF0L;
        Message region = standard(2, RW_NX, c(A, 4))
                .u32(CONSTITUENT_OFFSET, offset).u32(CONSTITUENT_COUNT, 4);
        assertEquals(region.regionBytes().length, (int) offset + 16 * 4, "premise: the 32-bit size matches");
        refused(under, "constituent_offset", region);
    }

    @OnEachArch
    void aPageCountWhose32BitSumWrapsIsRefused(ArchUnderTest under) {
        // 2^31 + 2^31 pages: the uint32 sum is 0, and so is page_count.
        Message region = standard(2, RW_NX, c(0, 0x8000_0000L), c(1L << 43, 0x8000_0000L));
        assertEquals(0, u32(region.regionBytes(), PAGE_COUNT), "premise: the 32-bit sum wrapped to page_count");
        refused(under, "page_count", region, 0, 1L << 43);
    }

    @OnEachArch
    void aConstituentWhose64BitEndWrapsIsRefused(ArchUnderTest under) {
        long top = 0xFFFF_FFFF_FFFF_F000L;
        refused(under, "2^64", standard(2, RW_NX, c(top, 2)), top);
        // Ends exactly at 2^64: its end is not a 64-bit value either.
        refused(under, "2^64", standard(2, RW_NX, c(top, 1)), top);
        // Wraps round to end inside VM 1's memory, after a good constituent.
        long wrapsIntoA = 0xFFFF_FFFF_4000_1000L;
        Message region = standard(2, RW_NX, c(B, 2), c(wrapsIntoA, 0x10_0000L));
        assertEquals(A + PAGE, wrapsIntoA + 0x10_0000L * PAGE, "premise: the end wraps into VM 1's memory");
        refused(under, "2^64", region, wrapsIntoA);
    }

    @OnEachArch
    void aPageCountThatIsNotTheSumIsRefused(ArchUnderTest under) {
        for (long pageCount : new long[] {7, 5, 0, 1, 0xFFFF_FFFFL}) {
            refused(under, "page_count", lend().u32(PAGE_COUNT, pageCount));
        }
    }

    @OnEachArch
    void aReceiverFieldThatIsNotTheActualReceiverIsRefused(ArchUnderTest under) {
        for (int named : new int[] {3, 1, 0, 0xffff}) {
            refused(under, "receiver", lend().u16(24, named));
        }
    }

    @OnEachArch
    void anUnalignedConstituentAddressIsRefused(ArchUnderTest under) {
        refused(under, "aligned", standard(2, RW_NX, c(A + 0x800, 1)));
        refused(under, "aligned", standard(2, RW_NX, c(A + 8, 4)));
        refused(under, "aligned", standard(2, RW_NX, c(A + 1, 1)));
        refused(under, "aligned", standard(2, RW_NX, c(A, 4), c(B + 0x10, 2)));
    }

    @OnEachArch
    void aConstituentOutsideTheAddressSpaceIsRefused(ArchUnderTest under) {
        KitMachine probe = ThreeVms.boot(under);
        long end = probe.addressSpaceEnd();
        for (Constituent outside : List.of(c(end, 1), c(end + PAGE, 1), c(1L << 48, 1), c(1L << 63, 1),
                c(0xFFFF_FFFF_FFFF_E000L, 1))) {
            refused(under, "address space", standard(2, RW_NX, outside), outside.address());
            refused(under, "address space", standard(2, RW_NX, c(A, 4), outside), outside.address());
        }
        // Starts at 0 but runs for 2^32 - 1 pages (16 TiB), past the end.
        refused(under, "address space", standard(2, RW_NX, c(0, 0xFFFF_FFFFL)), 0);
        // Straddles the end, with the part inside the address space owned by VM 1.
        KitMachine fixture = ThreeVms.boot(under);
        fixture.map(1, end - PAGE, end, RWX);
        fill(fixture, end - PAGE, end);
        fixture.assertRefused(INVALID_PARAMETERS, "address space", 1, 2,
                lendMessage(standard(2, RW_NX, c(end - PAGE, 2))));
    }

    @OnEachArch
    void aZeroPageConstituentIsRefused(ArchUnderTest under) {
        refused(under, "empty", standard(2, RW_NX, c(A, 0)));
        refused(under, "empty", standard(2, RW_NX, c(A, 4), c(B, 0)));
    }

    @OnEachArch
    void zeroConstituentsAreRefused(ArchUnderTest under) {
        Message none = standard(2, RW_NX);
        assertEquals(32, none.regionBytes().length);
        refused(under, "constituent", none);
        // constituent_count 0 but constituents present.
        refused(under, "constituent_count", lend().u32(CONSTITUENT_COUNT, 0));
    }

    @OnEachArch
    void aMessageShorterThanItsHeaderIsRefused(ArchUnderTest under) {
        byte[] valid = lendMessage(lend());
        for (int size = 0; size < MemoryRegionCodec.HEADER_SIZE; size++) {
            ThreeVms.boot(under).assertRefused(INVALID_PARAMETERS, "header", 1, 2,
                    Arrays.copyOf(valid, size));
            // The same through the send buffer, which holds the whole valid message.
            KitMachine fixture = ThreeVms.boot(under);
            int shortSize = size;
            fixture.assertRefused(INVALID_PARAMETERS, "header", "a send of part of the send buffer to VM " + 2, () -> sendPrefix(fixture, valid, shortSize));
        }
        // A region shorter than its own 24-byte header.
        for (int size = 0; size < MemoryRegion.REGION_HEADER_SIZE; size++) {
            ThreeVms.boot(under).assertRefused(INVALID_PARAMETERS, "header", 1, 2,
                    Arrays.copyOf(valid, MemoryRegionCodec.HEADER_SIZE + size));
        }
        KitMachine fixture = ThreeVms.boot(under);
        fixture.assertRefused(INVALID_PARAMETERS, "does not fit", "a send of part of the send buffer to VM " + 2, () -> sendPrefix(fixture, valid, -1));
    }

    @OnEachArch
    void aMessageLongerThanTheMailboxIsRefused(ArchUnderTest under) {
        byte[] valid = lendMessage(lend());
        ThreeVms.boot(under).assertRefused(INVALID_PARAMETERS, "4096", 1, 2,
                Arrays.copyOf(valid, 4097));
        // A well-formed region of 254 constituents makes a 4112-byte message.
        byte[] tooLong = MemoryRegionCodec.encodeMessage(ShareType.LEND, spreadRegion(254, 40));
        assertEquals(4112, tooLong.length);
        ThreeVms.boot(under).assertRefused(INVALID_PARAMETERS, "4096", 1, 2, tooLong);
        // Asking to send more than the send buffer holds, whatever is in it.
        byte[] full = MemoryRegionCodec.encodeMessage(ShareType.LEND, spreadRegion(253, 40));
        for (int size : new int[] {4097, 8192, Integer.MAX_VALUE}) {
            KitMachine fixture = ThreeVms.boot(under);
            fixture.assertRefused(INVALID_PARAMETERS, "4096", "a send of part of the send buffer to VM " + 2, () -> sendPrefix(fixture, full, size));
        }
    }

    @OnEachArch
    void anUnknownShareTypeIsRefused(ArchUnderTest under) {
        for (int type : new int[] {4, 5, 0x100, 0x7fff, 0xffff}) {
            ThreeVms.boot(under).assertRefused(INVALID_PARAMETERS, "type", 1, 2,
                    MemoryRegionCodec.message(type, lend().regionBytes()));
        }
    }

    @OnEachArch
    void aSenderThatIsTheReceiverIsRefused(ArchUnderTest under) {
        for (int vm = 1; vm <= 3; vm++) {
            byte[] toItself = standard(vm, RW_NX, c(A, 4), c(B, 2)).bytes();
            ThreeVms.boot(under).assertRefused(INVALID_PARAMETERS, "itself", vm, vm, toItself);
        }
        // Naming another VM as receiver does not help.
        ThreeVms.boot(under).assertRefused(INVALID_PARAMETERS, "itself", 1, 1,
                lendMessage(lend()));
    }

    @OnEachArch
    void anUnknownVmIsRefused(ArchUnderTest under) {
        for (int unknown : new int[] {0, 4, 0xffff, -1, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
            int named = unknown & 0xffff;
            byte[] toUnknown = standard(named, RW_NX, c(A, 4), c(B, 2)).bytes();
            ThreeVms.boot(under).assertRefused(INVALID_PARAMETERS, "no VM", 1, unknown, toUnknown);
            ThreeVms.boot(under).assertRefused(INVALID_PARAMETERS, "no VM", unknown, 2,
                    lendMessage(lend()));
        }
    }

    // ---- the other structural rules of the region header ----

    @OnEachArch
    void theOtherHeaderRulesAreEnforced(ArchUnderTest under) {
        // constituent_offset not a multiple of 8 (with the length to match).
        refused(under, "multiple of 8", standard(2, RW_NX, c(A, 4)).regionLength(52)
                .u32(CONSTITUENT_OFFSET, 36).u64(36, A).u32(44, 4).u32(48, 0));
        // constituent_offset leaving no room for the attribute entries.
        refused(under, "attribute_count", lend().u32(CONSTITUENT_OFFSET, 24).regionLength(24 + 32));
        // No receiver, and two receivers.
        refused(under, "attribute_count", lend().u32(ATTRIBUTE_COUNT, 0));
        refused(under, "attribute_count", lend().u32(ATTRIBUTE_COUNT, 2).u16(28, 2).u16(30, RW_NX));
        // A trailing byte, and a missing one.
        Message region = lend();
        refused(under, "constituent_count", lend().regionLength(region.regionBytes().length + 1));
        refused(under, "constituent_count", lend().regionLength(region.regionBytes().length - 1));
    }

    /** A lend to VM 2 of {@code count} single pages, every other page of VM 1's block, at {@code offset}. */
    private static MemoryRegion spreadRegion(int count, int offset) {
        List<Constituent> constituents = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            constituents.add(Constituent.of(A + 2L * i * PAGE, 1));
        }
        return new MemoryRegion(0, 0, count, offset, List.of(ReceiverAttributes.of(2, RW_NX)), constituents);
    }

    /** Writes {@code message} into VM 1's send buffer, then sends the first {@code size} bytes of it to VM 2. */
    private static SpciResult sendPrefix(KitMachine fixture, byte[] message, int size) {
        var vm = fixture.machine().vm(1).orElseThrow();
        vm.lock().lock();
        try {
            vm.mailbox().writeSendBuffer(message);
        } finally {
            vm.lock().unlock();
        }
        return fixture.hypervisor().send(1, 2, size);
    }
}
