package org.memshare.engine.mm;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.memshare.api.addr.Addresses;

/**
 * The hypervisor's own memory, where page tables live: each page is a table of 512 entries,
 * found by its physical address, because an entry holds the physical address of the table below
 * it. Sparse: a page costs nothing until it is first used, so tables may live anywhere in a
 * 64-bit space. No VM can reach this memory; what VMs read and write is a separate store.
 *
 * <p>Pages are grouped in blocks of 512 (2 MiB), blocks in 1 GiB regions, each made on first
 * use, so an empty memory costs a few hundred bytes and a machine's first table a few KiB. The
 * block used last is remembered, since a walk rarely leaves it. A table's contents are guarded
 * by the lock of the page table that owns it.
 *
 * <p>The memory counts the tables it holds against a limit, so that a machine whose pool is
 * larger than the heap fails cleanly when the heap would run out instead of throwing
 * {@link OutOfMemoryError}: a page newly allocated for a table ({@link #newTable}) is refused past
 * the limit, and the refusal is counted ({@link #heapRefusals}). Pages read or made any other way
 * are counted but never refused.
 */
public final class TableMemory implements TableSource {
    private static final int BLOCK_BITS = Addresses.PAGE_LEVEL_BITS;
    private static final int PAGES_PER_BLOCK = 1 << BLOCK_BITS;
    private static final int BLOCK_SHIFT = Addresses.PAGE_BITS + BLOCK_BITS;
    private static final int REGION_SHIFT = 30;
    private static final int BLOCKS_PER_REGION = 1 << (REGION_SHIFT - BLOCK_SHIFT);

    /**
     * 512 consecutive pages. A slot is filled once, by compare-and-set, so a thread that looks a
     * page up never replaces a table another thread has just created there.
     */
    private record Block(long number, AtomicReferenceArray<long[]> pages, boolean[] changed, long[] changedChildren) {
    }

    /** 512 blocks, each made on first use. */
    private record Region(long number, AtomicReferenceArray<Block> blocks) {
    }

    /** 512 bits per page: which entries of the table there point at tables marked changed. */
    private static final int CHILD_WORDS = Addresses.ENTRIES_PER_TABLE / Long.SIZE;
    private static final Block NO_BLOCK = new Block(-1, new AtomicReferenceArray<>(0), new boolean[0], new long[0]);
    private static final Region NO_REGION = new Region(-1, new AtomicReferenceArray<>(0));

    private final ConcurrentMap<Long, Region> regions = new ConcurrentHashMap<>();
    private Region lastRegion = NO_REGION;
    private Block lastBlock = NO_BLOCK;
    private final long tableLimit;
    private final AtomicLong tables = new AtomicLong();
    private final AtomicLong refusals = new AtomicLong();

    /** A memory that holds as many tables as the heap does. */
    public TableMemory() {
        this(Long.MAX_VALUE);
    }

    /**
     * A memory that refuses a new table ({@link #newTable}) once it holds {@code tableLimit}.
     *
     * @throws IllegalArgumentException if the limit is negative
     */
    public TableMemory(long tableLimit) {
        if (tableLimit < 0) {
            throw new IllegalArgumentException("tableLimit must not be negative, was " + tableLimit);
        }
        this.tableLimit = tableLimit;
    }

    /**
     * The table stored in the page at {@code pa} (its page offset is ignored). The array is live:
     * writes to it change the table. A page never written holds zeros.
     */
    @Override
    public long[] table(long pa) {
        Block block = block(pa);
        int index = pageIndex(pa);
        long[] table = block.pages().get(index);
        return table != null ? table : materialise(block, index);
    }

    /**
     * The table in the page at {@code pa}, which the caller has just allocated from a pool to
     * fill as a new table; null, changing nothing but the refusal count, if the page holds no
     * table yet and one more would pass the limit.
     */
    long[] newTable(long pa) {
        Block block = block(pa);
        int index = pageIndex(pa);
        long[] table = block.pages().get(index);
        if (table != null) {
            return table;
        }
        if (!hasRoomFor(1)) {
            refuse();
            return null;
        }
        return materialise(block, index);
    }

