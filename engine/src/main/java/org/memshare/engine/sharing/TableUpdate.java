package org.memshare.engine.sharing;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.memshare.api.pool.PagePool;
import org.memshare.engine.machine.Vm;
import org.memshare.engine.mm.MapResult;
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
 *   <li>if asked, clear the memory (a clear that keeps its stage-1 tables takes them from the
 *       local pool, as Hafnium main's clear takes them from its rollback pool); if that runs out,
 *       commit those parties' old modes back (from the local pool, which cannot run out: their
 *       tables were prepared for the old mode too) and fail;</li>
 *   <li>commit the parties listed after the clear, into the machine's pool;</li>
 *   <li>hand the local pool back, and defragment every party's table, last party first, whether
 *       the update succeeded or not.</li>
 * </ol>
 * An update that fails says where, in words for people ({@link Outcome#reason}): which party's
 * table and which run the pool ran out on, with the page table's own reason, or which run the
 * clear stopped at. Whoever calls {@link #apply} holds the locks of every party's VM.
 */
public final class TableUpdate {

    /**
     * One VM's table, with the mode its runs have now and the mode they get.
     *
     * @param role what the VM is in this step, for reasons ("sender", "receiver", "borrower", ...)
     * @param vm the VM's id, for reasons
     */
    public record Party(String role, int vm, PageTable table, int oldMode, int newMode) {
        public Party {
            requireNonNull(role, "role is null");
            requireNonNull(table, "table is null");
        }

        /** {@code vm}'s table as the {@code role} of the step. */
        public static Party of(String role, Vm vm, int oldMode, int newMode) {
            requireNonNull(vm, "vm is null");
            return new Party(role, vm.id(), vm.table(), oldMode, newMode);
        }
    }

    /** How an update ended. */
    public enum Kind {
        /** Every party has its new mode. */
        DONE,
        /** A run reaches the bound: nothing changed (tables a prepare added are defragmented away). */
        BEYOND_BOUND,
        /** The pool ran out while preparing: nothing changed. */
        NO_MEMORY_PREPARING,
        /** The pool ran out while clearing: nothing changed but runs already cleared. */
        NO_MEMORY_CLEARING
    }

    /**
     * How an update ended and, if it failed, where and why.
     *
     * @param kind how it ended
     * @param party for {@link Kind#NO_MEMORY_PREPARING} and {@link Kind#BEYOND_BOUND}, the index
     *     of the party (before-clear parties first, then the others) being prepared; else -1
     * @param run for a failure, the index of the run it concerns (the run the prepare or the
     *     clear ran out on, or that reaches the bound); else -1
     * @param reason empty when done; otherwise the failure in words, naming the party's role and
     *     VM, the run, and the page table's or the clear's own reason
     */
    public record Outcome(Kind kind, int party, int run, String reason) {
        private static final Outcome DONE = new Outcome(Kind.DONE, -1, -1, "");

        public Outcome {
            requireNonNull(kind, "kind is null");
            requireNonNull(reason, "reason is null");
        }

        public boolean isDone() {
            return kind == Kind.DONE;
        }
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

    /** A plan with {@code before} committed before the clear and {@code after} after it (SPCI's sender and receiver). */
    public static Plan around(Party before, Party after) {
        return new Plan(List.of(before), List.of(after));
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
        return apply(plan, ConstituentList.of(requireNonNull(runs, "runs is null")), clear, paLimit);
    }

    /**
     * Applies {@code plan} over {@code runs}, read flat (no {@link PageRun} is made unless the
     * memory is cleared).
     *
     * @param clear whether to clear the runs' memory between the two groups of commits
     * @param paLimit if present, a run whose start or end (unsigned, wrapping) is at or above it is refused
     */
    public Outcome apply(Plan plan, ConstituentList runs, boolean clear, OptionalLong paLimit) {
        requireNonNull(plan, "plan is null");
        requireNonNull(runs, "runs is null");
        requireNonNull(paLimit, "paLimit is null");
        DefaultPagePool local = DefaultPagePool.withFallback(pool);
        Outcome outcome;
        try {
            outcome = prepareAll(plan, runs, paLimit);
            if (outcome.isDone()) {
                for (Party party : plan.beforeClear()) {
                    commitAll(party.table(), runs, party.newMode(), local);
                }
                MemoryClearing.Result cleared = clear ? clearing.clear(runs.runs(), local) : MemoryClearing.Result.done();
                if (!cleared.isDone()) {
                    for (Party party : plan.beforeClear()) {
                        commitAll(party.table(), runs, party.oldMode(), local);
                    }
                    outcome = new Outcome(Kind.NO_MEMORY_CLEARING, -1, cleared.run(),
                            cleared.reason() + "; " + keptBy(plan.beforeClear()));
                } else {
                    for (Party party : plan.afterClear()) {
                        commitAll(party.table(), runs, party.newMode(), pool);
                    }
                }
            }
        } finally {
            local.fini();
        }
        for (int i = partyCount(plan) - 1; i >= 0; i--) {
            party(plan, i).table().defrag(pool);
        }
        return outcome;
    }

    /** The before-clear parties, then the others (read in place, not copied into one list). */
    private static int partyCount(Plan plan) {
        return plan.beforeClear().size() + plan.afterClear().size();
    }

    private static Party party(Plan plan, int index) {
        int before = plan.beforeClear().size();
        return index < before ? plan.beforeClear().get(index) : plan.afterClear().get(index - before);
    }

    private Outcome prepareAll(Plan plan, ConstituentList runs, OptionalLong paLimit) {
        for (int p = 0, n = partyCount(plan); p < n; p++) {
            Party party = party(plan, p);
            for (int i = 0; i < runs.size(); i++) {
                long address = runs.address(i);
                long end = runs.end(i);
                if (paLimit.isPresent() && (Long.compareUnsigned(address, paLimit.getAsLong()) >= 0
                        || Long.compareUnsigned(end, paLimit.getAsLong()) >= 0)) {
                    return new Outcome(Kind.BEYOND_BOUND, p, i, "constituent " + i + " (" + runs.describe(i)
                            + ") reaches 0x" + Long.toHexString(paLimit.getAsLong())
                            + ", the end of the physical address range; nothing changed");
                }
                MapResult prepared = party.table().prepareResult(address, end, party.newMode(), pool);
                if (!prepared.done()) {
                    return new Outcome(Kind.NO_MEMORY_PREPARING, p, i, "the page pool ran out preparing the "
                            + party.role() + "'s table (VM " + party.vm() + ") for constituent " + i + " ("
                            + runs.describe(i) + "): " + prepared.reason() + "; nothing changed");
                }
            }
        }
        return Outcome.DONE;
    }

    /** What a failed clear leaves: the parties committed before it are put back, nothing else moved. */
    private static String keptBy(List<Party> reverted) {
        if (reverted.isEmpty()) {
            return "no mode changed";
        }
        List<String> roles = new ArrayList<>(reverted.size());
        for (Party party : reverted) {
            roles.add("the " + party.role());
        }
        return String.join(" and ", roles) + (reverted.size() == 1 ? " keeps its" : " keep their")
                + " memory, and no mode changed";
    }

    private static void commitAll(PageTable table, ConstituentList runs, int mode, PagePool pool) {
        for (int i = 0; i < runs.size(); i++) {
            table.commitPrepared(runs.address(i), runs.end(i), mode, pool);
        }
    }
}
