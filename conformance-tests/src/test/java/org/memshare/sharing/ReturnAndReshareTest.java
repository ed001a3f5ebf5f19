package org.memshare.sharing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.memshare.kit.fixture.KitMachine.repeated;
import static org.memshare.sharing.PrimaryWithSecondaries.OWNED_RWX;
import static org.memshare.sharing.PrimaryWithSecondaries.PAGE;
import static org.memshare.sharing.PrimaryWithSecondaries.PRIMARY;
import static org.memshare.sharing.PrimaryWithSecondaries.SERVICE1;
import static org.memshare.sharing.PrimaryWithSecondaries.SERVICE2;
import static org.memshare.sharing.PrimaryWithSecondaries.SERVICE_OWN;
import static org.memshare.sharing.PrimaryWithSecondaries.attempt;
import static org.memshare.sharing.PrimaryWithSecondaries.donate;
import static org.memshare.sharing.PrimaryWithSecondaries.lend;
import static org.memshare.sharing.PrimaryWithSecondaries.pages;
import static org.memshare.sharing.PrimaryWithSecondaries.relinquish;
import static org.memshare.sharing.PrimaryWithSecondaries.relinquishing;

import org.memshare.api.mode.Mode;
import org.memshare.api.spci.MemoryAccess;
import org.memshare.api.spci.MemoryAttributes;
import org.memshare.api.spci.ShareType;
import org.memshare.kit.ArchUnderTest;
import org.memshare.kit.fixture.KitMachine;
import org.memshare.testing.OnEachArch;

/**
 * Memory that goes to a service VM and comes back, and memory a VM gives away and can no longer
 * touch: the round trips of Hafnium's memory-sharing tests.
 */
class ReturnAndReshareTest {

    /**
     * Pins {@code lend_relinquish}: while a page is lent the lender faults on it and the borrower
     * has the granted R|W|X; the borrower's increments are what the owner finds after the
     * relinquish, when the owner has R|W|X again and the borrower faults. The round trip leaves
     * the page pool as full as it found it (the split tables are merged back and freed).
     */
    @OnEachArch
    void lendRelinquish(ArchUnderTest under) {
        KitMachine f = PrimaryWithSecondaries.boot(under);
        f.fill(PRIMARY, PAGE, 1, repeated('b'));
        f.assertWhoCanTouch(PAGE, 1, "RWX", "---", "---");
        long freeAtStart = f.freePages();

        lend(f, PRIMARY, SERVICE1, MemoryAccess.RW_X, pages(PAGE, 1));
        f.assertMode(PRIMARY, PAGE, 1, Mode.INVALID | OWNED_RWX);
        f.assertMode(SERVICE1, PAGE, 1, Mode.UNOWNED | OWNED_RWX);
        f.assertNotMapped(SERVICE2, PAGE, 1);
        f.assertWhoCanTouch(PAGE, 1, "---", "RWX", "---");

        f.incrementEachByte(SERVICE1, PAGE, 1);
        f.assertWhoCanTouch(PAGE, 1, "---", "RWX", "---");

        relinquish(f, SERVICE1, PRIMARY, pages(PAGE, 1));
        f.assertMode(PRIMARY, PAGE, 1, OWNED_RWX);
        f.assertNotMapped(SERVICE1, PAGE, 1);
        f.assertWhoCanTouch(PAGE, 1, "RWX", "---", "---");
        f.assertHolds(PRIMARY, PAGE, 1, repeated('c'));
        f.assertWriteFaults(SERVICE1, PAGE, 123);
        assertEquals(freeAtStart, f.freePages(), f.where() + "pool pages after the round trip");
    }

    /**
     * Pins {@code give_and_get_back}: a donated page belongs to the service alone (the primary
     * no longer even maps it); the service's donation back makes the primary the exclusive
     * owner again, finding the service's writes, and the service faults from then on; the pool
     * gets back every table the round trip took.
     */
    @OnEachArch
    void giveAndGetBack(ArchUnderTest under) {
        KitMachine f = PrimaryWithSecondaries.boot(under);
        f.fill(PRIMARY, PAGE, 1, repeated('b'));
        long freeAtStart = f.freePages();

        donate(f, PRIMARY, SERVICE1, MemoryAccess.RW_X, pages(PAGE, 1));
        f.assertNotMapped(PRIMARY, PAGE, 1);
        f.assertMode(SERVICE1, PAGE, 1, OWNED_RWX);
        f.assertWhoCanTouch(PAGE, 1, "---", "RWX", "---");

        f.incrementEachByte(SERVICE1, PAGE, 1);
        f.assertWhoCanTouch(PAGE, 1, "---", "RWX", "---");

        donate(f, SERVICE1, PRIMARY, MemoryAccess.RW_X, pages(PAGE, 1));
        f.assertMode(PRIMARY, PAGE, 1, OWNED_RWX);
        f.assertNotMapped(SERVICE1, PAGE, 1);
        f.assertWhoCanTouch(PAGE, 1, "RWX", "---", "---");
        f.assertHolds(PRIMARY, PAGE, 1, repeated('c'));
        f.assertWriteFaults(SERVICE1, PAGE, 123);
        assertEquals(freeAtStart, f.freePages(), f.where() + "pool pages after the round trip");
    }

