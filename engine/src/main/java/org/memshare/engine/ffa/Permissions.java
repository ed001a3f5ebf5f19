package org.memshare.engine.ffa;

import org.memshare.api.ffa.FfaShareKind;
import org.memshare.api.ffa.MemoryAttributes;
import org.memshare.api.ffa.MemoryPermissions;
import org.memshare.api.ffa.MemoryPermissions.DataAccess;
import org.memshare.api.ffa.MemoryPermissions.InstructionAccess;
import org.memshare.api.mode.Mode;

/** FF-A permissions and attributes as Hafnium turns them into modes and judges them. */
final class Permissions {
    /** The ownership state bits of a mode. */
    static final int STATE = Mode.STATE_MASK;
    /** Bits 7-6 of the attributes: Hafnium's 2-bit security field (bit 6 is NS; 7 must be 0 too). */
    static final int SECURITY_FIELD = 0xc0;

    private Permissions() {
    }

    /**
     * The mode {@code permissions} ask for ({@code ffa_memory_permissions_to_mode}): RO gives R,
     * RW gives R|W, X gives X, NX nothing; an unspecified field takes its bits from
     * {@code defaultMode}, and D always comes from it. The reserved values must have been refused.
     */
    static int toMode(MemoryPermissions permissions, int defaultMode) {
        int mode = switch (permissions.dataAccess()) {
            case RO -> Mode.R;
            case RW -> Mode.R | Mode.W;
            case NOT_SPECIFIED, RESERVED -> defaultMode & (Mode.R | Mode.W);
        };
        mode |= switch (permissions.instructionAccess()) {
            case X -> Mode.X;
            case NX -> 0;
            case NOT_SPECIFIED, RESERVED -> defaultMode & Mode.X;
        };
        return mode | defaultMode & Mode.D;
    }

    /**
     * Hafnium's {@code ffa_memory_attributes_validate}: normal memory must be write-back, device
     * memory nGnRnE, and either inner shareable; a reserved or unspecified type passes the first
     * two rules.
     */
    static boolean attributesAcceptable(MemoryAttributes attributes) {
        if (attributes.type() == MemoryAttributes.MemoryType.NORMAL
                && attributes.cacheability() != MemoryAttributes.WRITE_BACK) {
            return false;
        }
        if (attributes.type() == MemoryAttributes.MemoryType.DEVICE
                && attributes.cacheability() != MemoryAttributes.DEVICE_NGNRNE) {
            return false;
        }
        return attributes.shareability() == MemoryAttributes.Shareability.INNER;
    }

    /** The state bits a borrower's mode gets at retrieve: none for a donate, UNOWNED, or UNOWNED|SHARED. */
    static int borrowerState(FfaShareKind kind) {
        return switch (kind) {
            case DONATE -> 0;
            case LEND -> Mode.UNOWNED;
            case SHARE -> Mode.UNOWNED | Mode.SHARED;
        };
    }

    /** The state bits the sender's mode gets at send: INVALID|UNOWNED, INVALID, or SHARED. */
    static int senderState(FfaShareKind kind) {
        return switch (kind) {
            case DONATE -> Mode.INVALID | Mode.UNOWNED;
            case LEND -> Mode.INVALID;
            case SHARE -> Mode.SHARED;
        };
    }

    /** The outcome of {@link #grant}: the permissions granted, or the check that refused. */
    record Grant(MemoryPermissions granted, FfaCheck refusal) {
    }

    /**
     * Hafnium's {@code ffa_memory_retrieve_is_memory_access_valid}: the permissions a retrieve
     * request's entry gets given what the sender gave, or why not. Data access: a sender's RW or
     * unspecified grants RW to a request of RW or unspecified, RO to a request of RO; a sender's RO
     * grants RO to RO or unspecified; anything else is DENIED. Instruction access: a share, and a
     * lend to several borrowers, must leave it unspecified; a donate or a lend to one borrower must
     * specify it; then a sender's X or unspecified grants X to X and NX to NX or unspecified, a
     * sender's NX grants NX to NX or unspecified; anything else is DENIED.
     */
    static Grant grant(FfaShareKind kind, boolean multipleBorrowers, MemoryPermissions sent,
            MemoryPermissions requested) {
        DataAccess sentData = sent.dataAccess();
        DataAccess wantData = requested.dataAccess();
        DataAccess data;
        boolean sentWritable = sentData == DataAccess.NOT_SPECIFIED || sentData == DataAccess.RW;
        if (sentWritable && (wantData == DataAccess.NOT_SPECIFIED || wantData == DataAccess.RW)) {
            data = DataAccess.RW;
        } else if (wantData == DataAccess.NOT_SPECIFIED || wantData == DataAccess.RO) {
            data = DataAccess.RO;
        } else {
            return new Grant(null, FfaCheck.RETRIEVE_DATA_ACCESS);
        }
        InstructionAccess wantInstruction = requested.instructionAccess();
        switch (kind) {
            case SHARE -> {
                if (wantInstruction != InstructionAccess.NOT_SPECIFIED) {
                    return new Grant(null, FfaCheck.RETRIEVE_SHARE_INSTRUCTION_ACCESS);
                }
            }
            case LEND, DONATE -> {
                if (kind == FfaShareKind.LEND && multipleBorrowers) {
                    if (wantInstruction != InstructionAccess.NOT_SPECIFIED) {
                        return new Grant(null, FfaCheck.RETRIEVE_MULTI_LEND_INSTRUCTION_ACCESS);
                    }
                } else if (!multipleBorrowers && wantInstruction == InstructionAccess.NOT_SPECIFIED) {
                    return new Grant(null, FfaCheck.RETRIEVE_INSTRUCTION_ACCESS_UNSPECIFIED);
                }
            }
        }
        InstructionAccess sentInstruction = sent.instructionAccess();
        InstructionAccess instruction;
        boolean sentExecutable = sentInstruction == InstructionAccess.NOT_SPECIFIED
                || sentInstruction == InstructionAccess.X;
        if (sentExecutable && wantInstruction == InstructionAccess.X) {
            instruction = InstructionAccess.X;
        } else if (wantInstruction == InstructionAccess.NOT_SPECIFIED || wantInstruction == InstructionAccess.NX) {
            instruction = InstructionAccess.NX;
        } else {
            return new Grant(null, FfaCheck.RETRIEVE_INSTRUCTION_ACCESS);
        }
        return new Grant(MemoryPermissions.of(data, instruction), null);
    }
}
