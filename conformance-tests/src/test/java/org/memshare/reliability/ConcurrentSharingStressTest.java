package org.memshare.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import com.google.inject.multibindings.Multibinder;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.memshare.api.mode.Mode;
import org.memshare.api.policy.SharePolicy;
import org.memshare.api.policy.ShareRequest;
import org.memshare.api.spci.Constituent;
import org.memshare.api.spci.MemoryAccess;
import org.memshare.api.spci.MemoryAttributes;
import org.memshare.api.spci.MemoryRegion;
import org.memshare.api.spci.MemoryRegionCodec;
import org.memshare.api.spci.ReceiverAttributes;
import org.memshare.api.spci.ShareType;
import org.memshare.api.spci.SpciError;
import org.memshare.engine.hypervisor.Hypervisor.Access;
import org.memshare.engine.spci.SpciResult;
import org.memshare.kit.ArchUnderTest;
import org.memshare.kit.fixture.Arches;
import org.memshare.kit.fixture.KitMachine;
import org.memshare.kit.fixture.Snapshot;
import org.memshare.kit.model.OwnershipModel;

/**
 * Eight threads of random donates, lends, shares, relinquishes (each a mailbox send, its delivery
 * released at once or left for a later release, so sends also meet BUSY mailboxes), releases,
 * reads, writes and access checks among 4 to 8 VMs, through the Hypervisor facade, bounded in
 * operations and in time, on a {@link KitMachine} of every arch plugin on the class path. A watchdog dumps every thread (with the locks each holds) and fails if
 * the threads stop making progress. Afterwards the kit's {@link OwnershipModel} holds, and replaying the
 * successful shares in the order the engine committed them, on a fresh machine and on one thread,
 * gives the same stage-2 and stage-1 dumps (tables' own addresses aside), the same pool count and
 * the same access rights.
 *
 * <p><b>Why the recorded order is the commit order.</b> A {@link SharePolicy} installed with
 * Guice appends every request it is asked about to a log. The engine asks policies from inside
 * {@code Hypervisor.send}, after every check and before any table is touched, while it holds both
 * VMs' locks, and keeps holding them until the share is committed (or has failed). So of two shares
 * that have a VM in common, the one logged first committed first: the second could not be asked
 * about before the first released the lock they share. Two shares with no VM in common may be
 * logged in either order, but they commute: their stage-2 tables are different tables; their pages
 * are disjoint (every transition requires the sender to own or borrow each constituent, and the
 * owner and the borrower of a page are the only VMs related to it, so a page in both shares would
 * put a VM in both); so their clears touch disjoint stage-1 entries (a clear maps and unmaps only
 * entries covering its own pages, and an entry wholly covered by one share's pages cannot hold the
 * other's); and the pool's free count depends only on how many tables exist. The policy runs on
 * the sending thread, which marks its own log entry when the send then fails (NO_MEMORY after
 * the policy said yes): such entries are dropped from the replay. The pool is large enough that
 * this does not happen here, and the test asserts it, because a NO_MEMORY while clearing can leave
 * stage-1 tables behind that a replay without it would not have.
 */
class ConcurrentSharingStressTest {
    private static final int THREADS = 8;
    private static final long PAGE = KitMachine.PAGE;
    /** Pages each VM owns at boot: the first 32 R|W|X, the other 16 R|W. */
    private static final int HOME_PAGES = 48;
    private static final long POOL_PAGES = 16384;
    /** The watchdog's patience: this long without one operation completing is a hang. */
    private static final long HANG_SECONDS = 60;

    @ParameterizedTest(name = "{0}, {1} VMs, seed {2}")
    @MethodSource("light")
    void randomSharingOnEightThreads(ArchUnderTest arch, int vms, long seed) throws Exception {
        run(arch, vms, seed, 20_000, 20);
    }

    @Tag("heavy")
    @ParameterizedTest(name = "{0}, {1} VMs, seed {2}")
    @MethodSource("heavy")
    void heavyRandomSharingOnEightThreads(ArchUnderTest arch, int vms, long seed) throws Exception {
        run(arch, vms, seed, 1_000_000, 300);
    }

