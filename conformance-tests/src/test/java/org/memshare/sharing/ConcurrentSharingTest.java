package org.memshare.sharing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.memshare.kit.fixture.KitMachine.repeated;
import static org.memshare.sharing.PrimaryWithSecondaries.OWNED_RWX;
import static org.memshare.sharing.PrimaryWithSecondaries.PAGE;
import static org.memshare.sharing.PrimaryWithSecondaries.PAGE_SIZE;
import static org.memshare.sharing.PrimaryWithSecondaries.PRIMARY;
import static org.memshare.sharing.PrimaryWithSecondaries.SERVICE1;
import static org.memshare.sharing.PrimaryWithSecondaries.SERVICE2;
import static org.memshare.sharing.PrimaryWithSecondaries.attempt;
import static org.memshare.sharing.PrimaryWithSecondaries.pages;
import static org.memshare.sharing.PrimaryWithSecondaries.relinquish;
import static org.memshare.sharing.PrimaryWithSecondaries.share;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.memshare.api.mode.Mode;
import org.memshare.api.spci.MemoryAccess;
import org.memshare.api.spci.ShareType;
import org.memshare.engine.hypervisor.Hypervisor;
import org.memshare.kit.ArchUnderTest;
import org.memshare.kit.fixture.KitMachine;
import org.memshare.testing.OnEachArch;

/**
 * Shared memory as a channel between two VMs that run at the same time: Hafnium's
 * {@code memory_sharing.concurrent} and {@code memory_sharing.share_concurrently_and_get_back}.
 */
class ConcurrentSharingTest {
    private static final int WORDS = (int) (PAGE_SIZE / 8);
    private static final int ROUNDS = 1000;

    /**
     * Pins {@code concurrent}: a page shared RW_X with the clear flag reaches the service zeroed
     * (the primary's 'a' bytes are gone), both VMs then see each other's writes in it, and two VMs
     * running at the same time on real threads, the primary writing the even words and the
     * service the odd words, each reading back its own values and the other's through its own
     * stage-2 translation, lose no write: every final word is the last value its writer wrote. A
     * third VM never touches the page.
     */
    @OnEachArch
    void concurrent(ArchUnderTest under) throws Exception {
        KitMachine f = PrimaryWithSecondaries.boot(under);
        f.fill(PRIMARY, PAGE, 1, repeated('a'));
        f.assertWhoCanTouch(PAGE, 1, "RWX", "---", "---");

        f.assertSent(attempt(ShareType.SHARE, PRIMARY, SERVICE1, MemoryAccess.RW_X, pages(PAGE, 1)).clear());
        f.assertMode(PRIMARY, PAGE, 1, Mode.SHARED | OWNED_RWX);
        f.assertMode(SERVICE1, PAGE, 1, Mode.UNOWNED | Mode.SHARED | OWNED_RWX);
        f.assertNotMapped(SERVICE2, PAGE, 1);
        f.assertWhoCanTouch(PAGE, 1, "RWX", "RWX", "---");
        f.assertHolds(SERVICE1, PAGE, 1, 0);
        f.assertHolds(PRIMARY, PAGE, 1, 0);

        // Turn by turn first: the primary writes byte i as i, the service adds one to each byte.
        for (int w = 0; w < WORDS; w++) {
            assertTrue(f.hypervisor().write(PRIMARY, PAGE + 8L * w, ramp(w)));
        }
        f.assertWhoCanTouch(PAGE, 1, "RWX", "RWX", "---");
        f.incrementEachByte(SERVICE1, PAGE, 1);
        f.assertWhoCanTouch(PAGE, 1, "RWX", "RWX", "---");
        for (int w = 0; w < WORDS; w++) {
            assertEquals(OptionalLong.of(KitMachine.eachByteIncremented(ramp(w))),
                    f.hypervisor().read(PRIMARY, PAGE + 8L * w), "[" + under + "] word " + w + " as the primary sees it");
        }

        // Then at the same time, on two threads.
        Queue<String> problems = new ConcurrentLinkedQueue<>();
        CyclicBarrier start = new CyclicBarrier(2);
        Thread even = new Thread(() -> writeAndWatch(f.hypervisor(), PRIMARY, 0, SERVICE1, start, problems), "primary");
        Thread odd = new Thread(() -> writeAndWatch(f.hypervisor(), SERVICE1, 1, PRIMARY, start, problems), "service1");
        even.setDaemon(true);
        odd.setDaemon(true);
        even.start();
        odd.start();
        even.join(TimeUnit.SECONDS.toMillis(60));
        odd.join(TimeUnit.SECONDS.toMillis(60));
        assertFalse(even.isAlive(), "[" + under + "] the primary's thread did not finish");
        assertFalse(odd.isAlive(), "[" + under + "] the service's thread did not finish");
        assertEquals(List.of(), new ArrayList<>(problems), "[" + under + "] what the threads saw");

        for (int w = 0; w < WORDS; w++) {
            int writer = w % 2 == 0 ? PRIMARY : SERVICE1;
            long last = tagged(writer, ROUNDS, w);
            for (int reader : new int[] {PRIMARY, SERVICE1}) {
                assertEquals(OptionalLong.of(last), f.hypervisor().read(reader, PAGE + 8L * w),
                        "[" + under + "] final word " + w + " as VM " + reader + " reads it");
            }
            f.assertReadFaults(SERVICE2, PAGE + 8L * w);
        }
        f.assertWhoCanTouch(PAGE, 1, "RWX", "RWX", "---");
        f.assertMode(PRIMARY, PAGE, 1, Mode.SHARED | OWNED_RWX);
        f.assertMode(SERVICE1, PAGE, 1, Mode.UNOWNED | Mode.SHARED | OWNED_RWX);
    }