    /**
     * Pins {@code lend_and_get_back}: the lender stays the owner while it cannot touch the page
     * (UNOWNED clear, INVALID set), and the relinquish gives R|W|X back whatever its attributes
     * say: here they ask for read-only, non-executable, and are ignored.
     */
    @OnEachArch
    void lendAndGetBack(ArchUnderTest under) {
        KitMachine f = PrimaryWithSecondaries.boot(under);
        f.fill(PRIMARY, PAGE, 1, repeated('c'));

        lend(f, PRIMARY, SERVICE1, MemoryAccess.RW_X, pages(PAGE, 1));
        f.assertMode(PRIMARY, PAGE, 1, Mode.INVALID | OWNED_RWX);
        f.assertWhoCanTouch(PAGE, 1, "---", "RWX", "---");

        f.incrementEachByte(SERVICE1, PAGE, 1);
        f.assertWhoCanTouch(PAGE, 1, "---", "RWX", "---");

        int readOnly = MemoryAttributes.of(MemoryAccess.RO_NX, true, 0, 0).value();
        f.assertSent(relinquishing(SERVICE1, PRIMARY, pages(PAGE, 1)).attributes(readOnly));
        f.assertMode(PRIMARY, PAGE, 1, OWNED_RWX);
        f.assertWhoCanTouch(PAGE, 1, "RWX", "---", "---");
        f.assertHolds(PRIMARY, PAGE, 1, repeated('d'));
        f.assertWriteFaults(SERVICE1, PAGE, 123);
    }

    /**
     * Pins {@code reshare_after_return}: once lent memory is relinquished, the owner can lend it
     * to the same service again, which can then use it without faulting.
     */
    @OnEachArch
    void reshareAfterReturn(ArchUnderTest under) {
        KitMachine f = PrimaryWithSecondaries.boot(under);

        lend(f, PRIMARY, SERVICE1, MemoryAccess.RW_X, pages(PAGE, 1));
        f.assertWhoCanTouch(PAGE, 1, "---", "RWX", "---");
        f.incrementEachByte(SERVICE1, PAGE, 1);

        relinquish(f, SERVICE1, PRIMARY, pages(PAGE, 1));
        f.assertWhoCanTouch(PAGE, 1, "RWX", "---", "---");
        f.assertHolds(PRIMARY, PAGE, 1, repeated((char) 1));

        lend(f, PRIMARY, SERVICE1, MemoryAccess.RW_X, pages(PAGE, 1));
        f.assertWhoCanTouch(PAGE, 1, "---", "RWX", "---");
        f.incrementEachByte(SERVICE1, PAGE, 1);
        f.fill(SERVICE1, PAGE, 1, 123);
        f.assertWhoCanTouch(PAGE, 1, "---", "RWX", "---");
        f.assertHolds(SERVICE1, PAGE, 1, 123);
    }

    /**
     * Pins {@code share_elsewhere_after_return}: memory relinquished by one service can be lent
     * to another, after which the first faults and only the second can touch it.
     */
    @OnEachArch
    void shareElsewhereAfterReturn(ArchUnderTest under) {
        KitMachine f = PrimaryWithSecondaries.boot(under);

        lend(f, PRIMARY, SERVICE1, MemoryAccess.RW_X, pages(PAGE, 1));
        f.assertWhoCanTouch(PAGE, 1, "---", "RWX", "---");
        f.incrementEachByte(SERVICE1, PAGE, 1);

        relinquish(f, SERVICE1, PRIMARY, pages(PAGE, 1));
        f.assertWhoCanTouch(PAGE, 1, "RWX", "---", "---");

        lend(f, PRIMARY, SERVICE2, MemoryAccess.RW_X, pages(PAGE, 1));
        f.assertMode(SERVICE2, PAGE, 1, Mode.UNOWNED | OWNED_RWX);
        f.assertWhoCanTouch(PAGE, 1, "---", "---", "RWX");
        f.assertWriteFaults(SERVICE1, PAGE, 123);
        f.assertHolds(SERVICE2, PAGE, 1, repeated((char) 1));
    }

