package org.memshare.sharing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.memshare.sharing.PrimaryWithSecondaries.OWNED_RWX;
import static org.memshare.sharing.PrimaryWithSecondaries.PAGE;
import static org.memshare.sharing.PrimaryWithSecondaries.PRIMARY;
import static org.memshare.sharing.PrimaryWithSecondaries.SERVICE1;
import static org.memshare.sharing.PrimaryWithSecondaries.attempt;
import static org.memshare.sharing.PrimaryWithSecondaries.lend;
import static org.memshare.sharing.PrimaryWithSecondaries.pages;
import static org.memshare.sharing.PrimaryWithSecondaries.share;

import org.memshare.api.mode.Mode;
import org.memshare.api.spci.MemoryAccess;
import org.memshare.api.spci.ShareType;
import org.memshare.kit.ArchUnderTest;
import org.memshare.kit.fixture.KitMachine;
import org.memshare.testing.OnEachArch;

/**
 * The scenario checks themselves: each must fail when the machine does not match what it
 * claims, or a scenario built on it could pass for the wrong reason.
 */
class KitMachineChecksTest {

    /** Claiming more or less access than a VM has fails, either way round. */
    @OnEachArch
    void accessChecksBite(ArchUnderTest under) {
        KitMachine f = PrimaryWithSecondaries.boot(under);
        f.assertWhoCanTouch(PAGE, 1, "RWX", "---", "---");
        assertThrows(AssertionError.class, () -> f.assertAccess(PRIMARY, PAGE, 1, "R-X"));
        assertThrows(AssertionError.class, () -> f.assertAccess(PRIMARY, PAGE, 1, "---"));
        assertThrows(AssertionError.class, () -> f.assertAccess(SERVICE1, PAGE, 1, "R--"));
        assertThrows(AssertionError.class, () -> f.assertWriteFaults(PRIMARY, PAGE, 1));
        assertThrows(AssertionError.class, () -> f.assertReadFaults(PRIMARY, PAGE));
    }

    /** A wrong mode, or a range mapped with two modes, fails the mode check. */
    @OnEachArch
    void modeChecksBite(ArchUnderTest under) {
        KitMachine f = PrimaryWithSecondaries.boot(under);
        lend(f, PRIMARY, SERVICE1, MemoryAccess.RO_NX, pages(PAGE, 1));
        f.assertMode(SERVICE1, PAGE, 1, Mode.UNOWNED | Mode.R);
        assertThrows(AssertionError.class, () -> f.assertMode(SERVICE1, PAGE, 1, Mode.UNOWNED | OWNED_RWX));
        assertThrows(AssertionError.class, () -> f.assertNotMapped(SERVICE1, PAGE, 1));
        assertThrows(AssertionError.class, () -> f.assertMode(PRIMARY, PAGE, 2, OWNED_RWX));
    }

    /** A send that succeeds fails the refusal check; one that is refused fails the success check. */
    @OnEachArch
    void sendChecksBite(ArchUnderTest under) {
        KitMachine f = PrimaryWithSecondaries.boot(under);
        assertThrows(AssertionError.class,
                () -> f.assertRefused(attempt(ShareType.SHARE, PRIMARY, SERVICE1, MemoryAccess.RW_X, pages(PAGE, 1))));
        f.hypervisor().release(SERVICE1);
        f.assertWhoCanTouch(PAGE, 1, "RWX", "RWX", "---");
        assertThrows(AssertionError.class, () -> share(f, PRIMARY, SERVICE1, MemoryAccess.RW_X, pages(PAGE, 1)));
    }

    /** Memory that does not hold the claimed value fails the contents check. */
    @OnEachArch
    void contentChecksBite(ArchUnderTest under) {
        KitMachine f = PrimaryWithSecondaries.boot(under);
        f.fill(PRIMARY, PAGE, 1, KitMachine.repeated('b'));
        f.assertHolds(PRIMARY, PAGE, 1, KitMachine.repeated('b'));
        assertThrows(AssertionError.class, () -> f.assertHolds(PRIMARY, PAGE, 1, KitMachine.repeated('c')));
        assertThrows(AssertionError.class, () -> f.assertHolds(SERVICE1, PAGE, 1, KitMachine.repeated('b')));
    }
}
