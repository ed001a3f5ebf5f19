package org.memshare.engine.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.Mockito.mock;

import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.memshare.api.addr.Addresses;
import org.memshare.api.addr.IntermediatePhysicalAddress;
import org.memshare.api.addr.PhysicalAddress;
import org.memshare.api.arch.PageTableFormat;
import org.memshare.api.arch.Stage;
import org.memshare.api.arch.TlbMaintenance;
import org.memshare.api.mode.Mode;
import org.memshare.api.pool.PagePool;
import org.memshare.arch.aarch64.Aarch64ArchPlugin;
import org.memshare.arch.fake.FakeArchPlugin;
import org.memshare.engine.pool.DefaultPagePool;

/**
 * The incremental {@link PageTable#defrag} against the full walk it replaces: two copies of a
 * table take the same random maps, unmaps, prepares and commits (many failing for want of pool
 * pages), one defragmenting incrementally and one fully; after every step their dumps, their
 * pools' free counts, and every allocation and free each pool saw must be the same.
 */
class IncrementalDefragPropertyTest {

    private static final long PAGE = Addresses.PAGE_SIZE;
    private static final long BLOCK = Addresses.entrySize(1);
    private static final long GIB = Addresses.entrySize(2);
    private static final long HEAP_BASE = 0x1_0000_0000L;
    private static final int[] MODES = {
        Mode.R | Mode.W | Mode.X, Mode.R | Mode.W, Mode.R, Mode.R | Mode.INVALID, Mode.R | Mode.W | Mode.SHARED,
        Mode.UNMAPPED_MASK,
    };

    /** The formats and stages checked: the fake arch, and aarch64 with one and several root tables. */
    private enum Flavour {
        FAKE_STAGE2(FakeArchPlugin.format(), Stage.STAGE2),
        AARCH64_PA32_STAGE2(Aarch64ArchPlugin.format(32), Stage.STAGE2),
        AARCH64_PA40_STAGE2(Aarch64ArchPlugin.format(40), Stage.STAGE2),
        AARCH64_PA40_STAGE1(Aarch64ArchPlugin.format(40), Stage.STAGE1);

        final PageTableFormat format;
        final Stage stage;

        Flavour(PageTableFormat format, Stage stage) {
            this.format = format;
            this.stage = stage;
        }
    }

    enum Kind { MAP, PREPARE, COMMIT, DEFRAG }

    record Op(Kind kind, long begin, long end, int mode) {
        @Override
        public String toString() {
            return kind + " [0x" + Long.toHexString(begin) + ", 0x" + Long.toHexString(end) + ") mode 0x"
                    + Integer.toHexString(mode);
        }
    }

    /** One copy: a table, the real pool under it, and what that pool was asked, in order. */
    private static final class Copy {
        final List<String> poolLog = new ArrayList<>();
        final PagePool pool;
        final PageTable table;

        Copy(Flavour flavour, int poolPages) {
            DefaultPagePool real = DefaultPagePool.create(PAGE);
            real.addChunk(HEAP_BASE, poolPages * PAGE);
            pool = recording(real, poolLog);
            table = PageTable.create(flavour.format, flavour.stage, new TableMemory(), TlbMaintenance.NONE, 1, pool)
                    .orElseThrow();
        }

        boolean apply(Op op, boolean fullDefrag) {
            PhysicalAddress begin = PhysicalAddress.of(op.begin());
            PhysicalAddress end = PhysicalAddress.of(op.end());
            switch (op.kind()) {
                case MAP:
                    return table.map(begin, end, op.mode(), pool);
                case PREPARE:
                    return table.prepare(begin, end, op.mode(), pool);
                case COMMIT:
                    return table.commit(begin, end, op.mode(), pool);
                default:
                    if (fullDefrag) {
                        table.defragFull(pool);
                    } else {
                        table.defrag(pool);
                    }
                    return true;
            }
        }

        List<String> dump() {
            List<String> lines = new ArrayList<>();
            table.visit((level, address, pte, kind) -> lines.add(level + " " + Long.toHexString(address) + " "
                    + Long.toHexString(pte) + " " + kind));
            return lines;
        }
    }

