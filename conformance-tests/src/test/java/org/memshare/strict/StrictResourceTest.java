package org.memshare.strict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.memshare.strict.ThreeVms.PAGE;
import static org.memshare.strict.ThreeVms.RWX;
import static org.memshare.strict.ThreeVms.RW_NX;
import static org.memshare.strict.ThreeVms.VM1_BASE;
import static org.memshare.strict.ThreeVms.c;
import static org.memshare.strict.ThreeVms.fill;
import static org.memshare.strict.ThreeVms.send;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.memshare.api.addr.PhysicalAddress;
import org.memshare.api.spci.Constituent;
import org.memshare.api.spci.MemoryRegion;
import org.memshare.api.spci.ShareType;
import org.memshare.api.spci.SpciError;
import org.memshare.engine.hypervisor.Hypervisor;
import org.memshare.engine.pool.DefaultPagePool;
import org.memshare.engine.spci.SpciResult;
import org.memshare.kit.ArchUnderTest;
import org.memshare.kit.fixture.KitMachine;
import org.memshare.kit.fixture.Snapshot;
import org.memshare.testing.OnEachArch;

/**
 * Resources: clearing a huge constituent allocates no memory, and running out of page-table pages
 * (NO_MEMORY) changes no mapping and gives every page back to the pool, whether the pool runs out
 * while preparing the tables or while clearing.
 */
class StrictResourceTest {
    private static final long GIB = 1L << 30;
    /** A 1 GiB aligned gibibyte, apart from the fixture's memory. */
    private static final long HUGE = 4 * GIB;
    private static final long HUGE_PAGES = GIB / PAGE;

    @OnEachArch
    void clearingAOneGibConstituentAllocatesNoMemoryAndReadsBackZero(ArchUnderTest under) {
        for (ShareType type : List.of(ShareType.DONATE, ShareType.LEND, ShareType.SHARE)) {
            KitMachine fixture = ThreeVms.boot(under);
            fixture.map(1, HUGE, HUGE + GIB, RWX);
            List<Long> written = new ArrayList<>();
            for (long offset = 0; offset < GIB; offset += GIB / 64) {
                written.add(HUGE + offset);
                written.add(HUGE + offset + PAGE - 8);
            }
            written.add(HUGE + GIB - 8);
            written.forEach(address -> fill(fixture, address));
            Snapshot before = fixture.snapshot();

            SpciResult result = send(fixture, 1, 2,
                    ThreeVms.message(type, 2, RW_NX, MemoryRegion.FLAG_CLEAR, c(HUGE, HUGE_PAGES)));

            assertTrue(result.isSuccess(), type + ": " + result);
            Snapshot after = fixture.snapshot();
            assertTrue(after.residentPages() <= before.residentPages(),
                    type + ": clearing a GiB made pages resident: " + before.residentPages() + " -> "
                            + after.residentPages());
            for (long address : written) {
                assertEquals(0, fixture.peek(address), () -> "memory at 0x" + Long.toHexString(address));
                assertEquals(0, fixture.hypervisor().read(2, address).orElseThrow(),
                        () -> "VM 2 reads at 0x" + Long.toHexString(address));
            }
            assertEquals(before.stage1(), after.stage1(), "clearing leaves the stage-1 table as it found it");
            // Everything outside the GiB is untouched.
            for (var probe : before.memory().entrySet()) {
                if (Long.compareUnsigned(probe.getKey() - HUGE, GIB) >= 0) {
                    assertEquals(probe.getValue(), after.memory().get(probe.getKey()));
                }
            }
        }
    }

    /** What the attempts saw, and the fewest free pages with which the share succeeded. */
    private record Attempts(Set<Outcome> seen, long pagesNeeded) {
    }

    /** What a share that ran out of memory got to. */
    private enum Outcome {
        PREPARE_FAILED, CLEAR_FAILED_NOTHING_CLEARED, CLEAR_FAILED_PARTLY_CLEARED, SUCCEEDED
    }

    /**
     * Tries the share with 0, 1, 2, ... free pool pages until it succeeds. Every NO_MEMORY must
     * leave the tables and the pool count as they were (the tables a failed prepare made are
     * reclaimed by the defrag that always runs), and memory as it was except for constituents
     * already cleared, which form a prefix of the region.
     */
    private static Attempts runOutOfMemory(ArchUnderTest under, int flags, Constituent... constituents) {
        return runOutOfMemory(under, fixture -> { }, flags, constituents);
    }

