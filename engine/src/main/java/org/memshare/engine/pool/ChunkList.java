package org.memshare.engine.pool;

import static java.lang.Long.compareUnsigned;

import org.memshare.api.pool.PagePool;

/**
 * The pool's list of chunks, in mpool's order (most recently added first), as a treap keyed by
 * position: each node knows its subtree's size and its largest chunk, so the first chunk big
 * enough for a contiguous allocation is found in logarithmic time instead of by walking the
 * list. Taking from the first chunk, adding a chunk at the head and splitting a chunk in place
 * are logarithmic too. The total number of entries is kept as a running sum.
 *
 * <p>Which chunk serves a request, and what is left, are exactly those of a walk from the head:
 * the search only skips chunks too small to fit, and alignment is checked on each candidate as
 * mpool checks it. That holds while mpool's arithmetic cannot wrap; when a request or a chunk
 * lies so high that it could, the list is walked from the head as mpool walks it.
 */
final class ChunkList {

    /** Requests and chunks below this bound cannot wrap mpool's unsigned arithmetic. */
    private static final long SAFE_BOUND = 1L << 62;

    /** A chunk {@code [begin, limit)} and its subtree's summary. */
    private static final class Node {
        long begin;
        long limit;
        final int priority;
        Node left;
        Node right;
        int size = 1;
        /** The largest {@code limit - begin} in this subtree, unsigned. */
        long maxBytes;

        Node(long begin, long limit, int priority) {
            this.begin = begin;
            this.limit = limit;
            this.priority = priority;
            this.maxBytes = limit - begin;
        }
    }

    private final long entrySize;
    private final int entryShift;
    private Node root;
    /** The sum over all chunks of their entries, wrapping as mpool's own count does. */
    private long entries;
    /** Chunks whose limit lies at or above {@link #SAFE_BOUND}. */
    private int highChunks;
    /** Priorities come from a fixed-seed generator, so a pool behaves the same on every run (its results never depend on them). */
    private int seed = 0x2545F491;
    /** Results of {@link #split}, to avoid allocating a pair. */
    private Node splitLeft;
    private Node splitRight;

    ChunkList(long entrySize) {
        this.entrySize = entrySize;
        this.entryShift = Long.numberOfTrailingZeros(entrySize);
    }

    boolean isEmpty() {
        return root == null;
    }

    /** How many chunks there are. */
    int size() {
        return size(root);
    }

    /** The number of entries in all chunks. */
    long entries() {
        return entries;
    }

    /** Adds {@code [begin, limit)} (aligned to the entry size, not empty) at the head. */
    void addFirst(long begin, long limit) {
        root = merge(newNode(begin, limit), root);
    }

    /** Takes the first entry of the first chunk, or returns {@link PagePool#NO_ENTRY}. */
    long takeFirstEntry() {
        if (root == null) {
            return PagePool.NO_ENTRY;
        }
        Node first = root;
        while (first.left != null) {
            first = first.left;
        }
        long entry = first.begin;
        long rest = entry + entrySize;
        if (compareUnsigned(rest, first.limit) >= 0) {
            forget(first);
            split(root, 1);
            root = splitRight;
        } else {
            entries--;
            first.begin = rest;
            refreshLeftSpine(root);
        }
        return entry;
    }

    /**
     * Takes {@code count} contiguous entries starting at a multiple of {@code align} entries
     * from the first chunk that holds them, leaving the entries skipped for the alignment as a
     * chunk in that chunk's place, followed by what is left after the run.
     *
     * @return the first entry, or {@link PagePool#NO_ENTRY}
     */
    long takeContiguous(long count, long align) {
        long alignBytes = align * entrySize;
        long bytes = count * entrySize;
        long safeCount = SAFE_BOUND / entrySize;
        boolean safe = highChunks == 0 && count < safeCount && align < safeCount;
        int position = safe ? firstFitting(bytes, alignBytes) : firstFittingByWalk(bytes, alignBytes);
        if (position < 0) {
            return PagePool.NO_ENTRY;
        }
        split(root, position);
        Node before = splitLeft;
        split(splitRight, 1);
        Node chunk = splitLeft;
        Node after = splitRight;
        long start = alignedStart(chunk.begin, alignBytes);
        long end = start + bytes;
        forget(chunk);
        Node replacement = null;
        // The entries skipped to reach the alignment stay in the pool as a chunk of their own.
        if (compareUnsigned(start - chunk.begin, entrySize) >= 0) {
            replacement = newNode(chunk.begin, start);
        }
        if (end != chunk.limit) {
            replacement = merge(replacement, newNode(end, chunk.limit));
        }
        root = merge(merge(before, replacement), after);
        return start;
    }

    /** Sees one chunk. */
    @FunctionalInterface
    interface ChunkConsumer {
        void accept(long begin, long size);
    }

