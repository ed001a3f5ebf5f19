package org.memshare.engine.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.memshare.api.addr.PhysicalAddress;

/** The sparse memory VMs read and write: zero until written, pages dropped when zeroed whole. */
class SparsePhysicalMemoryTest {
    private final SparsePhysicalMemory memory = new SparsePhysicalMemory();

    private static PhysicalAddress pa(long value) {
        return PhysicalAddress.of(value);
    }

    @Test
    void memoryNeverWrittenReadsAsZeroAndCostsNothing() {
        assertEquals(0, memory.read64(pa(0xffff_ffff_ffff_f000L)));
        byte[] bytes = {1, 2, 3};
        memory.read(pa(0x1234), bytes, 0, 3);
        assertArrayEquals(new byte[3], bytes);
        assertEquals(0, memory.residentPages());
    }

    @Test
    void a64BitWriteIsLittleEndianAndReadsBack() {
        memory.write64(pa(0x2008), 0x0102_0304_0506_0708L);
        assertEquals(0x0102_0304_0506_0708L, memory.read64(pa(0x2008)));
        byte[] bytes = new byte[8];
        memory.read(pa(0x2008), bytes, 0, 8);
        assertArrayEquals(new byte[] {8, 7, 6, 5, 4, 3, 2, 1}, bytes);
        assertEquals(1, memory.residentPages());
    }

    @Test
    void unalignedWordAccessIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> memory.read64(pa(0x1004)));
        assertThrows(IllegalArgumentException.class, () -> memory.write64(pa(0x1001), 1));
    }

    @Test
    void byteCopiesCrossPageBoundaries() {
        byte[] source = new byte[10];
        for (int i = 0; i < source.length; i++) {
            source[i] = (byte) (i + 1);
        }
        memory.write(pa(0x1ffb), source, 0, source.length);
        assertEquals(2, memory.residentPages());
        byte[] back = new byte[10];
        memory.read(pa(0x1ffb), back, 0, back.length);
        assertArrayEquals(source, back);
    }

    @Test
    void zeroingDropsWholePagesAndClearsPartialOnesInPlace() {
        for (long a = 0x1000; a < 0x5000; a += 8) {
            memory.write64(pa(a), -1L);
        }
        assertEquals(4, memory.residentPages());
        // Zero from the middle of page 1 to the middle of page 4: pages 2 and 3 go, 1 and 4 stay.
        memory.zero(pa(0x1800), 0x4800 - 0x1800);
        assertEquals(2, memory.residentPages());
        assertEquals(-1L, memory.read64(pa(0x17f8)));
        assertEquals(0, memory.read64(pa(0x1800)));
        assertEquals(0, memory.read64(pa(0x3000)));
        assertEquals(0, memory.read64(pa(0x47f8)));
        assertEquals(-1L, memory.read64(pa(0x4800)));
    }

    @Test
    void zeroingAGibibyteAllocatesNothing() {
        memory.write64(pa(0x4000_0000L), 42);
        memory.write64(pa(0x7fff_fff8L), 43);
        memory.zero(pa(0x4000_0000L), 1L << 30);
        assertEquals(0, memory.residentPages());
        assertEquals(0, memory.read64(pa(0x7fff_fff8L)));
    }

    @Test
    void zeroingWithinOnePageTouchesOnlyThatRange() {
        memory.write64(pa(0x9000), 5);
        memory.write64(pa(0x9008), 6);
        memory.write64(pa(0x9010), 7);
        memory.zero(pa(0x9008), 8);
        assertEquals(5, memory.read64(pa(0x9000)));
        assertEquals(0, memory.read64(pa(0x9008)));
        assertEquals(7, memory.read64(pa(0x9010)));
    }

    @Test
    void zeroingWithinTheLastPageTouchesNothingElse() {
        memory.write64(pa(0x8000_0000L), 9);
        memory.write64(pa(0xffff_ffff_ffff_ff00L), 1);
        memory.write64(pa(0xffff_ffff_ffff_ff80L), 2);
        memory.zero(pa(0xffff_ffff_ffff_ff00L), 0x80);
        assertEquals(0, memory.read64(pa(0xffff_ffff_ffff_ff00L)));
        assertEquals(2, memory.read64(pa(0xffff_ffff_ffff_ff80L)), "beyond the range");
        assertEquals(9, memory.read64(pa(0x8000_0000L)), "other pages stay");
        memory.zero(pa(0xffff_ffff_ffff_ff00L), 0x1000);
        assertEquals(0, memory.read64(pa(0xffff_ffff_ffff_ff80L)), "a range past the top stops there");
        assertEquals(9, memory.read64(pa(0x8000_0000L)));
    }

    @Test
    void zeroingFromAddressZeroIsAnOrdinaryRange() {
        memory.write64(pa(0), 1);
        memory.write64(pa(0x1000), 2);
        memory.zero(pa(0), 0x1000);
        assertEquals(0, memory.read64(pa(0)));
        assertEquals(2, memory.read64(pa(0x1000)));
    }

    @Test
    void zeroingUpToTheTopOfTheAddressSpaceWrapsLikeC() {
        memory.write64(pa(0xffff_ffff_ffff_e000L), 1);
        memory.write64(pa(0xffff_ffff_ffff_fff8L), 2);
        memory.write64(pa(0x1000), 3);
        // A range that ends exactly at 2^64 (its end wraps to 0).
        memory.zero(pa(0xffff_ffff_ffff_e000L), 0x2000);
        assertEquals(0, memory.read64(pa(0xffff_ffff_ffff_e000L)));
        assertEquals(0, memory.read64(pa(0xffff_ffff_ffff_fff8L)));
        assertEquals(3, memory.read64(pa(0x1000)), "the wrap must not reach low memory");
    }
}