    /**
     * One VM's side of the concurrent phase: for each round, write every word of its parity
     * tagged with the round, read it back, and read the other VM's neighbouring word, whose
     * round may only move forward (or still be the turn-by-turn value, before the other's
     * first write).
     */
    private static void writeAndWatch(Hypervisor hv, int vm, int parity, int other, CyclicBarrier start,
            Queue<String> problems) {
        long[] lastSeen = new long[WORDS];
        try {
            start.await(30, TimeUnit.SECONDS);
            for (int round = 1; round <= ROUNDS && problems.isEmpty(); round++) {
                for (int w = parity; w < WORDS; w += 2) {
                    long address = PAGE + 8L * w;
                    long mine = tagged(vm, round, w);
                    if (!hv.write(vm, address, mine)) {
                        problems.add("VM " + vm + " faulted writing word " + w + " in round " + round);
                        return;
                    }
                    OptionalLong back = hv.read(vm, address);
                    if (back.isEmpty() || back.getAsLong() != mine) {
                        problems.add("VM " + vm + " read back " + back + " from word " + w + " in round " + round);
                        return;
                    }
                    int theirs = w ^ 1;
                    OptionalLong seen = hv.read(vm, PAGE + 8L * theirs);
                    if (seen.isEmpty()) {
                        problems.add("VM " + vm + " faulted reading word " + theirs);
                        return;
                    }
                    long value = seen.getAsLong();
                    if (value == KitMachine.eachByteIncremented(ramp(theirs))) {
                        if (lastSeen[theirs] != 0) {
                            problems.add("VM " + vm + " saw word " + theirs + " go back to its old value");
                            return;
                        }
                        continue;
                    }
                    long seenRound = value >>> 16 & 0xffff_ffffL;
                    if (value != tagged(other, (int) seenRound, theirs) || seenRound < lastSeen[theirs]) {
                        problems.add("VM " + vm + " saw 0x" + Long.toHexString(value) + " in word " + theirs
                                + " after round " + lastSeen[theirs]);
                        return;
                    }
                    lastSeen[theirs] = seenRound;
                }
            }
        } catch (Exception e) {
            problems.add("VM " + vm + "'s thread failed: " + e);
        }
    }

    /** A value only VM {@code vm} writes, to word {@code word}, in round {@code round}. */
    private static long tagged(int vm, int round, int word) {
        return (long) vm << 56 | (long) round << 16 | word;
    }

    /** Word {@code w} of a page whose byte i holds i mod 256. */
    private static long ramp(int w) {
        long word = 0;
        for (int b = 0; b < 8; b++) {
            word |= ((8L * w + b) & 0xff) << (8 * b);
        }
        return word;
    }

    /**
     * Pins {@code share_concurrently_and_get_back}: the primary shares a page it dirtied with 'b',
     * both can use it, the service increments every byte and relinquishes it; the primary then
     * reads 'c' everywhere, owns the page exclusively again with R|W|X, and the service's next
     * write faults. The pool is as full as before the share.
     */
    @OnEachArch
    void shareConcurrentlyAndGetBack(ArchUnderTest under) {
        KitMachine f = PrimaryWithSecondaries.boot(under);
        f.fill(PRIMARY, PAGE, 1, repeated('b'));
        long freeAtStart = f.freePages();

        share(f, PRIMARY, SERVICE1, MemoryAccess.RW_X, pages(PAGE, 1));
        f.assertWhoCanTouch(PAGE, 1, "RWX", "RWX", "---");
        f.assertHolds(SERVICE1, PAGE, 1, repeated('b'));

        f.incrementEachByte(SERVICE1, PAGE, 1);
        f.assertWhoCanTouch(PAGE, 1, "RWX", "RWX", "---");
        f.assertHolds(PRIMARY, PAGE, 1, repeated('c'));

        relinquish(f, SERVICE1, PRIMARY, pages(PAGE, 1));
        f.assertMode(PRIMARY, PAGE, 1, OWNED_RWX);
        f.assertNotMapped(SERVICE1, PAGE, 1);
        f.assertWhoCanTouch(PAGE, 1, "RWX", "---", "---");
        f.assertHolds(PRIMARY, PAGE, 1, repeated('c'));
        f.assertWriteFaults(SERVICE1, PAGE, 123);
        assertEquals(freeAtStart, f.freePages(), f.where() + "pool pages after the round trip");
    }
}