    /** Every arch on the class path with 4 and with 8 VMs, each case its own seed. */
    static Stream<Arguments> light() {
        return cases(11, 4, 8);
    }

    /** Every arch on the class path with 4, 6 and 8 VMs, each case its own seed. */
    static Stream<Arguments> heavy() {
        return cases(21, 4, 6, 8);
    }

    private static Stream<Arguments> cases(long firstSeed, int... vmCounts) {
        List<Arguments> cases = new ArrayList<>();
        for (ArchUnderTest arch : Arches.discovered()) {
            for (int vms : vmCounts) {
                cases.add(Arguments.of(arch, vms, firstSeed + cases.size()));
            }
        }
        return cases.stream();
    }

    /** One share as the engine was asked about it, under both VMs' locks. */
    private static final class Entry {
        final ShareType type;
        final int sender;
        final int receiver;
        final MemoryRegion region;
        volatile boolean failed;

        Entry(ShareRequest request) {
            this.type = request.type();
            this.sender = request.sender();
            this.receiver = request.receiver();
            this.region = request.region();
        }
    }

    /** Logs every request the engine is about to commit; allows them all. */
    private static final class CommitLog implements SharePolicy {
        final Queue<Entry> entries = new ConcurrentLinkedQueue<>();
        final ThreadLocal<Entry> last = new ThreadLocal<>();

        @Override
        public Optional<String> refusal(ShareRequest request) {
            Entry entry = new Entry(request);
            entries.add(entry);
            last.set(entry);
            return Optional.empty();
        }

        /** The entry the calling thread's last send logged, if it logged one; forgets it. */
        Entry takeLast() {
            Entry entry = last.get();
            last.remove();
            return entry;
        }
    }

    /** A machine whose VMs each own {@link #HOME_PAGES} pages at {@link #home}, the first 32 R|W|X, the rest R|W. */
    private static KitMachine boot(ArchUnderTest arch, int vms, Module... modules) {
        KitMachine m = KitMachine.boot(arch, POOL_PAGES, vms, modules);
        for (int vm = 1; vm <= vms; vm++) {
            m.mapPages(vm, home(vm), 32, Mode.R | Mode.W | Mode.X);
            m.mapPages(vm, home(vm) + 32 * PAGE, HOME_PAGES - 32, Mode.R | Mode.W);
            for (long page = home(vm); page < home(vm) + HOME_PAGES * PAGE; page += PAGE) {
                m.poke(page, 0x7a67_0000_0000_0000L ^ page);
            }
        }
        return m;
    }

    /** Every page some VM owns at boot. */
    private static List<Long> givenPages(int vms) {
        List<Long> pages = new ArrayList<>();
        for (int vm = 1; vm <= vms; vm++) {
            for (int p = 0; p < HOME_PAGES; p++) {
                pages.add(home(vm) + p * PAGE);
            }
        }
        return pages;
    }

    private static long home(int vm) {
        return 0x4000_0000L + (vm - 1) * 0x20_0000L;
    }

