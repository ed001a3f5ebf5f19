package org.memshare.engine.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.memshare.api.addr.PhysicalAddress;
import org.memshare.api.arch.PageTableFormat;
import org.memshare.api.spci.Constituent;
import org.memshare.api.spci.Decoded;
import org.memshare.api.spci.MemoryRegion;
import org.memshare.api.spci.MemoryRegionCodec;
import org.memshare.api.spci.ReceiverAttributes;
import org.memshare.api.spci.ShareType;
import org.memshare.api.spci.SpciError;
import org.memshare.engine.hypervisor.Hypervisor;
import org.memshare.engine.mm.EntryVisitor;
import org.memshare.engine.mm.PageTable;
import org.memshare.engine.plugin.ArchRegistry;
import org.memshare.engine.spci.SpciResult;
import org.memshare.trace.Corpus;
import org.memshare.trace.CorpusCase;
import org.memshare.trace.Operation;
import org.memshare.trace.ParsedLine;
import org.memshare.trace.TraceLines;
import org.memshare.trace.TraceParser;
import org.memshare.trace.TraceReplayer;

/**
 * Exhaustion at every point (issue 9): for a share that succeeds, fail its k-th page allocation
 * for every k from 1 to its total, and once past it. Each time the share answers NO_MEMORY (or
 * SUCCESS once k is past the last allocation), every VM's stage-2 mappings and the hypervisor's
 * stage 1 are as before, memory is as before except constituents already cleared (a prefix of
 * the list, only with the clear flag), no message is delivered, and after a defrag of every
 * table the tables and the pool's free count are those of the same machine that never tried.
 * Shares come from the corpus (every successful share of the share-* traces, clear on and off)
 * and from seeded random scenarios (every share type, clear on and off, both arches).
 */
class ShareExhaustionTest {
    private static final ArchRegistry REGISTRY = ArchRegistry.discover();
    private static final AtomicLong FAULT_POINTS = new AtomicLong();
    private static final AtomicLong SHARES = new AtomicLong();
    private static final Map<ShareType, AtomicLong> BY_TYPE = new EnumMap<>(ShareType.class);
    private static final int PROBE_PAGES = 3;

    static {
        for (ShareType type : ShareType.values()) {
            BY_TYPE.put(type, new AtomicLong());
        }
    }

    /** A share to exhaust: the trace lines that set its machine up, then the message itself. */
    private record Scenario(String name, List<String> prefix, ShareType type, int from, int to, byte[] region,
            List<Constituent> constituents, boolean clear) {
    }

    @AfterAll
    static void report() {
        System.out.println("ShareExhaustionTest: " + FAULT_POINTS.get() + " fault points exercised over "
                + SHARES.get() + " shares " + BY_TYPE);
    }

    /** One share trace per arch configuration of the corpus; the heavy run takes them all, clear flipped too. */
    private static final java.util.Set<String> QUICK_CORPUS = java.util.Set.of("share-fake-1001", "share-aarch64-1001",
            "share-aarch64-pa32-1007", "share-aarch64-pa44-1008");

    @Test
    void everyAllocationOfCorpusSharesFailsCleanly() {
        exhaustCorpus(QUICK_CORPUS::contains, false, 60);
    }

    @Test
    @Tag("heavy")
    void everyAllocationOfEveryCorpusShareFailsCleanlyWithClearOnAndOff() {
        exhaustCorpus(name -> name.startsWith("share-"), true, 300);
    }

    private static void exhaustCorpus(java.util.function.Predicate<String> names, boolean flipClear, int atLeast) {
        long before = FAULT_POINTS.get();
        int shares = 0;
        for (CorpusCase c : Corpus.bundled(names)) {
            shares += exhaustCorpusCase(c, flipClear);
        }
        assertTrue(shares >= atLeast, "expected the corpus to give at least " + atLeast + " successful shares, got "
                + shares);
        assertTrue(FAULT_POINTS.get() - before > 2L * shares, "most shares allocate");
    }

    @Test
    void everyAllocationOfRandomSharesFailsCleanly() {
        exhaustRandom(0, 3);
    }