    /** Whether {@code count} more tables fit under the limit. */
    boolean hasRoomFor(long count) {
        return count <= tableLimit - tables.get();
    }

    /** Counts a refusal: an operation failed because the limit left no room for its tables. */
    void refuse() {
        refusals.incrementAndGet();
    }

    /** How many tables (pages that were ever read or written) this memory holds. */
    public long tableCount() {
        return tables.get();
    }

    /** How many tables this memory may hold before it refuses new ones ({@link Long#MAX_VALUE} if unlimited). */
    public long tableLimit() {
        return tableLimit;
    }

    /**
     * How many times an operation failed because the limit left no room for a table it needed.
     * Such an operation fails as if the page pool had run out.
     */
    public long heapRefusals() {
        return refusals.get();
    }

    private long[] materialise(Block block, int index) {
        if (block.pages().compareAndSet(index, null, new long[Addresses.ENTRIES_PER_TABLE])) {
            tables.incrementAndGet();
        }
        return block.pages().get(index);
    }

    /**
     * Whether the table at {@code pa} may have changed since its page table's last defrag (see
     * {@link PageTable#defrag}). The mark is bookkeeping beside the table, never part of it; a
     * page's mark is guarded by the lock of the page table that owns the page, as its entries are.
     */
    boolean isChanged(long pa) {
        return block(pa).changed()[pageIndex(pa)];
    }

    /** Sets or clears the changed mark of the table at {@code pa}. */
    void setChanged(long pa, boolean changed) {
        block(pa).changed()[pageIndex(pa)] = changed;
    }

    /**
     * Notes that entry {@code index} of the table at {@code pa} points at a table marked changed,
     * so that a defrag visits that entry. A table's changed children are always noted in it;
     * entries noted may also point at tables that are no longer marked, or at no table.
     */
    void setChildChanged(long pa, int index) {
        block(pa).changedChildren()[pageIndex(pa) * CHILD_WORDS + (index >>> 6)] |= 1L << index;
    }

    /** Forgets every changed child noted in the table at {@code pa}. */
    void clearChangedChildren(long pa) {
        int from = pageIndex(pa) * CHILD_WORDS;
        long[] words = block(pa).changedChildren();
        for (int w = 0; w < CHILD_WORDS; w++) {
            words[from + w] = 0;
        }
    }

    /**
     * Where the changed children of the table at {@code pa} are noted: 8 words of the array,
     * from {@link #changedChildrenOffset}, bit {@code i % 64} of word
     * {@code i / 64} for entry {@code i}. The array is live.
     */
    long[] changedChildren(long pa) {
        return block(pa).changedChildren();
    }

    /** The first word of the table at {@code pa} in {@link #changedChildren}. */
    static int changedChildrenOffset(long pa) {
        return pageIndex(pa) * CHILD_WORDS;
    }

    private Block block(long pa) {
        Block block = lastBlock;
        if (block.number() != pa >>> BLOCK_SHIFT) {
            block = findBlock(pa);
            lastBlock = block;
        }
        return block;
    }

    private Block findBlock(long pa) {
        long number = pa >>> REGION_SHIFT;
        Region region = lastRegion;
        if (region.number() != number) {
            region = regions.computeIfAbsent(number, n -> new Region(n, new AtomicReferenceArray<>(BLOCKS_PER_REGION)));
            lastRegion = region;
        }
        int index = (int) (pa >>> BLOCK_SHIFT) & (BLOCKS_PER_REGION - 1);
        Block block = region.blocks().get(index);
        if (block == null) {
            region.blocks().compareAndSet(index, null,
                    new Block(pa >>> BLOCK_SHIFT, new AtomicReferenceArray<>(PAGES_PER_BLOCK), new boolean[PAGES_PER_BLOCK],
                            new long[PAGES_PER_BLOCK * CHILD_WORDS]));
            block = region.blocks().get(index);
        }
        return block;
    }

    private static int pageIndex(long pa) {
        return (int) (pa >>> Addresses.PAGE_BITS) & (PAGES_PER_BLOCK - 1);
    }
}
