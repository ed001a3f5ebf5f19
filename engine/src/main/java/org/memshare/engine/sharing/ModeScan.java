package org.memshare.engine.sharing;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.memshare.api.addr.IntermediatePhysicalAddress;
import org.memshare.engine.mm.PageTable;

/**
 * The mode of one or several VMs over every run of a constituent list: each run must be mapped
 * with one mode in each table, and the runs must agree with each other as {@link Rule} says. The
 * runs are visited in order and, for each, the checks asked for are made in this order: the
 * alignment of its start and end, its end against a bound, its mode in each table (in the order
 * given), the agreement with the reference mode. The first failure is reported; under
 * {@link Rule#HAFNIUM_WALK_THEN_EVERY_RUN} the first fragment's runs are compared with each
 * other only after the walk.
 */
public final class ModeScan {

    /** Which runs must have the same mode. */
    public enum Rule {
        /** Every run has the mode of the first, compared as the walk goes (SPCI, the seed's order). */
        EVERY_RUN,
        /**
         * Hafnium main's {@code constituents_get_mode}: the reference mode is taken anew from every
         * run of the first fragment, so runs of the first fragment are never compared with each
         * other and later runs are compared with the last run of the first fragment.
         */
        FIRST_FRAGMENT_UNCOMPARED,
        /**
         * FF-A in memshare: Hafnium's walk ({@link #FIRST_FRAGMENT_UNCOMPARED}: per run the
         * alignment, one mode, and for later fragments the comparison with the first fragment's
         * last run), and then, once the walk found nothing, every run of the first fragment
         * compared with its first run (memshare's deliberate difference: Hafnium never compares
         * them). So every failure Hafnium reports is reported as Hafnium orders it, an unaligned
         * run after two mixed ones included, and only a mix Hafnium lets through is refused as
         * {@link Failure#MIXED} in addition.
         */
        HAFNIUM_WALK_THEN_EVERY_RUN
    }

    /** Why a scan failed. */
    public enum Failure {
        /** The run's start or end is not 4 KiB aligned. */
        UNALIGNED,
        /** The run ends beyond the bound given. */
        BEYOND_BOUND,
        /** The run is not mapped with one mode in a table (or is empty, or ends beyond its address space). */
        NOT_ONE_MODE,
        /** The run's mode differs from the reference in some table. */
        MIXED
    }

    /**
     * What a scan found: either every table's mode ({@code failure} null), or the first failure,
     * the run it concerns and, for {@link Failure#NOT_ONE_MODE} and {@link Failure#MIXED}, the
     * table (its index in the list given).
     */
    public record Result(int[] modes, Failure failure, int run, int table) {
        public boolean ok() {
            return failure == null;
        }

        /** The mode of the table at {@code index}; only for a successful scan. */
        public int mode(int index) {
            return modes[index];
        }
    }

    private ModeScan() {
    }

    /** The mode of one table over {@code runs}, with alignment checked; see {@link #scan}. */
    public static Result of(PageTable table, ConstituentList runs, Rule rule) {
        return scan(List.of(table), runs, rule, true, OptionalLong.empty());
    }

    /**
     * Scans {@code runs} in {@code tables}.
     *
     * @param checkAlignment whether an unaligned start or end fails the scan
     * @param endBound if present, a run ending (unsigned, wrapping) beyond it fails the scan
     * @return the modes, or the first failure; a list without runs fails as {@link Failure#NOT_ONE_MODE}
     *     of run 0 in table 0
     */
    public static Result scan(List<PageTable> tables, ConstituentList runs, Rule rule, boolean checkAlignment,
            OptionalLong endBound) {
        requireNonNull(endBound, "endBound is null");
        return scan(tables, runs, rule, checkAlignment, endBound.isPresent(), endBound.orElse(0));
    }

    /** {@link #scan(List, ConstituentList, Rule, boolean, OptionalLong)} with a bound, given without an object. */
    public static Result scan(List<PageTable> tables, ConstituentList runs, Rule rule, boolean checkAlignment,
            long endBound) {
        return scan(tables, runs, rule, checkAlignment, true, endBound);
    }

    private static Result scan(List<PageTable> tables, ConstituentList runs, Rule rule, boolean checkAlignment,
            boolean bounded, long endBound) {
        requireNonNull(tables, "tables is null");
        requireNonNull(runs, "runs is null");
        requireNonNull(rule, "rule is null");
        int[] modes = new int[tables.size()];
        if (runs.size() == 0) {
            return new Result(null, Failure.NOT_ONE_MODE, 0, 0);
        }
        int[] current = new int[tables.size()];
        int[] firstRun = new int[tables.size()];
        boolean compareAfter = rule == Rule.HAFNIUM_WALK_THEN_EVERY_RUN;
        // Under HAFNIUM_WALK_THEN_EVERY_RUN: the first run of the first fragment whose mode
        // differs from the first run's, in which table; reported only if the walk succeeds.
        int mixedRun = -1;
        int mixedTable = -1;
        for (int i = 0; i < runs.size(); i++) {
            long address = runs.address(i);
            long runEnd = runs.end(i);
            if (checkAlignment && ((address | runEnd) & (PageRun.PAGE_SIZE - 1)) != 0) {
                return new Result(null, Failure.UNALIGNED, i, 0);
            }
            if (bounded && Long.compareUnsigned(runEnd, endBound) > 0) {
                return new Result(null, Failure.BEYOND_BOUND, i, 0);
            }
            IntermediatePhysicalAddress begin = IntermediatePhysicalAddress.of(address);
            IntermediatePhysicalAddress end = IntermediatePhysicalAddress.of(runEnd);
            for (int t = 0; t < tables.size(); t++) {
                OptionalInt mode = tables.get(t).mode(begin, end);
                if (mode.isEmpty()) {
                    return new Result(null, Failure.NOT_ONE_MODE, i, t);
                }
                current[t] = mode.getAsInt();
            }
            boolean reference = i == 0 || (rule != Rule.EVERY_RUN && runs.inFirstFragment(i));
            for (int t = 0; t < tables.size(); t++) {
                if (i == 0) {
                    firstRun[t] = current[t];
                } else if (compareAfter && reference && mixedRun < 0 && current[t] != firstRun[t]) {
                    mixedRun = i;
                    mixedTable = t;
                }
                if (reference) {
                    modes[t] = current[t];
                } else if (current[t] != modes[t]) {
                    return new Result(null, Failure.MIXED, i, t);
                }
            }
        }
        if (mixedRun >= 0) {
            return new Result(null, Failure.MIXED, mixedRun, mixedTable);
        }
        return new Result(modes, null, -1, -1);
    }
}
