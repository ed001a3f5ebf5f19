package org.memshare.engine.ffa;

import static org.memshare.engine.ffa.FfaSteps.BORROWED_RW;
import static org.memshare.engine.ffa.FfaSteps.DEVICE;
import static org.memshare.engine.ffa.FfaSteps.LENT;
import static org.memshare.engine.ffa.FfaSteps.NONE;
import static org.memshare.engine.ffa.FfaSteps.NORMAL;
import static org.memshare.engine.ffa.FfaSteps.OWNED;
import static org.memshare.engine.ffa.FfaSteps.P;
import static org.memshare.engine.ffa.FfaSteps.PAGE;
import static org.memshare.engine.ffa.FfaSteps.PAGES;
import static org.memshare.engine.ffa.FfaSteps.RW;
import static org.memshare.engine.ffa.FfaSteps.RW_NX;
import static org.memshare.engine.ffa.FfaSteps.S1;
import static org.memshare.engine.ffa.FfaSteps.S1_PAGE;
import static org.memshare.engine.ffa.FfaSteps.S2;
import static org.memshare.engine.ffa.FfaSteps.S3;
import static org.memshare.engine.ffa.FfaSteps.UNMAPPED;
import static org.memshare.engine.ffa.FfaSteps.UNSPECIFIED_TYPE;
import static org.memshare.engine.ffa.FfaSteps.c;
import static org.memshare.engine.ffa.FfaSteps.region;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.memshare.api.ffa.FfaConstituent;
import org.memshare.api.ffa.FfaShareKind;
import org.memshare.api.ffa.TransactionFlags;
import org.memshare.api.mode.Mode;

/**
 * memory_sharing.c's device memory tests: device memory (mode D) may only be lent, to one
 * borrower, and never sent or retrieved as normal memory; normal memory may be lent as device
 * memory. The tests that need secure partitions in Hafnium (a device region in an SP's manifest)
 * are reproduced with a service VM that owns a device page: the memory rules are the same.
 */
class MemorySharingDeviceMemoryTest {
    /** The primary's UART2 MMIO page (FVP), mapped as device memory. */
    private static final long UART2 = 0x1c0b_0000L;
    /** A device page of service1's, standing for the device region of an SP's manifest. */
    private static final long S1_DEVICE = 0x1c0c_0000L;
    private static final int DEVICE_OWNED = Mode.R | Mode.W | Mode.D;
    private static final int TYPE_LEND = 2 << 3;
    private static final List<FfaConstituent> TWO_AND_ONE = region(c(PAGES, 2), c(PAGES + 3 * PAGE, 1));
    private static final List<FfaConstituent> ONE_PAGE = region(c(PAGES, 1));

    /**
     * cannot_share_device_memory: the page at IPA 0x1000 lent, shared or donated to anyone, with
     * every permission and attribute, is refused (DENIED or INVALID_PARAMETERS), whether the
     * primary has it mapped as device memory or not at all.
     */
    @ParameterizedTest(name = "cannot_share_device_memory on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void cannotShareDeviceMemory(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        List<FfaConstituent> page = region(c(PAGE, 1));
        s.cannotSendAnyWay(FfaShareKind.LEND, P, page, -1);
        s.cannotSendAnyWay(FfaShareKind.SHARE, P, page, -1);
        s.cannotDonate(P, page, -1);
        s.f.map(P, PAGE, 1, DEVICE_OWNED);
        s.cannotSendAnyWay(FfaShareKind.LEND, P, page, -1);
        s.cannotSendAnyWay(FfaShareKind.SHARE, P, page, -1);
        s.cannotDonate(P, page, -1);
        s.expect("after the refusals", page, P, DEVICE_OWNED, S1, UNMAPPED, S2, UNMAPPED);
    }

    @ParameterizedTest(name = "lend_normal_as_device_to_multiple on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void lendNormalAsDeviceToMultiple(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        long handle = s.send(FfaShareKind.LEND, P).to(S1, RW).to(S2, RW).attributes(DEVICE).of(TWO_AND_ONE).ok();
        s.expect("after the lend", TWO_AND_ONE, P, LENT, S1, UNMAPPED, S2, UNMAPPED);
        // ffa_memory_share_fail_denied: retrieving device memory as normal memory is DENIED.
        for (int vm : new int[] {S1, S2}) {
            s.refusedUnchanged(FfaCheck.RETRIEVE_DEVICE_AS_NORMAL,
                    () -> s.retrieve(vm, handle, P).to(S1, RW).to(S2, RW).attributes(NORMAL).outcome());
        }
        s.expect("after the refusals", TWO_AND_ONE, P, LENT, S1, UNMAPPED, S2, UNMAPPED);
    }