    @Test
    @Tag("heavy")
    void everyAllocationOfManyMoreRandomSharesFailsCleanly() {
        exhaustRandom(1000, 200);
    }

    private static void exhaustRandom(long firstSeed, int seeds) {
        Map<String, Integer> covered = new java.util.TreeMap<>();
        for (String arch : new String[] {"fake", "aarch64"}) {
            for (ShareType type : ShareType.values()) {
                for (boolean clear : new boolean[] {false, true}) {
                    for (long seed = firstSeed; seed < firstSeed + seeds; seed++) {
                        Scenario scenario = RandomScenarios.make(arch, type, clear, seed);
                        if (exhaust(scenario) > 0) {
                            covered.merge(arch + " " + type.traceName() + (clear ? " clear" : ""), 1, Integer::sum);
                        }
                    }
                }
            }
        }
        // Every arch, type and clear setting had shares that allocate.
        assertEquals(16, covered.size(), covered.toString());
    }

    /** Exhausts each successful share of a corpus trace, as is and with the clear flag flipped; returns how many. */
    private static int exhaustCorpusCase(CorpusCase c, boolean flipClear) {
        List<String> lines = c.trace().lines().toList();
        int shares = 0;
        for (int i = 0; i < lines.size(); i++) {
            ParsedLine parsed = TraceParser.parse(i + 1, lines.get(i));
            if (!(parsed instanceof ParsedLine.Op op) || !(op.operation() instanceof Operation.Share share)) {
                continue;
            }
            Optional<ShareType> type = ShareType.fromCode(share.type());
            if (type.isEmpty()) {
                continue;
            }
            for (boolean flip : flipClear ? new boolean[] {false, true} : new boolean[] {false}) {
                int flags = share.flags() ^ (flip ? MemoryRegion.FLAG_CLEAR : 0);
                List<Constituent> constituents = share.constituents().stream()
                        .map(a -> Constituent.of(a.address(), a.pages())).toList();
                MemoryRegion region = MemoryRegion.of(share.tag(), flags,
                        List.of(ReceiverAttributes.of(share.to(), share.attrs())), constituents);
                Scenario scenario = new Scenario(c.name() + ":" + (i + 1) + (flip ? " (clear flipped)" : ""),
                        lines.subList(0, i), type.get(), share.from(), share.to(), MemoryRegionCodec.encode(region),
                        constituents, (flags & MemoryRegion.FLAG_CLEAR) != 0);
                if (exhaust(scenario) >= 0) {
                    shares++;
                }
            }
        }
        return shares;
    }

    /** The state a share may change, as words. */
    private record State(List<List<String>> leaves, List<String> stage1) {
    }

    /** The outcome of one attempt. */
    private record Attempt(SpciResult result, long allocations, State state, List<String> tablesAfterDefrag,
            long freeAfterDefrag) {
    }

    /**
     * Exhausts one scenario. Returns the number of allocations its share makes, or -1 if the
     * share does not succeed even with a pool that never fails (then there is nothing to exhaust).
     */
    static long exhaust(Scenario s) {
        Attempt clean = attempt(s, Long.MAX_VALUE);
        if (!clean.result().isSuccess()) {
            return -1;
        }
        // The machine that never tried, defragged: where every failed attempt must come back to.
        Machine untouched = replay(s);
        defragAll(untouched);
        List<String> untouchedTables = tables(untouched);
        long untouchedFree = untouched.pool().freeCount();
        long total = clean.allocations();
        for (long k = 1; k <= total + 1; k++) {
            Attempt a = attempt(s, k);
            String where = s.name() + ", allocation " + k + " of " + total + " failed";
            if (k > total) {
                assertTrue(a.result().isSuccess(), where + ": " + a.result());
                assertEquals(total, a.allocations(), where);
                assertEquals(clean.state(), a.state(), where);
                assertEquals(clean.tablesAfterDefrag(), a.tablesAfterDefrag(), where);
                assertEquals(clean.freeAfterDefrag(), a.freeAfterDefrag(), where);
            } else {
                assertEquals(Optional.of(SpciError.NO_MEMORY), a.result().error(), where + ": " + a.result());
                assertTrue(a.allocations() >= k, where + ": only " + a.allocations() + " allocations were asked for");
                assertEquals(untouchedTables, a.tablesAfterDefrag(), where + ": tables after a defrag");
                assertEquals(untouchedFree, a.freeAfterDefrag(), where + ": the pool's free count after a defrag");
            }
            FAULT_POINTS.incrementAndGet();
        }
        SHARES.incrementAndGet();
        BY_TYPE.get(s.type()).incrementAndGet();
        return total;
    }