    private void run(ArchUnderTest arch, int vms, long seed, int maxOperations, int maxSeconds) throws Exception {
        CommitLog log = new CommitLog();
        KitMachine rig = boot(arch, vms, new AbstractModule() {
            @Override
            protected void configure() {
                Multibinder.newSetBinder(binder(), SharePolicy.class).addBinding().toInstance(log);
            }
        });
        String where = "[" + arch + ", " + vms + " VMs, seed " + seed + "] ";

        AtomicInteger tickets = new AtomicInteger();
        AtomicLong progress = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        Queue<String> problems = new ConcurrentLinkedQueue<>();
        Map<ShareType, AtomicInteger> successes = new EnumMap<>(ShareType.class);
        for (ShareType t : ShareType.values()) {
            successes.put(t, new AtomicInteger());
        }
        AtomicInteger busy = new AtomicInteger();
        AtomicInteger noMemory = new AtomicInteger();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);

        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            Random random = new Random(seed * 1000 + t);
            Thread worker = new Thread(() -> {
                try {
                    while (!stop.get() && tickets.getAndIncrement() < maxOperations && System.nanoTime() < deadline) {
                        operate(rig, vms, random, log, successes, busy, noMemory, problems);
                        progress.incrementAndGet();
                    }
                } catch (Throwable e) {
                    problems.add(Thread.currentThread().getName() + " threw " + e);
                    stop.set(true);
                }
            }, "stress-" + t);
            worker.setDaemon(true);
            workers.add(worker);
        }
        workers.forEach(Thread::start);
        watch(workers, progress, stop, where);

        assertEquals(List.of(), new ArrayList<>(problems), where + "what the threads saw");
        assertEquals(0, noMemory.get(), where + "shares that ran out of memory: the pool is sized so none do, "
                + "or the replay could lack the stage-1 tables a failed clear leaves");
        for (ShareType t : ShareType.values()) {
            assertTrue(successes.get(t).get() > 0, where + "no " + t + " succeeded: the run proves little");
        }
        assertEquals(List.of(), OwnershipModel.violations(rig, givenPages(vms), 20, page -> true), where + "the ownership model after the run");

        List<Entry> committed = log.entries.stream().filter(e -> !e.failed).toList();
        int successful = successes.values().stream().mapToInt(AtomicInteger::get).sum();
        assertEquals(successful, committed.size(), where + "logged shares that did not fail, against successful sends");
        System.out.printf("%s%d threads x %d operations, %d shares committed %s, %d BUSY%n", where, THREADS,
                Math.min(tickets.get(), maxOperations), committed.size(), successes, busy.get());

        KitMachine replay = boot(arch, vms);
        for (int i = 0; i < committed.size(); i++) {
            Entry e = committed.get(i);
            SpciResult result = replay.hypervisor().send(e.sender, e.receiver,
                    MemoryRegionCodec.encodeMessage(e.type, e.region));
            if (!result.isSuccess()) {
                fail(where + "replaying share " + i + " of " + committed.size() + " (" + e.type + " from " + e.sender
                        + " to " + e.receiver + " of " + e.region.constituents() + ") answered " + result);
            }
            replay.hypervisor().release(e.receiver);
        }
        // Tables' own addresses aside: the two pools may hand out tables in another order.
        Snapshot concurrent = rig.snapshot().withoutTableAddresses();
        Snapshot serial = replay.snapshot().withoutTableAddresses();
        for (int vm = 1; vm <= vms; vm++) {
            assertEquals(serial.stage2(vm), concurrent.stage2(vm),
                    where + "VM " + vm + "'s stage-2 dump, replayed serially (expected) and after the run");
        }
        assertEquals(serial.stage1(), concurrent.stage1(), where + "the stage-1 dump");
        assertEquals(serial.freePages(), concurrent.freePages(), where + "the pool's free pages");
        for (long page : givenPages(vms)) {
            for (int vm = 1; vm <= vms; vm++) {
                for (Access access : Access.values()) {
                    assertEquals(replay.hypervisor().canAccess(vm, page, access),
                            rig.hypervisor().canAccess(vm, page, access),
                            where + "VM " + vm + "'s " + access + " access to 0x" + Long.toHexString(page));
                }
            }
        }
    }

    /** One random operation of one thread. */
    private static void operate(KitMachine rig, int vms, Random random, CommitLog log, Map<ShareType, AtomicInteger> successes,
            AtomicInteger busy, AtomicInteger noMemory, Queue<String> problems) {
        int dice = random.nextInt(100);
        int vm = 1 + random.nextInt(vms);
        if (dice < 8) {
            rig.hypervisor().release(vm);
            return;
        }
        if (dice < 20) {
            long address = randomPage(random, vms) + 8L * random.nextInt(512);
            switch (random.nextInt(3)) {
                case 0 -> rig.hypervisor().read(vm, address);
                case 1 -> rig.hypervisor().write(vm, address, random.nextLong());
                default -> rig.hypervisor().canAccess(vm, address, Access.values()[random.nextInt(3)]);
            }
            return;
        }
        int receiver = 1 + random.nextInt(vms - 1);
        if (receiver >= vm) {
            receiver++;
        }
        ShareType type = ShareType.values()[random.nextInt(4)];
        MemoryAccess access = MemoryAccess.values()[random.nextInt(4)];
        int flags = random.nextInt(5) == 0 ? MemoryRegion.FLAG_CLEAR : 0;
        List<Constituent> constituents = randomConstituents(random, random.nextBoolean() ? vm : receiver);
        MemoryRegion region = MemoryRegion.of(0, flags,
                List.of(ReceiverAttributes.of(receiver, MemoryAttributes.of(access, true, 0, 0).value())), constituents);
        SpciResult result = rig.hypervisor().send(vm, receiver, MemoryRegionCodec.encodeMessage(type, region));
        Entry entry = log.takeLast();
        if (result.isSuccess()) {
            if (entry == null || entry.sender != vm || entry.receiver != receiver || entry.type != type) {
                problems.add("a successful " + type + " from " + vm + " to " + receiver + " was not logged as such");
            }
            successes.get(type).incrementAndGet();
            if (random.nextBoolean()) {
                rig.hypervisor().release(receiver);
            }
            return;
        }
        SpciError error = result.error().orElseThrow();
        if (entry != null) {
            entry.failed = true;
        }
        switch (error) {
            case BUSY -> busy.incrementAndGet();
            case NO_MEMORY -> noMemory.incrementAndGet();
            case INVALID_PARAMETERS -> {
            }
            default -> problems.add(type + " from " + vm + " to " + receiver + " answered " + result);
        }
        if (entry != null && error != SpciError.NO_MEMORY) {
            problems.add(type + " from " + vm + " to " + receiver + " was logged (passed the checks) and then answered "
                    + result);
        }
    }

    private static long randomPage(Random random, int vms) {
        return home(1 + random.nextInt(vms)) + PAGE * random.nextInt(HOME_PAGES);
    }

    /**
     * One to three non-overlapping runs of one to four pages in {@code vm}'s home memory (the
     * sender's or the receiver's, so that relinquishes and returns find borrowed pages).
     */
    private static List<Constituent> randomConstituents(Random random, int vm) {
        List<Constituent> out = new ArrayList<>();
        int count = 1 + random.nextInt(random.nextBoolean() ? 1 : 3);
        boolean[] taken = new boolean[HOME_PAGES];
        for (int i = 0; i < count; i++) {
            int first = random.nextInt(HOME_PAGES);
            int pages = Math.min(1 + random.nextInt(random.nextBoolean() ? 1 : 4), HOME_PAGES - first);
            boolean free = true;
            for (int p = first; p < first + pages; p++) {
                free &= !taken[p];
            }
            if (!free) {
                continue;
            }
            for (int p = first; p < first + pages; p++) {
                taken[p] = true;
            }
            out.add(Constituent.of(home(vm) + PAGE * first, pages));
        }
        return out;
    }

    /**
     * Waits for the workers; if they stop completing operations for {@link #HANG_SECONDS}, dumps
     * every thread with the locks it holds and waits for, and fails.
     */
    private static void watch(List<Thread> workers, AtomicLong progress, AtomicBoolean stop, String where)
            throws InterruptedException {
        long seen = progress.get();
        long quietSince = System.nanoTime();
        while (workers.stream().anyMatch(Thread::isAlive)) {
            workers.get(0).join(200);
            long now = progress.get();
            if (now != seen) {
                seen = now;
                quietSince = System.nanoTime();
            } else if (System.nanoTime() - quietSince > TimeUnit.SECONDS.toNanos(HANG_SECONDS)) {
                stop.set(true);
                fail(where + "no operation completed for " + HANG_SECONDS + " s: hung. Threads:\n" + threadDump());
            }
        }
    }

    static String threadDump() {
        StringBuilder out = new StringBuilder();
        long[] deadlocked = ManagementFactory.getThreadMXBean().findDeadlockedThreads();
        if (deadlocked != null) {
            out.append("deadlocked thread ids: ").append(java.util.Arrays.toString(deadlocked)).append('\n');
        }
        for (ThreadInfo info : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
            out.append(info);
            StackTraceElement[] stack = info.getStackTrace();
            if (stack.length > 8) {
                // ThreadInfo.toString stops after 8 frames.
                for (int i = 8; i < stack.length; i++) {
                    out.append("\tat ").append(stack[i]).append('\n');
                }
            }
        }
        return out.toString();
    }
}
