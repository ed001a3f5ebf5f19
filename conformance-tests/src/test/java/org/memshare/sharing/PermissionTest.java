package org.memshare.sharing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.memshare.kit.fixture.KitMachine.repeated;
import static org.memshare.sharing.PrimaryWithSecondaries.OWNED_RWX;
import static org.memshare.sharing.PrimaryWithSecondaries.PAGE;
import static org.memshare.sharing.PrimaryWithSecondaries.PAGE_SIZE;
import static org.memshare.sharing.PrimaryWithSecondaries.PRIMARY;
import static org.memshare.sharing.PrimaryWithSecondaries.RET_INSTRUCTION;
import static org.memshare.sharing.PrimaryWithSecondaries.SERVICE1;
import static org.memshare.sharing.PrimaryWithSecondaries.SERVICE2;
import static org.memshare.sharing.PrimaryWithSecondaries.attempt;
import static org.memshare.sharing.PrimaryWithSecondaries.lend;
import static org.memshare.sharing.PrimaryWithSecondaries.pages;
import static org.memshare.sharing.PrimaryWithSecondaries.relinquish;
import static org.memshare.sharing.PrimaryWithSecondaries.share;

import java.util.OptionalLong;
import org.memshare.api.mode.Mode;
import org.memshare.api.spci.MemoryAccess;
import org.memshare.api.spci.ShareType;
import org.memshare.engine.hypervisor.Hypervisor.Access;
import org.memshare.kit.ArchUnderTest;
import org.memshare.kit.fixture.KitMachine;
import org.memshare.testing.OnEachArch;

/**
 * The receiver gets exactly the access the message grants (read, write, execute), for lends and
 * shares; and the clear flag zeroes memory before the receiver sees it.
 */
class PermissionTest {

    /**
     * Pins {@code lend_relinquish_X_RW}: lent RW_X, the service reads and writes the page; after
     * it is relinquished and lent again RO_X, the service reads the fresh 'b's but its write
     * faults and changes nothing.
     */
    @OnEachArch
    void lendRelinquishXRw(ArchUnderTest under) {
        KitMachine f = PrimaryWithSecondaries.boot(under);
        f.fill(PRIMARY, PAGE, 1, repeated('b'));

        lend(f, PRIMARY, SERVICE1, MemoryAccess.RW_X, pages(PAGE, 1));
        f.assertWhoCanTouch(PAGE, 1, "---", "RWX", "---");
        f.assertHolds(SERVICE1, PAGE, 1, repeated('b'));
        f.incrementEachByte(SERVICE1, PAGE, 1);
        relinquish(f, SERVICE1, PRIMARY, pages(PAGE, 1));
        f.assertWhoCanTouch(PAGE, 1, "RWX", "---", "---");
        f.assertHolds(PRIMARY, PAGE, 1, repeated('c'));

        f.fill(PRIMARY, PAGE, 1, repeated('b'));
        lend(f, PRIMARY, SERVICE1, MemoryAccess.RO_X, pages(PAGE, 1));
        f.assertMode(SERVICE1, PAGE, 1, Mode.UNOWNED | Mode.R | Mode.X);
        f.assertWhoCanTouch(PAGE, 1, "---", "R-X", "---");
        f.assertHolds(SERVICE1, PAGE, 1, repeated('b'));
        f.assertWriteFaults(SERVICE1, PAGE, repeated('c'));
        f.assertHolds(SERVICE1, PAGE, 1, repeated('b'));
    }

