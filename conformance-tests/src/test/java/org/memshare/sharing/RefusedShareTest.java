package org.memshare.sharing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.memshare.kit.fixture.KitMachine.repeated;
import static org.memshare.sharing.PrimaryWithSecondaries.ALL_VMS;
import static org.memshare.sharing.PrimaryWithSecondaries.DEVICE;
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
import static org.memshare.sharing.PrimaryWithSecondaries.relinquishing;
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
 * Sends the hypervisor must refuse with INVALID_PARAMETERS, changing nothing: device memory,
 * sends to oneself, memory the sender does not own, unaligned constituents, and memory already
 * lent or shared.
 */
class RefusedShareTest {

    /**
     * Pins {@code cannot_share_device_memory}: the primary's device page cannot be lent, shared
     * or donated to any VM (itself included), whatever attributes the message asks for (normal or
     * device, any access, cacheability and shareability); the primary keeps R|W on it and nobody
     * else can touch it.
     */
    @OnEachArch
    void cannotShareDeviceMemory(ArchUnderTest under) {
        KitMachine f = PrimaryWithSecondaries.boot(under);
        Constituent device = pages(DEVICE, 1);
        f.assertMode(PRIMARY, DEVICE, 1, Mode.R | Mode.W | Mode.D);
        f.assertWhoCanTouch(DEVICE, 1, "RW-", "---", "---");

        List<Message> refused = new ArrayList<>();
        refused.addAll(everyAttributeCombination(ShareType.LEND, PRIMARY, ALL_VMS, device));
        refused.addAll(everyAttributeCombination(ShareType.SHARE, PRIMARY, ALL_VMS, device));
        for (int to : ALL_VMS) {
            refused.add(attempt(ShareType.DONATE, PRIMARY, to, MemoryAccess.RW_X, device));
        }
        f.assertRefused(refused);

        f.assertMode(PRIMARY, DEVICE, 1, Mode.R | Mode.W | Mode.D);
        f.assertWhoCanTouch(DEVICE, 1, "RW-", "---", "---");
    }

    /** Pins {@code donate_to_self}: the primary cannot donate its page to itself; it keeps it. */
    @OnEachArch
    void donateToSelf(ArchUnderTest under) {
        checkCannotSendToSelf(under, ShareType.DONATE);
    }

    /** Pins {@code lend_to_self}: the primary cannot lend its page to itself; it keeps it. */
    @OnEachArch
    void lendToSelf(ArchUnderTest under) {
        checkCannotSendToSelf(under, ShareType.LEND);
    }

    /** Pins {@code share_to_self}: the primary cannot share its page with itself; it keeps it. */
    @OnEachArch
    void shareToSelf(ArchUnderTest under) {
        checkCannotSendToSelf(under, ShareType.SHARE);
    }

    private static void checkCannotSendToSelf(ArchUnderTest under, ShareType type) {
        KitMachine f = PrimaryWithSecondaries.boot(under);
        f.fill(PRIMARY, PAGE, 1, repeated('b'));
        f.assertWhoCanTouch(PAGE, 1, "RWX", "---", "---");

        f.assertRefused(attempt(type, PRIMARY, PRIMARY, MemoryAccess.RW_X, pages(PAGE, 1)));

        f.assertMode(PRIMARY, PAGE, 1, OWNED_RWX);
        f.assertWhoCanTouch(PAGE, 1, "RWX", "---", "---");
        f.assertHolds(PRIMARY, PAGE, 1, repeated('b'));
    }

    /**
     * Pins {@code donate_invalid_source}: only the owner can donate. A service cannot donate the
     * primary's page to the primary, to itself, or (the other service) to the first; the primary
     * can; once the service has donated it back, the service cannot donate it on to the other
     * service. (Hafnium refuses a VM naming another VM as the sender; here every send comes from
     * a real VM, so the same scenarios become VMs sending memory they do not own.)
     */
    @OnEachArch
    void donateInvalidSource(ArchUnderTest under) {
        KitMachine f = PrimaryWithSecondaries.boot(under);
        f.fill(PRIMARY, PAGE, 1, repeated('b'));
        Constituent page = pages(PAGE, 1);

        f.assertRefused(List.of(
                attempt(ShareType.DONATE, SERVICE1, PRIMARY, MemoryAccess.RW_X, page),
                attempt(ShareType.DONATE, SERVICE1, SERVICE1, MemoryAccess.RW_X, page),
                attempt(ShareType.DONATE, SERVICE2, SERVICE1, MemoryAccess.RW_X, page)));
        f.assertWhoCanTouch(PAGE, 1, "RWX", "---", "---");

        donate(f, PRIMARY, SERVICE1, MemoryAccess.RW_X, page);
        f.assertWhoCanTouch(PAGE, 1, "---", "RWX", "---");

        donate(f, SERVICE1, PRIMARY, MemoryAccess.RW_X, page);
        f.assertWhoCanTouch(PAGE, 1, "RWX", "---", "---");

        f.assertRefused(List.of(
                attempt(ShareType.DONATE, SERVICE1, SERVICE2, MemoryAccess.RW_X, page),
                attempt(ShareType.DONATE, SERVICE2, SERVICE1, MemoryAccess.RW_X, page)));
        f.assertMode(PRIMARY, PAGE, 1, OWNED_RWX);
        f.assertWhoCanTouch(PAGE, 1, "RWX", "---", "---");
        f.assertHolds(PRIMARY, PAGE, 1, repeated('b'));
    }

