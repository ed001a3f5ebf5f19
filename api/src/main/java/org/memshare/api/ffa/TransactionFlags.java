package org.memshare.api.ffa;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The 32-bit flags of a memory transaction descriptor.
 *
 * <pre>
 * bit  0      CLEAR: zero the memory (send: before the receivers map it)
 * bit  1      TIME_SLICE: the operation may be time sliced
 * bit  2      CLEAR_ON_RELINQUISH: zero the memory after the receivers relinquish it (retrieve)
 * bits 4-3    transaction type: 0 unspecified, 1 share, 2 lend, 3 donate
 * bits 8-5    address range alignment hint (retrieve)
 * bit  9      HINT_VALID: the hint is valid (retrieve)
 * bit  10     BYPASS_BORROWERS_CHECK (retrieve with several borrowers)
 * bits 31-11  MBZ
 * </pre>
 *
 * <p>Which bits a send, a retrieve request or a response may carry is the engine's to check; the
 * record keeps every bit. Prints by name: {@code CLEAR|TYPE=LEND}, {@code 0} for none, undefined
 * bits in hex.
 *
 * @param value the raw 32 bits
 */
public record TransactionFlags(int value) {

    /** Bit 0. */
    public static final int CLEAR = 1;
    /** Bit 1. */
    public static final int TIME_SLICE = 1 << 1;
    /** Bit 2. */
    public static final int CLEAR_ON_RELINQUISH = 1 << 2;
    /** Bits 4-3. */
    public static final int TRANSACTION_TYPE_MASK = 0x3 << 3;
    /** Bits 8-5. */
    public static final int ADDRESS_RANGE_HINT_MASK = 0xf << 5;
    /** Bit 9. */
    public static final int HINT_VALID = 1 << 9;
    /** Bit 10. */
    public static final int BYPASS_BORROWERS_CHECK = 1 << 10;
    /** Bits 31-11. */
    public static final int MBZ_MASK = ~0x7ff;

    /** No flag set. */
    public static final TransactionFlags NONE = new TransactionFlags(0);

    private static final int TRANSACTION_TYPE_SHIFT = 3;
    private static final int HINT_SHIFT = 5;

    /**
     * Whether EVERY bit of {@code mask} is set: right for one flag ({@code has(CLEAR)}), wrong for
     * a field that must be zero ({@code has(ADDRESS_RANGE_HINT_MASK)} is false for a hint of 1);
     * ask {@link #any} for that.
     */
    public boolean has(int mask) {
        return (value & mask) == mask;
    }

    /** Whether ANY bit of {@code mask} is set: {@code any(ADDRESS_RANGE_HINT_MASK)} for a hint that is not 0. */
    public boolean any(int mask) {
        return (value & mask) != 0;
    }

    /** Bit 0. */
    public boolean clear() {
        return has(CLEAR);
    }

    /** Bit 1. */
    public boolean timeSlice() {
        return has(TIME_SLICE);
    }

    /** Bit 2. */
    public boolean clearOnRelinquish() {
        return has(CLEAR_ON_RELINQUISH);
    }

    /** Bit 10. */
    public boolean bypassBorrowersCheck() {
        return has(BYPASS_BORROWERS_CHECK);
    }

    /** Bits 4-3, 0 to 3. */
    public int transactionTypeBits() {
        return (value & TRANSACTION_TYPE_MASK) >>> TRANSACTION_TYPE_SHIFT;
    }

    /** Bits 4-3 as a kind; empty when unspecified (0). */
    public Optional<FfaShareKind> transactionType() {
        return FfaShareKind.ofTransactionType(transactionTypeBits());
    }

    /** Bits 8-5. */
    public int addressRangeHint() {
        return (value & ADDRESS_RANGE_HINT_MASK) >>> HINT_SHIFT;
    }

    /** Bits 31-11 as they are. */
    public int mbzBits() {
        return value & MBZ_MASK;
    }

    /** The same flags with bits 4-3 set to {@code kind}'s transaction type. */
    public TransactionFlags withTransactionType(FfaShareKind kind) {
        int type = kind == null ? 0 : kind.transactionType();
        return new TransactionFlags(value & ~TRANSACTION_TYPE_MASK | type << TRANSACTION_TYPE_SHIFT);
    }

    /** The same flags with {@code mask} set. */
    public TransactionFlags with(int mask) {
        return new TransactionFlags(value | mask);
    }

    /** The same flags with {@code mask} cleared. */
    public TransactionFlags without(int mask) {
        return new TransactionFlags(value & ~mask);
    }

    /**
     * The flag names joined with {@code |}: {@code CLEAR}, {@code TIME_SLICE},
     * {@code CLEAR_ON_RELINQUISH}, {@code TYPE=SHARE|LEND|DONATE}, {@code HINT=n},
     * {@code HINT_VALID}, {@code BYPASS_BORROWERS_CHECK}, then MBZ bits in hex; {@code 0} for none.
     */
    @Override
    public String toString() {
        List<String> names = new ArrayList<>();
        if (clear()) {
            names.add("CLEAR");
        }
        if (timeSlice()) {
            names.add("TIME_SLICE");
        }
        if (clearOnRelinquish()) {
            names.add("CLEAR_ON_RELINQUISH");
        }
        transactionType().ifPresent(kind -> names.add("TYPE=" + kind));
        if (addressRangeHint() != 0) {
            names.add("HINT=" + addressRangeHint());
        }
        if (has(HINT_VALID)) {
            names.add("HINT_VALID");
        }
        if (bypassBorrowersCheck()) {
            names.add("BYPASS_BORROWERS_CHECK");
        }
        if (mbzBits() != 0) {
            names.add("0x" + Integer.toHexString(mbzBits()));
        }
        return names.isEmpty() ? "0" : String.join("|", names);
    }
}
