package org.memshare.engine.ffa;

import java.util.ArrayList;
import java.util.List;
import org.memshare.api.ffa.FfaConstituent;
import org.memshare.api.ffa.FfaShareKind;
import org.memshare.api.ffa.MemoryTransaction;
import org.memshare.engine.sharing.ConstituentList;
import org.memshare.engine.sharing.PageRun;

/**
 * One slot of the share-state table ({@code struct ffa_memory_share_state}): the transaction as
 * stored (v1.1+ form, its composite holding the first fragment's constituents), the fragments, the
 * sender's mode before the send, and how far each borrower has retrieved. Guarded by the table's
 * lock.
 */
final class ShareState {
    final int slot;
    final long handle;
    final FfaShareKind kind;
    /** The descriptor as stored: v1.1+ layout, transaction type added to the flags. */
    final MemoryTransaction stored;
    /** Subtracted from FRAG_RX offsets told to a v1.0 sender: how much its first fragment grew in conversion. */
    final int fragmentOffsetDelta;
    final List<List<FfaConstituent>> fragments = new ArrayList<>();
    /** Pool pages held by the descriptor copies, freed with the state. */
    final List<Long> pages = new ArrayList<>();
    /** Per borrower, in the stored order: stored fragments retrieved (0 none, all: retrieved). */
    final int[] retrieved;
    int senderOriginalMode;
    boolean sendingComplete;

    ShareState(int slot, long handle, FfaShareKind kind, MemoryTransaction stored, int fragmentOffsetDelta) {
        this.slot = slot;
        this.handle = handle;
        this.kind = kind;
        this.stored = stored;
        this.fragmentOffsetDelta = fragmentOffsetDelta;
        this.retrieved = new int[stored.receiverCount()];
    }

    int fragmentCount() {
        return fragments.size();
    }

    /** The constituents received so far, over every fragment. */
    long constituentsReceived() {
        long n = 0;
        for (List<FfaConstituent> f : fragments) {
            n += f.size();
        }
        return n;
    }

    /** Whether every constituent the composite announces has arrived. */
    boolean allConstituentsReceived() {
        return constituentsReceived() == stored.composite().orElseThrow().constituentCount();
    }

    /** Every constituent, every fragment, in order. */
    List<FfaConstituent> allConstituents() {
        List<FfaConstituent> all = new ArrayList<>();
        for (List<FfaConstituent> f : fragments) {
            all.addAll(f);
        }
        return all;
    }

    /** The constituents as the sharing core's runs, fragment by fragment. */
    ConstituentList runs() {
        List<List<PageRun>> runs = new ArrayList<>(fragments.size());
        for (List<FfaConstituent> f : fragments) {
            List<PageRun> fragment = new ArrayList<>(f.size());
            for (FfaConstituent c : f) {
                fragment.add(new PageRun(c.address(), c.pageCount()));
            }
            runs.add(fragment);
        }
        return ConstituentList.ofFragments(runs);
    }

    /** Whether some borrower other than {@code index} holds the memory (has retrieved a fragment). */
    boolean othersHold(int index) {
        for (int i = 0; i < retrieved.length; i++) {
            if (i != index && retrieved[i] != 0) {
                return true;
            }
        }
        return false;
    }
}
