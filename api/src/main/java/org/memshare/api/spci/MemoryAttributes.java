package org.memshare.api.spci;

import static java.util.Objects.requireNonNull;

/**
 * The 16-bit {@code memory_attributes} of a receiver entry: how the receiver asks for the memory
 * to be mapped.
 *
 * <pre>
 * bits 15-7  not defined; kept as given, ignored by the protocol
 * bits  6-5  access: 0 RO_NX, 1 RO_X, 2 RW_NX, 3 RW_X       ({@link #access()})
 * bit     4  type: 0 device, 1 normal memory                 ({@link #isNormalMemory()})
 * bits  3-2  cacheability                                    ({@link #cacheability()})
 * bits  1-0  shareability                                    ({@link #shareability()})
 * </pre>
 *
 * <p>Only the access field has an effect: the receiver's mode is {@link #receiverMode()}, whatever
 * the type, cacheability and shareability say (as in Hafnium).
 *
 * @param value the raw field, 0 to 0xffff
 */
public record MemoryAttributes(int value) {

    /** The largest value the 16-bit field holds. */
    public static final int MAX_VALUE = 0xffff;

    private static final int ACCESS_SHIFT = 5;
    private static final int TYPE_SHIFT = 4;
    private static final int CACHEABILITY_SHIFT = 2;
    private static final int SHAREABILITY_SHIFT = 0;

    public MemoryAttributes {
        if (value < 0 || value > MAX_VALUE) {
            throw new IllegalArgumentException(
                    "value must be a uint16 (0 to 0xffff), was 0x" + Integer.toHexString(value));
        }
    }

    /**
     * The attributes made of these fields, with bits 7-15 zero.
     *
     * @param access the access granted to the receiver
     * @param normal true for normal memory, false for device memory
     * @param cacheability the two-bit cacheability field, 0 to 3
     * @param shareability the two-bit shareability field, 0 to 3
     * @throws IllegalArgumentException if a field does not fit in two bits
     */
    public static MemoryAttributes of(MemoryAccess access, boolean normal, int cacheability, int shareability) {
        requireNonNull(access, "access is null");
        checkTwoBits("cacheability", cacheability);
        checkTwoBits("shareability", shareability);
        return new MemoryAttributes(access.code() << ACCESS_SHIFT
                | (normal ? 1 : 0) << TYPE_SHIFT
                | cacheability << CACHEABILITY_SHIFT
                | shareability << SHAREABILITY_SHIFT);
    }

    /** Bits 5-6. */
    public MemoryAccess access() {
        return MemoryAccess.ofBits(value >>> ACCESS_SHIFT);
    }

    /** Bit 4: true for normal memory, false for device memory. */
    public boolean isNormalMemory() {
        return (value >>> TYPE_SHIFT & 1) != 0;
    }

    /** Bits 2-3. */
    public int cacheability() {
        return value >>> CACHEABILITY_SHIFT & 0x3;
    }

    /** Bits 0-1. */
    public int shareability() {
        return value >>> SHAREABILITY_SHIFT & 0x3;
    }

    /**
     * The permissions the receiver gets for a donate, lend or share: {@code access().mode()}. The
     * type, cacheability and shareability fields do not contribute (a relinquish ignores the
     * attributes altogether and gives R|W|X back to the owner).
     */
    public int receiverMode() {
        return access().mode();
    }

    @Override
    public String toString() {
        return "MemoryAttributes[0x" + Integer.toHexString(value) + ": " + access()
                + (isNormalMemory() ? ", normal" : ", device")
                + ", cacheability " + cacheability() + ", shareability " + shareability() + "]";
    }

    private static void checkTwoBits(String name, int field) {
        if (field < 0 || field > 3) {
            throw new IllegalArgumentException(name + " must be 0 to 3, was " + field);
        }
    }
}
