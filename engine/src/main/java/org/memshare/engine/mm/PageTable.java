package org.memshare.engine.mm;

import static java.util.Objects.requireNonNull;
import static org.memshare.api.addr.Addresses.ENTRIES_PER_TABLE;
import static org.memshare.api.addr.Addresses.PAGE_BITS;
import static org.memshare.api.addr.Addresses.PAGE_LEVEL_BITS;
import static org.memshare.api.addr.Addresses.PAGE_SIZE;
import static org.memshare.api.addr.Addresses.entrySize;
import static org.memshare.api.addr.Addresses.roundDownToPage;
import static org.memshare.api.addr.Addresses.roundUpToPage;

import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalInt;
import org.memshare.api.addr.IntermediatePhysicalAddress;
import org.memshare.api.addr.PhysicalAddress;
import org.memshare.api.addr.VirtualAddress;
import org.memshare.api.arch.PageTableFormat;
import org.memshare.api.arch.Stage;
import org.memshare.api.arch.TlbMaintenance;
import org.memshare.api.mode.Mode;
import org.memshare.api.pool.PagePool;

/**
 * A stage-1 or stage-2 page table that identity-maps physical ranges, with the semantics of
 * Hafnium's {@code mm.c} operation for operation (the conformance corpus compares dumps entry by
 * entry).
 *
 * <p>Contracts, as in the reference:
 * <ul>
 *   <li>A range {@code [begin, end)} is normalised, never rejected: begin loses the bits the arch
 *       cannot hold ({@link PageTableFormat#clearPa}), end is rounded up to a page (wrapping, so
 *       2^64-1 becomes 0) and clamped to the address space; begin &ge; end is nothing to do.</li>
 *   <li>{@link #prepare} allocates every table a later {@link #commit} of the same range needs
 *       and changes no mapping; a commit after a successful prepare cannot fail. {@link #map}
 *       is prepare then commit, so a failed map changes no mapping (it may leave extra tables,
 *       which {@link #defrag} reclaims).</li>
 *   <li>Map never merges; {@link #defrag} does.</li>
 * </ul>
 *
 * <p>Addresses are unsigned 64-bit and all arithmetic wraps as in C. Not thread-safe: callers
 * hold the owner's lock (a VM's, or the hypervisor's stage-1 lock).
 */
public final class PageTable {

    private final PageTableFormat format;
    private final Stage stage;
    private final TableMemory memory;
    private final TlbMaintenance tlb;
    private final int vmId;
    private final long root;
    private final int maxLevel;
    private final int rootLevel;
    private final int rootTableCount;
    private final long addressSpaceEnd;

    private PageTable(PageTableFormat format, Stage stage, TableMemory memory, TlbMaintenance tlb, int vmId,
            long root) {
        this.format = format;
        this.stage = stage;
        this.memory = memory;
        this.tlb = tlb;
        this.vmId = vmId;
        this.root = root;
        this.maxLevel = format.maxLevel(stage);
        this.rootLevel = maxLevel + 1;
        this.rootTableCount = format.rootTableCount(stage);
        this.addressSpaceEnd = addressSpaceEnd(format, stage);
    }

    /**
     * Creates an empty table, allocating its root tables from {@code pool} (one page, or a
     * contiguous run aligned to the root count when the root is concatenated).
     *
     * @param vmId the VM whose TLB entries this table's maintenance targets (0 for stage 1)
     * @return the table, or empty if the pool could not supply the root
     */
    public static Optional<PageTable> create(PageTableFormat format, Stage stage, TableMemory memory,
            TlbMaintenance tlb, int vmId, PagePool pool) {
        requireNonNull(format, "format is null");
        requireNonNull(stage, "stage is null");
        requireNonNull(memory, "memory is null");
        requireNonNull(tlb, "tlb is null");
        requireNonNull(pool, "pool is null");
        if (pool.entrySize() != PAGE_SIZE) {
            throw new IllegalArgumentException("page tables need a pool of " + PAGE_SIZE + "-byte entries, not "
                    + pool.entrySize());
        }
        int count = format.rootTableCount(stage);
        long root = count == 1 ? pool.alloc() : pool.allocContiguous(count, count);
        if (root == PagePool.NO_ENTRY) {
            return Optional.empty();
        }
        long absent = format.absentPte(format.maxLevel(stage));
        for (int i = 0; i < count; i++) {
            Arrays.fill(memory.table(root + i * PAGE_SIZE), absent);
        }
        return Optional.of(new PageTable(format, stage, memory, tlb, vmId, root));
    }