    /**
     * Pins {@code lend_invalid_source}: a service cannot lend the primary's page (the message
     * naming the service itself as receiver, sent to the primary: the sender and receiver swapped);
     * once lent, the owner cannot relinquish what it lent, only the borrower can; after that the
     * service can neither lend nor share the page to the other service.
     */
    @OnEachArch
    void lendInvalidSource(ArchUnderTest under) {
        KitMachine f = PrimaryWithSecondaries.boot(under);
        f.fill(PRIMARY, PAGE, 1, repeated('b'));
        Constituent page = pages(PAGE, 1);

        f.assertRefused(List.of(
                // A lend naming VM 2 (the service itself), sent by it to the primary.
                attempt(ShareType.LEND, SERVICE1, PRIMARY, MemoryAccess.RW_X, page).naming(SERVICE1),
                attempt(ShareType.LEND, SERVICE1, PRIMARY, MemoryAccess.RW_X, page)));
        f.assertWhoCanTouch(PAGE, 1, "RWX", "---", "---");

        lend(f, PRIMARY, SERVICE1, MemoryAccess.RW_X, page);
        f.assertWhoCanTouch(PAGE, 1, "---", "RWX", "---");

        // A relinquish by the lender.
        f.assertRefused(relinquishing(PRIMARY, SERVICE1, page));
        f.assertWhoCanTouch(PAGE, 1, "---", "RWX", "---");

        relinquish(f, SERVICE1, PRIMARY, page);
        f.assertWhoCanTouch(PAGE, 1, "RWX", "---", "---");

        f.assertRefused(List.of(
                attempt(ShareType.LEND, SERVICE1, SERVICE2, MemoryAccess.RW_X, page),
                attempt(ShareType.SHARE, SERVICE1, SERVICE2, MemoryAccess.RW_X, page)));
        f.assertMode(PRIMARY, PAGE, 1, OWNED_RWX);
        f.assertWhoCanTouch(PAGE, 1, "RWX", "---", "---");
    }

    /**
     * Pins {@code give_and_get_back_unaligned}: a constituent starting at any of the 4095
     * unaligned addresses inside a page cannot be donated or lent; the page-aligned one then
     * goes and comes back.
     */
    @OnEachArch
    void giveAndGetBackUnaligned(ArchUnderTest under) {
        KitMachine f = PrimaryWithSecondaries.boot(under);
        f.fill(PRIMARY, PAGE, 2, repeated('b'));

        List<Message> refused = new ArrayList<>();
        for (long offset = 1; offset < PAGE_SIZE; offset++) {
            refused.add(attempt(ShareType.DONATE, PRIMARY, SERVICE1, MemoryAccess.RW_X, pages(PAGE + offset, 1)));
            refused.add(attempt(ShareType.LEND, PRIMARY, SERVICE1, MemoryAccess.RW_X, pages(PAGE + offset, 1)));
        }
        f.assertRefused(refused);
        f.assertWhoCanTouch(PAGE, 2, "RWX", "---", "---");

        donate(f, PRIMARY, SERVICE1, MemoryAccess.RW_X, pages(PAGE, 1));
        f.assertWhoCanTouch(PAGE, 1, "---", "RWX", "---");
        f.incrementEachByte(SERVICE1, PAGE, 1);
        donate(f, SERVICE1, PRIMARY, MemoryAccess.RW_X, pages(PAGE, 1));
        f.assertWhoCanTouch(PAGE, 2, "RWX", "---", "---");
        f.assertHolds(PRIMARY, PAGE, 1, repeated('c'));
    }

