package org.memshare.api.spci;

import static java.util.Objects.requireNonNull;
import static org.memshare.api.spci.MemoryRegionCodec.ATTRIBUTE_COUNT;
import static org.memshare.api.spci.MemoryRegionCodec.CONSTITUENT_COUNT;
import static org.memshare.api.spci.MemoryRegionCodec.CONSTITUENT_OFFSET;
import static org.memshare.api.spci.MemoryRegionCodec.FLAGS;
import static org.memshare.api.spci.MemoryRegionCodec.INT;
import static org.memshare.api.spci.MemoryRegionCodec.LONG;
import static org.memshare.api.spci.MemoryRegionCodec.PAGE_COUNT;
import static org.memshare.api.spci.MemoryRegionCodec.SHORT;
import static org.memshare.api.spci.MemoryRegionCodec.TAG;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A memory region descriptor checked and read in place: {@link #read} applies exactly the rules
 * of {@link MemoryRegionCodec#decode(byte[], int, int)}, in the same order and with the same
 * reasons (the codec's decode is a read followed by {@link #toRegion()}), and the accessors then
 * read the fields from the bytes, so no {@link MemoryRegion}, {@link Constituent} or list is
 * built. A caller that handles many descriptors (a hypervisor's send path) keeps one view and
 * reads each descriptor into it: a well-formed descriptor whose constituents are in address order
 * allocates nothing, and one out of order only grows the view's sort space to the largest count
 * seen.
 *
 * <p>The view does not copy the bytes: they must not change while it is used, and it must be read
 * again after they do. A view is not thread-safe; give each thread its own.
 *
 * @since the send path's allocation work (issue 8); {@link MemoryRegionCodec#decode} keeps working
 *     as before
 */
public final class RegionView {


    /** The bytes of the last well-formed descriptor read, or null when there is none. */
    private byte[] bytes;
    private int offset;
    private int count;
    private int constituentOffset;
    /** Index sort space for constituents out of address order, grown as needed. */
    private int[] order = new int[0];
    private int[] merge = new int[0];

    /** An empty view: read a descriptor before asking for any field. */
    public RegionView() {
    }

    /**
     * Checks the region in {@code bytes[offset, offset + length)} by the codec's rules and, if it
     * passes, points the view at it. Never throws but for a null array.
     *
     * @return empty if the region is well formed (the view now reads it), or the rejection
     *     {@link MemoryRegionCodec#decode(byte[], int, int)} answers for the same bytes (the view
     *     is then empty)
     */
    public Optional<Decoded.Rejected> read(byte[] bytes, int offset, int length) {
        requireNonNull(bytes, "bytes is null");
        this.bytes = null;
        Decoded.Rejected rejected = check(bytes, offset, length);
        if (rejected != null) {
            return Optional.of(rejected);
        }
        this.bytes = bytes;
        this.offset = offset;
        this.count = (int) u32(bytes, offset + CONSTITUENT_COUNT);
        this.constituentOffset = (int) u32(bytes, offset + CONSTITUENT_OFFSET);
        return Optional.empty();
    }

    /** Whether the last {@link #read} found a well-formed region. */
    public boolean isRead() {
        return bytes != null;
    }

    public int tag() {
        return (int) INT.get(bytes(), offset + TAG);
    }

    public int flags() {
        return (int) INT.get(bytes(), offset + FLAGS);
    }

    /** Whether flag bit 0 ({@link MemoryRegion#FLAG_CLEAR}) is set. */
    public boolean clearRequested() {
        return (flags() & MemoryRegion.FLAG_CLEAR) != 0;
    }

    /** The page_count field, which a well-formed region has equal to the constituents' sum. */
    public long pageCount() {
        return u32(bytes(), offset + PAGE_COUNT);
    }

    public int constituentOffset() {
        bytes();
        return constituentOffset;
    }

    /** The VM named by the region's one receiver entry. */
    public int receiver() {
        return u16(bytes(), offset + MemoryRegion.REGION_HEADER_SIZE);
    }

    /** The raw memory_attributes of the receiver entry ({@code new MemoryAttributes(value)} reads it). */
    public int receiverAttributes() {
        return u16(bytes(), offset + MemoryRegion.REGION_HEADER_SIZE + 2);
    }

    /** The number of constituents, at least 1. */
    public int constituentCount() {
        bytes();
        return count;
    }

    /** Constituent {@code index}'s address: 4096-aligned, its run ending below 2^64. */
    public long constituentAddress(int index) {
        return (long) LONG.get(bytes(), at(index));
    }

    /** Constituent {@code index}'s page count, at least 1. */
    public long constituentPageCount(int index) {
        return u32(bytes(), at(index) + 8);
    }

    /** Constituent {@code index}'s reserved word, raw. */
    public int constituentReserved(int index) {
        return (int) INT.get(bytes(), at(index) + 12);
    }

    /** The region as {@link MemoryRegionCodec#decode(byte[], int, int)} gives it: objects, built now. */
    public MemoryRegion toRegion() {
        bytes();
        List<Constituent> constituents = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            constituents.add(new Constituent(constituentAddress(i), constituentPageCount(i), constituentReserved(i)));
        }
        ReceiverAttributes receiver = new ReceiverAttributes(receiver(), new MemoryAttributes(receiverAttributes()));
        return new MemoryRegion(tag(), flags(), pageCount(), constituentOffset, List.of(receiver), constituents);
    }

    private byte[] bytes() {
        if (bytes == null) {
            throw new IllegalStateException("no well-formed region has been read into this view");
        }
        return bytes;
    }

    private int at(int index) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("constituent " + index + " of " + count);
        }
        return offset + constituentOffset + Constituent.SIZE * index;
    }

    /** The codec's rules in order (see {@link MemoryRegionCodec}); null if they all pass. */
    private Decoded.Rejected check(byte[] bytes, int offset, int length) {
        if (offset < 0 || length < 0 || offset > bytes.length - length) {
            return reject("the slice at offset %d of length %d does not lie inside the %d-byte input",
                    offset, length, bytes.length);
        }
        if (length < MemoryRegion.REGION_HEADER_SIZE) {
            return reject("the region is %d bytes, shorter than its %d-byte header",
                    length, MemoryRegion.REGION_HEADER_SIZE);
        }
        long pageCount = u32(bytes, offset + PAGE_COUNT);
        long constituentCount = u32(bytes, offset + CONSTITUENT_COUNT);
        long constituentOffset = u32(bytes, offset + CONSTITUENT_OFFSET);
        long attributeCount = u32(bytes, offset + ATTRIBUTE_COUNT);

        // Every size below is at most 2^32 * 16 + 2^32, far from overflowing a long.
        if (constituentOffset % MemoryRegion.CONSTITUENT_ALIGNMENT != 0) {
            return reject("constituent_offset %d is not a multiple of %d",
                    constituentOffset, MemoryRegion.CONSTITUENT_ALIGNMENT);
        }
        long attributesEnd = MemoryRegion.REGION_HEADER_SIZE + ReceiverAttributes.SIZE * attributeCount;
        if (constituentOffset < attributesEnd) {
            return reject("constituent_offset %d is less than %d + %d * attribute_count %d = %d",
                    constituentOffset, MemoryRegion.REGION_HEADER_SIZE, ReceiverAttributes.SIZE,
                    attributeCount, attributesEnd);
        }
        long expectedLength = constituentOffset + Constituent.SIZE * constituentCount;
        if (length != expectedLength) {
            return reject("the region is %d bytes, not constituent_offset %d + %d * constituent_count %d = %d",
                    length, constituentOffset, Constituent.SIZE, constituentCount, expectedLength);
        }
        if (attributeCount != 1) {
            return reject("attribute_count is %d, not 1: exactly one receiver is supported", attributeCount);
        }
        if (constituentCount == 0) {
            return reject("constituent_count is 0: a region needs at least one constituent");
        }

        // From here on every read lies inside the slice: length == constituentOffset + 16 * count,
        // and constituentOffset >= 28.
        int n = (int) constituentCount;
        int base = offset + (int) constituentOffset;
        long sum = 0;
        boolean inOrder = true;
        long previous = 0;
        for (int i = 0; i < n; i++) {
            int at = base + Constituent.SIZE * i;
            long address = (long) LONG.get(bytes, at);
            long pages = u32(bytes, at + 8);
            if (pages == 0) {
                return reject("constituent %d (0x%x) is empty: 0 pages", i, address);
            }
            if (address % Constituent.PAGE_SIZE != 0) {
                return reject("%s is not aligned to %d bytes", describe(i, address, pages), Constituent.PAGE_SIZE);
            }
            long end = address + pages * Constituent.PAGE_SIZE;
            if (Long.compareUnsigned(end, address) <= 0) {
                return reject("%s ends past 2^64: its end wraps to 0x%x", describe(i, address, pages), end);
            }
            if (i > 0 && Long.compareUnsigned(previous, address) > 0) {
                inOrder = false;
            }
            previous = address;
            sum += pages;
        }
        Decoded.Rejected overlap = inOrder ? firstOverlapInOrder(bytes, base, n) : firstOverlapSorted(bytes, base, n);
        if (overlap != null) {
            return overlap;
        }
        if (sum != pageCount) {
            return reject("page_count is %d but the constituents' page counts add up to %d%s", pageCount, sum,
                    sum > Constituent.MAX_PAGE_COUNT ? " (more than a uint32 holds)" : "");
        }
        return null;
    }

    /**
     * The first overlap between neighbours in address order, reported as "the later constituent
     * (by index) overlaps the earlier one". The constituents are non-empty and do not wrap, so in
     * address order any overlap shows up between neighbours. Here they already are in that order
     * (ties in index order), as senders usually give them: no sort.
     */
    private static Decoded.Rejected firstOverlapInOrder(byte[] bytes, int base, int n) {
        for (int k = 1; k < n; k++) {
            Decoded.Rejected overlap = overlap(bytes, base, k - 1, k);
            if (overlap != null) {
                return overlap;
            }
        }
        return null;
    }

    /** {@link #firstOverlapInOrder} after a stable sort of the indices by address (so ties keep index order). */
    private Decoded.Rejected firstOverlapSorted(byte[] bytes, int base, int n) {
        if (order.length < n) {
            order = new int[n];
            merge = new int[n];
        }
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        sort(bytes, base, 0, n);
        for (int k = 1; k < n; k++) {
            Decoded.Rejected overlap = overlap(bytes, base, order[k - 1], order[k]);
            if (overlap != null) {
                return overlap;
            }
        }
        return null;
    }

    /** A stable merge sort of {@code order[from, to)} by unsigned address. */
    private void sort(byte[] bytes, int base, int from, int to) {
        if (to - from < 2) {
            return;
        }
        int middle = (from + to) >>> 1;
        sort(bytes, base, from, middle);
        sort(bytes, base, middle, to);
        if (Long.compareUnsigned(address(bytes, base, order[middle - 1]), address(bytes, base, order[middle])) <= 0) {
            return;
        }
        System.arraycopy(order, from, merge, from, to - from);
        int left = from;
        int right = middle;
        for (int k = from; k < to; k++) {
            if (right >= to || (left < middle
                    && Long.compareUnsigned(address(bytes, base, merge[left]), address(bytes, base, merge[right])) <= 0)) {
                order[k] = merge[left++];
            } else {
                order[k] = merge[right++];
            }
        }
    }

    /** The rejection if constituent {@code current}, next after {@code previous} in address order, overlaps it; else null. */
    private static Decoded.Rejected overlap(byte[] bytes, int base, int previous, int current) {
        long before = address(bytes, base, previous);
        long beforeEnd = before + pages(bytes, base, previous) * Constituent.PAGE_SIZE;
        if (Long.compareUnsigned(address(bytes, base, current), beforeEnd) < 0) {
            int later = Math.max(previous, current);
            int earlier = Math.min(previous, current);
            return reject("%s overlaps %s", describe(later, address(bytes, base, later), pages(bytes, base, later)),
                    describe(earlier, address(bytes, base, earlier), pages(bytes, base, earlier)));
        }
        return null;
    }

    private static long address(byte[] bytes, int base, int index) {
        return (long) LONG.get(bytes, base + Constituent.SIZE * index);
    }

    private static long pages(byte[] bytes, int base, int index) {
        return u32(bytes, base + Constituent.SIZE * index + 8);
    }

    /** "constituent 2 (0x1000, 3 pages)". */
    private static String describe(int index, long address, long pages) {
        return String.format("constituent %d (0x%x, %d page%s)", index, address, pages, pages == 1 ? "" : "s");
    }

    private static int u16(byte[] bytes, int at) {
        return Short.toUnsignedInt((short) SHORT.get(bytes, at));
    }

    private static long u32(byte[] bytes, int at) {
        return Integer.toUnsignedLong((int) INT.get(bytes, at));
    }

    private static Decoded.Rejected reject(String format, Object... values) {
        return new Decoded.Rejected(SpciError.INVALID_PARAMETERS, String.format(format, values));
    }
}
