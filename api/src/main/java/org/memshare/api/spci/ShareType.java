package org.memshare.api.spci;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * The four SPCI memory-sharing operations, as carried in the {@code uint16 type} field of an
 * architected message's header (see {@link MemoryRegionCodec}). A type code outside 0 to 3 is not
 * an error of the wire format: the header holds any 16-bit value, and the sharing engine answers
 * INVALID_PARAMETERS for an unknown one.
 */
public enum ShareType {
    /** The sender gives the memory away: the receiver becomes its owner. */
    DONATE(0, "donate"),
    /** The sender keeps ownership but loses access; the receiver gets exclusive access. */
    LEND(1, "lend"),
    /** The sender keeps ownership and access; the receiver gets shared access. */
    SHARE(2, "share"),
    /** A borrower gives lent or shared memory back to its owner. */
    RELINQUISH(3, "relinquish");

    private static final ShareType[] BY_CODE = values();

    private final int code;
    private final String traceName;

    ShareType(int code, String traceName) {
        this.code = code;
        this.traceName = traceName;
    }

    /** The value of the header's {@code type} field (0 to 3). */
    public int code() {
        return code;
    }

    /** The lower-case name used by the trace language ({@code donate}, {@code lend}, ...). */
    public String traceName() {
        return traceName;
    }

    /** The share type whose {@link #code()} is {@code code}, or empty for any other value. */
    public static Optional<ShareType> fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? Optional.of(BY_CODE[code]) : Optional.empty();
    }

    /**
     * The share type whose {@link #traceName()} is exactly {@code name} (case-sensitive), or empty.
     *
     * @throws NullPointerException if {@code name} is null
     */
    public static Optional<ShareType> fromTraceName(String name) {
        requireNonNull(name, "name is null");
        for (ShareType type : BY_CODE) {
            if (type.traceName.equals(name)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
