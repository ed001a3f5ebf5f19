package org.memshare.sharing;

import static org.memshare.kit.fixture.KitMachine.repeated;
import static org.memshare.sharing.PrimaryWithSecondaries.ALL_VMS;
import static org.memshare.sharing.PrimaryWithSecondaries.OWNED_RWX;
import static org.memshare.sharing.PrimaryWithSecondaries.PAGE;
import static org.memshare.sharing.PrimaryWithSecondaries.PAGE_SIZE;
import static org.memshare.sharing.PrimaryWithSecondaries.PRIMARY;
import static org.memshare.sharing.PrimaryWithSecondaries.SERVICE1;
import static org.memshare.sharing.PrimaryWithSecondaries.SERVICE2;
import static org.memshare.sharing.PrimaryWithSecondaries.attempt;
import static org.memshare.sharing.PrimaryWithSecondaries.donate;
import static org.memshare.sharing.PrimaryWithSecondaries.everyAttributeCombination;
import static org.memshare.sharing.PrimaryWithSecondaries.everyRelinquishExcept;
import static org.memshare.sharing.PrimaryWithSecondaries.lend;
import static org.memshare.sharing.PrimaryWithSecondaries.pages;
import static org.memshare.sharing.PrimaryWithSecondaries.relinquish;
import static org.memshare.sharing.PrimaryWithSecondaries.share;

import java.util.ArrayList;
import java.util.List;
import org.memshare.api.mode.Mode;
import org.memshare.api.spci.Constituent;
import org.memshare.api.spci.MemoryAccess;
import org.memshare.api.spci.ShareType;
import org.memshare.kit.ArchUnderTest;
import org.memshare.kit.fixture.KitMachine;
import org.memshare.kit.fixture.Message;
import org.memshare.testing.OnEachArch;


/**
 * Donation: what the new owner may reach, donation onwards between service VMs, and what may no
 * longer be done with memory once it is donated, lent or shared.
 */
class DonationTest {

    /**
     * Pins {@code donate_check_upper_bounds}: a service given one page can use all of it, but its
     * access to the first word after the page faults (and leaves the primary's data there alone),
     * while the primary keeps its page above.
     */
    @OnEachArch
    void donateCheckUpperBounds(ArchUnderTest under) {
        KitMachine f = PrimaryWithSecondaries.boot(under);
        f.fill(PRIMARY, PAGE, 2, repeated('b'));

        donate(f, PRIMARY, SERVICE1, MemoryAccess.RW_X, pages(PAGE, 1));
        f.assertWhoCanTouch(PAGE, 1, "---", "RWX", "---");
        f.assertWhoCanTouch(PAGE + PAGE_SIZE, 1, "RWX", "---", "---");

        f.incrementEachByte(SERVICE1, PAGE, 1);
        f.assertReadFaults(SERVICE1, PAGE + PAGE_SIZE);
        f.assertWriteFaults(SERVICE1, PAGE + PAGE_SIZE, repeated('c'));
        f.assertHolds(PRIMARY, PAGE + PAGE_SIZE, 1, repeated('b'));
        f.assertHolds(SERVICE1, PAGE, 1, repeated('c'));
        f.assertWhoCanTouch(PAGE, 1, "---", "RWX", "---");
        f.assertWhoCanTouch(PAGE + PAGE_SIZE, 1, "RWX", "---", "---");
    }

    /**
     * Pins {@code donate_check_lower_bounds}: as above, for the last word before the donated
     * page.
     */
    @OnEachArch
    void donateCheckLowerBounds(ArchUnderTest under) {
        KitMachine f = PrimaryWithSecondaries.boot(under);
        f.fill(PRIMARY, PAGE - PAGE_SIZE, 2, repeated('b'));

        donate(f, PRIMARY, SERVICE1, MemoryAccess.RW_X, pages(PAGE, 1));
        f.assertWhoCanTouch(PAGE, 1, "---", "RWX", "---");
        f.assertWhoCanTouch(PAGE - PAGE_SIZE, 1, "RWX", "---", "---");

        f.incrementEachByte(SERVICE1, PAGE, 1);
        f.assertReadFaults(SERVICE1, PAGE - 8);
        f.assertWriteFaults(SERVICE1, PAGE - 8, repeated('c'));
        f.assertHolds(PRIMARY, PAGE - PAGE_SIZE, 1, repeated('b'));
        f.assertHolds(SERVICE1, PAGE, 1, repeated('c'));
        f.assertWhoCanTouch(PAGE, 1, "---", "RWX", "---");
        f.assertWhoCanTouch(PAGE - PAGE_SIZE, 1, "RWX", "---", "---");
    }