    /** The first address the tables of {@code stage} cannot map: root count times the root entry size. */
    public static long addressSpaceEnd(PageTableFormat format, Stage stage) {
        return format.rootTableCount(stage) * entrySize(format.maxLevel(stage) + 1);
    }

    public Stage stage() {
        return stage;
    }

    public PageTableFormat format() {
        return format;
    }

    /** The physical address of the first root table; the others follow it page by page. */
    public long rootAddress() {
        return root;
    }

    public int maxLevel() {
        return maxLevel;
    }

    public int rootTableCount() {
        return rootTableCount;
    }

    /** The first address this table cannot map. */
    public long addressSpaceEnd() {
        return addressSpaceEnd;
    }

    /** A copy of the 512 entries of the table in the page at {@code tablePa}. */
    public long[] entriesAt(long tablePa) {
        return memory.table(tablePa).clone();
    }

    // ---------------------------------------------------------------- updates

    /**
     * Maps {@code [begin, end)} to itself in {@code mode} (a mode with INVALID and UNOWNED both
     * set unmaps instead): prepare, then commit.
     *
     * @return false if the pool ran out, in which case no mapping changed
     */
    public boolean map(PhysicalAddress begin, PhysicalAddress end, int mode, PagePool pool) {
        requireNonNull(begin, "begin is null");
        requireNonNull(end, "end is null");
        long attrs = attrsFor(mode);
        boolean unmap = Mode.isUnmapped(mode);
        if (!update(begin.value(), end.value(), attrs, unmap, false, pool)) {
            return false;
        }
        update(begin.value(), end.value(), attrs, unmap, true, pool);
        return true;
    }

    /** Removes every mapping in {@code [begin, end)}; false (nothing changed) if the pool ran out. */
    public boolean unmap(PhysicalAddress begin, PhysicalAddress end, PagePool pool) {
        requireNonNull(begin, "begin is null");
        requireNonNull(end, "end is null");
        return map(begin, end, Mode.UNMAPPED_MASK, pool);
    }

    /**
     * The first half of {@link #map}: allocates from {@code pool} every table a commit of the
     * same range and mode needs, splitting blocks into equivalent tables where the range cuts
     * them. Changes no mapping.
     *
     * @return false if the pool ran out (tables already added stay, mapping nothing new)
     */
    public boolean prepare(PhysicalAddress begin, PhysicalAddress end, int mode, PagePool pool) {
        requireNonNull(begin, "begin is null");
        requireNonNull(end, "end is null");
        return update(begin.value(), end.value(), attrsFor(mode), Mode.isUnmapped(mode), false, pool);
    }

    /**
     * The second half of {@link #map}, as Hafnium's commit: updates the mapping, allocating from
     * {@code pool} any table the walk needs that a prepare did not leave (a commit in between
     * can have merged prepared tables away) and freeing replaced tables into it, in walk order,
     * so tables freed early in the walk pay for allocations later in it.
     *
     * <p>Where Hafnium would run out of memory part way and panic, this first counts what the
     * walk would take and give back, and refuses.
     *
     * @return false, changing nothing, if the pool cannot supply the walk
     */
    public boolean commit(PhysicalAddress begin, PhysicalAddress end, int mode, PagePool pool) {
        requireNonNull(begin, "begin is null");
        requireNonNull(end, "end is null");
        requireNonNull(pool, "pool is null");
        long attrs = attrsFor(mode);
        boolean unmap = Mode.isUnmapped(mode);
        if (!new CommitBudget(pool.freeCount()).fits(begin.value(), end.value(), attrs, unmap)) {
            return false;
        }
        update(begin.value(), end.value(), attrs, unmap, true, pool);
        return true;
    }

    /**
     * A dry run of a commit walk that changes nothing: it makes the walk's decisions on the real
     * tables, and on scratch copies of the tables the walk would create, counting the tables the
     * walk would allocate and free in order against what the pool holds.
     */
    private final class CommitBudget {
        private long available;

        CommitBudget(long available) {
            this.available = available;
        }