    /** {@link #runOutOfMemory(String, int, Constituent...)} after {@code setup} on each fresh machine. */
    private static Attempts runOutOfMemory(ArchUnderTest under, Consumer<KitMachine> setup, int flags,
            Constituent... constituents) {
        Set<Outcome> seen = EnumSet.noneOf(Outcome.class);
        for (long free = 0; free <= 32; free++) {
            KitMachine fixture = ThreeVms.boot(under);
            setup.accept(fixture);
            drainTo(fixture.machine().pool(), free);
            Snapshot before = fixture.snapshot();

            SpciResult result = send(fixture, 1, 2, ThreeVms.message(ShareType.LEND, 2, RW_NX, flags, constituents));

            Snapshot after = fixture.snapshot();
            if (result.isSuccess()) {
                seen.add(Outcome.SUCCEEDED);
                assertTrue(free > 0, "a share that needs new tables cannot succeed with an empty pool");
                assertNotEquals(before.tables(), after.tables());
                assertTrue(fixture.hypervisor().canAccess(2, constituents[0].address(), Hypervisor.Access.WRITE));
                return new Attempts(seen, free);
            }
            long pages = free;
            assertEquals(SpciError.NO_MEMORY, result.error().orElseThrow(), () -> pages + " free pages: " + result);
            assertTrue(before.sameTables(after), () -> pages + " free pages: " + after.diff(before));
            assertEquals(before.freePages(), after.freePages(), () -> pages + " free pages: the pool lost pages");
            assertFalse(fixture.hypervisor().receive(2).isPresent());
            assertTrue(fixture.hypervisor().canAccess(1, constituents[0].address(), Hypervisor.Access.WRITE));
            assertFalse(fixture.hypervisor().canAccess(2, constituents[0].address(), Hypervisor.Access.READ));

            int cleared = 0;
            for (Constituent constituent : constituents) {
                boolean zero = isZero(fixture, constituent);
                boolean intact = isIntact(after, before, constituent);
                assertTrue(zero != intact, () -> pages + " free pages: " + constituent + " is half cleared");
                if (zero) {
                    assertEquals(cleared, List.of(constituents).indexOf(constituent),
                            "cleared constituents are a prefix of the region");
                    cleared++;
                }
            }
            if (cleared == 0) {
                assertEquals(before.memory(), after.memory(), () -> pages + " free pages: memory changed");
            }
            if (!result.reason().contains("clearing")) {
                assertEquals(0, cleared, "nothing is cleared when the tables cannot be prepared");
                seen.add(Outcome.PREPARE_FAILED);
            } else {
                assertTrue((flags & MemoryRegion.FLAG_CLEAR) != 0);
                seen.add(cleared == 0 ? Outcome.CLEAR_FAILED_NOTHING_CLEARED : Outcome.CLEAR_FAILED_PARTLY_CLEARED);
            }
        }
        throw new AssertionError("the share never succeeded; outcomes " + seen);
    }

    @OnEachArch
    void runningOutOfMemoryWhilePreparingChangesNothing(ArchUnderTest under) {
        // One page in the middle of VM 1's block (the block must be split) and one page after it.
        Attempts attempts = runOutOfMemory(under, 0, c(VM1_BASE + PAGE, 1), c(VM1_BASE + 0x20_0000, 1));
        assertEquals(EnumSet.of(Outcome.PREPARE_FAILED, Outcome.SUCCEEDED), attempts.seen());
        // The sender needs one table (its block is split) and the receiver two, so with one or two
        // free pages the sender's prepare succeeded before the receiver's failed: the defrag took
        // the sender's new table back.
        assertTrue(attempts.pagesNeeded() >= 2, "the share needed " + attempts.pagesNeeded() + " pages");
    }

    @OnEachArch
    void runningOutOfMemoryWhileClearingChangesNoMappingAndKeepsThePool(ArchUnderTest under) {
        Attempts attempts = runOutOfMemory(under, MemoryRegion.FLAG_CLEAR, c(VM1_BASE + PAGE, 1),
                c(VM1_BASE + 0x20_0000, 1));
        assertEquals(EnumSet.allOf(Outcome.class), attempts.seen(),
                "the pool runs out preparing, clearing the first constituent, then clearing the second");
    }

