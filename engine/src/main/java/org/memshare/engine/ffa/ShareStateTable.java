package org.memshare.engine.ffa;

import java.util.Optional;
import java.util.function.IntFunction;
import org.memshare.api.ffa.Handle;
import org.memshare.api.pool.PagePool;

/**
 * The share states, a table of fixed capacity as Hafnium's {@code share_states[MAX_MEM_SHARES]}:
 * a send takes the lowest free slot, its handle is the slot index with bit 63 set (so a freed
 * slot's handle comes back), and a full table answers NO_MEMORY. Guarded by the engine's
 * share-state lock.
 */
final class ShareStateTable {
    /** Hafnium's build constant MAX_MEM_SHARES. */
    static final int CAPACITY = 100;

    private final ShareState[] slots = new ShareState[CAPACITY];
    private final PagePool pool;

    ShareStateTable(PagePool pool) {
        this.pool = pool;
    }

    /** Fills the lowest free slot with what {@code make} builds from its index, or empty when the table is full. */
    Optional<ShareState> allocate(IntFunction<ShareState> make) {
        for (int i = 0; i < CAPACITY; i++) {
            if (slots[i] == null) {
                slots[i] = make.apply(i);
                return Optional.of(slots[i]);
            }
        }
        return Optional.empty();
    }

    /** The state {@code handle} names: a hypervisor handle whose index is a used slot. */
    Optional<ShareState> get(long handle) {
        if (!Handle.isHypervisorAllocated(handle)) {
            return Optional.empty();
        }
        long index = Handle.index(handle);
        return index < CAPACITY ? Optional.ofNullable(slots[(int) index]) : Optional.empty();
    }

    /** Frees the state's slot and the pool pages its descriptor copies held. */
    void free(ShareState state) {
        if (slots[state.slot] == state) {
            slots[state.slot] = null;
            for (long page : state.pages) {
                pool.free(page);
            }
            state.pages.clear();
        }
    }

    /** The states in use, by slot. */
    int used() {
        int n = 0;
        for (ShareState s : slots) {
            n += s == null ? 0 : 1;
        }
        return n;
    }
}
