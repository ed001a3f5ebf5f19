package org.memshare.engine.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import com.google.inject.multibindings.Multibinder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.memshare.api.addr.IntermediatePhysicalAddress;
import org.memshare.api.addr.PhysicalAddress;
import org.memshare.api.mode.Mode;
import org.memshare.api.policy.SharePolicy;
import org.memshare.api.policy.ShareRequest;
import org.memshare.api.spci.Constituent;
import org.memshare.api.spci.MemoryRegion;
import org.memshare.api.spci.MemoryRegionCodec;
import org.memshare.api.spci.ReceiverAttributes;
import org.memshare.api.spci.ShareType;
import org.memshare.engine.hypervisor.Hypervisor;
import org.memshare.engine.machine.Machine;
import org.memshare.engine.machine.MachineConfig;
import org.memshare.engine.machine.MachineFactory;
import org.memshare.engine.machine.MachineResult;
import org.memshare.engine.machine.Machines;
import org.memshare.engine.plugin.ArchRegistry;
import org.memshare.engine.spci.SpciResult;

/**
 * The lending cap is exact under concurrency: 8 threads lend and relinquish through the
 * hypervisor, 4 from each of 2 lenders, against a cap of 16 pages per lender.
 */
class LendingCapConcurrencyTest {
    private static final ArchRegistry REGISTRY = ArchRegistry.discover();
    private static final int THREADS = 8;
    private static final int LENDERS = 2;
    private static final int SLOT_PAGES = 32;
    private static final int ROUNDS = 400;
    private static final long CAP_PAGES = 16;
    private static final int RW_NX = 2 << 5;

    /** Checks, in every commit, that no lender is above the cap by the cap's own ledger. */
    private static final class Watcher implements SharePolicy {
        final AtomicReference<LendingCapPolicy> cap = new AtomicReference<>();
        final AtomicLongArray maxSeen = new AtomicLongArray(LENDERS + 1);
        final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();

        @Override
        public Optional<String> refusal(ShareRequest request) {
            return Optional.empty();
        }

        @Override
        public void committed(ShareRequest request) {
            if (request.type() == ShareType.LEND) {
                long now = cap.get().lentPages(request.sender());
                maxSeen.accumulateAndGet(request.sender(), now, Math::max);
                if (now > cap.get().capPages()) {
                    violations.add("VM " + request.sender() + " has " + now + " pages lent");
                }
            }
        }
    }

    private static long base(int lender, int slot) {
        return 0x1000_0000L + lender * 0x100_0000L + (long) slot * SLOT_PAGES * 4096;
    }

    private static byte[] message(ShareType type, int to, int attrs, long address, long pages) {
        MemoryRegion region = MemoryRegion.of(0, 0, List.of(ReceiverAttributes.of(to, attrs)),
                List.of(Constituent.of(address, pages)));
        return MemoryRegionCodec.message(type.code(), MemoryRegionCodec.encode(region));
    }

    @Test
    void eightThreadsNeverExceedTheCapAndReachIt() throws Exception {
        Watcher watcher = new Watcher();
        Module watch = new AbstractModule() {
            @Override
            protected void configure() {
                Multibinder.newSetBinder(binder(), SharePolicy.class).addBinding().toInstance(watcher);
            }
        };
        MachineFactory factory = Machines.factory(NamedPolicies.module("lend-cap:64K"), watch);
        MachineResult result = factory.create(MachineConfig.of("fake", 40, 4096, LENDERS + THREADS), REGISTRY);
        MachineResult.Created created = assertInstanceOf(MachineResult.Created.class, result, result::toString);
        Machine machine = created.machine();
        Hypervisor hypervisor = created.hypervisor();
        LendingCapPolicy cap = assertInstanceOf(LendingCapPolicy.class, machine.policies().get(0));
        assertEquals(CAP_PAGES, cap.capPages());
        watcher.cap.set(cap);
        for (int lender = 1; lender <= LENDERS; lender++) {
            long begin = base(lender, 0);
            assertTrue(machine.vm(lender).orElseThrow().table().map(PhysicalAddress.of(begin),
                    PhysicalAddress.of(base(lender, THREADS / LENDERS)), Mode.R | Mode.W | Mode.X, machine.pool()));
        }

        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<long[]>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int lender = 1 + t % LENDERS;
            int slot = t / LENDERS;
            int borrower = LENDERS + 1 + t;
            long seed = t * 31L + 7;
            futures.add(pool.submit(() -> run(hypervisor, start, lender, slot, borrower, new Random(seed))));
        }
        start.countDown();
        long[] outstanding = new long[LENDERS + 1];
        long denied = 0;
        for (int t = 0; t < THREADS; t++) {
            long[] r = futures.get(t).get(60, TimeUnit.SECONDS);
            outstanding[1 + t % LENDERS] += r[0];
            denied += r[1];
        }
        pool.shutdown();

