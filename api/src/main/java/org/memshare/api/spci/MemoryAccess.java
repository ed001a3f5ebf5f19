package org.memshare.api.spci;

import java.util.Optional;
import org.memshare.api.mode.Mode;

/**
 * The access a receiver is granted, bits 5-6 of {@link MemoryAttributes}. It alone decides the
 * receiver's permissions: the other attribute bits are carried but not acted on.
 */
public enum MemoryAccess {
    /** Read-only, not executable: mode R. */
    RO_NX(0, Mode.R),
    /** Read-only, executable: mode R|X. */
    RO_X(1, Mode.R | Mode.X),
    /** Read-write, not executable: mode R|W. */
    RW_NX(2, Mode.R | Mode.W),
    /** Read-write, executable: mode R|W|X. */
    RW_X(3, Mode.R | Mode.W | Mode.X);

    private static final MemoryAccess[] BY_CODE = values();

    private final int code;
    private final int mode;

    MemoryAccess(int code, int mode) {
        this.code = code;
        this.mode = mode;
    }

    /** The two-bit field value (0 to 3). */
    public int code() {
        return code;
    }

    /** The permission bits ({@link Mode#R}, {@link Mode#W}, {@link Mode#X}) this access grants. */
    public int mode() {
        return mode;
    }

    /** The access whose {@link #code()} is {@code code}, or empty unless 0 to 3. */
    public static Optional<MemoryAccess> fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? Optional.of(BY_CODE[code]) : Optional.empty();
    }

    static MemoryAccess ofBits(int twoBits) {
        return BY_CODE[twoBits & 0x3];
    }
}