    /**
     * Pins {@code share_relinquish_X_RW}: shared RW_X, both VMs read and write the page and see
     * each other's writes; shared again RO_X after the return, the owner still writes and the
     * service sees it, but the service's own write faults.
     */
    @OnEachArch
    void shareRelinquishXRw(ArchUnderTest under) {
        KitMachine f = PrimaryWithSecondaries.boot(under);
        f.fill(PRIMARY, PAGE, 1, repeated('b'));

        share(f, PRIMARY, SERVICE1, MemoryAccess.RW_X, pages(PAGE, 1));
        f.assertWhoCanTouch(PAGE, 1, "RWX", "RWX", "---");
        f.assertHolds(SERVICE1, PAGE, 1, repeated('b'));
        f.incrementEachByte(PRIMARY, PAGE, 1);
        f.assertHolds(SERVICE1, PAGE, 1, repeated('c'));
        f.incrementEachByte(SERVICE1, PAGE, 1);
        f.assertHolds(PRIMARY, PAGE, 1, repeated('d'));
        relinquish(f, SERVICE1, PRIMARY, pages(PAGE, 1));
        f.assertWhoCanTouch(PAGE, 1, "RWX", "---", "---");

        f.fill(PRIMARY, PAGE, 1, repeated('b'));
        share(f, PRIMARY, SERVICE1, MemoryAccess.RO_X, pages(PAGE, 1));
        f.assertMode(SERVICE1, PAGE, 1, Mode.UNOWNED | Mode.SHARED | Mode.R | Mode.X);
        f.assertWhoCanTouch(PAGE, 1, "RWX", "R-X", "---");
        f.assertHolds(SERVICE1, PAGE, 1, repeated('b'));
        f.incrementEachByte(PRIMARY, PAGE, 1);
        f.assertHolds(SERVICE1, PAGE, 1, repeated('c'));
        f.assertWriteFaults(SERVICE1, PAGE, repeated('d'));
        f.assertWhoCanTouch(PAGE, 1, "RWX", "R-X", "---");
    }

    /**
     * Pins {@code share_relinquish_NX_RW}: shared RW_NX, the service reads and writes but cannot
     * execute; shared RO_NX after the return, it can only read, while the owner keeps R|W|X.
     */
    @OnEachArch
    void shareRelinquishNxRw(ArchUnderTest under) {
        KitMachine f = PrimaryWithSecondaries.boot(under);
        f.fill(PRIMARY, PAGE, 1, repeated('b'));

        share(f, PRIMARY, SERVICE1, MemoryAccess.RW_NX, pages(PAGE, 1));
        f.assertMode(SERVICE1, PAGE, 1, Mode.UNOWNED | Mode.SHARED | Mode.R | Mode.W);
        f.assertWhoCanTouch(PAGE, 1, "RWX", "RW-", "---");
        f.assertHolds(SERVICE1, PAGE, 1, repeated('b'));
        f.assertHolds(PRIMARY, PAGE, 1, repeated('b'));
        f.incrementEachByte(SERVICE1, PAGE, 1);
        relinquish(f, SERVICE1, PRIMARY, pages(PAGE, 1));
        f.assertWhoCanTouch(PAGE, 1, "RWX", "---", "---");
        f.assertHolds(PRIMARY, PAGE, 1, repeated('c'));

        f.fill(PRIMARY, PAGE, 1, repeated('b'));
        share(f, PRIMARY, SERVICE1, MemoryAccess.RO_NX, pages(PAGE, 1));
        f.assertMode(SERVICE1, PAGE, 1, Mode.UNOWNED | Mode.SHARED | Mode.R);
        f.assertWhoCanTouch(PAGE, 1, "RWX", "R--", "---");
        f.assertHolds(SERVICE1, PAGE, 1, repeated('b'));
        f.incrementEachByte(PRIMARY, PAGE, 1);
        f.assertWriteFaults(SERVICE1, PAGE, repeated('d'));
        f.assertHolds(SERVICE1, PAGE, 1, repeated('c'));
    }

    /**
     * Pins {@code lend_relinquish_RW_X}: a RET placed in a page lent RW_X can be read and
     * executed by the service; lent RW_NX after the return, it can still be read (and the page
     * written) but not executed.
     */
    @OnEachArch
    void lendRelinquishRwX(ArchUnderTest under) {
        checkExecuteFollowsTheGrant(under, MemoryAccess.RW_X, MemoryAccess.RW_NX, "RWX", "RW-");
    }

