package org.memshare.engine.memory;

import static java.util.Objects.requireNonNull;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.memshare.api.addr.Addresses;
import org.memshare.api.addr.PhysicalAddress;
import org.memshare.api.memory.PhysicalMemory;

/**
 * The memory VMs read and write: sparse 4 KiB pages, created on first write. Memory never written
 * reads as zero, and zeroing a range drops the pages it covers whole, so clearing a GiB allocates
 * nothing. 8-byte accesses are atomic and visible across threads, as on a coherent machine.
 */
public final class SparsePhysicalMemory implements PhysicalMemory {
    private static final int PAGE = (int) Addresses.PAGE_SIZE;
    private static final VarHandle LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Pages by page number (address >>> 12), compared unsigned through a sign flip. */
    private final ConcurrentNavigableMap<Long, byte[]> pages = new ConcurrentSkipListMap<>();

    private static long key(long address) {
        return (address >>> Addresses.PAGE_BITS) ^ Long.MIN_VALUE;
    }

    private byte[] pageForWrite(long address) {
        return pages.computeIfAbsent(key(address), k -> new byte[PAGE]);
    }

    @Override
    public long read64(PhysicalAddress address) {
        long a = requireNonNull(address, "address is null").value();
        requireAligned(a);
        byte[] page = pages.get(key(a));
        return page == null ? 0 : (long) LONGS.getVolatile(page, (int) (a & (PAGE - 1)));
    }

    @Override
    public void write64(PhysicalAddress address, long value) {
        long a = requireNonNull(address, "address is null").value();
        requireAligned(a);
        LONGS.setVolatile(pageForWrite(a), (int) (a & (PAGE - 1)), value);
    }

    private static void requireAligned(long address) {
        if ((address & 7) != 0) {
            throw new IllegalArgumentException("8-byte access at unaligned address 0x" + Long.toHexString(address));
        }
    }

    @Override
    public void read(PhysicalAddress address, byte[] target, int offset, int length) {
        long a = address.value();
        int done = 0;
        while (done < length) {
            int inPage = (int) (a & (PAGE - 1));
            int chunk = Math.min(PAGE - inPage, length - done);
            byte[] page = pages.get(key(a));
            if (page == null) {
                Arrays.fill(target, offset + done, offset + done + chunk, (byte) 0);
            } else {
                System.arraycopy(page, inPage, target, offset + done, chunk);
            }
            done += chunk;
            a += chunk;
        }
    }

    @Override
    public void write(PhysicalAddress address, byte[] source, int offset, int length) {
        long a = address.value();
        int done = 0;
        while (done < length) {
            int inPage = (int) (a & (PAGE - 1));
            int chunk = Math.min(PAGE - inPage, length - done);
            System.arraycopy(source, offset + done, pageForWrite(a), inPage, chunk);
            done += chunk;
            a += chunk;
        }
    }

    @Override
    public void zero(PhysicalAddress address, long size) {
        requireNonNull(address, "address is null");
        long begin = address.value();
        if (size == 0) {
            return;
        }
        // The range stops at the top of the address space: it never wraps into low memory.
        long end = begin + size;
        boolean toTop = begin != 0 && Long.compareUnsigned(size, -begin) >= 0;
        long firstWhole = Addresses.roundUpToPage(begin);
        if (Long.compareUnsigned(firstWhole, begin) < 0) {
            // begin lies in the last page, so no whole page follows it.
            zeroPartial(begin, toTop ? 0 : end);
            return;
        }
        long lastWhole = toTop ? 0 : Addresses.roundDownToPage(end);
        if (!toTop && Long.compareUnsigned(firstWhole, lastWhole) >= 0) {
            zeroPartial(begin, end);
            return;
        }
        // Whole pages inside the range are dropped; the partial pages at either end are zeroed in place.
        zeroPartial(begin, firstWhole);
        dropPages(firstWhole, lastWhole);
        if (!toTop) {
            zeroPartial(lastWhole, end);
        }
    }

    private void dropPages(long begin, long end) {
        long from = key(begin);
        if (end == 0) {
            pages.tailMap(from, true).clear();
        } else {
            pages.subMap(from, true, key(end), false).clear();
        }
    }

    /** Zeroes {@code [begin, end)} within one page; an end of 0 means the end of that page at the top of memory. */
    private void zeroPartial(long begin, long end) {
        if (begin == end) {
            return;
        }
        byte[] page = pages.get(key(begin));
        if (page != null) {
            int from = (int) (begin & (PAGE - 1));
            int to = (end & (PAGE - 1)) == 0 ? PAGE : (int) (end & (PAGE - 1));
            Arrays.fill(page, from, to, (byte) 0);
        }
    }

    /** How many pages hold data (for tests that check clearing allocates nothing). */
    public int residentPages() {
        return pages.size();
    }
}