    /** Hands every chunk to {@code action} from the head, as {@code (begin, size in bytes)}. */
    void forEach(ChunkConsumer action) {
        forEach(root, action);
    }

    private static void forEach(Node node, ChunkConsumer action) {
        if (node == null) {
            return;
        }
        forEach(node.left, action);
        action.accept(node.begin, node.limit - node.begin);
        forEach(node.right, action);
    }

    // ------------------------------------------------------------ search

    private long alignedStart(long begin, long alignBytes) {
        return Long.divideUnsigned(begin + alignBytes - 1, alignBytes) * alignBytes;
    }

    private boolean fits(Node chunk, long bytes, long alignBytes) {
        long start = alignedStart(chunk.begin, alignBytes);
        return compareUnsigned(start + bytes, chunk.limit) <= 0;
    }

    /**
     * The position of the first chunk a contiguous request fits, when nothing can wrap: then a
     * chunk smaller than the request cannot fit, so only chunks at least that big are tried.
     */
    private int firstFitting(long bytes, long alignBytes) {
        int from = 0;
        while (true) {
            int position = firstAtLeast(root, bytes, from, 0);
            if (position < 0 || fits(nodeAt(position), bytes, alignBytes)) {
                return position;
            }
            from = position + 1;
        }
    }

    /** The position of the first chunk at or after {@code from} of at least {@code bytes}, or -1. */
    private static int firstAtLeast(Node node, long bytes, int from, int offset) {
        if (node == null || compareUnsigned(node.maxBytes, bytes) < 0 || offset + node.size <= from) {
            return -1;
        }
        int found = firstAtLeast(node.left, bytes, from, offset);
        if (found >= 0) {
            return found;
        }
        int here = offset + size(node.left);
        if (here >= from && compareUnsigned(node.limit - node.begin, bytes) >= 0) {
            return here;
        }
        return firstAtLeast(node.right, bytes, from, here + 1);
    }

    /** mpool's own search, chunk by chunk from the head, for requests or chunks high enough to wrap. */
    private int firstFittingByWalk(long bytes, long alignBytes) {
        int total = size(root);
        for (int position = 0; position < total; position++) {
            if (fits(nodeAt(position), bytes, alignBytes)) {
                return position;
            }
        }
        return -1;
    }

    private Node nodeAt(int position) {
        Node node = root;
        while (true) {
            int leftSize = size(node.left);
            if (position < leftSize) {
                node = node.left;
            } else if (position == leftSize) {
                return node;
            } else {
                position -= leftSize + 1;
                node = node.right;
            }
        }
    }

    // ------------------------------------------------------------ treap

    private Node newNode(long begin, long limit) {
        seed ^= seed << 13;
        seed ^= seed >>> 17;
        seed ^= seed << 5;
        entries += (limit - begin) >>> entryShift;
        if (compareUnsigned(limit, SAFE_BOUND) >= 0) {
            highChunks++;
        }
        return new Node(begin, limit, seed);
    }

    /** Takes a chunk's entries out of the counts before it leaves the list. */
    private void forget(Node chunk) {
        entries -= (chunk.limit - chunk.begin) >>> entryShift;
        if (compareUnsigned(chunk.limit, SAFE_BOUND) >= 0) {
            highChunks--;
        }
    }

    private static int size(Node node) {
        return node == null ? 0 : node.size;
    }

    private static void update(Node node) {
        node.size = 1 + size(node.left) + size(node.right);
        long max = node.limit - node.begin;
        if (node.left != null && compareUnsigned(node.left.maxBytes, max) > 0) {
            max = node.left.maxBytes;
        }
        if (node.right != null && compareUnsigned(node.right.maxBytes, max) > 0) {
            max = node.right.maxBytes;
        }
        node.maxBytes = max;
    }

    /** Recomputes the summaries from the first node up to {@code node}, after the first chunk shrank. */
    private static void refreshLeftSpine(Node node) {
        if (node.left != null) {
            refreshLeftSpine(node.left);
        }
        update(node);
    }

    /** Concatenates two lists. */
    private static Node merge(Node first, Node second) {
        if (first == null) {
            return second;
        }
        if (second == null) {
            return first;
        }
        if (first.priority > second.priority) {
            first.right = merge(first.right, second);
            update(first);
            return first;
        }
        second.left = merge(first, second.left);
        update(second);
        return second;
    }

    /** Splits {@code node}'s list after its first {@code count} chunks into {@link #splitLeft} and {@link #splitRight}. */
    private void split(Node node, int count) {
        if (node == null) {
            splitLeft = null;
            splitRight = null;
            return;
        }
        int leftSize = size(node.left);
        if (count <= leftSize) {
            split(node.left, count);
            node.left = splitRight;
            update(node);
            splitRight = node;
        } else {
            split(node.right, count - leftSize - 1);
            node.right = splitLeft;
            update(node);
            splitLeft = node;
        }
    }
}