    /**
     * Pins {@code lend_relinquish_RO_X}: as {@code lend_relinquish_RW_X} without write access: a
     * RET in a page lent RO_X can be executed, lent RO_NX only read.
     */
    @OnEachArch
    void lendRelinquishRoX(ArchUnderTest under) {
        checkExecuteFollowsTheGrant(under, MemoryAccess.RO_X, MemoryAccess.RO_NX, "R-X", "R--");
    }

    private static void checkExecuteFollowsTheGrant(ArchUnderTest under, MemoryAccess executable, MemoryAccess notExecutable,
            String executableAccess, String notExecutableAccess) {
        KitMachine f = PrimaryWithSecondaries.boot(under);
        f.fill(PRIMARY, PAGE, 1, 0);
        assertTrue(f.hypervisor().write(PRIMARY, PAGE, RET_INSTRUCTION), f.where() + "placing the RET");
        f.assertWhoCanTouch(PAGE, 1, "RWX", "---", "---");

        lend(f, PRIMARY, SERVICE1, executable, pages(PAGE, 1));
        f.assertMode(SERVICE1, PAGE, 1, Mode.UNOWNED | executable.mode());
        f.assertWhoCanTouch(PAGE, 1, "---", executableAccess, "---");
        assertEquals(OptionalLong.of(RET_INSTRUCTION), f.hypervisor().read(SERVICE1, PAGE), f.where() + "the RET");
        assertTrue(f.hypervisor().canAccess(SERVICE1, PAGE, Access.EXECUTE), f.where() + "executing the RET");
        relinquish(f, SERVICE1, PRIMARY, pages(PAGE, 1));
        f.assertWhoCanTouch(PAGE, 1, "RWX", "---", "---");

        lend(f, PRIMARY, SERVICE1, notExecutable, pages(PAGE, 1));
        f.assertMode(SERVICE1, PAGE, 1, Mode.UNOWNED | notExecutable.mode());
        f.assertWhoCanTouch(PAGE, 1, "---", notExecutableAccess, "---");
        assertEquals(OptionalLong.of(RET_INSTRUCTION), f.hypervisor().read(SERVICE1, PAGE), f.where() + "the RET");
        assertFalse(f.hypervisor().canAccess(SERVICE1, PAGE, Access.EXECUTE), f.where() + "executing the RET");
    }

    /**
     * Pins {@code share_clear}: two pages full of 'b' shared RO_X with the clear flag are zero
     * when the send returns, for the owner and for the service, while the pages either side keep
     * their contents and the hypervisor keeps no mapping of them; the owner keeps R|W|X, the
     * service reads and executes only.
     */
    @OnEachArch
    void shareClear(ArchUnderTest under) {
        KitMachine f = PrimaryWithSecondaries.boot(under);
        f.fill(PRIMARY, PAGE - PAGE_SIZE, 4, repeated('b'));
        f.assertWhoCanTouch(PAGE, 2, "RWX", "---", "---");

        f.assertSent(attempt(ShareType.SHARE, PRIMARY, SERVICE1, MemoryAccess.RO_X, pages(PAGE, 2)).clear());

        f.assertMode(PRIMARY, PAGE, 2, Mode.SHARED | OWNED_RWX);
        f.assertMode(SERVICE1, PAGE, 2, Mode.UNOWNED | Mode.SHARED | Mode.R | Mode.X);
        f.assertNotMapped(SERVICE2, PAGE, 2);
        f.assertWhoCanTouch(PAGE, 2, "RWX", "R-X", "---");
        f.assertHolds(PRIMARY, PAGE, 2, 0);
        f.assertHolds(SERVICE1, PAGE, 2, 0);
        f.assertHypervisorMapsNoneOf(PAGE, 2);
        f.assertHolds(PRIMARY, PAGE - PAGE_SIZE, 1, repeated('b'));
        f.assertHolds(PRIMARY, PAGE + 2 * PAGE_SIZE, 1, repeated('b'));
        f.assertWhoCanTouch(PAGE - PAGE_SIZE, 1, "RWX", "---", "---");
        f.assertWhoCanTouch(PAGE + 2 * PAGE_SIZE, 1, "RWX", "---", "---");
    }
}