        boolean fits(long begin, long end, long attrs, boolean unmap) {
            end = clampedEnd(end);
            begin = format.clearPa(begin);
            long rootSize = entrySize(rootLevel);
            int rootIndex = index(begin, rootLevel);
            for (long next = begin; Long.compareUnsigned(next, end) < 0; next = startOfNextBlock(next, rootSize)) {
                if (!level(next, end, attrs, memory.table(root + rootIndex * PAGE_SIZE), maxLevel, unmap)) {
                    return false;
                }
                rootIndex++;
            }
            return true;
        }

        /** Mirrors {@link #mapLevel} in commit mode without writing anything. */
        private boolean level(long begin, long end, long attrs, long[] table, int level, boolean unmap) {
            long levelEnd = levelEnd(begin, level);
            if (Long.compareUnsigned(end, levelEnd) > 0) {
                end = levelEnd;
            }
            long size = entrySize(level);
            int i = index(begin, level);
            while (Long.compareUnsigned(begin, end) < 0) {
                long pte = table[i];
                Step step = step(pte, level, begin, end, attrs, unmap);
                if (step == Step.KEEP) {
                    // Nothing to count.
                } else if (step == Step.REPLACE) {
                    available += tablesUnder(pte, level);
                } else if (format.isTable(pte, level)) {
                    if (!level(begin, end, attrs, memory.table(format.tableAddress(pte, level)), level - 1, unmap)) {
                        return false;
                    }
                } else {
                    if (available == 0) {
                        return false;
                    }
                    available--;
                    long[] scratch = new long[ENTRIES_PER_TABLE];
                    fillSplit(scratch, pte, level);
                    if (!level(begin, end, attrs, scratch, level - 1, unmap)) {
                        return false;
                    }
                }
                begin = startOfNextBlock(begin, size);
                i++;
            }
            return true;
        }
    }

    /**
     * The entries a table replacing {@code pte} starts with: a block split into equivalent
     * blocks one level down, each built from its own address (the seed added to the encoded
     * entry, which corrupts addresses on the fake arch; later Hafnium fixed it), or else absent
     * entries.
     */
    private void fillSplit(long[] entries, long pte, int level) {
        int below = level - 1;
        if (format.isBlock(pte, level)) {
            long base = format.blockAddress(pte, level);
            long attrs = format.attrs(pte, level);
            long step = entrySize(below);
            for (int k = 0; k < ENTRIES_PER_TABLE; k++) {
                entries[k] = format.blockPte(below, base + k * step, attrs);
            }
        } else {
            Arrays.fill(entries, format.absentPte(below));
        }
    }

    /** How many tables {@code pte} points at, itself and all below it. */
    private long tablesUnder(long pte, int level) {
        if (!format.isTable(pte, level)) {
            return 0;
        }
        long[] table = memory.table(format.tableAddress(pte, level));
        long count = 1;
        for (int k = 0; k < ENTRIES_PER_TABLE; k++) {
            count += tablesUnder(table[k], level - 1);
        }
        return count;
    }

    /**
     * The second half of {@link #map} for callers that have just prepared the same range and
     * mode, and changed nothing since that could undo the preparation. Freed tables go to
     * {@code pool}.
     *
     * @throws IllegalStateException if the table was not prepared (a bug in the caller); the
     *     mapping is then partly committed
     */
    public void commitPrepared(PhysicalAddress begin, PhysicalAddress end, int mode, PagePool pool) {
        requireNonNull(begin, "begin is null");
        requireNonNull(end, "end is null");
        if (!update(begin.value(), end.value(), attrsFor(mode), Mode.isUnmapped(mode), true, pool)) {
            throw new IllegalStateException("commit of " + begin + ".." + end + " needed memory: it was not prepared");
        }
    }

    private long attrsFor(int mode) {
        return stage == Stage.STAGE1 ? format.modeToStage1Attrs(mode) : format.modeToStage2Attrs(mode);
    }

    /** An update's end: rounded up to a page (wrapping, so 2^64-1 becomes 0), then clamped to the address space. */
    private long clampedEnd(long end) {
        long rounded = roundUpToPage(end);
        return Long.compareUnsigned(rounded, addressSpaceEnd) > 0 ? addressSpaceEnd : rounded;
    }