    /**
     * Pins {@code donate_elsewhere_after_return}: memory a service donated back can be donated
     * by the primary to another service, which then owns it; the first faults.
     */
    @OnEachArch
    void donateElsewhereAfterReturn(ArchUnderTest under) {
        KitMachine f = PrimaryWithSecondaries.boot(under);
        f.fill(PRIMARY, PAGE, 1, repeated('b'));

        donate(f, PRIMARY, SERVICE1, MemoryAccess.RW_X, pages(PAGE, 1));
        f.assertWhoCanTouch(PAGE, 1, "---", "RWX", "---");
        f.incrementEachByte(SERVICE1, PAGE, 1);

        donate(f, SERVICE1, PRIMARY, MemoryAccess.RW_X, pages(PAGE, 1));
        f.assertWhoCanTouch(PAGE, 1, "RWX", "---", "---");

        donate(f, PRIMARY, SERVICE2, MemoryAccess.RW_X, pages(PAGE, 1));
        f.assertMode(SERVICE2, PAGE, 1, OWNED_RWX);
        f.assertNotMapped(PRIMARY, PAGE, 1);
        f.assertNotMapped(SERVICE1, PAGE, 1);
        f.assertWhoCanTouch(PAGE, 1, "---", "---", "RWX");
        f.assertHolds(SERVICE2, PAGE, 1, repeated('c'));
        f.assertWriteFaults(SERVICE1, PAGE, 123);
    }

    /**
     * Pins {@code give_memory_and_lose_access}: a service donates a page of its own to the primary
     * with the clear flag; the primary finds it zeroed and owns it, and the service's next write
     * to it (byte 16 in Hafnium, here the word holding it) faults.
     */
    @OnEachArch
    void giveMemoryAndLoseAccess(ArchUnderTest under) {
        KitMachine f = PrimaryWithSecondaries.boot(under);
        f.mapPages(SERVICE1, SERVICE_OWN, 1, OWNED_RWX);
        f.fill(SERVICE1, SERVICE_OWN, 1, repeated('s'));
        f.assertWhoCanTouch(SERVICE_OWN, 1, "---", "RWX", "---");

        f.assertSent(attempt(ShareType.DONATE, SERVICE1, PRIMARY, MemoryAccess.RW_X, pages(SERVICE_OWN, 1)).clear());
        f.assertMode(PRIMARY, SERVICE_OWN, 1, OWNED_RWX);
        f.assertNotMapped(SERVICE1, SERVICE_OWN, 1);
        f.assertWhoCanTouch(SERVICE_OWN, 1, "RWX", "---", "---");
        f.assertHolds(PRIMARY, SERVICE_OWN, 1, 0);
        f.assertWriteFaults(SERVICE1, SERVICE_OWN + 16, 123);
        f.assertHolds(PRIMARY, SERVICE_OWN, 1, 0);
    }

    /**
     * Pins {@code lend_memory_and_lose_access}: a service lends a page of its own to the primary
     * with the clear flag; the primary finds it zeroed and may use it, the service stays its
     * owner but faults on it (byte 633 in Hafnium, here the word holding it).
     */
    @OnEachArch
    void lendMemoryAndLoseAccess(ArchUnderTest under) {
        KitMachine f = PrimaryWithSecondaries.boot(under);
        f.mapPages(SERVICE1, SERVICE_OWN, 1, OWNED_RWX);
        f.fill(SERVICE1, SERVICE_OWN, 1, repeated('s'));
        f.assertWhoCanTouch(SERVICE_OWN, 1, "---", "RWX", "---");

        f.assertSent(attempt(ShareType.LEND, SERVICE1, PRIMARY, MemoryAccess.RW_X, pages(SERVICE_OWN, 1)).clear());
        f.assertMode(SERVICE1, SERVICE_OWN, 1, Mode.INVALID | OWNED_RWX);
        f.assertMode(PRIMARY, SERVICE_OWN, 1, Mode.UNOWNED | OWNED_RWX);
        f.assertWhoCanTouch(SERVICE_OWN, 1, "RWX", "---", "---");
        f.assertHolds(PRIMARY, SERVICE_OWN, 1, 0);
        f.assertWriteFaults(SERVICE1, SERVICE_OWN + (633 & ~7), 180);
        f.assertHolds(PRIMARY, SERVICE_OWN, 1, 0);
    }
}
