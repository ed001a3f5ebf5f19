package org.memshare.engine.mm;

import static java.util.Objects.requireNonNull;
import static org.memshare.api.addr.Addresses.PAGE_SIZE;
import static org.memshare.api.addr.Addresses.roundDownToPage;
import static org.memshare.api.addr.Addresses.roundUpToPage;

import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalInt;
import org.memshare.api.addr.IntermediatePhysicalAddress;
import org.memshare.api.addr.PhysicalAddress;
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
 *   <li>"The pool ran out" also covers the table memory refusing a new table because the heap
 *       would run out ({@link TableMemory#heapRefusals} counts it): the operation fails exactly
 *       as it would had the pool been empty at that allocation.</li>
 * </ul>
 *
 * <p>Addresses are unsigned 64-bit and all arithmetic wraps as in C. Not thread-safe: callers
 * hold the owner's lock (a VM's, or the hypervisor's stage-1 lock).
 *
 * <p>How it is built: every operation is a visitor ({@link TableVisitor}) of one {@link Walker},
 * which calls it for leaves, before tables and after tables; geometry comes from the format
 * through {@link Geometry}. Every entry write goes through {@link EntryWriter}, which does
 * break-before-make, TLB invalidation, the freeing of replaced tables and the changed marks that
 * let {@link #defrag} visit only the tables changed since the last one. Deliberate corrections of
 * the seed, also listed in the README: a split block's entries are built from their own
 * addresses; defrag checks every entry of a table before merging it; a merge into a block is
 * break-before-make; break-before-make invalidates the whole replaced entry; {@link #commit}
 * refuses, changing nothing, where Hafnium would run out of memory part way.
 */
public final class PageTable {

    private final PageTableFormat format;
    private final Stage stage;
    private final TableMemory memory;
    private final int vmId;
    private final long root;
    private final Geometry geometry;

    /** The walk of map, commit, defrag, get-mode and visit; the only one whose visits write. */
    private final Walker walker;
    /** Walks the tables under one entry from inside a visit of {@link #walker}: freeing, counting. */
    private final Walker subtreeWalker;
    private final EntryWriter writer;
    private final UpdateVisitor update;
    private final DefragVisitor defrag;
    private final ModeVisitor modeScan;
    private final DumpVisitor dump;
    /** The mode {@link #attrsFor} converted last, if any yet, and its attributes. */
    private boolean lastKnown;
    private int lastMode;
    private long lastAttrs;
    /** The attributes {@link #mode} converted last, if any yet, and their mode: a share reads the same mode per constituent. */
    private boolean lastReadKnown;
    private long lastReadAttrs;
    private int lastReadMode;
    /** The commit budget's walker and visitor, made on first use: most tables never need them. */
    private Walker budgetWalker;
    private CommitBudget budget;

    private PageTable(PageTableFormat format, Stage stage, TableMemory memory, TlbMaintenance tlb, int vmId,
            long root) {
        this.format = format;
        this.stage = stage;
        this.memory = memory;
        this.vmId = vmId;
        this.root = root;
        this.geometry = new Geometry(format, stage);
        this.walker = new Walker(format, geometry, memory, memory, root);
        this.subtreeWalker = new Walker(format, geometry, memory, null, root);
        this.writer = new EntryWriter(format, geometry, stage, memory, tlb, vmId, walker, subtreeWalker);
        this.update = new UpdateVisitor(format, geometry, memory, writer);
        this.defrag = new DefragVisitor(format, memory, writer);
        this.modeScan = new ModeVisitor(format);
        this.dump = new DumpVisitor(format);
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
            long rootPa = root + i * PAGE_SIZE;
            Arrays.fill(memory.table(rootPa), absent);
            memory.setChanged(rootPa, false);
            memory.clearChangedChildren(rootPa);
        }
        return Optional.of(new PageTable(format, stage, memory, tlb, vmId, root));
    }

    /** The first address the tables of {@code stage} cannot map: root count times the root entry size. */
    public static long addressSpaceEnd(PageTableFormat format, Stage stage) {
        return new Geometry(format, stage).addressSpaceEnd();
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
        return geometry.maxLevel();
    }

    public int rootTableCount() {
        return geometry.rootTableCount();
    }

    /** The first address this table cannot map. */
    public long addressSpaceEnd() {
        return geometry.addressSpaceEnd();
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

    /**
     * {@link #map}, answering why it failed: the pool ran out, with how many free pages it had
     * and how many new tables the map needs (counted by a dry run, on failure only).
     */
    public MapResult mapResult(PhysicalAddress begin, PhysicalAddress end, int mode, PagePool pool) {
        return map(begin, end, mode, pool) ? MapResult.ok() : ranOut("map", begin.value(), end.value(), mode);
    }

    /** {@link #unmap}, answering why it failed, as {@link #mapResult}. */
    public MapResult unmapResult(PhysicalAddress begin, PhysicalAddress end, PagePool pool) {
        return unmap(begin, end, pool) ? MapResult.ok() : ranOut("unmap", begin.value(), end.value(), Mode.UNMAPPED_MASK);
    }

    /** {@link #prepare}, answering why it failed, as {@link #mapResult}. */
    public MapResult prepareResult(PhysicalAddress begin, PhysicalAddress end, int mode, PagePool pool) {
        requireNonNull(begin, "begin is null");
        requireNonNull(end, "end is null");
        return prepareResult(begin.value(), end.value(), mode, pool);
    }

    /**
     * {@link #prepareResult(PhysicalAddress, PhysicalAddress, int, PagePool)} of the physical
     * range {@code [begin, end)} given as raw unsigned addresses, for callers that hold their runs
     * flat (see {@link #commitPrepared(long, long, int, PagePool)}).
     */
    public MapResult prepareResult(long begin, long end, int mode, PagePool pool) {
        return prepare(begin, end, mode, pool) ? MapResult.ok() : ranOut("prepare", begin, end, mode);
    }

    /**
     * The reason of an update whose prepare walk, the last walk made, ran out of pool: it took
     * every page the pool had, and a dry run from where it stopped counts the tables still missing.
     */
    private MapResult ranOut(String operation, long begin, long end, int mode) {
        long had = update.allocated();
        long needed = had + tablesMissing(begin, end, attrsFor(mode), Mode.isUnmapped(mode));
        return MapResult.failed("the page pool had " + (had == 0 ? "no free pages" : had == 1 ? "1 free page"
                : had + " free pages") + ", the " + operation + " needs " + needed + " new table" + (needed == 1 ? "" : "s"));
    }

    /** How many tables a prepare of the range would take from the pool, as the table is now. */
    private long tablesMissing(long begin, long end, long attrs, boolean unmap) {
        budgetReady();
        end = clampedEnd(end);
        begin = format.clearPa(begin);
        budgetWalker.walk(begin, end, budget.reset(attrs, unmap, false, Long.MAX_VALUE));
        return budget.taken();
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
        return prepare(begin.value(), end.value(), mode, pool);
    }

    private boolean prepare(long begin, long end, int mode, PagePool pool) {
        return update(begin, end, attrsFor(mode), Mode.isUnmapped(mode), false, pool);
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
        if (!fitsBudget(begin.value(), end.value(), attrs, unmap, pool.freeCount())) {
            return false;
        }
        update(begin.value(), end.value(), attrs, unmap, true, pool);
        return true;
    }

    /**
     * The dry run of {@link #commit}: whether its walk never asks more of the pool than it then
     * holds, and the table memory has room for every table it allocates (counted as new tables,
     * though a page from the pool may hold one already; a refusal is counted as the memory's).
     */
    private boolean fitsBudget(long begin, long end, long attrs, boolean unmap, long available) {
        budgetReady();
        end = clampedEnd(end);
        begin = format.clearPa(begin);
        if (!budgetWalker.walk(begin, end, budget.reset(attrs, unmap, available))) {
            return false;
        }
        if (!memory.hasRoomFor(budget.taken())) {
            memory.refuse();
            return false;
        }
        return true;
    }

    private void budgetReady() {
        if (budget == null) {
            ScratchTables scratch = new ScratchTables(memory, geometry.maxLevel());
            budgetWalker = new Walker(format, geometry, scratch, null, root);
            budget = new CommitBudget(format, geometry, scratch, subtreeWalker);
        }
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
        commitPrepared(begin.value(), end.value(), mode, pool);
    }

    /**
     * {@link #commitPrepared(PhysicalAddress, PhysicalAddress, int, PagePool)} of the physical
     * range {@code [begin, end)} given as raw unsigned addresses, for callers that hold their
     * runs flat (the sharing core commits dozens of runs per share, and the JIT does not always
     * see through an address object made per run).
     */
    public void commitPrepared(long begin, long end, int mode, PagePool pool) {
        if (!update(begin, end, attrsFor(mode), Mode.isUnmapped(mode), true, pool)) {
            throw new IllegalStateException("commit of 0x" + Long.toHexString(begin) + "..0x" + Long.toHexString(end)
                    + " needed memory: it was not prepared");
        }
    }

    /** The attributes of {@code mode} at this table's stage; the last answer is kept, as a share asks it per constituent. */
    private long attrsFor(int mode) {
        if (mode != lastMode || !lastKnown) {
            lastAttrs = stage == Stage.STAGE1 ? format.modeToStage1Attrs(mode) : format.modeToStage2Attrs(mode);
            lastMode = mode;
            lastKnown = true;
        }
        return lastAttrs;
    }

    /** An update's end: rounded up to a page (wrapping, so 2^64-1 becomes 0), then clamped to the address space. */
    private long clampedEnd(long end) {
        long rounded = roundUpToPage(end);
        long limit = geometry.addressSpaceEnd();
        return Long.compareUnsigned(rounded, limit) > 0 ? limit : rounded;
    }

    private boolean update(long begin, long end, long attrs, boolean unmap, boolean commit, PagePool pool) {
        requireNonNull(pool, "pool is null");
        end = clampedEnd(end);
        begin = format.clearPa(begin);
        // A prepare does not go into tables of pages (see UpdateVisitor), so it may start no lower than level 1.
        boolean done = walker.walkFrom(begin, end, update.reset(attrs, unmap, commit, pool), commit ? 0 : 1);
        update.clear();
        if (done && commit) {
            writer.invalidate(begin, end);
        }
        return done;
    }

    /** Frees every table of this page table, the roots included, back to {@code pool}; the table is unusable after. */
    public void fini(PagePool pool) {
        requireNonNull(pool, "pool is null");
        writer.freeAllTables(pool);
        pool.addChunk(root, geometry.rootTableCount() * PAGE_SIZE);
    }

    // ---------------------------------------------------------------- defrag

    /**
     * Replaces every table whose entries are all absent by an absent entry, and every table whose
     * entries are all blocks with equal attributes by one block where the level allows a block,
     * bottom up, freeing the tables to {@code pool}. A merge into a block is a valid-to-valid
     * replacement, so it is break-before-make like any other.
     *
     * <p>Only tables changed since the last defrag are visited (tables that a failed prepare
     * left included); the result, and the order in which tables go back to the pool, are exactly
     * those of a walk over the whole table.
     *
     * <p>The seed checked "is a block" for entries 1 to 511 only, and so merged a table whose
     * first entry was a table into a block on the fake arch; every entry is checked here.
     */
    public void defrag(PagePool pool) {
        defrag(pool, false);
    }

    /** {@link #defrag} walking every table, whatever changed: the oracle the incremental defrag is tested against. */
    void defragFull(PagePool pool) {
        defrag(pool, true);
    }

    private void defrag(PagePool pool, boolean full) {
        requireNonNull(pool, "pool is null");
        long rootSpan = geometry.entrySize(geometry.maxLevel() + 1);
        defrag.reset(full, pool);
        for (int r = 0; r < geometry.rootTableCount(); r++) {
            long rootPa = root + r * PAGE_SIZE;
            if (full || memory.isChanged(rootPa)) {
                walker.walkTable(rootPa, geometry.maxLevel(), r * rootSpan, (r + 1) * rootSpan, defrag);
                memory.setChanged(rootPa, false);
                memory.clearChangedChildren(rootPa);
            }
        }
        defrag.clear();
        walker.forgetMarks();
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
        if (Long.compareUnsigned(last, geometry.addressSpaceEnd()) > 0 || Long.compareUnsigned(first, last) >= 0) {
            return OptionalInt.empty();
        }
        if (!walker.walkFrom(first, last, modeScan.reset(), 0) || !modeScan.seen()) {
            return OptionalInt.empty();
        }
        long attrs = modeScan.attrs();
        if (attrs != lastReadAttrs || !lastReadKnown) {
            lastReadMode = format.stage2AttrsToMode(attrs);
            lastReadAttrs = attrs;
            lastReadKnown = true;
        }
        return OptionalInt.of(lastReadMode);
    }

    /** Makes the next walk start at the root, as if none had been made before (for tests of the walks that do not). */
    void forgetWalkPath() {
        walker.forgetPath();
    }

    /**
     * {@link #mode}, answering why there is no mode: the range is empty or ends beyond the
     * address space, or it holds entries of different attributes (the first two are named).
     */
    public ModeResult modeResult(IntermediatePhysicalAddress begin, IntermediatePhysicalAddress end) {
        OptionalInt mode = mode(begin, end);
        if (mode.isPresent()) {
            return ModeResult.of(mode.getAsInt());
        }
        long first = roundDownToPage(begin.value());
        long last = roundUpToPage(end.value());
        if (Long.compareUnsigned(last, geometry.addressSpaceEnd()) > 0) {
            return ModeResult.none("the range ends at " + hex(last) + ", beyond the address space (it ends at "
                    + hex(geometry.addressSpaceEnd()) + ")");
        }
        if (Long.compareUnsigned(first, last) >= 0) {
            return ModeResult.none("the range " + hex(first) + ".." + hex(last) + " is empty"
                    + (last == end.value() ? "" : " (its end " + hex(end.value()) + " rounds up to the page at " + hex(last)
                            + (last == 0 ? ", wrapping" : "") + ")"));
        }
        if (!modeScan.seen()) {
            return ModeResult.none("no entry covers the range");
        }
        return ModeResult.none("the range has more than one mode: " + describe(modeScan.attrs()) + " at "
                + hex(modeScan.firstAddress()) + ", " + describe(modeScan.otherAttrs()) + " at "
                + hex(modeScan.otherAddress()));
    }

    private String describe(long attrs) {
        int mode = format.stage2AttrsToMode(attrs);
        return Mode.describe(mode) + " (0x" + Integer.toHexString(mode) + ")";
    }

    private static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }

    /** Visits every present entry depth first, root tables in order, entries in address order. */
    public void visit(EntryVisitor visitor) {
        requireNonNull(visitor, "visitor is null");
        walker.walk(0, geometry.addressSpaceEnd(), dump.reset(visitor));
        dump.reset(null);
    }

    @Override
    public String toString() {
        return "PageTable[" + stage + (stage == Stage.STAGE2 ? " vm " + vmId : "") + ", root 0x"
                + Long.toHexString(root) + ", max level " + geometry.maxLevel() + ", " + geometry.rootTableCount()
                + " root tables]";
    }
}