    private boolean update(long begin, long end, long attrs, boolean unmap, boolean commit, PagePool pool) {
        requireNonNull(pool, "pool is null");
        end = clampedEnd(end);
        begin = format.clearPa(begin);
        long rootSize = entrySize(rootLevel);
        long next = begin;
        int rootIndex = index(begin, rootLevel);
        while (Long.compareUnsigned(next, end) < 0) {
            long[] table = memory.table(root + rootIndex * PAGE_SIZE);
            if (!mapLevel(next, end, attrs, table, maxLevel, unmap, commit, pool)) {
                return false;
            }
            next = startOfNextBlock(next, rootSize);
            rootIndex++;
        }
        if (commit) {
            invalidate(begin, end);
        }
        return true;
    }

    /** What a walk does with one entry. */
    private enum Step {
        /** The entry already is what the walk wants. */
        KEEP,
        /** The range covers the entry whole: replace it by a block, or by an absent entry to unmap. */
        REPLACE,
        /** The range cuts the entry, or no block may stand here: go down into its table. */
        DESCEND
    }

    /**
     * The one decision every map, prepare, commit and commit budget makes for an entry, so the
     * dry run can never drift from the walk it predicts.
     */
    private Step step(long pte, int level, long begin, long end, long attrs, boolean unmap) {
        boolean alreadyDone = unmap
                ? !format.isPresent(pte, level)
                : format.isBlock(pte, level) && format.attrs(pte, level) == attrs;
        if (alreadyDone) {
            return Step.KEEP;
        }
        long size = entrySize(level);
        boolean whole = Long.compareUnsigned(end - begin, size) >= 0 && (begin & (size - 1)) == 0;
        return whole && (unmap || format.isBlockAllowed(level)) ? Step.REPLACE : Step.DESCEND;
    }

    /**
     * Maps (or unmaps) the part of {@code [begin, end)} that falls in {@code table}, recursing
     * into subtables, splitting blocks where the range does not cover them whole.
     */
    private boolean mapLevel(long begin, long end, long attrs, long[] table, int level, boolean unmap,
            boolean commit, PagePool pool) {
        long levelEnd = levelEnd(begin, level);
        if (Long.compareUnsigned(end, levelEnd) > 0) {
            end = levelEnd;
        }
        long size = entrySize(level);
        int i = index(begin, level);
        while (Long.compareUnsigned(begin, end) < 0) {
            Step step = step(table[i], level, begin, end, attrs, unmap);
            if (step == Step.KEEP) {
                // Nothing to change for this entry.
            } else if (step == Step.REPLACE) {
                if (commit) {
                    long replacement = unmap ? format.absentPte(level) : format.blockPte(level, begin, attrs);
                    replaceEntry(begin, table, i, replacement, level, pool);
                }
            } else {
                long[] subtable = populateTable(begin, table, i, level, pool);
                if (subtable == null
                        || !mapLevel(begin, end, attrs, subtable, level - 1, unmap, commit, pool)) {
                    return false;
                }
            }
            begin = startOfNextBlock(begin, size);
            i++;
        }
        return true;
    }

    /**
     * Makes entry {@code i} of {@code table} a table entry, if it is not one already, replacing
     * a block by a table of equivalent blocks one level down and anything else by a table of
     * absent entries.
     *
     * @return the subtable, or null if the pool ran out (the entry is then unchanged)
     */
    private long[] populateTable(long begin, long[] table, int i, int level, PagePool pool) {
        long pte = table[i];
        if (format.isTable(pte, level)) {
            return memory.table(format.tableAddress(pte, level));
        }
        long subtablePa = pool.alloc();
        if (subtablePa == PagePool.NO_ENTRY) {
            return null;
        }
        long[] subtable = memory.table(subtablePa);
        fillSplit(subtable, pte, level);
        replaceEntry(begin, table, i, format.tablePte(level, subtablePa), level, pool);
        return subtable;
    }