    private static Machine replay(Scenario s) {
        TraceReplayer replayer = new TraceReplayer(REGISTRY, new StringWriter());
        try {
            replayer.replay(TraceLines.of(String.join("\n", s.prefix()) + "\n"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return replayer.machine().orElseThrow(() -> new AssertionError(s.name() + ": the prefix made no machine"));
    }

    /** Replays the prefix, fills the constituents with a pattern, then sends the share failing allocation k. */
    private static Attempt attempt(Scenario s, long k) {
        Machine machine = replay(s);
        State before = state(machine);
        Probes probes = Probes.fill(machine, s.constituents());
        FaultInjectingMachines.Faulty faulty = FaultInjectingMachines.failingAt(machine, k);
        Hypervisor hypervisor = new Hypervisor(faulty.machine());
        byte[] message = MemoryRegionCodec.message(s.type().code(), s.region());
        SpciResult result = hypervisor.send(s.from(), s.to(), message);
        long allocations = faulty.allocations().get();
        String where = s.name() + ", allocation " + k + " failing";
        State after = state(faulty.machine());
        if (result.isSuccess()) {
            assertTrue(hypervisor.receive(s.to()).isPresent(), where + ": a successful share delivers its message");
            probes.assertAfterSuccess(s.clear(), where);
        } else {
            for (Vm vm : faulty.machine().vms()) {
                assertFalse(vm.mailbox().isBusy(), where + ": a failed share delivered a message to VM " + vm.id());
            }
            assertEquals(before, after, where + ": a failed share changed a mapping");
            probes.assertAfterFailure(s.clear(), where);
        }
        defragAll(faulty.machine());
        return new Attempt(result, allocations, after, tables(faulty.machine()), faulty.machine().pool().freeCount());
    }

    private static void defragAll(Machine machine) {
        for (Vm vm : machine.vms()) {
            vm.table().defrag(machine.pool());
        }
        machine.hypervisorTable().defrag(machine.pool());
    }

    private static State state(Machine machine) {
        List<List<String>> leaves = new ArrayList<>();
        for (Vm vm : machine.vms()) {
            leaves.add(leaves(vm.table()));
        }
        return new State(leaves, leaves(machine.hypervisorTable()));
    }

    /**
     * What a table maps, independent of its table structure: runs of blocks with the same
     * attributes whose addresses and outputs are contiguous, merged.
     */
    static List<String> leaves(PageTable table) {
        PageTableFormat format = table.format();
        List<long[]> runs = new ArrayList<>();
        table.visit((level, address, pte, kind) -> {
            if (kind == EntryVisitor.Kind.TABLE) {
                return;
            }
            long size = 4096L << (9 * level);
            long attrs = kind == EntryVisitor.Kind.BLOCK ? format.attrs(pte, level) : pte;
            long output = kind == EntryVisitor.Kind.BLOCK ? format.blockAddress(pte, level) : -1;
            long[] last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
            if (last != null && last[0] + last[1] == address && last[2] == attrs && output != -1
                    && last[3] + last[1] == output) {
                last[1] += size;
            } else {
                runs.add(new long[] {address, size, attrs, output});
            }
        });
        return runs.stream().map(r -> "0x" + Long.toHexString(r[0]) + "+0x" + Long.toHexString(r[1]) + " attrs=0x"
                + Long.toHexString(r[2]) + " out=0x" + Long.toHexString(r[3])).toList();
    }

    /** Every present entry, tables by level and address only (their pages may differ after a rollback). */
    private static List<String> tables(Machine machine) {
        List<String> lines = new ArrayList<>();
        List<PageTable> all = new ArrayList<>();
        all.add(machine.hypervisorTable());
        machine.vms().forEach(vm -> all.add(vm.table()));
        for (PageTable table : all) {
            lines.add("table");
            table.visit((level, address, pte, kind) -> lines.add("L" + level + " 0x" + Long.toHexString(address) + " "
                    + (kind == EntryVisitor.Kind.TABLE ? "table" : "0x" + Long.toHexString(pte))));
        }
        return lines;
    }

    /** Words written into the constituents (and beside them) before a share, to see what it cleared. */
    private static final class Probes {
        private final Machine machine;
        private final List<List<Long>> inside = new ArrayList<>();
        private final List<Long> outside = new ArrayList<>();

        private Probes(Machine machine) {
            this.machine = machine;
        }

        static long pattern(long address) {
            return 0xa5a5_0000_0000_0001L ^ address;
        }

        static Probes fill(Machine machine, List<Constituent> constituents) {
            Probes probes = new Probes(machine);
            for (Constituent c : constituents) {
                List<Long> words = new ArrayList<>();
                for (long page = 0; page < c.pageCount(); page++) {
                    if (page == PROBE_PAGES && c.pageCount() > 2 * PROBE_PAGES) {
                        page = c.pageCount() - PROBE_PAGES;
                    }
                    long base = (c.address() & -4096L) + page * 4096;
                    words.add(base);
                    words.add(base + 4096 - 8);
                }
                probes.inside.add(words);
                for (long neighbour : new long[] {(c.address() & -4096L) - 8, c.end() & -8L}) {
                    if (constituents.stream().noneMatch(o -> Long.compareUnsigned(neighbour - o.address(),
                            o.sizeBytes()) < 0)) {
                        probes.outside.add(neighbour);
                    }
                }
            }
            probes.inside.forEach(words -> words.forEach(probes::write));
            probes.outside.forEach(probes::write);
            return probes;
        }

        private void write(long address) {
            machine.memory().write64(PhysicalAddress.of(address), pattern(address));
        }

        private boolean all(List<Long> words, boolean zero) {
            return words.stream().allMatch(a -> machine.memory().read64(PhysicalAddress.of(a)) == (zero ? 0 : pattern(a)));
        }

        void assertAfterSuccess(boolean clear, String where) {
            for (List<Long> words : inside) {
                assertTrue(all(words, clear), where + ": constituent " + (clear ? "not cleared" : "changed"));
            }
            assertTrue(all(outside, false), where + ": memory beside a constituent changed");
        }

        void assertAfterFailure(boolean clear, String where) {
            boolean stillClearing = clear;
            for (int i = 0; i < inside.size(); i++) {
                List<Long> words = inside.get(i);
                if (stillClearing && all(words, true)) {
                    continue; // cleared before the allocation that failed, as Hafnium leaves it
                }
                stillClearing = false;
                assertTrue(all(words, false), where + ": constituent " + i + " changed"
                        + (clear ? " though it is not in the prefix of cleared constituents" : ""));
            }
            assertTrue(all(outside, false), where + ": memory beside a constituent changed");
        }
    }

    /** Seeded random machines and shares of a given type. */
    static final class RandomScenarios {
        private static final long VM1 = 0x4000_0000L;
        private static final long VM1_SIZE = 8L << 20;
        private static final long VM3 = 0x6000_0000L;

        private RandomScenarios() {
        }

        static Scenario make(String arch, ShareType type, boolean clear, long seed) {
            Random random = new Random(seed * 31 + type.ordinal() * 7 + (clear ? 1 : 0) + arch.length());
            List<String> prefix = new ArrayList<>();
            prefix.add("init arch=" + arch + (arch.equals("aarch64") ? " pa_bits=40" : "") + " pool_pages="
                    + (64 + random.nextInt(512)) + " vms=3");
            // VM 1 owns 8 MiB in 2 MiB blocks, so shares split blocks and allocate tables.
            prefix.add(map(1, VM1, VM1 + VM1_SIZE, 0x7));
            prefix.add(map(3, VM3, VM3 + (4L << 20), 0x7));
            // Noise: fragment VM 3 so the pool has a free list, and some tables left to defrag.
            for (int i = random.nextInt(6); i > 0; i--) {
                long page = VM3 + random.nextInt(1024) * 4096L;
                prefix.add("unmap 3 0x" + Long.toHexString(page) + " 0x" + Long.toHexString(page + 4096L * (1 + random.nextInt(8))));
            }
            if (random.nextBoolean()) {
                prefix.add("defrag 3");
            }
            List<Constituent> constituents = pick(random);
            int from = 1;
            int to = 2;
            if (type == ShareType.RELINQUISH) {
                // VM 1 lends or shares a whole 2 MiB block (which VM 2 receives as a block) with
                // other runs; VM 2 gives back part of the block, splitting it on both sides, and
                // maybe some of the other runs.
                long block = VM1 + VM1_SIZE + (random.nextInt(4) << 21);
                prefix.set(1, map(1, VM1, VM1 + VM1_SIZE + (8L << 20), 0x7));
                List<Constituent> lent = new ArrayList<>(constituents);
                lent.add(random.nextInt(lent.size() + 1), Constituent.of(block, 512));
                prefix.add("share type=" + (random.nextBoolean() ? "lend" : "share") + " from=1 to=2 attrs=0x"
                        + Integer.toHexString(random.nextInt(4) << 5) + " c=" + list(lent));
                int first = random.nextInt(511);
                List<Constituent> back = new ArrayList<>();
                back.add(Constituent.of(block + first * 4096L, 1 + random.nextInt(512 - first)));
                for (Constituent c : constituents) {
                    if (random.nextBoolean()) {
                        back.add(c);
                    }
                }
                java.util.Collections.shuffle(back, random);
                constituents = back;
                from = 2;
                to = 1;
            } else if (random.nextInt(4) == 0) {
                // The sender received its memory by a donation first.
                prefix.add("share type=donate from=1 to=3 attrs=0x60 c=" + list(constituents));
                from = 3;
            }
            int attrs = (random.nextInt(4) << 5) | random.nextInt(32);
            MemoryRegion region = MemoryRegion.of(random.nextInt(), clear ? MemoryRegion.FLAG_CLEAR : 0,
                    List.of(ReceiverAttributes.of(to, attrs)), constituents);
            return new Scenario(arch + " " + type.traceName() + (clear ? " clear" : "") + " seed " + seed, prefix,
                    type, from, to, MemoryRegionCodec.encode(region), constituents, clear);
        }

        private static String map(int vm, long begin, long end, int mode) {
            return "map " + vm + " 0x" + Long.toHexString(begin) + " 0x" + Long.toHexString(end) + " 0x"
                    + Integer.toHexString(mode);
        }

        /** 1 to 4 disjoint page runs inside VM 1's memory, in random order. */
        private static List<Constituent> pick(Random random) {
            int count = 1 + random.nextInt(4);
            long slotPages = VM1_SIZE / 4096 / count;
            List<Constituent> list = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                long pages = 1 + random.nextInt((int) Math.min(slotPages, 700));
                long offset = random.nextInt((int) (slotPages - pages + 1));
                list.add(Constituent.of(VM1 + (i * slotPages + offset) * 4096, pages));
            }
            java.util.Collections.shuffle(list, random);
            return list;
        }

        private static String list(List<Constituent> constituents) {
            StringBuilder text = new StringBuilder();
            for (Constituent c : constituents) {
                text.append(text.length() == 0 ? "" : ",").append("0x").append(Long.toHexString(c.address()))
                        .append(':').append(c.pageCount());
            }
            return text.toString();
        }
    }

    @Test
    void theSeamReallyFailsTheAllocationItIsToldTo() {
        Scenario s = RandomScenarios.make("fake", ShareType.LEND, false, 1);
        Machine machine = replay(s);
        FaultInjectingMachines.Faulty faulty = FaultInjectingMachines.failingAt(machine, 2);
        assertTrue(faulty.machine().pool().alloc() != -1);
        assertEquals(-1, faulty.machine().pool().alloc());
        assertTrue(faulty.machine().pool().allocContiguous(4, 4) != -1);
        assertEquals(3, faulty.allocations().get());
        if (faulty.allocations().get() != 3) {
            fail("unreachable");
        }
    }
}