    /**
     * Pins {@code donate_vms}: a service that was donated a page can donate it on to another
     * service; the first then faults on it (its write of 'c' does not land) and the second owns
     * it and keeps what it writes.
     */
    @OnEachArch
    void donateVms(ArchUnderTest under) {
        KitMachine f = PrimaryWithSecondaries.boot(under);
        f.fill(PRIMARY, PAGE, 1, repeated('b'));

        donate(f, PRIMARY, SERVICE1, MemoryAccess.RW_X, pages(PAGE, 1));
        f.assertWhoCanTouch(PAGE, 1, "---", "RWX", "---");

        donate(f, SERVICE1, SERVICE2, MemoryAccess.RW_X, pages(PAGE, 1));
        f.assertNotMapped(PRIMARY, PAGE, 1);
        f.assertNotMapped(SERVICE1, PAGE, 1);
        f.assertMode(SERVICE2, PAGE, 1, OWNED_RWX);
        f.assertWhoCanTouch(PAGE, 1, "---", "---", "RWX");
        f.assertHolds(SERVICE2, PAGE, 1, repeated('b'));

        f.fill(SERVICE2, PAGE, 1, repeated('d'));
        f.assertWriteFaults(SERVICE1, PAGE, repeated('c'));
        f.assertWhoCanTouch(PAGE, 1, "---", "---", "RWX");
        f.assertHolds(SERVICE2, PAGE, 1, repeated('d'));
    }

    /**
     * Pins {@code donate_twice}: once a page is donated, the former owner can neither share, lend
     * nor donate it to anyone, with any attributes, and no VM can relinquish it to any other;
     * when the service donates it back, the primary can write it again, and the service can no
     * longer donate it to the other service.
     */
    @OnEachArch
    void donateTwice(ArchUnderTest under) {
        KitMachine f = PrimaryWithSecondaries.boot(under);
        f.fill(PRIMARY, PAGE, 1, repeated('b'));
        Constituent page = pages(PAGE, 1);

        donate(f, PRIMARY, SERVICE1, MemoryAccess.RW_X, page);
        f.assertWhoCanTouch(PAGE, 1, "---", "RWX", "---");

        List<Message> refused = new ArrayList<>();
        refused.addAll(everyAttributeCombination(ShareType.SHARE, PRIMARY, ALL_VMS, page));
        refused.addAll(everyAttributeCombination(ShareType.LEND, PRIMARY, ALL_VMS, page));
        for (int to : ALL_VMS) {
            refused.add(attempt(ShareType.DONATE, PRIMARY, to, MemoryAccess.RW_X, page));
        }
        refused.addAll(everyRelinquishExcept(List.of(), page));
        f.assertRefused(refused);
        f.assertWhoCanTouch(PAGE, 1, "---", "RWX", "---");

        donate(f, SERVICE1, PRIMARY, MemoryAccess.RW_X, page);
        f.assertWhoCanTouch(PAGE, 1, "RWX", "---", "---");
        f.fill(PRIMARY, PAGE, 1, repeated('f'));

        f.assertRefused(attempt(ShareType.DONATE, SERVICE1, SERVICE2, MemoryAccess.RW_X, page));
        f.assertWhoCanTouch(PAGE, 1, "RWX", "---", "---");
        f.assertHolds(PRIMARY, PAGE, 1, repeated('f'));
    }