    /**
     * Pins {@code lend_twice}: two pages lent to a service can be used by it, but then: the
     * borrower cannot lend or share them (from any offset inside them) to the other service; the
     * owner cannot lend or share them to anyone with any attributes, nor donate them to anyone
     * but the borrower; no relinquish between any pair of VMs succeeds except the borrower's to
     * the owner; nor can either page be lent again read-only. The borrower's relinquish at the end
     * still works, and leaves the pool as full as before the lend.
     */
    @OnEachArch
    void lendTwice(ArchUnderTest under) {
        KitMachine f = PrimaryWithSecondaries.boot(under);
        f.fill(PRIMARY, PAGE, 2, repeated('b'));
        Constituent both = pages(PAGE, 2);

        long freeAtStart = f.freePages();
        lend(f, PRIMARY, SERVICE1, MemoryAccess.RW_X, both);
        f.assertWhoCanTouch(PAGE, 2, "---", "RWX", "---");
        f.assertHolds(SERVICE1, PAGE, 2, repeated('b'));
        f.incrementEachByte(SERVICE1, PAGE, 2);

        f.assertRefused(borrowerPassingItOn(ShareType.LEND));
        f.assertRefused(borrowerPassingItOn(ShareType.SHARE));
        f.assertWhoCanTouch(PAGE, 2, "---", "RWX", "---");

        List<Message> refused = new ArrayList<>();
        refused.addAll(everyAttributeCombination(ShareType.LEND, PRIMARY, ALL_VMS, both));
        refused.addAll(everyAttributeCombination(ShareType.SHARE, PRIMARY, ALL_VMS, both));
        refused.add(attempt(ShareType.DONATE, PRIMARY, PRIMARY, MemoryAccess.RW_X, both));
        refused.add(attempt(ShareType.DONATE, PRIMARY, SERVICE2, MemoryAccess.RW_X, both));
        refused.addAll(everyRelinquishExcept(List.of(List.of(SERVICE1, PRIMARY)), both));
        for (long page = PAGE; page < PAGE + 2 * PAGE_SIZE; page += PAGE_SIZE) {
            refused.add(attempt(ShareType.LEND, PRIMARY, SERVICE2, MemoryAccess.RO_X, pages(page, 1)));
            refused.add(attempt(ShareType.LEND, PRIMARY, SERVICE1, MemoryAccess.RO_X, pages(page, 1)));
        }
        f.assertRefused(refused);
        f.assertWhoCanTouch(PAGE, 2, "---", "RWX", "---");

        relinquish(f, SERVICE1, PRIMARY, both);
        f.assertWhoCanTouch(PAGE, 2, "RWX", "---", "---");
        f.assertHolds(PRIMARY, PAGE, 2, repeated('c'));
        assertEquals(freeAtStart, f.freePages(), f.where() + "pool pages after the round trip");
    }

    /**
     * Pins {@code share_twice}: as {@code lend_twice} for two shared pages, which both the owner
     * and the borrower keep using throughout: nothing can be shared or lent again by either, the
     * owner can donate only to the borrower, no relinquish but the borrower's succeeds, and no
     * page can be shared again read-only. The borrower's relinquish at the end still works, and
     * leaves the pool as full as before the share.
     */
    @OnEachArch
    void shareTwice(ArchUnderTest under) {
        KitMachine f = PrimaryWithSecondaries.boot(under);
        f.fill(PRIMARY, PAGE, 2, repeated('b'));
        Constituent both = pages(PAGE, 2);

        long freeAtStart = f.freePages();
        share(f, PRIMARY, SERVICE1, MemoryAccess.RW_X, both);
        f.assertWhoCanTouch(PAGE, 2, "RWX", "RWX", "---");
        f.assertHolds(SERVICE1, PAGE, 2, repeated('b'));
        f.incrementEachByte(SERVICE1, PAGE, 2);
        f.assertHolds(PRIMARY, PAGE, 2, repeated('c'));

        f.assertRefused(borrowerPassingItOn(ShareType.LEND));
        f.assertRefused(borrowerPassingItOn(ShareType.SHARE));
        f.assertWhoCanTouch(PAGE, 2, "RWX", "RWX", "---");

        List<Message> refused = new ArrayList<>();
        refused.addAll(everyAttributeCombination(ShareType.SHARE, PRIMARY, ALL_VMS, both));
        refused.addAll(everyAttributeCombination(ShareType.LEND, PRIMARY, ALL_VMS, both));
        refused.add(attempt(ShareType.DONATE, PRIMARY, PRIMARY, MemoryAccess.RW_X, both));
        refused.add(attempt(ShareType.DONATE, PRIMARY, SERVICE2, MemoryAccess.RW_X, both));
        refused.addAll(everyRelinquishExcept(List.of(List.of(SERVICE1, PRIMARY)), both));
        for (long page = PAGE; page < PAGE + 2 * PAGE_SIZE; page += PAGE_SIZE) {
            refused.add(attempt(ShareType.SHARE, PRIMARY, SERVICE2, MemoryAccess.RO_X, pages(page, 1)));
            refused.add(attempt(ShareType.SHARE, PRIMARY, SERVICE1, MemoryAccess.RO_X, pages(page, 1)));
        }
        f.assertRefused(refused);
        f.assertWhoCanTouch(PAGE, 2, "RWX", "RWX", "---");

        relinquish(f, SERVICE1, PRIMARY, both);
        f.assertWhoCanTouch(PAGE, 2, "RWX", "---", "---");
        f.assertHolds(PRIMARY, PAGE, 2, repeated('c'));
        assertEquals(freeAtStart, f.freePages(), f.where() + "pool pages after the round trip");
    }

    /**
     * The borrower of {@code PAGE} and the page after it trying to pass one page on to the other
     * service as {@code type}, from every byte offset inside the two pages but the first.
     */
    private static List<Message> borrowerPassingItOn(ShareType type) {
        List<Message> attempts = new ArrayList<>();
        for (long offset = 1; offset < 2 * PAGE_SIZE; offset++) {
            attempts.add(attempt(type, SERVICE1, SERVICE2, MemoryAccess.RW_X, pages(PAGE + offset, 1)));
        }
        return attempts;
    }
}
