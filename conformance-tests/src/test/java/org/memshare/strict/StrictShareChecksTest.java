package org.memshare.strict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.memshare.api.spci.SpciError.INVALID_PARAMETERS;
import static org.memshare.strict.MachineFixture.PAGE;
import static org.memshare.strict.MachineFixture.RWX;
import static org.memshare.strict.MachineFixture.RW_NX;
import static org.memshare.strict.MachineFixture.VM1_BASE;
import static org.memshare.strict.RegionBytes.ATTRIBUTE_COUNT;
import static org.memshare.strict.RegionBytes.CONSTITUENT_COUNT;
import static org.memshare.strict.RegionBytes.CONSTITUENT_OFFSET;
import static org.memshare.strict.RegionBytes.PAGE_COUNT;
import static org.memshare.strict.RegionBytes.c;

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
    private static RegionBytes lend() {
        return RegionBytes.standard(2, RW_NX, 0, c(A, 4), c(B, 2));
    }

    private static byte[] lendMessage(RegionBytes region) {
        return MemoryRegionCodec.message(LEND, region.bytes());
    }

    /** Sends {@code region} as a lend from VM 1 to VM 2 and checks the refusal; probes {@code addresses} too. */
    private static void refused(String arch, String reasonFragment, RegionBytes region, long... addresses) {
        MachineFixture fixture = MachineFixture.create(arch);
        fixture.fill(addresses);
        fixture.assertRefusedWithoutChange(INVALID_PARAMETERS, reasonFragment, 1, 2, lendMessage(region));
    }

    // ---- controls: the base message is well formed, and the snapshot sees a change ----

    @OnBothArches
    void theHandBuiltBytesAreWhatTheCodecWrites(String arch) {
        MemoryRegion region = MemoryRegion.of(0, 0, List.of(ReceiverAttributes.of(2, RW_NX)),
                List.of(Constituent.of(A, 4), Constituent.of(B, 2)));
        assertArrayEquals(MemoryRegionCodec.encode(region), lend().bytes());
    }

    @OnBothArches
    void theBaseLendSucceedsAndTheSnapshotSeesItsChanges(String arch) {
        MachineFixture fixture = MachineFixture.create(arch);
        MachineFixture.Snapshot before = fixture.snapshot();

        SpciResult result = fixture.send(1, 2, lendMessage(lend()));

        assertTrue(result.isSuccess(), result::toString);
        MachineFixture.Snapshot after = fixture.snapshot();
        assertNotEquals(before.stage2().get(0), after.stage2().get(0), "the sender's table changed");
        assertNotEquals(before.stage2().get(1), after.stage2().get(1), "the receiver's table changed");
        assertEquals(before.memory(), after.memory(), "a lend without the clear flag keeps the contents");
        assertTrue(fixture.hypervisor().canAccess(2, B, Hypervisor.Access.WRITE));
        assertEquals(MachineFixture.pattern(B), fixture.hypervisor().read(2, B).orElseThrow());
    }

    @OnBothArches
    void aMessageOfExactlyTheMailboxSizeIsAccepted(String arch) {
        MachineFixture fixture = MachineFixture.create(arch);
        byte[] message = MemoryRegionCodec.encodeMessage(ShareType.LEND, spreadRegion(253, 40));
        assertEquals(4096, message.length);

        SpciResult result = fixture.send(1, 2, message);

        assertTrue(result.isSuccess(), result::toString);
        assertTrue(fixture.hypervisor().canAccess(2, A + 2 * 252 * PAGE, Hypervisor.Access.READ));
    }

    @OnBothArches
    void aConstituentEndingExactlyAtTheAddressSpaceEndIsAccepted(String arch) {
        MachineFixture fixture = MachineFixture.create(arch);
        long last = fixture.addressSpaceEnd() - PAGE;
        fixture.map(1, last, last + PAGE, RWX);

        SpciResult result = fixture.send(1, 2, lendMessage(RegionBytes.standard(2, RW_NX, 0, c(last, 1))));

        assertTrue(result.isSuccess(), result::toString);
        assertTrue(fixture.hypervisor().canAccess(2, last, Hypervisor.Access.WRITE));
    }

    // ---- constituents ----

    @OnBothArches
    void overlappingConstituentsAreRefused(String arch) {
        refused(arch, "overlaps", RegionBytes.standard(2, RW_NX, 0, c(A, 4), c(A + 2 * PAGE, 4)));
        refused(arch, "overlaps", RegionBytes.standard(2, RW_NX, 0, c(A + 2 * PAGE, 4), c(A, 4)));
        // The overlap is between the first and the last, with an unrelated one in between.
        refused(arch, "overlaps", RegionBytes.standard(2, RW_NX, 0, c(A, 8), c(B, 2), c(A + 7 * PAGE, 1)));
        // One constituent inside another.
        refused(arch, "overlaps", RegionBytes.standard(2, RW_NX, 0, c(A, 16), c(A + 4 * PAGE, 2)));
    }

    @OnBothArches
    void duplicateConstituentsAreRefused(String arch) {
        refused(arch, "overlaps", RegionBytes.standard(2, RW_NX, 0, c(A, 4), c(A, 4)));
        refused(arch, "overlaps", RegionBytes.standard(2, RW_NX, 0, c(B, 2), c(A, 1), c(B, 2)));
    }

    @OnBothArches
    void aConstituentCountWhose32BitSizeWrapsIsRefused(String arch) {
        // One constituent of 16 bytes, but constituent_count 2^28 + 1: 16 * count wraps to 16 in
        // 32 bits, so C's "offset + 16 * count == size" would hold.
        long count = 0x1000_0001L;
        RegionBytes region = RegionBytes.standard(2, RW_NX, 0, c(A, 4)).u32(CONSTITUENT_COUNT, count);
        assertEquals(region.length(), 32 + 16 * (int) count, "premise: the 32-bit size matches");
        refused(arch, "constituent_count", region);
    }

    @OnBothArches
    void anAttributeCountWhose32BitSizeWrapsIsRefused(String arch) {
        // attribute_count 2^30 + 1: 4 * count wraps to 4, so C's "24 + 4 * count <= offset" holds
        // with the standard offset of 32.
        long count = 0x4000_0001L;
        RegionBytes region = lend().u32(ATTRIBUTE_COUNT, count);
        assertTrue(24 + 4 * (int) count <= 32, "premise: the 32-bit bound holds");
        refused(arch, "attribute_count", region);
    }

    @OnBothArches
    void aConstituentOffsetWhose32BitSumWrapsIsRefused(String arch) {
        // 48 bytes whose constituent_offset is 2^32 - 16 with 4 constituents: offset + 64 wraps to
        // 48 in 32 bits, and the offset is 8-aligned and above 28.
        long offset = 0xFFFF_FFF0L;
        RegionBytes region = RegionBytes.standard(2, RW_NX, 0, c(A, 4))
                .u32(CONSTITUENT_OFFSET, offset).u32(CONSTITUENT_COUNT, 4);
        assertEquals(region.length(), (int) offset + 16 * 4, "premise: the 32-bit size matches");
        refused(arch, "constituent_offset", region);
    }

    @OnBothArches
    void aPageCountWhose32BitSumWrapsIsRefused(String arch) {
        // 2^31 + 2^31 pages: the uint32 sum is 0, and so is page_count.
        RegionBytes region = RegionBytes.standard(2, RW_NX, 0, c(0, 0x8000_0000L), c(1L << 43, 0x8000_0000L));
        assertEquals(0, region.u32(PAGE_COUNT), "premise: the 32-bit sum wrapped to page_count");
        refused(arch, "page_count", region, 0, 1L << 43);
    }

    @OnBothArches
    void aConstituentWhose64BitEndWrapsIsRefused(String arch) {
        long top = 0xFFFF_FFFF_FFFF_F000L;
        refused(arch, "2^64", RegionBytes.standard(2, RW_NX, 0, c(top, 2)), top);
        // Ends exactly at 2^64: its end is not a 64-bit value either.
        refused(arch, "2^64", RegionBytes.standard(2, RW_NX, 0, c(top, 1)), top);
        // Wraps round to end inside VM 1's memory, after a good constituent.
        long wrapsIntoA = 0xFFFF_FFFF_4000_1000L;
        RegionBytes region = RegionBytes.standard(2, RW_NX, 0, c(B, 2), c(wrapsIntoA, 0x10_0000L));
        assertEquals(A + PAGE, wrapsIntoA + 0x10_0000L * PAGE, "premise: the end wraps into VM 1's memory");
        refused(arch, "2^64", region, wrapsIntoA);
    }

    @OnBothArches
    void aPageCountThatIsNotTheSumIsRefused(String arch) {
        for (long pageCount : new long[] {7, 5, 0, 1, 0xFFFF_FFFFL}) {
            refused(arch, "page_count", lend().u32(PAGE_COUNT, pageCount));
        }
    }

    @OnBothArches
    void aReceiverFieldThatIsNotTheActualReceiverIsRefused(String arch) {
        for (int named : new int[] {3, 1, 0, 0xffff}) {
            refused(arch, "receiver", lend().u16(24, named));
        }
    }

    @OnBothArches
    void anUnalignedConstituentAddressIsRefused(String arch) {
        refused(arch, "aligned", RegionBytes.standard(2, RW_NX, 0, c(A + 0x800, 1)));
        refused(arch, "aligned", RegionBytes.standard(2, RW_NX, 0, c(A + 8, 4)));
        refused(arch, "aligned", RegionBytes.standard(2, RW_NX, 0, c(A + 1, 1)));
        refused(arch, "aligned", RegionBytes.standard(2, RW_NX, 0, c(A, 4), c(B + 0x10, 2)));
    }

    @OnBothArches
    void aConstituentOutsideTheAddressSpaceIsRefused(String arch) {
        MachineFixture probe = MachineFixture.create(arch);
        long end = probe.addressSpaceEnd();
        for (long[] outside : List.of(c(end, 1), c(end + PAGE, 1), c(1L << 48, 1), c(1L << 63, 1),
                c(0xFFFF_FFFF_FFFF_E000L, 1))) {
            refused(arch, "address space", RegionBytes.standard(2, RW_NX, 0, outside), outside[0]);
            refused(arch, "address space", RegionBytes.standard(2, RW_NX, 0, c(A, 4), outside), outside[0]);
        }
        // Starts at 0 but runs for 2^32 - 1 pages (16 TiB), past the end.
        refused(arch, "address space", RegionBytes.standard(2, RW_NX, 0, c(0, 0xFFFF_FFFFL)), 0);
        // Straddles the end, with the part inside the address space owned by VM 1.
        MachineFixture fixture = MachineFixture.create(arch);
        fixture.map(1, end - PAGE, end, RWX);
        fixture.fill(end - PAGE, end);
        fixture.assertRefusedWithoutChange(INVALID_PARAMETERS, "address space", 1, 2,
                lendMessage(RegionBytes.standard(2, RW_NX, 0, c(end - PAGE, 2))));
    }

    @OnBothArches
    void aZeroPageConstituentIsRefused(String arch) {
        refused(arch, "empty", RegionBytes.standard(2, RW_NX, 0, c(A, 0)));
        refused(arch, "empty", RegionBytes.standard(2, RW_NX, 0, c(A, 4), c(B, 0)));
    }

    @OnBothArches
    void zeroConstituentsAreRefused(String arch) {
        RegionBytes none = RegionBytes.standard(2, RW_NX, 0);
        assertEquals(32, none.length());
        refused(arch, "constituent", none);
        // constituent_count 0 but constituents present.
        refused(arch, "constituent_count", lend().u32(CONSTITUENT_COUNT, 0));
    }

    @OnBothArches
    void aMessageShorterThanItsHeaderIsRefused(String arch) {
        byte[] valid = lendMessage(lend());
        for (int size = 0; size < MemoryRegionCodec.HEADER_SIZE; size++) {
            MachineFixture.create(arch).assertRefusedWithoutChange(INVALID_PARAMETERS, "header", 1, 2,
                    Arrays.copyOf(valid, size));
            // The same through the send buffer, which holds the whole valid message.
            MachineFixture fixture = MachineFixture.create(arch);
            int shortSize = size;
            fixture.assertRefusedWithoutChange(INVALID_PARAMETERS, "header", 2,
                    () -> sendPrefix(fixture, valid, shortSize));
        }
        // A region shorter than its own 24-byte header.
        for (int size = 0; size < MemoryRegion.REGION_HEADER_SIZE; size++) {
            MachineFixture.create(arch).assertRefusedWithoutChange(INVALID_PARAMETERS, "header", 1, 2,
                    Arrays.copyOf(valid, MemoryRegionCodec.HEADER_SIZE + size));
        }
        MachineFixture fixture = MachineFixture.create(arch);
        fixture.assertRefusedWithoutChange(INVALID_PARAMETERS, "does not fit", 2,
                () -> sendPrefix(fixture, valid, -1));
    }

    @OnBothArches
    void aMessageLongerThanTheMailboxIsRefused(String arch) {
        byte[] valid = lendMessage(lend());
        MachineFixture.create(arch).assertRefusedWithoutChange(INVALID_PARAMETERS, "4096", 1, 2,
                Arrays.copyOf(valid, 4097));
        // A well-formed region of 254 constituents makes a 4112-byte message.
        byte[] tooLong = MemoryRegionCodec.encodeMessage(ShareType.LEND, spreadRegion(254, 40));
        assertEquals(4112, tooLong.length);
        MachineFixture.create(arch).assertRefusedWithoutChange(INVALID_PARAMETERS, "4096", 1, 2, tooLong);
        // Asking to send more than the send buffer holds, whatever is in it.
        byte[] full = MemoryRegionCodec.encodeMessage(ShareType.LEND, spreadRegion(253, 40));
        for (int size : new int[] {4097, 8192, Integer.MAX_VALUE}) {
            MachineFixture fixture = MachineFixture.create(arch);
            fixture.assertRefusedWithoutChange(INVALID_PARAMETERS, "4096", 2, () -> sendPrefix(fixture, full, size));
        }
    }

    @OnBothArches
    void anUnknownShareTypeIsRefused(String arch) {
        for (int type : new int[] {4, 5, 0x100, 0x7fff, 0xffff}) {
            MachineFixture.create(arch).assertRefusedWithoutChange(INVALID_PARAMETERS, "type", 1, 2,
                    MemoryRegionCodec.message(type, lend().bytes()));
        }
    }

    @OnBothArches
    void aSenderThatIsTheReceiverIsRefused(String arch) {
        for (int vm = 1; vm <= 3; vm++) {
            byte[] toItself = MemoryRegionCodec.message(LEND,
                    RegionBytes.standard(vm, RW_NX, 0, c(A, 4), c(B, 2)).bytes());
            MachineFixture.create(arch).assertRefusedWithoutChange(INVALID_PARAMETERS, "itself", vm, vm, toItself);
        }
        // Naming another VM as receiver does not help.
        MachineFixture.create(arch).assertRefusedWithoutChange(INVALID_PARAMETERS, "itself", 1, 1,
                lendMessage(lend()));
    }

    @OnBothArches
    void anUnknownVmIsRefused(String arch) {
        for (int unknown : new int[] {0, 4, 0xffff, -1, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
            int named = unknown & 0xffff;
            byte[] toUnknown = MemoryRegionCodec.message(LEND,
                    RegionBytes.standard(named, RW_NX, 0, c(A, 4), c(B, 2)).bytes());
            MachineFixture.create(arch).assertRefusedWithoutChange(INVALID_PARAMETERS, "no VM", 1, unknown, toUnknown);
            MachineFixture.create(arch).assertRefusedWithoutChange(INVALID_PARAMETERS, "no VM", unknown, 2,
                    lendMessage(lend()));
        }
    }

    // ---- the other structural rules of the region header ----

    @OnBothArches
    void theOtherHeaderRulesAreEnforced(String arch) {
        // constituent_offset not a multiple of 8 (with the length to match).
        refused(arch, "multiple of 8", RegionBytes.standard(2, RW_NX, 0, c(A, 4)).length(52)
                .u32(CONSTITUENT_OFFSET, 36).u64(36, A).u32(44, 4).u32(48, 0));
        // constituent_offset leaving no room for the attribute entries.
        refused(arch, "attribute_count", lend().u32(CONSTITUENT_OFFSET, 24).length(24 + 32));
        // No receiver, and two receivers.
        refused(arch, "attribute_count", lend().u32(ATTRIBUTE_COUNT, 0));
        refused(arch, "attribute_count", lend().u32(ATTRIBUTE_COUNT, 2).u16(28, 2).u16(30, RW_NX));
        // A trailing byte, and a missing one.
        RegionBytes region = lend();
        refused(arch, "constituent_count", lend().length(region.length() + 1));
        refused(arch, "constituent_count", lend().length(region.length() - 1));
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
    private static SpciResult sendPrefix(MachineFixture fixture, byte[] message, int size) {
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
