package org.memshare.engine.ffa;

import java.util.Optional;
import org.memshare.api.ffa.FfaVersion;

/**
 * Hafnium's first look at a transaction descriptor, {@code ffa_memory_region_sanity_check}, in
 * the caller's layout, for a send (composite required) or a retrieve request (composite offsets
 * 0). Every failure answers INVALID_PARAMETERS.
 */
final class Sanity {
    private static final long U32 = 0xffff_ffffL;
    /** Hafnium's MAX_MEM_SHARE_RECIPIENTS. */
    static final int MAX_RECEIVERS = 2;

    private Sanity() {
    }

    /** The checks of one of the two uses, so that a refusal names the ABI's own check. */
    private record Names(FfaCheck v1_0Reserved, FfaCheck reserved, FfaCheck sizeOrOffset, FfaCheck count,
            FfaCheck receiversBeyond, FfaCheck composite, FfaCheck receiverReserved, FfaCheck compositesDiffer) {
    }

    private static final Names SEND = new Names(FfaCheck.SEND_SANITY_V1_0_RESERVED, FfaCheck.SEND_SANITY_RESERVED,
            FfaCheck.SEND_SANITY_DESCRIPTOR_SIZE_OR_OFFSET, FfaCheck.SEND_SANITY_RECEIVER_COUNT,
            FfaCheck.SEND_SANITY_RECEIVERS_BEYOND_FRAGMENT, FfaCheck.SEND_SANITY_COMPOSITE_OFFSET,
            FfaCheck.SEND_SANITY_RECEIVER_RESERVED, FfaCheck.SEND_SANITY_COMPOSITE_OFFSETS_DIFFER);
    private static final Names RETRIEVE = new Names(FfaCheck.RETRIEVE_SANITY_V1_0_RESERVED,
            FfaCheck.RETRIEVE_SANITY_RESERVED, FfaCheck.RETRIEVE_SANITY_DESCRIPTOR_SIZE_OR_OFFSET,
            FfaCheck.RETRIEVE_SANITY_RECEIVER_COUNT, FfaCheck.RETRIEVE_SANITY_RECEIVERS_BEYOND_FRAGMENT,
            FfaCheck.RETRIEVE_SANITY_COMPOSITE_OFFSET, FfaCheck.RETRIEVE_SANITY_RECEIVER_RESERVED,
            FfaCheck.RETRIEVE_SANITY_COMPOSITE_OFFSETS_DIFFER);

    /**
     * Checks {@code tx}, a descriptor of {@code fragmentLength} bytes from a caller of
     * {@code version}; empty when it passes.
     */
    static Optional<FfaOutcome> check(TxView tx, FfaVersion version, long fragmentLength, boolean send) {
        Names n = send ? SEND : RETRIEVE;
        long count = tx.receiverCount();
        long size;
        long offset;
        if (tx.isV1_0()) {
            if (tx.v1_0ReservedByte() != 0 || tx.word24() != 0) {
                return refuse(n.v1_0Reserved(), "reserved byte 0x%x at 3, reserved word 0x%x at 24",
                        tx.v1_0ReservedByte(), tx.word24());
            }
            size = TxView.SMALL_DESCRIPTOR;
            offset = TxView.V1_0_HEADER;
        } else {
            size = tx.descriptorSize();
            offset = tx.receiversOffset();
            if (tx.reserved(0) != 0 || tx.reserved(1) != 0 || tx.reserved(2) != 0) {
                return refuse(n.reserved(), "reserved words 0x%x, 0x%x, 0x%x at 36", tx.reserved(0), tx.reserved(1),
                        tx.reserved(2));
            }
            Optional<FfaVersion> sizeVersion = FfaVersion.ofAccessDescriptorSize(size);
            if (sizeVersion.isEmpty() || !sizeVersion.get().isCompatibleWith(version)) {
                return refuse(n.sizeOrOffset(), "access descriptor size %d is not for a v%s caller", size, version);
            }
            if (offset < TxView.V1_1_HEADER) {
                return refuse(n.sizeOrOffset(), "receivers offset %d is inside the 48-byte header", offset);
            }
        }
        if (count < 1 || count > MAX_RECEIVERS) {
            return refuse(n.count(), "receiver count %d is not 1 to %d", count, MAX_RECEIVERS);
        }
        long receiversEnd = (offset + size * count) & U32;
        if (fragmentLength < receiversEnd) {
            return refuse(n.receiversBeyond(), "%d receivers of %d bytes from %d end beyond the %d-byte descriptor",
                    count, size, offset, fragmentLength);
        }
        long composite0 = tx.compositeOffset(0);
        if (!send) {
            if (composite0 != 0) {
                return refuse(n.composite(), "receiver 0's composite offset is %d, not 0", composite0);
            }
        } else {
            // Hafnium bounds it below by the v1.1 header and the size field read at 24, whatever
            // the layout (a v1.0 caller's reserved word there is 0).
            long minimum = TxView.V1_1_HEADER + ((tx.word24() * count) & U32);
            if (composite0 == 0 || composite0 < minimum || composite0 + 16 > fragmentLength) {
                return refuse(n.composite(), "receiver 0's composite offset %d is 0, below %d, or its header ends "
                        + "beyond the %d-byte fragment", composite0, minimum, fragmentLength);
            }
        }
        // A v1.2+ caller's reserved word is at +24 even in a 16-byte descriptor (Hafnium reads
        // it there: the next descriptor's or the composite's bytes).
        int reservedAt = tx.isV1_0() || version.equals(FfaVersion.V1_1) ? 8 : 24;
        for (long i = 0; i < count; i++) {
            long reserved = tx.receiverWord(i, reservedAt);
            if (reserved != 0) {
                return refuse(n.receiverReserved(), "receiver %d's word at +%d is 0x%x", i, reservedAt, reserved);
            }
            if (tx.compositeOffset(i) != composite0) {
                return refuse(n.compositesDiffer(), "receiver %d's composite offset %d differs from receiver 0's %d",
                        i, tx.compositeOffset(i), composite0);
            }
        }
        return Optional.empty();
    }

    private static Optional<FfaOutcome> refuse(FfaCheck check, String format, Object... args) {
        return Optional.of(FfaOutcome.refused(check, String.format(format, args)));
    }
}
