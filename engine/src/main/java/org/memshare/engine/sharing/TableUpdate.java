package org.memshare.engine.sharing;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.memshare.api.addr.PhysicalAddress;
import org.memshare.api.pool.PagePool;
import org.memshare.engine.mm.PageTable;
import org.memshare.engine.pool.DefaultPagePool;

/**
 * The all-or-nothing update of one or several VMs' tables over the same runs, as Hafnium does it
 * for every sharing step:
 * <ol>
 *   <li>prepare every party's table for every run, parties in order, from the machine's pool
 *       (with a bound given, a run whose start or end reaches it is refused before its prepare,
 *       as Hafnium's PA-range check in {@code ffa_region_group_identity_map});</li>
 *   <li>commit the parties listed {@linkplain #clearBetween(Party...) before the clear}, into a
 *       local pool that falls back to the machine's, so the tables their commit frees stay at
 *       hand;</li>
 *   <li>if asked, clear the memory; if that runs out, commit those parties' old modes back (from
 *       the local pool, which cannot run out: their tables were prepared for the old mode too)
 *       and fail;</li>
 *   <li>commit the parties listed after the clear, into the machine's pool;</li>
 *   <li>hand the local pool back, and defragment every party's table, last party first, whether
 *       the update succeeded or not.</li>
 * </ol>
 * Whoever calls {@link #apply} holds the locks of every party's VM.
 */
public final class TableUpdate {

    /** One VM's table, with the mode its runs have now and the mode they get. */
    public record Party(PageTable table, int oldMode, int newMode) {
        public Party {
            requireNonNull(table, "table is null");
        }
    }

    /** How an update ended. */
    public enum Outcome {
        /** Every party has its new mode. */
        DONE,
        /** A run reaches the bound: nothing changed (tables a prepare added are defragmented away). */
        BEYOND_BOUND,
        /** The pool ran out while preparing: nothing changed. */
        NO_MEMORY_PREPARING,
        /** The pool ran out while clearing: nothing changed but runs already cleared. */
        NO_MEMORY_CLEARING
    }

    private final DefaultPagePool pool;
    private final MemoryClearing clearing;

    public TableUpdate(DefaultPagePool pool, MemoryClearing clearing) {
        this.pool = requireNonNull(pool, "pool is null");
        this.clearing = requireNonNull(clearing, "clearing is null");
    }

    /** The parties committed before the clear and after it; build one with {@link #clearBetween}. */
    public record Plan(List<Party> beforeClear, List<Party> afterClear) {
        public Plan {
            beforeClear = List.copyOf(beforeClear);
            afterClear = List.copyOf(afterClear);
        }

        /** Adds the parties committed after the clear. */
        public Plan then(Party... after) {
            List<Party> all = new ArrayList<>(afterClear);
            all.addAll(List.of(after));
            return new Plan(beforeClear, all);
        }
    }

    /** A plan whose {@code before} parties are committed before the clear (give the others with {@link Plan#then}). */
    public static Plan clearBetween(Party... before) {
        return new Plan(List.of(before), List.of());
    }

    /** A plan with one party, committed before the clear (a send, a relinquish). */
    public static Plan single(Party party) {
        return new Plan(List.of(party), List.of());
    }

    /** A plan with one party, committed after the clear (a reclaim). */
    public static Plan clearFirst(Party party) {
        return new Plan(List.of(), List.of(party));
    }

    /**
     * Applies {@code plan} over {@code runs}.
     *
     * @param clear whether to clear the runs' memory between the two groups of commits
     * @param paLimit if present, a run whose start or end (unsigned, wrapping) is at or above it is refused
     */
    public Outcome apply(Plan plan, List<PageRun> runs, boolean clear, OptionalLong paLimit) {
        requireNonNull(plan, "plan is null");
        requireNonNull(runs, "runs is null");
        requireNonNull(paLimit, "paLimit is null");
        List<Party> all = new ArrayList<>(plan.beforeClear());
        all.addAll(plan.afterClear());
        DefaultPagePool local = DefaultPagePool.withFallback(pool);
        Outcome outcome;
        try {
            outcome = prepareAll(all, runs, paLimit);
            if (outcome == Outcome.DONE) {
                for (Party party : plan.beforeClear()) {
                    commitAll(party.table(), runs, party.newMode(), local);
                }
                if (clear && !clearing.clear(runs)) {
                    for (Party party : plan.beforeClear()) {
                        commitAll(party.table(), runs, party.oldMode(), local);
                    }
                    outcome = Outcome.NO_MEMORY_CLEARING;
                } else {
                    for (Party party : plan.afterClear()) {
                        commitAll(party.table(), runs, party.newMode(), pool);
                    }
                }
            }
        } finally {
            local.fini();
        }
        for (int i = all.size() - 1; i >= 0; i--) {
            all.get(i).table().defrag(pool);
        }
        return outcome;
    }

    private Outcome prepareAll(List<Party> parties, List<PageRun> runs, OptionalLong paLimit) {
        for (Party party : parties) {
            for (PageRun run : runs) {
                if (paLimit.isPresent() && (Long.compareUnsigned(run.address(), paLimit.getAsLong()) >= 0
                        || Long.compareUnsigned(run.end(), paLimit.getAsLong()) >= 0)) {
                    return Outcome.BEYOND_BOUND;
                }
                if (!party.table().prepare(PhysicalAddress.of(run.address()), PhysicalAddress.of(run.end()),
                        party.newMode(), pool)) {
                    return Outcome.NO_MEMORY_PREPARING;
                }
            }
        }
        return Outcome.DONE;
    }

    private static void commitAll(PageTable table, List<PageRun> runs, int mode, PagePool pool) {
        for (PageRun run : runs) {
            table.commitPrepared(PhysicalAddress.of(run.address()), PhysicalAddress.of(run.end()), mode, pool);
        }
    }
}
