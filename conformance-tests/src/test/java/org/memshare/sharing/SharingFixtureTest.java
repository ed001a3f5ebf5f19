package org.memshare.sharing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.memshare.sharing.SharingFixture.OWNED_RWX;
import static org.memshare.sharing.SharingFixture.PAGE;
import static org.memshare.sharing.SharingFixture.PRIMARY;
import static org.memshare.sharing.SharingFixture.SERVICE1;
import static org.memshare.sharing.SharingFixture.attempt;
import static org.memshare.sharing.SharingFixture.pages;

import org.memshare.api.mode.Mode;
import org.memshare.api.spci.MemoryAccess;
import org.memshare.api.spci.ShareType;
import org.opentest4j.AssertionFailedError;

/**
 * The scenario checks themselves: each must fail when the machine does not match what it
 * claims, or a scenario built on it could pass for the wrong reason.
 */
class SharingFixtureTest {

    /** Claiming more or less access than a VM has fails, either way round. */
    @OnEachArch
    void accessChecksBite(String arch) {
        SharingFixture f = SharingFixture.boot(arch);
        f.assertWhoCanTouch(PAGE, 1, "RWX", "---", "---");
        assertThrows(AssertionFailedError.class, () -> f.assertAccess(PRIMARY, PAGE, 1, "R-X"));
        assertThrows(AssertionFailedError.class, () -> f.assertAccess(PRIMARY, PAGE, 1, "---"));
        assertThrows(AssertionFailedError.class, () -> f.assertAccess(SERVICE1, PAGE, 1, "R--"));
        assertThrows(AssertionFailedError.class, () -> f.assertWriteFaults(PRIMARY, PAGE, 1));
        assertThrows(AssertionFailedError.class, () -> f.assertReadFaults(PRIMARY, PAGE));
    }

    /** A wrong mode, or a range mapped with two modes, fails the mode check. */
    @OnEachArch
    void modeChecksBite(String arch) {
        SharingFixture f = SharingFixture.boot(arch);
        f.lend(PRIMARY, SERVICE1, MemoryAccess.RO_NX, pages(PAGE, 1));
        f.assertMode(SERVICE1, PAGE, 1, Mode.UNOWNED | Mode.R);
        assertThrows(AssertionFailedError.class, () -> f.assertMode(SERVICE1, PAGE, 1, Mode.UNOWNED | OWNED_RWX));
        assertThrows(AssertionFailedError.class, () -> f.assertNotMapped(SERVICE1, PAGE, 1));
        assertThrows(AssertionFailedError.class, () -> f.assertMode(PRIMARY, PAGE, 2, OWNED_RWX));
    }

    /** A send that succeeds fails the refusal check; one that is refused fails the success check. */
    @OnEachArch
    void sendChecksBite(String arch) {
        SharingFixture f = SharingFixture.boot(arch);
        assertThrows(AssertionFailedError.class,
                () -> f.assertRefused(attempt(ShareType.SHARE, PRIMARY, SERVICE1, MemoryAccess.RW_X, pages(PAGE, 1))));
        f.hypervisor().release(SERVICE1);
        f.assertWhoCanTouch(PAGE, 1, "RWX", "RWX", "---");
        assertThrows(AssertionFailedError.class, () -> f.share(PRIMARY, SERVICE1, MemoryAccess.RW_X, pages(PAGE, 1)));
    }

    /** Memory that does not hold the claimed value fails the contents check. */
    @OnEachArch
    void contentChecksBite(String arch) {
        SharingFixture f = SharingFixture.boot(arch);
        f.fill(PRIMARY, PAGE, 1, SharingFixture.repeated('b'));
        f.assertHolds(PRIMARY, PAGE, 1, SharingFixture.repeated('b'));
        assertThrows(AssertionFailedError.class, () -> f.assertHolds(PRIMARY, PAGE, 1, SharingFixture.repeated('c')));
        assertThrows(AssertionFailedError.class, () -> f.assertHolds(SERVICE1, PAGE, 1, SharingFixture.repeated('b')));
    }
}
