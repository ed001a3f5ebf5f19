package org.memshare.api.ffa;

/**
 * The reserved (MBZ) fields of a transaction header, raw, so that the engine can check them with
 * Hafnium's code and a re-encoding gives back the bytes.
 *
 * <ul>
 * <li>v1.1 and later: the three 32-bit words at offsets 36, 40 and 44 are {@code first},
 *     {@code second} and {@code third};
 * <li>v1.0: the byte at offset 3 is {@code first} (0 to 0xff), the word at offset 24 is
 *     {@code second}, and {@code third} is 0 (the layout has no third field).
 * </ul>
 *
 * @param first the first reserved field
 * @param second the second reserved field
 * @param third the third reserved field
 */
public record HeaderReserved(int first, int second, int third) {

    /** All zero, as a well-formed descriptor has them. */
    public static final HeaderReserved ZERO = new HeaderReserved(0, 0, 0);

    /** Whether every reserved field is zero. */
    public boolean isZero() {
        return first == 0 && second == 0 && third == 0;
    }

    /** Whether the fields fit the v1.0 layout: {@code first} a byte and {@code third} zero. */
    public boolean fitsV1_0() {
        return (first & ~0xff) == 0 && third == 0;
    }

    @Override
    public String toString() {
        return isZero() ? "0" : String.format("0x%x,0x%x,0x%x", first, second, third);
    }
}