    /**
     * Pins {@code lend_donate}: while two pages are lent read-only to a service, the owner cannot
     * donate any part of them to another VM, but can donate one to the borrower, which then
     * owns that page with the donation's R|W|X while the other page stays lent read-only.
     */
    @OnEachArch
    void lendDonate(ArchUnderTest under) {
        KitMachine f = PrimaryWithSecondaries.boot(under);
        f.fill(PRIMARY, PAGE, 2, repeated('b'));

        lend(f, PRIMARY, SERVICE1, MemoryAccess.RO_X, pages(PAGE, 2));
        f.assertMode(SERVICE1, PAGE, 2, Mode.UNOWNED | Mode.R | Mode.X);
        f.assertWhoCanTouch(PAGE, 2, "---", "R-X", "---");
        f.assertHolds(SERVICE1, PAGE, 2, repeated('b'));

        f.assertRefused(List.of(
                attempt(ShareType.DONATE, PRIMARY, SERVICE2, MemoryAccess.RW_X, pages(PAGE + PAGE_SIZE, 1)),
                attempt(ShareType.DONATE, PRIMARY, SERVICE2, MemoryAccess.RW_X, pages(PAGE, 1)),
                attempt(ShareType.DONATE, PRIMARY, SERVICE2, MemoryAccess.RW_X, pages(PAGE, 2))));
        f.assertWhoCanTouch(PAGE, 2, "---", "R-X", "---");

        donate(f, PRIMARY, SERVICE1, MemoryAccess.RW_X, pages(PAGE + PAGE_SIZE, 1));
        f.assertMode(SERVICE1, PAGE + PAGE_SIZE, 1, OWNED_RWX);
        f.assertNotMapped(PRIMARY, PAGE + PAGE_SIZE, 1);
        f.assertWhoCanTouch(PAGE, 1, "---", "R-X", "---");
        f.assertWhoCanTouch(PAGE + PAGE_SIZE, 1, "---", "RWX", "---");
        f.incrementEachByte(SERVICE1, PAGE + PAGE_SIZE, 1);

        // The page still lent goes back to its owner as before.
        relinquish(f, SERVICE1, PRIMARY, pages(PAGE, 1));
        f.assertWhoCanTouch(PAGE, 1, "RWX", "---", "---");
        f.assertWhoCanTouch(PAGE + PAGE_SIZE, 1, "---", "RWX", "---");
        f.assertHolds(PRIMARY, PAGE, 1, repeated('b'));
    }

    /**
     * Pins {@code share_donate}: while two pages are shared read-only with a service, the owner
     * cannot share them again with any VM (the borrower included) with any attributes, nor
     * donate any part to another VM; it can donate a page to the borrower, giving up its own
     * access to that page only.
     */
    @OnEachArch
    void shareDonate(ArchUnderTest under) {
        KitMachine f = PrimaryWithSecondaries.boot(under);
        f.fill(PRIMARY, PAGE, 2, repeated('b'));

        share(f, PRIMARY, SERVICE1, MemoryAccess.RO_X, pages(PAGE, 2));
        f.assertMode(PRIMARY, PAGE, 2, Mode.SHARED | OWNED_RWX);
        f.assertMode(SERVICE1, PAGE, 2, Mode.UNOWNED | Mode.SHARED | Mode.R | Mode.X);
        f.assertWhoCanTouch(PAGE, 2, "RWX", "R-X", "---");
        f.assertHolds(SERVICE1, PAGE, 2, repeated('b'));

        f.assertRefused(everyAttributeCombination(ShareType.SHARE, PRIMARY, ALL_VMS, pages(PAGE, 2)));
        f.assertWhoCanTouch(PAGE, 2, "RWX", "R-X", "---");

        f.assertRefused(List.of(
                attempt(ShareType.DONATE, PRIMARY, SERVICE2, MemoryAccess.RW_X, pages(PAGE + PAGE_SIZE, 1)),
                attempt(ShareType.DONATE, PRIMARY, SERVICE2, MemoryAccess.RW_X, pages(PAGE, 1)),
                attempt(ShareType.DONATE, PRIMARY, SERVICE2, MemoryAccess.RW_X, pages(PAGE, 2))));
        f.assertWhoCanTouch(PAGE, 2, "RWX", "R-X", "---");

        donate(f, PRIMARY, SERVICE1, MemoryAccess.RW_X, pages(PAGE + PAGE_SIZE, 1));
        f.assertMode(SERVICE1, PAGE + PAGE_SIZE, 1, OWNED_RWX);
        f.assertNotMapped(PRIMARY, PAGE + PAGE_SIZE, 1);
        f.assertWhoCanTouch(PAGE, 1, "RWX", "R-X", "---");
        f.assertWhoCanTouch(PAGE + PAGE_SIZE, 1, "---", "RWX", "---");
        f.assertHolds(SERVICE1, PAGE + PAGE_SIZE, 1, repeated('b'));
    }
}
