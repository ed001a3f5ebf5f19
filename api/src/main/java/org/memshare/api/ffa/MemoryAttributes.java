package org.memshare.api.ffa;

import static java.util.Objects.requireNonNull;

/**
 * The memory region attributes of a transaction descriptor, in the 16-bit form of FF-A 1.1 and
 * later; FF-A 1.0 carries the low 8 bits ({@link #fromV1_0(int)}, {@link #toV1_0()}).
 *
 * <pre>
 * bits 15-7  MBZ (declared, never checked by Hafnium; kept as given)
 * bit     6  security: 1 non-secure (must be 0 in a send and a retrieve request)
 * bits  5-4  type: 0 not specified, 1 device, 2 normal, 3 reserved
 * bits  3-2  normal: cacheability 1 non-cacheable, 3 write-back (0, 2 reserved);
 *            device: 0 nGnRnE, 1 nGnRE, 2 nGRE, 3 GRE
 * bits  1-0  shareability: 0 non-shareable, 1 reserved, 2 outer, 3 inner
 * </pre>
 *
 * <p>Prints readably: {@code normal write-back inner}, {@code device nGnRnE},
 * {@code not specified}, with {@code NS} and any MBZ bits appended.
 *
 * @param value the raw 16-bit field
 */
public record MemoryAttributes(int value) {

    /** The type field, bits 5-4. */
    public enum MemoryType {
        /** 0: not specified. */
        NOT_SPECIFIED,
        /** 1: device memory. */
        DEVICE,
        /** 2: normal memory. */
        NORMAL,
        /** 3: reserved. */
        RESERVED;

        /** The two-bit field value. */
        public int code() {
            return ordinal();
        }
    }

    /** The shareability field, bits 1-0. */
    public enum Shareability {
        /** 0: non-shareable. */
        NON_SHAREABLE,
        /** 1: reserved. */
        RESERVED,
        /** 2: outer shareable. */
        OUTER,
        /** 3: inner shareable. */
        INNER;

        /** The two-bit field value. */
        public int code() {
            return ordinal();
        }
    }

    /** Normal-memory cacheability 1: non-cacheable. */
    public static final int NON_CACHEABLE = 1;
    /** Normal-memory cacheability 3: write-back. */
    public static final int WRITE_BACK = 3;
    /** Device-memory attribute 0: nGnRnE. */
    public static final int DEVICE_NGNRNE = 0;
    /** Device-memory attribute 1: nGnRE. */
    public static final int DEVICE_NGNRE = 1;
    /** Device-memory attribute 2: nGRE. */
    public static final int DEVICE_NGRE = 2;
    /** Device-memory attribute 3: GRE. */
    public static final int DEVICE_GRE = 3;

    /** Nothing specified (0). */
    public static final MemoryAttributes UNSPECIFIED = new MemoryAttributes(0);
    /** Normal, write-back, inner shareable (0x2f): what Hafnium accepts for normal memory. */
    public static final MemoryAttributes NORMAL_WRITE_BACK_INNER = normal(WRITE_BACK, Shareability.INNER);
    /** Device nGnRnE, inner shareable (0x13): what Hafnium accepts for device memory. */
    public static final MemoryAttributes DEVICE_NGNRNE_INNER = device(DEVICE_NGNRNE, Shareability.INNER);

    /** Bit 6: non-secure. */
    public static final int SECURITY_BIT = 1 << 6;
    /** Bits 15-7, which must be zero. */
    public static final int MBZ_MASK = 0xff80;

    private static final int TYPE_SHIFT = 4;
    private static final int CACHEABILITY_SHIFT = 2;

    public MemoryAttributes {
        if (value < 0 || value > 0xffff) {
            throw new IllegalArgumentException("value must be a uint16 (0 to 0xffff), was 0x" + Integer.toHexString(value));
        }
    }

    /** Normal memory with this cacheability (0 to 3) and shareability, other bits zero. */
    public static MemoryAttributes normal(int cacheability, Shareability shareability) {
        return of(MemoryType.NORMAL, cacheability, shareability);
    }

    /** Device memory with this device attribute (0 to 3) and shareability, other bits zero. */
    public static MemoryAttributes device(int deviceAttribute, Shareability shareability) {
        return of(MemoryType.DEVICE, deviceAttribute, shareability);
    }