        assertEquals(List.of(), List.copyOf(watcher.violations));
        assertTrue(denied > 0, "some lend was refused by the cap");
        for (int lender = 1; lender <= LENDERS; lender++) {
            assertEquals(CAP_PAGES, watcher.maxSeen.get(lender), "VM " + lender + " reached the cap");
            // The ledger is what the tables say: the lender's pages it lent away (state INVALID).
            long lentInTables = 0;
            for (long page = base(lender, 0); page < base(lender, THREADS / LENDERS); page += 4096) {
                OptionalInt mode = machine.vm(lender).orElseThrow().table().mode(IntermediatePhysicalAddress.of(page),
                        IntermediatePhysicalAddress.of(page + 4096));
                if ((mode.orElseThrow() & (Mode.INVALID | Mode.UNOWNED | Mode.SHARED)) == Mode.INVALID) {
                    lentInTables++;
                }
            }
            assertEquals(lentInTables, cap.lentPages(lender), "VM " + lender + "'s ledger matches its tables");
            assertEquals(outstanding[lender], cap.lentPages(lender), "VM " + lender + "'s ledger matches the threads'");
            assertTrue(cap.lentPages(lender) <= CAP_PAGES);
        }
    }

    /** Lends and relinquishes chunks of its slot; returns {pages still lent, lends denied}. */
    private static long[] run(Hypervisor hypervisor, CountDownLatch start, int lender, int slot, int borrower,
            Random random) throws InterruptedException {
        start.await();
        boolean[] lent = new boolean[SLOT_PAGES];
        List<long[]> chunks = new ArrayList<>(); // {first page index, pages}
        long denied = 0;
        for (int round = 0; round < ROUNDS; round++) {
            if (!chunks.isEmpty() && random.nextInt(100) < 40) {
                long[] chunk = chunks.remove(random.nextInt(chunks.size()));
                byte[] message = message(ShareType.RELINQUISH, lender, 0, base(lender, slot) + chunk[0] * 4096, chunk[1]);
                SpciResult outcome;
                while ((outcome = hypervisor.send(borrower, lender, message)).name().equals("BUSY")) {
                    Thread.onSpinWait();
                }
                assertTrue(outcome.isSuccess(), outcome::toString);
                hypervisor.release(lender);
                for (int i = 0; i < chunk[1]; i++) {
                    lent[(int) chunk[0] + i] = false;
                }
                continue;
            }
            int pages = 1 + random.nextInt(4);
            int first = free(lent, pages);
            if (first < 0) {
                continue;
            }
            byte[] message = message(ShareType.LEND, borrower, RW_NX, base(lender, slot) + first * 4096L, pages);
            SpciResult outcome = hypervisor.send(lender, borrower, message);
            if (outcome.isSuccess()) {
                hypervisor.release(borrower);
                chunks.add(new long[] {first, pages});
                for (int i = 0; i < pages; i++) {
                    lent[first + i] = true;
                }
            } else {
                assertEquals("DENIED", outcome.name(), outcome::toString);
                denied++;
            }
        }
        long outstanding = 0;
        for (long[] chunk : chunks) {
            outstanding += chunk[1];
        }
        return new long[] {outstanding, denied};
    }

    private static int free(boolean[] lent, int pages) {
        for (int first = 0; first + pages <= lent.length; first++) {
            boolean ok = true;
            for (int i = 0; i < pages && ok; i++) {
                ok = !lent[first + i];
            }
            if (ok) {
                return first;
            }
        }
        return -1;
    }

    @Test
    void everyMachineGetsItsOwnLedger() {
        MachineFactory factory = Machines.factory(NamedPolicies.module("lend-cap"));
        Machine a = ((MachineResult.Created) factory.create(MachineConfig.of("fake", 40, 64, 2), REGISTRY)).machine();
        Machine b = ((MachineResult.Created) factory.create(MachineConfig.of("fake", 40, 64, 2), REGISTRY)).machine();
        assertNotSame(a.policies().get(0), b.policies().get(0));
        assertEquals(4096, ((LendingCapPolicy) a.policies().get(0)).capPages());
    }
}
