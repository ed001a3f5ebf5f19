package org.memshare.api.spci;

import static java.util.Objects.requireNonNull;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * Encodes and decodes SPCI memory-sharing messages, little-endian.
 *
 * <p>An architected message is an 8-byte header followed by a memory region (laid out as
 * {@link MemoryRegion} describes):
 *
 * <pre>
 * 0  uint16 type         ({@link ShareType#code()}: 0 donate, 1 lend, 2 share, 3 relinquish)
 * 2  uint16 reserved[3]  (written as zero, never read)
 * 8  the memory region
 * </pre>
 *
 * <p>Encoding writes a {@link MemoryRegion} byte for byte as Hafnium's {@code spci_memory_init}
 * lays it out, padding between the attributes and constituent_offset included (zero).
 *
 * <p>Decoding applies every structural rule of the protocol, in this order, and answers
 * {@link SpciError#INVALID_PARAMETERS} with a reason naming the rule and the values for the first
 * one broken:
 * <ol>
 * <li>the region holds at least the 24-byte fixed header;
 * <li>constituent_offset is a multiple of 8;
 * <li>constituent_offset is at least 24 + 4 x attribute_count;
 * <li>the region's length is exactly constituent_offset + 16 x constituent_count;
 * <li>attribute_count is 1 (one receiver);
 * <li>constituent_count is at least 1;
 * <li>each constituent, in order, has a non-zero page count, a 4096-aligned address, and an end
 *     (address + 4096 x page count) that is a 64-bit value: a run reaching 2^64 or beyond is
 *     rejected (see {@link Constituent#endOverflows()});
 * <li>no two constituents overlap (equal ones included);
 * <li>page_count equals the sum of the constituents' page counts.
 * </ol>
 * Nothing else is checked: the tag, flag bits 1-31, the attribute bits other than access, the
 * constituents' reserved words and the padding are taken as they are. Whether the receiver entry
 * names the actual receiver, whether the share type is known, and everything that depends on the
 * page tables are the sharing engine's to check.
 *
 * <p>memshare is stricter than Hafnium's seed (commit 7fbbf2e3), which computed the sizes in
 * 32 bits (so an attribute or constituent count whose product wrapped slipped through), never
 * compared page_count with the constituents, let a constituent's end wrap past 2^64, and did not
 * look for overlapping constituents. Here every size is computed in 64 bits, a count whose 32-bit
 * product or sum would wrap is rejected, and a decode never reads past the end of its input.
 * Decoding never throws, whatever the bytes (a null array excepted).
 *
 * <p>{@link RegionView} applies the same rules in place and reads the fields from the bytes, for
 * callers that must not build objects per descriptor; {@code decode} is a view's read followed by
 * {@link RegionView#toRegion()}, so both always agree.
 */
public final class MemoryRegionCodec {

    /** The size in bytes of the architected message header before the region. */
    public static final int HEADER_SIZE = 8;
    /** The size in bytes of a VM's mailbox: no message may be longer. */
    public static final int MAILBOX_SIZE = 4096;

    // Little-endian access and the region header's field offsets, shared with RegionView.
    static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    static final int TAG = 0;
    static final int FLAGS = 4;
    static final int PAGE_COUNT = 8;
    static final int CONSTITUENT_COUNT = 12;
    static final int CONSTITUENT_OFFSET = 16;
    static final int ATTRIBUTE_COUNT = 20;

    private MemoryRegionCodec() {
    }

    /** The region's bytes, {@link MemoryRegion#sizeBytes()} of them. */
    public static byte[] encode(MemoryRegion region) {
        requireNonNull(region, "region is null");
        byte[] out = new byte[region.sizeBytes()];
        write(region, out, 0);
        return out;
    }

    /** The whole message: the 8-byte header carrying {@code type}, then the encoded region. */
    public static byte[] encodeMessage(ShareType type, MemoryRegion region) {
        requireNonNull(type, "type is null");
        return encodeMessage(type.code(), region);
    }

    /**
     * The whole message: the 8-byte header carrying {@code type}, then the encoded region.
     *
     * @param type the header's type field, any uint16 (unknown types are the engine's to reject)
     * @throws IllegalArgumentException if {@code type} is not 0 to 0xffff
     */
    public static byte[] encodeMessage(int type, MemoryRegion region) {
        checkType(type);
        requireNonNull(region, "region is null");
        int size = region.sizeBytes();
        if (size > Integer.MAX_VALUE - HEADER_SIZE) {
            throw new IllegalArgumentException("the region is " + size + " bytes, too large for a message");
        }
        byte[] out = new byte[HEADER_SIZE + size];
        SHORT.set(out, 0, (short) type);
        write(region, out, HEADER_SIZE);
        return out;
    }

    /**
     * The message made of the 8-byte header carrying {@code type} and then {@code regionBytes}
     * exactly as given, well formed or not.
     *
     * @param type the header's type field, any uint16
     * @throws IllegalArgumentException if {@code type} is not 0 to 0xffff
     */
    public static byte[] message(int type, byte[] regionBytes) {
        checkType(type);
        requireNonNull(regionBytes, "regionBytes is null");
        if (regionBytes.length > Integer.MAX_VALUE - HEADER_SIZE) {
            throw new IllegalArgumentException("the region is " + regionBytes.length + " bytes, too large for a message");
        }
        byte[] out = new byte[HEADER_SIZE + regionBytes.length];
        writeMessage(type, regionBytes, out);
        return out;
    }

    /**
     * {@link #message(int, byte[])} written at the start of {@code into} instead of a new array,
     * for a caller that sends many messages from one buffer of its own.
     *
     * @return the message's length, {@code 8 + regionBytes.length}
     * @throws IllegalArgumentException if {@code type} is not 0 to 0xffff, or {@code into} is
     *     shorter than the message
     */
    public static int writeMessage(int type, byte[] regionBytes, byte[] into) {
        checkType(type);
        requireNonNull(regionBytes, "regionBytes is null");
        requireNonNull(into, "into is null");
        if (regionBytes.length > into.length - HEADER_SIZE) {
            throw new IllegalArgumentException("a message of " + ((long) HEADER_SIZE + regionBytes.length)
                    + " bytes does not fit " + into.length + " bytes");
        }
        java.util.Arrays.fill(into, 0, HEADER_SIZE, (byte) 0);
        SHORT.set(into, 0, (short) type);
        System.arraycopy(regionBytes, 0, into, HEADER_SIZE, regionBytes.length);
        return HEADER_SIZE + regionBytes.length;
    }

    /**
     * The header's type field (0 to 0xffff, possibly not a {@link ShareType}), or empty if the
     * message is shorter than the 8-byte header.
     */
    public static Optional<Integer> messageType(byte[] message) {
        requireNonNull(message, "message is null");
        if (message.length < HEADER_SIZE) {
            return Optional.empty();
        }
        return Optional.of(u16(message, 0));
    }

    /**
     * The header's type field (0 to 0xffff, possibly not a {@link ShareType}), or -1 if the
     * message is shorter than the 8-byte header: {@link #messageType} without an object.
     */
    public static int messageTypeCode(byte[] message) {
        requireNonNull(message, "message is null");
        return message.length < HEADER_SIZE ? -1 : u16(message, 0);
    }

    /**
     * Decodes the region after a message's 8-byte header: the whole of {@code message} but its
     * first 8 bytes. A message shorter than the header is rejected. Never throws but for a null
     * array.
     */
    public static Decoded decodeMessage(byte[] message) {
        requireNonNull(message, "message is null");
        if (message.length < HEADER_SIZE) {
            return reject("the message is %d bytes, shorter than its %d-byte header", message.length, HEADER_SIZE);
        }
        return decode(message, HEADER_SIZE, message.length - HEADER_SIZE);
    }

    /** Decodes a whole array as one region; see {@link #decode(byte[], int, int)}. */
    public static Decoded decode(byte[] region) {
        requireNonNull(region, "region is null");
        return decode(region, 0, region.length);
    }

    /**
     * Decodes the region in {@code bytes[offset, offset + length)}, applying the structural rules
     * listed in the class documentation. Never throws but for a null array: a slice that does not
     * lie inside the array is rejected like any other bad input.
     *
     * @return {@link Decoded.Ok} with the region, or {@link Decoded.Rejected} with
     *     INVALID_PARAMETERS and the first rule broken
     */
    public static Decoded decode(byte[] bytes, int offset, int length) {
        requireNonNull(bytes, "bytes is null");
        // One implementation of the rules: the in-place view's, then the objects built from it.
        RegionView view = new RegionView();
        Optional<Decoded.Rejected> rejected = view.read(bytes, offset, length);
        if (rejected.isPresent()) {
            return rejected.get();
        }
        return new Decoded.Ok(view.toRegion());
    }

    private static void write(MemoryRegion region, byte[] out, int at) {
        INT.set(out, at + TAG, region.tag());
        INT.set(out, at + FLAGS, region.flags());
        INT.set(out, at + PAGE_COUNT, (int) region.pageCount());
        INT.set(out, at + CONSTITUENT_COUNT, region.constituents().size());
        INT.set(out, at + CONSTITUENT_OFFSET, region.constituentOffset());
        INT.set(out, at + ATTRIBUTE_COUNT, region.attributes().size());
        int p = at + MemoryRegion.REGION_HEADER_SIZE;
        for (ReceiverAttributes entry : region.attributes()) {
            SHORT.set(out, p, (short) entry.receiver());
            SHORT.set(out, p + 2, (short) entry.attributes().value());
            p += ReceiverAttributes.SIZE;
        }
        // The padding up to constituent_offset stays zero, as the array is fresh.
        p = at + region.constituentOffset();
        for (Constituent c : region.constituents()) {
            LONG.set(out, p, c.address());
            INT.set(out, p + 8, (int) c.pageCount());
            INT.set(out, p + 12, c.reserved());
            p += Constituent.SIZE;
        }
    }

    private static void checkType(int type) {
        if (type < 0 || type > 0xffff) {
            throw new IllegalArgumentException("type must be a uint16 (0 to 0xffff), was " + type);
        }
    }

    private static int u16(byte[] bytes, int at) {
        return Short.toUnsignedInt((short) SHORT.get(bytes, at));
    }


    private static Decoded.Rejected reject(String format, Object... values) {
        return new Decoded.Rejected(SpciError.INVALID_PARAMETERS, String.format(format, values));
    }
}