    /** A pool that hands every call to {@code real} and logs allocations and frees with their results. */
    private static PagePool recording(DefaultPagePool real, List<String> log) {
        return mock(PagePool.class, invocation -> {
            Object result;
            try {
                result = invocation.getMethod().invoke(real, invocation.getArguments());
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            String name = invocation.getMethod().getName();
            if (!name.equals("entrySize") && !name.equals("freeCount")) {
                log.add(name + Arrays.toString(invocation.getArguments()) + " -> " + result);
            }
            return result;
        });
    }

    @Property(tries = 150)
    void incrementalDefragGivesWhatFullDefragGives(@ForAll Flavour flavour, @ForAll @IntRange(min = 6, max = 40) int poolPages,
            @ForAll("operations") List<Op> ops) {
        Copy incremental = new Copy(flavour, poolPages);
        Copy full = new Copy(flavour, poolPages);
        for (Op op : ops) {
            boolean incrementalDone = incremental.apply(op, false);
            boolean fullDone = full.apply(op, true);
            assertEquals(fullDone, incrementalDone, () -> "outcome of " + op);
            assertEquals(full.dump(), incremental.dump(), () -> "tables after " + op);
            assertEquals(full.pool.freeCount(), incremental.pool.freeCount(), () -> "pool free count after " + op);
            assertEquals(full.poolLog, incremental.poolLog, () -> "allocations and frees up to " + op);
        }
        incremental.table.fini(incremental.pool);
        full.table.fini(full.pool);
        assertEquals(full.poolLog, incremental.poolLog, "allocations and frees up to fini");
        assertEquals(poolPages, incremental.pool.freeCount(), "pages back in the pool after fini");
    }

    /**
     * A walk that starts below the root, at a table the last walk went through, does what a walk
     * from the root does: a copy that forgets its walks' paths before every operation and one
     * that keeps them answer the same, leave the same tables and make the same pool calls, and
     * read the same modes over each operation's range and pieces of it.
     */
    @Property(tries = 150)
    void walksStartingBelowTheRootDoWhatWalksFromTheRootDo(@ForAll Flavour flavour,
            @ForAll @IntRange(min = 6, max = 40) int poolPages, @ForAll("operations") List<Op> ops) {
        Copy remembering = new Copy(flavour, poolPages);
        Copy forgetting = new Copy(flavour, poolPages);
        for (Op op : ops) {
            forgetting.table.forgetWalkPath();
            assertEquals(forgetting.apply(op, false), remembering.apply(op, false), () -> "outcome of " + op);
            assertEquals(forgetting.dump(), remembering.dump(), () -> "tables after " + op);
            assertEquals(forgetting.poolLog, remembering.poolLog, () -> "allocations and frees up to " + op);
            long middle = (op.begin() + (op.end() - op.begin()) / 2) & -PAGE;
            long[][] ranges = {{op.begin(), op.end()}, {op.begin(), op.begin() + PAGE}, {middle, middle + PAGE},
                {op.end() - PAGE, op.end()}};
            for (long[] range : ranges) {
                forgetting.table.forgetWalkPath();
                IntermediatePhysicalAddress begin = IntermediatePhysicalAddress.of(range[0]);
                IntermediatePhysicalAddress end = IntermediatePhysicalAddress.of(range[1]);
                assertEquals(forgetting.table.mode(begin, end), remembering.table.mode(begin, end),
                        () -> "mode of [0x" + Long.toHexString(range[0]) + ", 0x" + Long.toHexString(range[1])
                                + ") after " + op);
            }
        }
    }

    /** After any operations, an incremental defrag leaves nothing for a full one to do. */
    @Property(tries = 100)
    void fullDefragAfterIncrementalChangesNothing(@ForAll Flavour flavour,
            @ForAll @IntRange(min = 6, max = 40) int poolPages, @ForAll("operations") List<Op> ops) {
        Copy copy = new Copy(flavour, poolPages);
        for (Op op : ops) {
            copy.apply(op, false);
        }
        copy.table.defrag(copy.pool);
        List<String> dump = copy.dump();
        int logged = copy.poolLog.size();
        copy.table.defragFull(copy.pool);
        assertEquals(dump, copy.dump(), "tables after a full defrag following an incremental one");
        assertEquals(logged, copy.poolLog.size(), "pool calls made by the full defrag");
        copy.table.fini(copy.pool);
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Kind> kinds = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, Arbitraries.just(Kind.MAP)),
                net.jqwik.api.Tuple.of(3, Arbitraries.just(Kind.PREPARE)),
                net.jqwik.api.Tuple.of(3, Arbitraries.just(Kind.COMMIT)),
                net.jqwik.api.Tuple.of(2, Arbitraries.just(Kind.DEFRAG)));
        // Few distinct places, so operations overlap, split and merge one another's blocks.
        Arbitrary<Long> begins = Combinators.combine(
                Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, 3),
                Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(3, Arbitraries.just(0)),
                        net.jqwik.api.Tuple.of(1, Arbitraries.just(511)),
                        net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(0, 511))))
                .as((gib, block, page) -> gib * GIB + block * BLOCK + page * PAGE);
        Arbitrary<Long> lengths = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, Arbitraries.longs().between(1, 4).map(n -> n * PAGE)),
                net.jqwik.api.Tuple.of(2, Arbitraries.longs().between(510, 514).map(n -> n * PAGE)),
                net.jqwik.api.Tuple.of(2, Arbitraries.longs().between(1, 3).map(n -> n * BLOCK)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(GIB)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(2 * GIB + 3 * PAGE)));
        Arbitrary<Integer> modes = Arbitraries.integers().between(0, MODES.length - 1).map(i -> MODES[i]);
        Arbitrary<Op> ops = Combinators.combine(kinds, begins, lengths, modes)
                .as((kind, begin, length, mode) -> new Op(kind, begin, begin + length, mode));
        return ops.list().ofMinSize(1).ofMaxSize(40);
    }
}