    /** A device page of {@code owner}'s lent to {@code borrower}, used, relinquished and reclaimed. */
    private static void lendDeviceUseReclaim(FfaSteps s, int owner, long address, int borrower) {
        List<FfaConstituent> page = region(c(address, 1));
        s.f.map(owner, address, 1, DEVICE_OWNED);
        s.fill(owner, address, 1, 'h');
        long handle = s.send(FfaShareKind.LEND, owner).to(borrower, RW).of(page).ok();
        s.expect("after the lend", page, owner, DEVICE_OWNED | Mode.INVALID, borrower, UNMAPPED);
        s.retrieve(borrower, handle, owner).to(borrower, RW_NX).attributes(DEVICE).ok();
        s.expect("after the retrieve", page, owner, DEVICE_OWNED | Mode.INVALID,
                borrower, DEVICE_OWNED | Mode.UNOWNED);
        // ffa_memory_lend_relinquish_device: the borrower writes the page, then relinquishes it.
        s.fill(borrower, address, 1, 'w');
        s.relinquishOk(borrower, handle);
        s.expect("after the relinquish", page, owner, DEVICE_OWNED | Mode.INVALID, borrower, UNMAPPED);
        s.reclaimOk(owner, handle);
        s.expect("after the reclaim", page, owner, DEVICE_OWNED, borrower, UNMAPPED);
        s.fill(owner, address, 1, 'i');
        s.assertFaults(borrower, address);
    }

    @ParameterizedTest(name = "lend_device_memory_to_sp_and_reclaim on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void lendDeviceMemoryToSpAndReclaim(FfaFixture.Arch arch) {
        lendDeviceUseReclaim(FfaSteps.setUp(arch), P, UART2, S1);
    }

    /** lend_device_memory_between_sps_and_reclaim [SP in Hafnium]: the same between two service VMs. */
    @ParameterizedTest(name = "lend_device_memory_between_sps_and_reclaim (as VMs) on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void lendDeviceMemoryBetweenSpsAndReclaim(FfaFixture.Arch arch) {
        lendDeviceUseReclaim(FfaSteps.setUp(arch), S1, S1_DEVICE, S2);
    }

    /**
     * lend_and_check_memory_increment, one borrower, normal memory lent (type not specified) and
     * retrieved as device memory: the borrower increments the first page and relinquishes
     * ({@code clear} selects memory_increment_relinquish_with_clear_check_not_zeroed, which
     * relinquishes with the clear flag); the lender sees the increment, or zeros.
     */
    private static void lendNormalRetrieveAsDevice(FfaSteps s, int retrieveFlags, boolean clear) {
        s.fillIndex(P, PAGES, 1);
        long handle = s.send(FfaShareKind.LEND, P).to(S1, RW).attributes(UNSPECIFIED_TYPE).of(ONE_PAGE).ok();
        s.retrieve(S1, handle, P).to(S1, RW_NX).attributes(DEVICE).flags(TYPE_LEND | retrieveFlags).ok();
        s.expect("after the retrieve as device", ONE_PAGE, P, LENT, S1, BORROWED_RW);
        s.assertIndex(S1, PAGES, 1, 0);
        s.increment(S1, PAGES, 1);
        s.relinquishOk(S1, handle, clear ? 1 : 0);
        s.expect("after the relinquish", ONE_PAGE, P, LENT, S1, UNMAPPED);
        s.reclaimOk(P, handle);
        s.expect("after the reclaim", ONE_PAGE, P, OWNED, S1, UNMAPPED);
        if (clear) {
            s.assertBytes(P, PAGES, 1, 0);
        } else {
            s.assertIndex(P, PAGES, 1, 1);
        }
    }

    @ParameterizedTest(name = "mem_lend_relinquish_reclaim_normal_memory_as_device on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void memLendRelinquishReclaimNormalMemoryAsDevice(FfaFixture.Arch arch) {
        lendNormalRetrieveAsDevice(FfaSteps.setUp(arch), 0, false);
    }

    /**
     * mem_lend_zero_memory_after_relinquish_device_memory: as above with the clear flag at
     * relinquish, twice (the test's second run means to add clear-on-relinquish to the retrieve
     * but its {@code true & flag} adds nothing); a third run really adds it, which changes nothing.
     */
    @ParameterizedTest(name = "mem_lend_zero_memory_after_relinquish_device_memory on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void memLendZeroMemoryAfterRelinquishDeviceMemory(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        lendNormalRetrieveAsDevice(s, 0, true);
        lendNormalRetrieveAsDevice(s, 0, true);
        lendNormalRetrieveAsDevice(s, TransactionFlags.CLEAR_ON_RELINQUISH, true);
    }

