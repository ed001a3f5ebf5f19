package org.memshare.api.spci;

import static java.util.Objects.requireNonNull;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The object decoder as it was before {@link RegionView} (constituents decoded into records, then
 * checked), kept verbatim as the oracle the in-place view is compared with: same verdict, same
 * reason, same region.
 */
final class ObjectDecoderReference {

    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private static final int TAG = 0;
    private static final int FLAGS = 4;
    private static final int PAGE_COUNT = 8;
    private static final int CONSTITUENT_COUNT = 12;
    private static final int CONSTITUENT_OFFSET = 16;
    private static final int ATTRIBUTE_COUNT = 20;

    private ObjectDecoderReference() {
    }

    static Decoded decode(byte[] bytes, int offset, int length) {
        requireNonNull(bytes, "bytes is null");
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
        ReceiverAttributes receiver = new ReceiverAttributes(
                u16(bytes, offset + MemoryRegion.REGION_HEADER_SIZE),
                new MemoryAttributes(u16(bytes, offset + MemoryRegion.REGION_HEADER_SIZE + 2)));
        int count = (int) constituentCount;
        int base = offset + (int) constituentOffset;
        List<Constituent> constituents = new ArrayList<>(count);
        long sum = 0;
        for (int i = 0; i < count; i++) {
            int at = base + Constituent.SIZE * i;
            Constituent c = new Constituent((long) LONG.get(bytes, at), u32(bytes, at + 8), (int) INT.get(bytes, at + 12));
            if (c.pageCount() == 0) {
                return reject("constituent %d (0x%x) is empty: 0 pages", i, c.address());
            }
            if (c.address() % Constituent.PAGE_SIZE != 0) {
                return reject("%s is not aligned to %d bytes", describe(i, c), Constituent.PAGE_SIZE);
            }
            if (c.endOverflows()) {
                return reject("%s ends past 2^64: its end wraps to 0x%x", describe(i, c), c.end());
            }
            constituents.add(c);
            sum += c.pageCount();
        }
        Optional<Decoded> overlap = findOverlap(constituents);
        if (overlap.isPresent()) {
            return overlap.get();
        }
        if (sum != pageCount) {
            return reject("page_count is %d but the constituents' page counts add up to %d%s", pageCount, sum,
                    sum > Constituent.MAX_PAGE_COUNT ? " (more than a uint32 holds)" : "");
        }
        int tag = (int) INT.get(bytes, offset + TAG);
        int flags = (int) INT.get(bytes, offset + FLAGS);
        return new Decoded.Ok(new MemoryRegion(tag, flags, pageCount, (int) constituentOffset,
                List.of(receiver), constituents));
    }

    /**
     * The first overlap between constituents in address order, reported as "the later constituent
     * (by index) overlaps the earlier one". The constituents are non-empty and do not wrap, so
     * sorting them by start address makes any overlap show up between neighbours.
     */
    private static Optional<Decoded> findOverlap(List<Constituent> constituents) {
        int n = constituents.size();
        if (inAddressOrder(constituents)) {
            // Already the sorted order (ties keep index order), as senders usually give it: no sort.
            for (int k = 1; k < n; k++) {
                Decoded overlap = overlap(constituents, k - 1, k);
                if (overlap != null) {
                    return Optional.of(overlap);
                }
            }
            return Optional.empty();
        }
        Integer[] order = new Integer[n];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> {
            int byAddress = Long.compareUnsigned(constituents.get(a).address(), constituents.get(b).address());
            return byAddress != 0 ? byAddress : Integer.compare(a, b);
        });
        for (int k = 1; k < n; k++) {
            Decoded overlap = overlap(constituents, order[k - 1], order[k]);
            if (overlap != null) {
                return Optional.of(overlap);
            }
        }
        return Optional.empty();
    }

    /** Whether the constituents' start addresses never decrease. */
    private static boolean inAddressOrder(List<Constituent> constituents) {
        for (int k = 1; k < constituents.size(); k++) {
            if (Long.compareUnsigned(constituents.get(k - 1).address(), constituents.get(k).address()) > 0) {
                return false;
            }
        }
        return true;
    }

    /** The rejection if constituent {@code current}, next after {@code previous} in address order, overlaps it; else null. */
    private static Decoded overlap(List<Constituent> constituents, int previous, int current) {
        Constituent before = constituents.get(previous);
        if (Long.compareUnsigned(constituents.get(current).address(), before.end()) < 0) {
            int later = Math.max(previous, current);
            int earlier = Math.min(previous, current);
            return reject("%s overlaps %s", describe(later, constituents.get(later)),
                    describe(earlier, constituents.get(earlier)));
        }
        return null;
    }

    /** "constituent 2 (0x1000, 3 pages)". */
    private static String describe(int index, Constituent c) {
        return String.format("constituent %d (0x%x, %d page%s)", index, c.address(), c.pageCount(),
                c.pageCount() == 1 ? "" : "s");
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
