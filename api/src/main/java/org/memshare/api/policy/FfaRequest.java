package org.memshare.api.policy;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.memshare.api.ffa.FfaConstituent;
import org.memshare.api.ffa.FfaShareKind;
import org.memshare.api.ffa.Handle;
import org.memshare.api.ffa.MemoryPermissions;

/**
 * One FF-A memory step that has passed every check of the protocol, as a policy sees it before
 * any page table or share state changes. Every FF-A step changes only the caller's table: the
 * sender's at a send or a reclaim, the borrower's at a retrieve or a relinquish.
 *
 * @param operation what the caller does
 * @param kind the transaction's kind: the send's, or for a retrieve, relinquish or reclaim the kind
 *     the handle was sent as
 * @param caller the calling VM's id
 * @param handle the transaction's handle; {@link Handle#INVALID} for a send (it gets one if it goes ahead)
 * @param sender the transaction's sender (the owner)
 * @param receivers the borrowers in the sender's order, with the permissions the sender gave each;
 *     copied
 * @param constituents every constituent of the transaction, every fragment, in order; copied
 * @param flags the caller's flags: the send's or retrieve request's transaction flags (for a send
 *     without the transaction-type bits Hafnium adds), the relinquish descriptor's flags, or
 *     reclaim's flags
 * @param callerMode the caller's current mode over every constituent
 * @param newCallerMode the caller's mode over every constituent if the step goes ahead
 * @param senderOriginalMode the sender's mode before it sent the memory (what reclaim restores);
 *     for a send, {@code callerMode}
 */
public record FfaRequest(Operation operation, FfaShareKind kind, int caller, long handle, int sender,
        List<Receiver> receivers, List<FfaConstituent> constituents, int flags, int callerMode, int newCallerMode,
        int senderOriginalMode) {

    /** The FF-A step. */
    public enum Operation {
        /** FFA_MEM_DONATE, when the last fragment has arrived. */
        SEND_DONATE,
        /** FFA_MEM_LEND, when the last fragment has arrived. */
        SEND_LEND,
        /** FFA_MEM_SHARE, when the last fragment has arrived. */
        SEND_SHARE,
        /** FFA_MEM_RETRIEVE_REQ by a borrower: it is about to get its mapping. */
        RETRIEVE,
        /** FFA_MEM_RELINQUISH by a borrower: it gives its mapping up. */
        RELINQUISH,
        /** FFA_MEM_RECLAIM by the sender: it gets its original mode back and the handle is freed. */
        RECLAIM;

        /** The send operation of {@code kind}. */
        public static Operation send(FfaShareKind kind) {
            return switch (requireNonNull(kind, "kind is null")) {
                case DONATE -> SEND_DONATE;
                case LEND -> SEND_LEND;
                case SHARE -> SEND_SHARE;
            };
        }

        /** Whether this is one of the three sends. */
        public boolean isSend() {
            return this == SEND_DONATE || this == SEND_LEND || this == SEND_SHARE;
        }
    }

    /**
     * A borrower and the permissions the sender gave it.
     *
     * @param id the borrower's endpoint id
     * @param permissions the permissions byte the sender wrote for it
     */
    public record Receiver(int id, MemoryPermissions permissions) {
        public Receiver {
            requireNonNull(permissions, "permissions is null");
        }
    }

    public FfaRequest {
        requireNonNull(operation, "operation is null");
        requireNonNull(kind, "kind is null");
        receivers = List.copyOf(requireNonNull(receivers, "receivers is null"));
        constituents = List.copyOf(requireNonNull(constituents, "constituents is null"));
    }

    /** The number of pages over every constituent (at most 2^32 x 2^32, no overflow). */
    public long pageCount() {
        long pages = 0;
        for (FfaConstituent c : constituents) {
            pages += c.pageCount();
        }
        return pages;
    }
}
