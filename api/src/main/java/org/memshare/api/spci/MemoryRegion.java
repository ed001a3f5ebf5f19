package org.memshare.api.spci;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * An SPCI memory region descriptor: the part of a memory-sharing message after its 8-byte header.
 * Little-endian, offsets in bytes from the region's start:
 *
 * <pre>
 * 0                   uint32 tag                 (implementation defined; not checked)
 * 4                   uint32 flags               (bit 0 {@link #FLAG_CLEAR}; bits 1-31 not checked)
 * 8                   uint32 page_count          (the sum of the constituents' page counts)
 * 12                  uint32 constituent_count
 * 16                  uint32 constituent_offset  (a multiple of 8, at least 24 + 4 * attribute_count)
 * 20                  uint32 attribute_count
 * 24                  attribute_count   x {@link ReceiverAttributes} (4 bytes each)
 *                     zero padding up to constituent_offset
 * constituent_offset  constituent_count x {@link Constituent} (16 bytes each)
 * </pre>
 *
 * <p>The record holds any descriptor that can be encoded: the constructor checks field ranges
 * and that constituent_offset is a multiple of 8 leaving room for the attributes, nothing more.
 * The protocol's rules (one receiver, at least one constituent, aligned, non-empty, disjoint,
 * a page_count that is the sum) are checked when bytes are decoded, by
 * {@link MemoryRegionCodec#decode(byte[], int, int)}; a record may break them, so that tests and
 * traces can build bad descriptors.
 *
 * @param tag the tag, raw 32 bits
 * @param flags the flags, raw 32 bits
 * @param pageCount the page_count field, 0 to 2^32-1 (not checked against the constituents)
 * @param constituentOffset where the constituents start, from the region's start
 * @param attributes the attribute entries, in order; copied
 * @param constituents the constituents, in order; copied
 */
public record MemoryRegion(int tag, int flags, long pageCount, int constituentOffset,
        List<ReceiverAttributes> attributes, List<Constituent> constituents) {

    /** Flag bit 0: clear (zero) the memory before the receiver gets it. */
    public static final int FLAG_CLEAR = 1;
    /** The size in bytes of the fixed header, before the attribute entries. */
    public static final int REGION_HEADER_SIZE = 24;
    /** constituent_offset and the constituents' addresses within the region are aligned to this. */
    public static final int CONSTITUENT_ALIGNMENT = 8;

    public MemoryRegion {
        if (pageCount < 0 || pageCount > Constituent.MAX_PAGE_COUNT) {
            throw new IllegalArgumentException("pageCount must be a uint32 (0 to 0xffffffff), was " + pageCount);
        }
        attributes = copy(attributes, "attributes");
        constituents = copy(constituents, "constituents");
        long minimumOffset = REGION_HEADER_SIZE + (long) ReceiverAttributes.SIZE * attributes.size();
        if (constituentOffset < minimumOffset) {
            throw new IllegalArgumentException("constituentOffset " + constituentOffset + " leaves no room for "
                    + attributes.size() + " attribute entries (needs at least " + minimumOffset + ")");
        }
        if (constituentOffset % CONSTITUENT_ALIGNMENT != 0) {
            throw new IllegalArgumentException(
                    "constituentOffset must be a multiple of 8, was " + constituentOffset);
        }
        long size = constituentOffset + (long) Constituent.SIZE * constituents.size();
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("the region would be " + size + " bytes, too large to encode");
        }
    }

    /**
     * The region {@code spci_memory_init} would build: page_count is the sum of the constituents'
     * page counts modulo 2^32 (it wraps, as the C code's {@code uint32_t} sum does),
     * constituent_offset is {@code 24 + 4 * attributes.size()} rounded up to 8 (32 for one
     * receiver), and every constituent's reserved word is zero. Nothing is validated beyond what
     * the constructor checks, so bad constituents are kept as given.
     */
    public static MemoryRegion of(int tag, int flags, List<ReceiverAttributes> attributes,
            List<Constituent> constituents) {
        requireNonNull(attributes, "attributes is null");
        requireNonNull(constituents, "constituents is null");
        long pageCount = 0;
        List<Constituent> cleared = new ArrayList<>(constituents.size());
        for (int i = 0; i < constituents.size(); i++) {
            Constituent c = constituents.get(i);
            if (c == null) {
                throw new NullPointerException("constituents[" + i + "] is null");
            }
            pageCount = (pageCount + c.pageCount()) & Constituent.MAX_PAGE_COUNT;
            cleared.add(c.reserved() == 0 ? c : Constituent.of(c.address(), c.pageCount()));
        }
        long offset = alignUp(REGION_HEADER_SIZE + (long) ReceiverAttributes.SIZE * attributes.size());
        if (offset > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("too many attribute entries: " + attributes.size());
        }
        return new MemoryRegion(tag, flags, pageCount, (int) offset, attributes, cleared);
    }

    /** Whether flag bit 0 ({@link #FLAG_CLEAR}) is set. */
    public boolean clearRequested() {
        return (flags & FLAG_CLEAR) != 0;
    }

    /** The encoded size in bytes: {@code constituentOffset + 16 * constituents().size()}. */
    public int sizeBytes() {
        return constituentOffset + Constituent.SIZE * constituents.size();
    }

    private static long alignUp(long value) {
        return (value + CONSTITUENT_ALIGNMENT - 1) & -CONSTITUENT_ALIGNMENT;
    }

    private static <T> List<T> copy(List<T> list, String name) {
        if (list == null) {
            // Not requireNonNull(list, name + " is null"): that built the message for every region.
            throw new NullPointerException(name + " is null");
        }
        for (int i = 0; i < list.size(); i++) {
            // The message is built only for a null: building it for every element cost a decode
            // of 64 constituents 64 string concatenations.
            if (list.get(i) == null) {
                throw new NullPointerException(name + "[" + i + "] is null");
            }
        }
        return List.copyOf(list);
    }
}