    /**
     * Writes {@code replacement} into entry {@code i}, break-before-make if both the old and the
     * new entry are valid (write absent, invalidate the entry's whole range, write the new entry),
     * and frees any tables the old entry pointed at.
     *
     * <p>Hafnium invalidates from the walk's current address for one entry size, which misses
     * the start of the entry when the walk enters it part way (mapping [0x5000, 0x6000) in a
     * 2 MiB block leaves [0, 0x5000) of the old block in the TLB). The entry's own range is
     * invalidated here, as DESIGN.md asks; no trace output depends on it.
     */
    private void replaceEntry(long begin, long[] table, int i, long replacement, int level, PagePool pool) {
        long old = table[i];
        if (format.isValid(old, level) && format.isValid(replacement, level)) {
            table[i] = format.absentPte(level);
            long size = entrySize(level);
            long entryBegin = begin & -size;
            invalidate(entryBegin, entryBegin + size);
        }
        table[i] = replacement;
        freeTables(old, level, pool);
    }

    /** Returns to {@code pool} the table {@code pte} points at and all tables below it. */
    private void freeTables(long pte, int level, PagePool pool) {
        if (!format.isTable(pte, level)) {
            return;
        }
        long tablePa = format.tableAddress(pte, level);
        long[] table = memory.table(tablePa);
        for (int k = 0; k < ENTRIES_PER_TABLE; k++) {
            freeTables(table[k], level - 1, pool);
        }
        pool.free(tablePa);
    }

    private void invalidate(long begin, long end) {
        if (stage == Stage.STAGE1) {
            tlb.invalidateStage1(VirtualAddress.of(begin), VirtualAddress.of(end));
        } else {
            tlb.invalidateStage2(vmId, IntermediatePhysicalAddress.of(begin), IntermediatePhysicalAddress.of(end));
        }
    }

    /** Frees every table of this page table, the roots included, back to {@code pool}; the table is unusable after. */
    public void fini(PagePool pool) {
        requireNonNull(pool, "pool is null");
        for (int r = 0; r < rootTableCount; r++) {
            long[] table = memory.table(root + r * PAGE_SIZE);
            for (int k = 0; k < ENTRIES_PER_TABLE; k++) {
                freeTables(table[k], maxLevel, pool);
            }
        }
        pool.addChunk(root, rootTableCount * PAGE_SIZE);
    }

    // ---------------------------------------------------------------- defrag

    /**
     * Replaces every table whose entries are all absent by an absent entry, and every table whose
     * entries are all blocks with equal attributes by one block where the level allows a block,
     * bottom up, freeing the tables to {@code pool}.
     *
     * <p>The seed checked "is a block" for entries 1 to 511 only, and so merged a table whose
     * first entry was a table into a block on the fake arch; every entry is checked here.
     */
    public void defrag(PagePool pool) {
        requireNonNull(pool, "pool is null");
        for (int r = 0; r < rootTableCount; r++) {
            long[] table = memory.table(root + r * PAGE_SIZE);
            for (int k = 0; k < ENTRIES_PER_TABLE; k++) {
                table[k] = defragEntry(table[k], maxLevel, pool);
            }
        }
    }

    private long defragEntry(long entry, int level, PagePool pool) {
        if (!format.isTable(entry, level)) {
            return entry;
        }
        long tablePa = format.tableAddress(entry, level);
        long[] table = memory.table(tablePa);
        int below = level - 1;
        boolean mergeable = true;
        boolean basePresent = false;
        long baseAttrs = 0;
        for (int k = 0; k < ENTRIES_PER_TABLE; k++) {
            long pte = defragEntry(table[k], below, pool);
            table[k] = pte;
            boolean present = format.isPresent(pte, below);
            if (k == 0) {
                basePresent = present;
                baseAttrs = format.attrs(pte, below);
            } else if (present != basePresent) {
                mergeable = false;
                continue;
            }
            if (present && (!format.isBlock(pte, below) || format.attrs(pte, below) != baseAttrs)) {
                mergeable = false;
            }
        }
        if (!mergeable) {
            return entry;
        }
        if (!basePresent) {
            pool.free(tablePa);
            return format.absentPte(level);
        }
        if (!format.isBlockAllowed(level)) {
            return entry;
        }
        long combined = format.combineTableEntryAttrs(format.attrs(entry, level), baseAttrs);
        long address = format.blockAddress(table[0], below);
        pool.free(tablePa);
        return format.blockPte(level, address, combined);
    }

    // ---------------------------------------------------------------- queries

