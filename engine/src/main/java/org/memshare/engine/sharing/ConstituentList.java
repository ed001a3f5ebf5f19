package org.memshare.engine.sharing;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The constituents of one transaction, in order, grouped into the fragments they arrived in (SPCI
 * has one fragment; FF-A up to 20), with the checks both protocols apply to such a list. All
 * address arithmetic is unsigned 64-bit and wraps as in C. Immutable.
 */
public final class ConstituentList {
    private final List<PageRun> runs;
    /** fragmentStarts[f] is the index of fragment f's first run; one more entry holds the total. */
    private final int[] fragmentStarts;

    private ConstituentList(List<PageRun> runs, int[] fragmentStarts) {
        this.runs = runs;
        this.fragmentStarts = fragmentStarts;
    }

    /** One fragment holding {@code runs}. */
    public static ConstituentList of(List<PageRun> runs) {
        List<PageRun> copy = List.copyOf(requireNonNull(runs, "runs is null"));
        return new ConstituentList(copy, new int[] {0, copy.size()});
    }

    /** The runs of each fragment, in order (a fragment may be empty). */
    public static ConstituentList ofFragments(List<List<PageRun>> fragments) {
        requireNonNull(fragments, "fragments is null");
        List<PageRun> all = new ArrayList<>();
        int[] starts = new int[fragments.size() + 1];
        for (int f = 0; f < fragments.size(); f++) {
            starts[f] = all.size();
            all.addAll(requireNonNull(fragments.get(f), "a fragment is null"));
        }
        starts[fragments.size()] = all.size();
        return new ConstituentList(List.copyOf(all), starts);
    }

    /** Every run, fragment after fragment. */
    public List<PageRun> runs() {
        return runs;
    }

    public int size() {
        return runs.size();
    }

    public PageRun get(int index) {
        return runs.get(index);
    }

    public int fragmentCount() {
        return fragmentStarts.length - 1;
    }

    /** The runs of fragment {@code f}. */
    public List<PageRun> fragment(int f) {
        return runs.subList(fragmentStarts[f], fragmentStarts[f + 1]);
    }

    /** Whether run {@code index} arrived in the first fragment. */
    public boolean inFirstFragment(int index) {
        return fragmentStarts.length > 1 && index < fragmentStarts[1];
    }

    /**
     * The first run whose start or end (start + size, wrapping) is not 4 KiB aligned, as
     * Hafnium's {@code constituents_get_mode} tests them.
     */
    public OptionalInt firstUnaligned() {
        for (int i = 0; i < runs.size(); i++) {
            PageRun run = runs.get(i);
            if ((run.address() & (PageRun.PAGE_SIZE - 1)) != 0 || (run.end() & (PageRun.PAGE_SIZE - 1)) != 0) {
                return OptionalInt.of(i);
            }
        }
        return OptionalInt.empty();
    }

    /** The first run whose end (unsigned, wrapping) lies beyond {@code limit}. */
    public OptionalInt firstEndingBeyond(long limit) {
        for (int i = 0; i < runs.size(); i++) {
            if (Long.compareUnsigned(runs.get(i).end(), limit) > 0) {
                return OptionalInt.of(i);
            }
        }
        return OptionalInt.empty();
    }

    /** The page counts added up modulo 2^32, as a {@code uint32_t} sum does. */
    public long pageSumU32() {
        long sum = 0;
        for (PageRun run : runs) {
            sum = (sum + run.pageCount()) & 0xffff_ffffL;
        }
        return sum;
    }

    /** The page counts added up exactly (at most 2^32 times 2^32, far from overflowing). */
    public long pageSum() {
        long sum = 0;
        for (PageRun run : runs) {
            sum += run.pageCount();
        }
        return sum;
    }

    /**
     * Two runs that overlap as Hafnium's {@code ffa_memory_check_overlap} judges it, if any (the
     * lower index first). That check compares each run with the ones after it, with inclusive
     * ends, and:
     * <ul>
     *   <li>ignores a run that is empty or does not fit below 2^64 (it overlaps nothing);</li>
     *   <li>stops comparing a run with later ones at the first such run after it, so overlaps
     *       are only found between runs that no empty or wrapping run separates;</li>
     *   <li>misses two runs of which one starts on the other's last byte (only possible when one
     *       is unaligned, which is refused later anyway).</li>
     * </ul>
     * The same verdict in O(n log n): the valid runs between two invalid ones are sorted by start
     * and neighbours compared.
     */
    public Optional<int[]> firstOverlap() {
        int n = runs.size();
        int segmentStart = 0;
        for (int i = 0; i <= n; i++) {
            if (i == n || !fitsBelowTop(runs.get(i))) {
                Optional<int[]> found = overlapIn(segmentStart, i);
                if (found.isPresent()) {
                    return found;
                }
                segmentStart = i + 1;
            }
        }
        return Optional.empty();
    }

    /** Non-empty and ending at or below 2^64 - 1 (its last byte plus one does not reach 2^64). */
    private static boolean fitsBelowTop(PageRun run) {
        long size = run.sizeBytes();
        return size != 0 && Long.compareUnsigned(size, -1L - run.address()) <= 0;
    }

    private Optional<int[]> overlapIn(int from, int to) {
        int count = to - from;
        if (count < 2) {
            return Optional.empty();
        }
        Integer[] order = new Integer[count];
        Arrays.setAll(order, k -> from + k);
        Arrays.sort(order, (a, b) -> {
            int byStart = Long.compareUnsigned(runs.get(a).address(), runs.get(b).address());
            return byStart != 0 ? byStart : Integer.compare(a, b);
        });
        for (int k = 1; k < count; k++) {
            PageRun earlier = runs.get(order[k - 1]);
            PageRun later = runs.get(order[k]);
            long lastByte = earlier.address() + earlier.sizeBytes() - 1;
            if (Long.compareUnsigned(later.address(), lastByte) < 0) {
                return Optional.of(new int[] {Math.min(order[k - 1], order[k]), Math.max(order[k - 1], order[k])});
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return runs + " in " + fragmentCount() + " fragment" + (fragmentCount() == 1 ? "" : "s");
    }
}