    /** The attributes made of these fields, other bits zero. */
    public static MemoryAttributes of(MemoryType type, int cacheability, Shareability shareability) {
        requireNonNull(type, "type is null");
        requireNonNull(shareability, "shareability is null");
        if (cacheability < 0 || cacheability > 3) {
            throw new IllegalArgumentException("cacheability must be 0 to 3, was " + cacheability);
        }
        return new MemoryAttributes(type.code() << TYPE_SHIFT | cacheability << CACHEABILITY_SHIFT | shareability.code());
    }

    /**
     * The 16-bit attributes for a v1.0 descriptor's 8-bit field: the same bits, high byte zero
     * (Hafnium's {@code ffa_memory_attributes_extend}).
     *
     * @throws IllegalArgumentException if {@code v1_0} is not 0 to 0xff
     */
    public static MemoryAttributes fromV1_0(int v1_0) {
        if (v1_0 < 0 || v1_0 > 0xff) {
            throw new IllegalArgumentException("a v1.0 attribute byte is 0 to 0xff, was 0x" + Integer.toHexString(v1_0));
        }
        return new MemoryAttributes(v1_0);
    }

    /**
     * The 8-bit field a v1.0 descriptor carries: the low byte, the high byte dropped (Hafnium's
     * {@code ffa_memory_attributes_truncate}).
     */
    public int toV1_0() {
        return value & 0xff;
    }

    /** Whether the value survives {@link #toV1_0()} unchanged (its high byte is zero). */
    public boolean fitsV1_0() {
        return (value & 0xff00) == 0;
    }

    /** Bits 5-4. */
    public MemoryType type() {
        return MemoryType.values()[value >>> TYPE_SHIFT & 0x3];
    }

    /** Bits 3-2: cacheability for normal memory, the device attribute for device memory. */
    public int cacheability() {
        return value >>> CACHEABILITY_SHIFT & 0x3;
    }

    /** Bits 1-0. */
    public Shareability shareability() {
        return Shareability.values()[value & 0x3];
    }

    /** Bit 6: the non-secure bit. */
    public boolean isNonSecure() {
        return (value & SECURITY_BIT) != 0;
    }

    /** Bits 15-7 as they are (0 in a well-formed descriptor). */
    public int mbzBits() {
        return value & MBZ_MASK;
    }

    /** The same attributes with the non-secure bit set or cleared. */
    public MemoryAttributes withNonSecure(boolean nonSecure) {
        return new MemoryAttributes(nonSecure ? value | SECURITY_BIT : value & ~SECURITY_BIT);
    }

    /** For example {@code normal write-back inner}, {@code device nGnRnE outer NS}. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        MemoryType type = type();
        switch (type) {
            case NOT_SPECIFIED -> s.append("not specified");
            case DEVICE -> s.append("device ").append(switch (cacheability()) {
                case DEVICE_NGNRNE -> "nGnRnE";
                case DEVICE_NGNRE -> "nGnRE";
                case DEVICE_NGRE -> "nGRE";
                default -> "GRE";
            });
            case NORMAL -> s.append("normal ").append(switch (cacheability()) {
                case NON_CACHEABLE -> "non-cacheable";
                case WRITE_BACK -> "write-back";
                default -> "cacheability?" + cacheability();
            });
            case RESERVED -> s.append("type?3 cacheability ").append(cacheability());
        }
        if (type == MemoryType.NOT_SPECIFIED && cacheability() != 0) {
            s.append(" cacheability ").append(cacheability());
        }
        if (type != MemoryType.NOT_SPECIFIED || shareability() != Shareability.NON_SHAREABLE) {
            s.append(' ').append(switch (shareability()) {
                case NON_SHAREABLE -> "non-shareable";
                case RESERVED -> "shareability?1";
                case OUTER -> "outer";
                case INNER -> "inner";
            });
        }
        if (isNonSecure()) {
            s.append(" NS");
        }
        if (mbzBits() != 0) {
            s.append(" mbz=0x").append(Integer.toHexString(mbzBits()));
        }
        return s.toString();
    }
}
