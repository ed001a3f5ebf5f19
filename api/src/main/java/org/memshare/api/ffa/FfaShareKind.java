package org.memshare.api.ffa;

import java.util.Optional;

/** The three ways to send memory, each its own ABI, and their transaction-type flag values. */
public enum FfaShareKind {
    /** FFA_MEM_DONATE: ownership moves to the one receiver. */
    DONATE(0x8400_0071, 3),
    /** FFA_MEM_LEND: the receivers get (exclusive or shared) access; the sender keeps ownership. */
    LEND(0x8400_0072, 2),
    /** FFA_MEM_SHARE: the receivers get access beside the sender. */
    SHARE(0x8400_0073, 1);

    private final int functionId;
    private final int transactionType;

    FfaShareKind(int functionId, int transactionType) {
        this.functionId = functionId;
        this.transactionType = transactionType;
    }

    /** The SMC32 function id of the ABI. */
    public int functionId() {
        return functionId;
    }

    /** The transaction-type value of flag bits 4-3: share 1, lend 2, donate 3. */
    public int transactionType() {
        return transactionType;
    }

    /** The kind whose transaction type (flag bits 4-3) is {@code type}; empty for 0 and others. */
    public static Optional<FfaShareKind> ofTransactionType(int type) {
        for (FfaShareKind kind : values()) {
            if (kind.transactionType == type) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