    /**
     * The mode of {@code [begin, end)} if every entry in it has the same attributes, absent
     * entries included. The range is widened to pages (no clamping): it fails if it is empty or
     * ends beyond the address space. Modes are read with the arch's stage-2 conversion.
     */
    public OptionalInt mode(IntermediatePhysicalAddress begin, IntermediatePhysicalAddress end) {
        requireNonNull(begin, "begin is null");
        requireNonNull(end, "end is null");
        long first = roundDownToPage(begin.value());
        long last = roundUpToPage(end.value());
        if (Long.compareUnsigned(last, addressSpaceEnd) > 0 || Long.compareUnsigned(first, last) >= 0) {
            return OptionalInt.empty();
        }
        AttrsScan scan = new AttrsScan();
        long rootSize = entrySize(rootLevel);
        int rootIndex = index(first, rootLevel);
        for (long next = first; Long.compareUnsigned(next, last) < 0; next = startOfNextBlock(next, rootSize)) {
            long[] table = memory.table(root + rootIndex * PAGE_SIZE);
            if (!scan.scan(table, next, last, maxLevel)) {
                return OptionalInt.empty();
            }
            rootIndex++;
        }
        return OptionalInt.of(format.stage2AttrsToMode(scan.attrs));
    }

    /** Accumulates the attributes seen over a range and stops at the first that differs. */
    private final class AttrsScan {
        boolean seen;
        long attrs;

        boolean scan(long[] table, long begin, long end, int level) {
            long levelEnd = levelEnd(begin, level);
            if (Long.compareUnsigned(end, levelEnd) > 0) {
                end = levelEnd;
            }
            long size = entrySize(level);
            int i = index(begin, level);
            while (Long.compareUnsigned(begin, end) < 0) {
                long pte = table[i];
                if (format.isTable(pte, level)) {
                    if (!scan(memory.table(format.tableAddress(pte, level)), begin, end, level - 1)) {
                        return false;
                    }
                } else {
                    long entryAttrs = format.attrs(pte, level);
                    if (!seen) {
                        attrs = entryAttrs;
                        seen = true;
                    } else if (entryAttrs != attrs) {
                        return false;
                    }
                }
                begin = startOfNextBlock(begin, size);
                i++;
            }
            return seen;
        }
    }

    /** Visits every present entry depth first, root tables in order, entries in address order. */
    public void visit(EntryVisitor visitor) {
        requireNonNull(visitor, "visitor is null");
        long rootSize = entrySize(rootLevel);
        for (int r = 0; r < rootTableCount; r++) {
            visitTable(memory.table(root + r * PAGE_SIZE), maxLevel, r * rootSize, visitor);
        }
    }

    private void visitTable(long[] table, int level, long base, EntryVisitor visitor) {
        long size = entrySize(level);
        for (int k = 0; k < ENTRIES_PER_TABLE; k++) {
            long pte = table[k];
            if (!format.isPresent(pte, level)) {
                continue;
            }
            long address = base + k * size;
            if (format.isTable(pte, level)) {
                visitor.visit(level, address, pte, EntryVisitor.Kind.TABLE);
                visitTable(memory.table(format.tableAddress(pte, level)), level - 1, address, visitor);
            } else if (format.isBlock(pte, level)) {
                visitor.visit(level, address, pte, EntryVisitor.Kind.BLOCK);
            } else {
                visitor.visit(level, address, pte, EntryVisitor.Kind.OTHER);
            }
        }
    }

    // ---------------------------------------------------------------- address arithmetic

    /** The index of {@code address}'s entry in a table at {@code level}. */
    static int index(long address, int level) {
        return (int) (address >>> (PAGE_BITS + level * PAGE_LEVEL_BITS)) & (ENTRIES_PER_TABLE - 1);
    }

    /** The end of the range that the table at {@code level} holding {@code address} covers. */
    static long levelEnd(long address, int level) {
        int shift = PAGE_BITS + (level + 1) * PAGE_LEVEL_BITS;
        return ((address >>> shift) + 1) << shift;
    }

    /** The start of the next block of {@code size} (a power of two) after {@code address}, wrapping. */
    static long startOfNextBlock(long address, long size) {
        return (address + size) & -size;
    }

    @Override
    public String toString() {
        return "PageTable[" + stage + (stage == Stage.STAGE2 ? " vm " + vmId : "") + ", root 0x"
                + Long.toHexString(root) + ", max level " + maxLevel + ", " + rootTableCount + " root tables]";
    }
}
