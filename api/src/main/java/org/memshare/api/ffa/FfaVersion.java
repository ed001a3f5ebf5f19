package org.memshare.api.ffa;

import java.util.Optional;

/**
 * An FF-A version, as FFA_VERSION carries it: bit 31 zero, major in bits 30-16, minor in bits
 * 15-0. memshare models 1.0 to 1.3 ({@link #V1_0} to {@link #V1_3}); the record holds any version
 * a caller may ask for, so that an unsupported request can be represented and refused.
 *
 * <p>The version decides the descriptor layouts: 1.0 has a 32-byte transaction header with the
 * receivers right after it; 1.1 and later a 48-byte header with a receivers offset and an access
 * descriptor size; 1.0 and 1.1 use 16-byte endpoint access descriptors, 1.2 and later 32-byte ones
 * that carry implementation-defined words.
 *
 * @param major the major version, 0 to 0x7fff
 * @param minor the minor version, 0 to 0xffff
 */
public record FfaVersion(int major, int minor) implements Comparable<FfaVersion> {

    /** FF-A 1.0. */
    public static final FfaVersion V1_0 = new FfaVersion(1, 0);
    /** FF-A 1.1. */
    public static final FfaVersion V1_1 = new FfaVersion(1, 1);
    /** FF-A 1.2. */
    public static final FfaVersion V1_2 = new FfaVersion(1, 2);
    /** FF-A 1.3. */
    public static final FfaVersion V1_3 = new FfaVersion(1, 3);
    /** The version Hafnium main is built with and answers FFA_VERSION with (0x10003). */
    public static final FfaVersion COMPILED = V1_3;
    /** The version a VM has when {@code init} names none. */
    public static final FfaVersion DEFAULT = V1_2;

    /** The size of the v1.0 transaction header, where the receivers start. */
    public static final int HEADER_SIZE_V1_0 = 32;
    /** The size of the v1.1+ transaction header. */
    public static final int HEADER_SIZE_V1_1 = 48;
    /** The size of a v1.0/v1.1 endpoint memory access descriptor. */
    public static final int ACCESS_DESCRIPTOR_SIZE_V1_0 = 16;
    /** The size of a v1.2+ endpoint memory access descriptor (with impdef). */
    public static final int ACCESS_DESCRIPTOR_SIZE_V1_2 = 32;

    public FfaVersion {
        if (major < 0 || major > 0x7fff) {
            throw new IllegalArgumentException("major must be 0 to 0x7fff, was " + major);
        }
        if (minor < 0 || minor > 0xffff) {
            throw new IllegalArgumentException("minor must be 0 to 0xffff, was " + minor);
        }
    }

    /**
     * The version in FFA_VERSION's register encoding, or empty when bit 31 is set (Hafnium answers
     * NOT_SUPPORTED to such a request).
     */
    public static Optional<FfaVersion> fromEncoded(int encoded) {
        if (encoded < 0) {
            return Optional.empty();
        }
        return Optional.of(new FfaVersion(encoded >>> 16, encoded & 0xffff));
    }

    /** {@code major << 16 | minor}, as FFA_VERSION carries it. */
    public int encoded() {
        return major << 16 | minor;
    }

    /**
     * Parses {@code 1.2} (major.minor, decimal) or a register value such as {@code 0x10002};
     * empty for anything else.
     */
    public static Optional<FfaVersion> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        try {
            if (text.startsWith("0x") || text.startsWith("0X")) {
                long value = Long.parseLong(text.substring(2), 16);
                return value < 0 || value > 0xffff_ffffL ? Optional.empty() : fromEncoded((int) value);
            }
            int dot = text.indexOf('.');
            if (dot <= 0 || dot == text.length() - 1 || !digits(text.substring(0, dot)) || !digits(text.substring(dot + 1))) {
                return Optional.empty();
            }
            int major = Integer.parseInt(text.substring(0, dot));
            int minor = Integer.parseInt(text.substring(dot + 1));
            if (major > 0x7fff || minor > 0xffff) {
                return Optional.empty();
            }
            return Optional.of(new FfaVersion(major, minor));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * The version whose endpoint access descriptors have this size, as Hafnium maps it: 16 gives
     * 1.1 (the first version that states the size), 32 gives 1.2; any other size is empty.
     */
    public static Optional<FfaVersion> ofAccessDescriptorSize(long size) {
        if (size == ACCESS_DESCRIPTOR_SIZE_V1_0) {
            return Optional.of(V1_1);
        }
        if (size == ACCESS_DESCRIPTOR_SIZE_V1_2) {
            return Optional.of(V1_2);
        }
        return Optional.empty();
    }

    /**
     * Whether something of this version may be used by a caller of version {@code caller}: the
     * same major, and a minor no greater than the caller's (Hafnium's
     * {@code ffa_versions_are_compatible}).
     */
    public boolean isCompatibleWith(FfaVersion caller) {
        return caller != null && major == caller.major && minor <= caller.minor;
    }

    /** Whether memshare knows this version's layouts and behaviour: 1.0 to 1.3. */
    public boolean isModelled() {
        return major == 1 && minor <= 3;
    }

    /** Whether the version uses the v1.0 layout (32-byte header, receivers at 32, no size field). */
    public boolean usesV1_0Layout() {
        return major == 1 && minor == 0;
    }

    /** The transaction header size in this version's layout: 32 for 1.0, 48 otherwise. */
    public int headerSize() {
        return usesV1_0Layout() ? HEADER_SIZE_V1_0 : HEADER_SIZE_V1_1;
    }

    /** The endpoint access descriptor size this version writes: 16 for 1.0 and 1.1, 32 after. */
    public int accessDescriptorSize() {
        return major == 1 && minor <= 1 ? ACCESS_DESCRIPTOR_SIZE_V1_0 : ACCESS_DESCRIPTOR_SIZE_V1_2;
    }

    @Override
    public int compareTo(FfaVersion other) {
        return Integer.compare(encoded(), other.encoded());
    }

    /** {@code major.minor}, for example {@code 1.2}. */
    @Override
    public String toString() {
        return major + "." + minor;
    }

    private static boolean digits(String s) {
        if (s.isEmpty() || s.length() > 6) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
