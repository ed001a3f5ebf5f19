package org.memshare.api.ffa;

import static java.util.Objects.requireNonNull;

/**
 * An endpoint memory access descriptor: one receiver and what it is (to be) granted.
 *
 * <pre>
 * 16 bytes (v1.0, v1.1)                 32 bytes (v1.2+)
 * 0   uint16 receiver id                0   uint16 receiver id
 * 2   uint8  permissions                2   uint8  permissions
 * 3   uint8  receiver flags             3   uint8  receiver flags
 * 4   uint32 composite offset           4   uint32 composite offset
 * 8   uint64 reserved (MBZ)             8   uint64 impdef[2]
 *                                       24  uint64 reserved (MBZ)
 * </pre>
 *
 * <p>The composite offset counts from the start of the transaction descriptor. In a send every
 * receiver's should be the same, nonzero; in a retrieve request 0. The receiver flags byte's bit 0
 * is the spec's "non-retrieval borrower", which Hafnium never interprets. A 16-byte descriptor has
 * no impdef: it decodes as {@link Impdef#ZERO} and only {@link Impdef#ZERO} encodes in it.
 *
 * @param receiver the receiver's endpoint id, 0 to 0xffff
 * @param permissions the permissions byte
 * @param flags the receiver flags byte, 0 to 0xff
 * @param compositeOffset the composite offset, 0 to 2^32-1
 * @param impdef the implementation-defined words (32-byte descriptors only)
 * @param reserved the reserved word at the descriptor's own reserved position (8 or 24), raw
 */
public record EndpointAccess(int receiver, MemoryPermissions permissions, int flags, long compositeOffset,
        Impdef impdef, long reserved) {

    /**
     * The two implementation-defined 64-bit words of a v1.2+ descriptor, in order: {@code first}
     * at offset 8, {@code second} at offset 16.
     *
     * @param first the word at offset 8
     * @param second the word at offset 16
     */
    public record Impdef(long first, long second) {
        /** Both zero. */
        public static final Impdef ZERO = new Impdef(0, 0);

        /** Whether both words are zero. */
        public boolean isZero() {
            return first == 0 && second == 0;
        }

        @Override
        public String toString() {
            return String.format("0x%x,0x%x", first, second);
        }
    }

    public EndpointAccess {
        if (receiver < 0 || receiver > 0xffff) {
            throw new IllegalArgumentException("receiver must be a uint16 (0 to 0xffff), was " + receiver);
        }
        requireNonNull(permissions, "permissions is null");
        if (flags < 0 || flags > 0xff) {
            throw new IllegalArgumentException("flags must be a byte (0 to 0xff), was " + flags);
        }
        CompositeRegion.checkU32("compositeOffset", compositeOffset);
        requireNonNull(impdef, "impdef is null");
    }

    /** A receiver with these permissions; flags, composite offset, impdef and reserved zero. */
    public static EndpointAccess of(int receiver, MemoryPermissions permissions) {
        return new EndpointAccess(receiver, permissions, 0, 0, Impdef.ZERO, 0);
    }

    /** The same descriptor with another composite offset. */
    public EndpointAccess withCompositeOffset(long offset) {
        return new EndpointAccess(receiver, permissions, flags, offset, impdef, reserved);
    }

    /** The same descriptor with other permissions. */
    public EndpointAccess withPermissions(MemoryPermissions newPermissions) {
        return new EndpointAccess(receiver, newPermissions, flags, compositeOffset, impdef, reserved);
    }

    /** The same descriptor with other impdef words. */
    public EndpointAccess withImpdef(Impdef newImpdef) {
        return new EndpointAccess(receiver, permissions, flags, compositeOffset, newImpdef, reserved);
    }

    /** The same descriptor with another reserved word. */
    public EndpointAccess withReserved(long newReserved) {
        return new EndpointAccess(receiver, permissions, flags, compositeOffset, impdef, newReserved);
    }

    /** For example {@code 0x2:RW+NX composite=0x50}, with flags, impdef and reserved when nonzero. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("0x").append(Integer.toHexString(receiver)).append(':').append(permissions)
                .append(" composite=0x").append(Long.toHexString(compositeOffset));
        if (flags != 0) {
            s.append(" flags=0x").append(Integer.toHexString(flags));
        }
        if (!impdef.isZero()) {
            s.append(" impdef=").append(impdef);
        }
        if (reserved != 0) {
            s.append(" reserved=0x").append(Long.toHexString(reserved));
        }
        return s.toString();
    }
}
