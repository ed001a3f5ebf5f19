package org.memshare.engine.ffa;

import java.util.ArrayList;
import java.util.List;
import org.memshare.api.ffa.EndpointAccess;
import org.memshare.api.ffa.MemoryTransaction;
import org.memshare.api.policy.FfaRequest;

/** Pieces of the {@link FfaRequest}s the flows show the policies. */
final class Requests {
    private Requests() {
    }

    /** The transaction's borrowers with the permissions the sender gave them. */
    static List<FfaRequest.Receiver> receivers(MemoryTransaction tx) {
        List<FfaRequest.Receiver> list = new ArrayList<>(tx.receiverCount());
        for (EndpointAccess r : tx.receivers()) {
            list.add(new FfaRequest.Receiver(r.receiver(), r.permissions()));
        }
        return list;
    }
}