    /**
     * lend_device_memory_and_lose_access [SP in Hafnium]: service1 lends its device page to
     * service2 and loses access to it; service2 retrieves it as device memory and keeps what it
     * wrote (ffa_memory_receive).
     */
    @ParameterizedTest(name = "lend_device_memory_and_lose_access (as VMs) on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void lendDeviceMemoryAndLoseAccess(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        List<FfaConstituent> page = region(c(S1_DEVICE, 1));
        s.f.map(S1, S1_DEVICE, 1, DEVICE_OWNED);
        s.fill(S1, S1_DEVICE, 1, 'b');
        long handle = s.send(FfaShareKind.LEND, S1).to(S2, RW).of(page).ok();
        s.retrieve(S2, handle, S1).to(S2, RW_NX).attributes(DEVICE).ok();
        s.fill(S2, S1_DEVICE, 1, 'd');
        s.expect("after service2 retrieved", page, S1, DEVICE_OWNED | Mode.INVALID, S2, DEVICE_OWNED | Mode.UNOWNED);
        s.assertFaults(S1, S1_DEVICE);
        s.assertBytes(S2, S1_DEVICE, 1, 'd');
    }

    /**
     * lend_normal_memory_as_device_and_lose_access [SP in Hafnium]: the primary, then service1,
     * lends normal memory to service2, which retrieves it as device memory; the lender loses
     * access.
     */
    @ParameterizedTest(name = "lend_normal_memory_as_device_and_lose_access (as VMs) on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void lendNormalMemoryAsDeviceAndLoseAccess(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        long fromPrimary = s.send(FfaShareKind.LEND, P).to(S2, RW).of(ONE_PAGE).ok();
        s.retrieve(S2, fromPrimary, P).to(S2, RW_NX).attributes(DEVICE).ok();
        s.fill(S2, PAGES, 1, 'd');
        s.expect("after service2 retrieved the primary's page", ONE_PAGE, P, LENT, S2, BORROWED_RW);
        List<FfaConstituent> page = region(c(S1_PAGE, 1));
        s.fill(S1, S1_PAGE, 1, 'b');
        long fromService1 = s.send(FfaShareKind.LEND, S1).to(S2, RW).of(page).ok();
        s.retrieve(S2, fromService1, S1).to(S2, RW_NX).attributes(DEVICE).ok();
        s.fill(S2, S1_PAGE, 1, 'd');
        s.expect("after service2 retrieved service1's page", page, S1, LENT, S2, BORROWED_RW);
        s.assertFaults(S1, S1_PAGE);
    }

    /**
     * lend_device_memory_as_normal_fails [SP in Hafnium]: device memory lent by the primary (UART2),
     * then by service1, cannot be retrieved as normal memory (ffa_memory_share_fail_denied).
     */
    @ParameterizedTest(name = "lend_device_memory_as_normal_fails (as VMs) on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void lendDeviceMemoryAsNormalFails(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        retrieveAsNormalRefused(s, P, UART2);
        retrieveAsNormalRefused(s, S1, S1_DEVICE);
    }

    private static void retrieveAsNormalRefused(FfaSteps s, int owner, long address) {
        List<FfaConstituent> page = region(c(address, 1));
        s.f.map(owner, address, 1, DEVICE_OWNED);
        long handle = s.send(FfaShareKind.LEND, owner).to(S2, RW).of(page).ok();
        s.refusedUnchanged(FfaCheck.RETRIEVE_DEVICE_AS_NORMAL,
                () -> s.retrieve(S2, handle, owner).to(S2, RW_NX).attributes(NORMAL).outcome());
        s.expect("after the refusal", page, owner, DEVICE_OWNED | Mode.INVALID, S2, UNMAPPED);
    }

    /**
     * invalid_device_share_fails [SP in Hafnium] (ffa_lend_device_memory_fails): service1's device
     * page may not be donated, shared, or lent to two borrowers; all DENIED.
     */
    @ParameterizedTest(name = "invalid_device_share_fails (as VMs) on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void invalidDeviceShareFails(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        List<FfaConstituent> page = region(c(S1_DEVICE, 1));
        s.f.map(S1, S1_DEVICE, 1, DEVICE_OWNED);
        s.refusedUnchanged(FfaCheck.SEND_DEVICE_NOT_SINGLE_LEND,
                () -> s.send(FfaShareKind.DONATE, S1).to(S2, NONE).of(page).outcome());
        s.refusedUnchanged(FfaCheck.SEND_DEVICE_NOT_SINGLE_LEND,
                () -> s.send(FfaShareKind.SHARE, S1).to(S2, RW).attributes(DEVICE).of(page).outcome());
        s.refusedUnchanged(FfaCheck.SEND_DEVICE_NOT_SINGLE_LEND, () -> s.send(FfaShareKind.LEND, S1).to(S2, RW)
                .to(S3, RW).attributes(UNSPECIFIED_TYPE).of(page).outcome());
        s.expect("after the refusals", page, S1, DEVICE_OWNED, S2, UNMAPPED, S3, UNMAPPED);
    }
}