    @OnEachArch
    void aPoolTooSmallForEvenOneTableAnswersNoMemoryAndChangesNothing(ArchUnderTest under) {
        KitMachine fixture = ThreeVms.boot(under);
        List<Long> held = drainTo(fixture.machine().pool(), 0);
        fixture.assertRefused(SpciError.NO_MEMORY, "pool", 1, 2,
                ThreeVms.message(ShareType.SHARE, 2, RW_NX, 0, c(VM1_BASE + 3 * PAGE, 2)));
        assertFalse(held.isEmpty());
    }

    @OnEachArch
    void memoryBeyondStage1sReachIsClearedWithoutAStage1Table(ArchUnderTest under) {
        KitMachine probe = ThreeVms.boot(under);
        long reach = probe.machine().hypervisorTable().addressSpaceEnd();
        assertTrue(Long.compareUnsigned(reach, probe.addressSpaceEnd()) < 0, "premise: stage 2 reaches further");
        long above = reach + 0x20_0000L;
        Consumer<KitMachine> setup = fixture -> {
            fixture.map(1, reach - 2 * PAGE, reach + 2 * PAGE, RWX);
            fixture.map(1, above, above + 4 * PAGE, RWX);
            fixture.fillPattern(reach - 2 * PAGE, reach + 2 * PAGE);
            fixture.fillPattern(above, above + 4 * PAGE);
        };

        // Wholly beyond stage 1: the clear maps nothing there, so it needs no page more than a plain lend.
        Attempts plain = runOutOfMemory(under, setup, 0, c(above, 4));
        Attempts cleared = runOutOfMemory(under, setup, MemoryRegion.FLAG_CLEAR, c(above, 4));
        assertEquals(plain.pagesNeeded(), cleared.pagesNeeded());
        assertEquals(EnumSet.of(Outcome.PREPARE_FAILED, Outcome.SUCCEEDED), cleared.seen());

        // Straddling stage 1's end, and beyond it: every byte is zeroed all the same.
        KitMachine fixture = ThreeVms.boot(under);
        setup.accept(fixture);
        Snapshot before = fixture.snapshot();
        SpciResult result = send(fixture, 1, 2, ThreeVms.message(ShareType.LEND, 2, RW_NX,
                MemoryRegion.FLAG_CLEAR, c(reach - 2 * PAGE, 4), c(above, 4)));
        assertTrue(result.isSuccess(), result::toString);
        for (Constituent constituent : List.of(c(reach - 2 * PAGE, 4), c(above, 4))) {
            assertTrue(isZero(fixture, constituent), constituent + " is cleared");
            assertEquals(0, fixture.hypervisor().read(2, constituent.end() - 8).orElseThrow());
        }
        assertEquals(before.stage1(), fixture.snapshot().stage1());
    }

    @OnEachArch
    void pageZeroIsCleared(ArchUnderTest under) {
        KitMachine fixture = ThreeVms.boot(under);
        fixture.map(1, 0, 2 * PAGE, RWX);
        fixture.fillPattern(0, 2 * PAGE);

        SpciResult result = send(fixture, 1, 2,
                ThreeVms.message(ShareType.DONATE, 2, RW_NX, MemoryRegion.FLAG_CLEAR, c(0, 2)));

        assertTrue(result.isSuccess(), result::toString);
        assertTrue(isZero(fixture, c(0, 2)));
        assertEquals(0, fixture.hypervisor().read(2, 0).orElseThrow());
    }

    /** Allocates from {@code pool} until {@code free} pages are left; returns what it took. */
    private static List<Long> drainTo(DefaultPagePool pool, long free) {
        List<Long> held = new ArrayList<>();
        while (pool.freeCount() > free) {
            held.add(pool.alloc());
        }
        assertEquals(free, pool.freeCount());
        return held;
    }

    private static boolean isZero(KitMachine fixture, Constituent c) {
        for (long a = c.address(); a != c.end(); a += 8) {
            if (fixture.machine().memory().read64(PhysicalAddress.of(a)) != 0) {
                return false;
            }
        }
        return true;
    }

    /** Whether every watched page of {@code c} holds in {@code now} what it held in {@code before}. */
    private static boolean isIntact(Snapshot now, Snapshot before, Constituent c) {
        for (var page : before.memory().entrySet()) {
            if (Long.compareUnsigned(page.getKey() - c.address(), c.sizeBytes()) < 0
                    && !page.getValue().equals(now.memory().get(page.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
