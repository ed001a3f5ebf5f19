package org.memshare.engine.policy;

import java.util.List;
import org.memshare.api.mode.Mode;
import org.memshare.api.policy.ShareRequest;
import org.memshare.api.spci.Constituent;
import org.memshare.api.spci.MemoryAccess;
import org.memshare.api.spci.MemoryAttributes;
import org.memshare.api.spci.MemoryRegion;
import org.memshare.api.spci.ReceiverAttributes;
import org.memshare.api.spci.ShareType;

/** Hand-built share requests, as the engine hands them to policies. */
final class Requests {
    /** An owner's exclusive mapping. */
    static final int OWNED_RWX = Mode.R | Mode.W | Mode.X;
    /** Memory never mapped. */
    static final int NEVER_MAPPED = Mode.INVALID | Mode.UNOWNED | Mode.SHARED;

    private Requests() {
    }

    /** A region of one page for {@code receiver} asking for {@code access}, with {@code flags}. */
    static MemoryRegion region(int receiver, MemoryAccess access, int flags) {
        return MemoryRegion.of(0x1234, flags,
                List.of(new ReceiverAttributes(receiver, MemoryAttributes.of(access, true, 0, 0))),
                List.of(Constituent.of(0x4000_0000L, 1)));
    }

    /**
     * The request for {@code type} from {@code sender} to {@code receiver} giving the receiver
     * {@code newReceiverMode}; the other modes are plausible values for the type.
     */
    static ShareRequest request(ShareType type, int sender, int receiver, MemoryAccess access, int flags,
            int newReceiverMode) {
        int newSenderMode = switch (type) {
            case DONATE, RELINQUISH -> Mode.INVALID | Mode.UNOWNED | OWNED_RWX;
            case LEND -> Mode.INVALID | OWNED_RWX;
            case SHARE -> Mode.SHARED | OWNED_RWX;
        };
        return new ShareRequest(type, sender, receiver, region(receiver, access, flags), OWNED_RWX, NEVER_MAPPED,
                newSenderMode, newReceiverMode);
    }
}
