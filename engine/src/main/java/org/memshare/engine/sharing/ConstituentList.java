package org.memshare.engine.sharing;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The constituents of one transaction, in order, grouped into the fragments they arrived in (SPCI
 * has one fragment; FF-A up to 20), with the checks both protocols apply to such a list. All
 * address arithmetic is unsigned 64-bit and wraps as in C.
 *
 * <p>The runs are kept flat, as an array of addresses and one of page counts, and read with
 * {@link #address}, {@link #pageCount} and {@link #end}, so the hot paths build no {@link PageRun}
 * per constituent ({@link #runs()} and {@link #get} make them for callers that want objects). A
 * list made by {@link #of} or {@link #ofFragments} is immutable. One made by {@link #reusable()} is
 * refilled for each transaction with {@link #reset()} and {@link #add} (one fragment), allocating
 * nothing once its arrays have grown; it belongs to whoever made it and is not thread-safe.
 */
public final class ConstituentList {
    private long[] addresses;
    private long[] pageCounts;
    private int size;
    /** fragmentStarts[f] is the index of fragment f's first run; one more entry holds the total. */
    private final int[] fragmentStarts;
    private final boolean reusable;
    /** The runs as objects: given to {@link #of} and {@link #ofFragments}, or made on demand (reusable lists). */
    private List<PageRun> runs;
    /** Index sort space for {@link #firstOverlap}, kept by reusable lists only. */
    private int[] order;
    private int[] merge;

    private ConstituentList(List<PageRun> runs, int[] fragmentStarts) {
        this.runs = runs;
        this.fragmentStarts = fragmentStarts;
        this.reusable = false;
        this.size = runs.size();
        this.addresses = new long[size];
        this.pageCounts = new long[size];
        for (int i = 0; i < size; i++) {
            PageRun run = runs.get(i);
            addresses[i] = run.address();
            pageCounts[i] = run.pageCount();
        }
    }

    private ConstituentList(int capacity) {
        this.reusable = true;
        this.fragmentStarts = new int[] {0, 0};
        this.addresses = new long[capacity];
        this.pageCounts = new long[capacity];
        this.runs = List.of();
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

    /** An empty list of one fragment, to fill with {@link #add} and refill after {@link #reset()}. */
    public static ConstituentList reusable() {
        return new ConstituentList(64);
    }

    /** Empties a {@linkplain #reusable() reusable} list. */
    public void reset() {
        checkReusable();
        size = 0;
        fragmentStarts[1] = 0;
        runs = null;
    }

    /**
     * Appends a run to a {@linkplain #reusable() reusable} list, as {@code new PageRun(address,
     * pageCount)} would describe it.
     *
     * @throws IllegalArgumentException if {@code pageCount} is not a uint32
     */
    public void add(long address, long pageCount) {
        checkReusable();
        if (pageCount < 0 || pageCount > 0xffff_ffffL) {
            throw new IllegalArgumentException("pageCount must be a uint32, was " + pageCount);
        }
        if (size == addresses.length) {
            addresses = Arrays.copyOf(addresses, 2 * size);
            pageCounts = Arrays.copyOf(pageCounts, 2 * size);
        }
        addresses[size] = address;
        pageCounts[size] = pageCount;
        size++;
        fragmentStarts[1] = size;
        runs = null;
    }

    private void checkReusable() {
        if (!reusable) {
            throw new UnsupportedOperationException("this constituent list is immutable; only a reusable() one changes");
        }
    }

    /** Every run, fragment after fragment (made now for a reusable list changed since the last call). */
    public List<PageRun> runs() {
        if (runs == null) {
            List<PageRun> made = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                made.add(new PageRun(addresses[i], pageCounts[i]));
            }
            runs = Collections.unmodifiableList(made);
        }
        return runs;
    }

    public int size() {
        return size;
    }

    public PageRun get(int index) {
        Objects.checkIndex(index, size);
        return runs != null ? runs.get(index) : new PageRun(addresses[index], pageCounts[index]);
    }

    /** Run {@code index}'s first byte, unsigned. */
    public long address(int index) {
        Objects.checkIndex(index, size);
        return addresses[index];
    }

    /** Run {@code index}'s page count, 0 to 2^32-1. */
    public long pageCount(int index) {
        Objects.checkIndex(index, size);
        return pageCounts[index];
    }

    /** Run {@code index}'s size in bytes, as {@link PageRun#sizeBytes()}. */
    public long sizeBytes(int index) {
        return pageCount(index) * PageRun.PAGE_SIZE;
    }

    /** The first byte after run {@code index}, modulo 2^64, as {@link PageRun#end()}. */
    public long end(int index) {
        return address(index) + sizeBytes(index);
    }

    /** Run {@code index} in words, for reasons, as {@link PageRun#describe()}: {@code 0x201000, 1 page}. */
    public String describe(int index) {
        return get(index).describe(); // a reason's words, off the hot path: one place says them
    }

    public int fragmentCount() {
        return fragmentStarts.length - 1;
    }

    /** The runs of fragment {@code f}. */
    public List<PageRun> fragment(int f) {
        return runs().subList(fragmentStarts[f], fragmentStarts[f + 1]);
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
        for (int i = 0; i < size; i++) {
            if (((addresses[i] | end(i)) & (PageRun.PAGE_SIZE - 1)) != 0) {
                return OptionalInt.of(i);
            }
        }
        return OptionalInt.empty();
    }

    /** The first run whose end (unsigned, wrapping) lies beyond {@code limit}. */
    public OptionalInt firstEndingBeyond(long limit) {
        for (int i = 0; i < size; i++) {
            if (Long.compareUnsigned(end(i), limit) > 0) {
                return OptionalInt.of(i);
            }
        }
        return OptionalInt.empty();
    }

    /** The page counts added up modulo 2^32, as a {@code uint32_t} sum does. */
    public long pageSumU32() {
        return pageSum() & 0xffff_ffffL;
    }

    /** The page counts added up exactly (at most 2^32 times 2^32, far from overflowing). */
    public long pageSum() {
        long sum = 0;
        for (int i = 0; i < size; i++) {
            sum += pageCounts[i];
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
     * (stably, so equal starts keep index order) and neighbours compared.
     */
    public Optional<int[]> firstOverlap() {
        int segmentStart = 0;
        for (int i = 0; i <= size; i++) {
            if (i == size || !fitsBelowTop(i)) {
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
    private boolean fitsBelowTop(int index) {
        long size = sizeBytes(index);
        return size != 0 && Long.compareUnsigned(size, -1L - addresses[index]) <= 0;
    }

    private Optional<int[]> overlapIn(int from, int to) {
        int count = to - from;
        if (count < 2) {
            return Optional.empty();
        }
        int[] order;
        int[] merge;
        if (reusable) {
            // Only a reusable list keeps its sort space: an immutable one may be read by several threads.
            if (this.order == null || this.order.length < count) {
                this.order = new int[Math.max(count, addresses.length)];
                this.merge = new int[this.order.length];
            }
            order = this.order;
            merge = this.merge;
        } else {
            order = new int[count];
            merge = new int[count];
        }
        for (int k = 0; k < count; k++) {
            order[k] = from + k;
        }
        sort(order, merge, 0, count);
        for (int k = 1; k < count; k++) {
            int earlier = order[k - 1];
            int later = order[k];
            long lastByte = addresses[earlier] + sizeBytes(earlier) - 1;
            if (Long.compareUnsigned(addresses[later], lastByte) < 0) {
                return Optional.of(new int[] {Math.min(earlier, later), Math.max(earlier, later)});
            }
        }
        return Optional.empty();
    }

    /** A stable merge sort of {@code order[from, to)} by unsigned start; already sorted ranges cost one comparison. */
    private void sort(int[] order, int[] merge, int from, int to) {
        if (to - from < 2) {
            return;
        }
        int middle = (from + to) >>> 1;
        sort(order, merge, from, middle);
        sort(order, merge, middle, to);
        if (Long.compareUnsigned(addresses[order[middle - 1]], addresses[order[middle]]) <= 0) {
            return;
        }
        System.arraycopy(order, from, merge, from, to - from);
        int left = from;
        int right = middle;
        for (int k = from; k < to; k++) {
            if (right >= to || (left < middle
                    && Long.compareUnsigned(addresses[merge[left]], addresses[merge[right]]) <= 0)) {
                order[k] = merge[left++];
            } else {
                order[k] = merge[right++];
            }
        }
    }

    @Override
    public String toString() {
        return runs() + " in " + fragmentCount() + " fragment" + (fragmentCount() == 1 ? "" : "s");
    }
}
