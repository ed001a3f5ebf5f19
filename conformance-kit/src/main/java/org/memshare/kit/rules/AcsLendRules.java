package org.memshare.kit.rules;

import static org.memshare.api.ffa.FfaShareKind.DONATE;
import static org.memshare.api.ffa.FfaShareKind.LEND;
import static org.memshare.api.ffa.FfaShareKind.SHARE;
import static org.memshare.api.mode.Mode.D;
import static org.memshare.api.mode.Mode.INVALID;
import static org.memshare.api.mode.Mode.R;
import static org.memshare.api.mode.Mode.UNOWNED;
import static org.memshare.api.mode.Mode.W;
import static org.memshare.kit.rules.AcsCases.NONE;
import static org.memshare.kit.rules.AcsCases.VM1;
import static org.memshare.kit.rules.AcsCases.VM2;
import static org.memshare.kit.rules.AcsCases.VM3;
import static org.memshare.kit.rules.AcsCases.of;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.memshare.api.ffa.EndpointAccess;
import org.memshare.api.ffa.FfaConstituent;
import org.memshare.api.ffa.FfaError;
import org.memshare.api.ffa.FfaResult;
import org.memshare.api.ffa.FfaShareKind;
import org.memshare.api.ffa.MemoryAttributes;
import org.memshare.api.ffa.MemoryPermissions;
import org.memshare.api.ffa.MemoryTransaction;
import org.memshare.api.ffa.Relinquish;
import org.memshare.api.ffa.TransactionFlags;
import org.memshare.kit.ArchUnderTest;
import org.memshare.kit.ConformanceRule;
import org.memshare.kit.Level;
import org.memshare.kit.RuleDisplayNames;
import org.memshare.kit.fixture.FfaMachine;
import org.memshare.kit.fixture.KitMachine;

/**
 * ACS rules, lend families: one rule per memory-management test family of Arm's FF-A ACS whose
 * tests lend memory (see {@link AcsShareRules} for the conventions), and the steps several
 * families of share, lend and donate take alike.
 */
@DisplayNameGeneration(RuleDisplayNames.class)
public class AcsLendRules {
    private static final int RWX = KitMachine.RWX;
    private static final long PAGE = FfaLayout.PAGE;
    private static final long ONES = KitMachine.repeated((char) 1);
    private static final long TAG = 0xAABBCCDDL;
    private static final EndpointAccess.Impdef IMPDEF_A = new EndpointAccess.Impdef(0x20A8432820CF1A38L, 0x8AC247F713B38878L);
    private static final EndpointAccess.Impdef IMPDEF_B = new EndpointAccess.Impdef(0x8AC247F713B38878L, 0x20A8432820CF1A38L);
    private static final MemoryAttributes NON_CACHEABLE = MemoryAttributes.normal(MemoryAttributes.NON_CACHEABLE,
            MemoryAttributes.Shareability.INNER);
    private static final MemoryPermissions RW_X = MemoryPermissions.of(MemoryPermissions.DataAccess.RW,
            MemoryPermissions.InstructionAccess.X);

    /**
     * ffa_mem_lend: a lend answers SUCCESS with w1 and w4 zero; the borrower's retrieve (asking for
     * a clear on relinquish) says lend in flag bits 4-3; the borrower reads the data and writes;
     * its share and donate of the page to VM 3 are DENIED; after a relinquish without the clear
     * flag the owner reads the borrower's write (the retrieve's flag does not clear it).
     */
    @ConformanceRule(id = "ACS-ffa_mem_lend", title = "a lend, its retrieve, the borrower's access, relinquish and reclaim")
    void ffaMemLend(ArchUnderTest under) {
        AcsCases.run(under, "ffa_mem_lend", of("ffa_mem_lend", r -> {
            long p = r.l.page(0);
            long h = r.send(r.f.send(LEND, VM1).to(VM2).pages(p, 1));
            MemoryTransaction resp = r.retrieve(r.f.retrieve(VM2, h, VM1).flags(TransactionFlags.CLEAR_ON_RELINQUISH));
            r.response("the retrieve", resp, h, LEND, VM1, VM2, MemoryPermissions.RW_NX, List.of(FfaConstituent.of(p, 1)), false);
            r.reads("the retrieve", VM2, p, KitMachine.pattern(p));
            r.writes("the retrieve", VM2, p, ONES);
            AcsCases.borrowerCannotPassOn(r, VM2, p, SHARE, DONATE);
            r.relinquish(VM2, h, 0);
            r.reclaim(VM1, h, 0);
            r.reads("the reclaim", VM1, p, ONES);
        }));
    }

    /** lend_invalid_handle_tag: a retrieve with a handle the sender was not given, or the wrong tag, is INVALID_PARAMETERS. */
    @ConformanceRule(id = "ACS-lend_invalid_handle_tag", title = "a retrieve with a wrong handle or tag is refused")
    void lendInvalidHandleTag(ArchUnderTest under) {
        AcsCases.run(under, "lend_invalid_handle_tag", of("lend_invalid_handle_tag", r -> invalidHandleTag(r, LEND)));
    }

    static void invalidHandleTag(FfaRun r, FfaShareKind kind) {
        long p = r.l.page(0);
        long h = r.send(r.f.send(kind, VM1).to(VM2).pages(p, 1).tag(TAG));
        r.refused("a retrieve of handle-0xff", FfaError.INVALID_PARAMETERS,
                () -> AcsCases.retrieve(r, kind, VM2, h - 0xff, VM1).tag(TAG).call(), VM2);
        r.refused("a retrieve with tag-0xff", FfaError.INVALID_PARAMETERS,
                () -> AcsCases.retrieve(r, kind, VM2, h, VM1).tag(TAG - 0xff).call(), VM2);
        if (kind == DONATE) {
            r.retrieve(AcsCases.retrieve(r, kind, VM2, h, VM1).tag(TAG));
            AcsCases.donateBack(r, VM2, VM1, p, 1);
        } else {
            r.reclaim(VM1, h, 0);
        }
    }

    /**
     * lend_input_error_checks and 1 to 4: a lend is refused, changing nothing, when it overlaps
     * lent memory (the ACS accepts any error; Hafnium: DENIED), names endpoint 0xffff or the
     * sender (INVALID_PARAMETERS), gives a total length 16 more (INVALID_PARAMETERS), receiver count
     * 0 or composite offset 0 (any error; Hafnium: INVALID_PARAMETERS), names another VM as sender
     * (DENIED), gives memory attributes to one borrower or an instruction access
     * (INVALID_PARAMETERS), names 0xffff as second borrower (INVALID_PARAMETERS), gives two
     * borrowers an instruction access (INVALID_PARAMETERS), or asks to clear read-only memory
     * (DENIED); a reclaim with the clear flag of memory the owner had read-only is DENIED. (The
     * v1.0-only check that a lend of device MMIO fails is left out: the v1.1 test mem_lend_mmio,
     * and Hafnium, let device memory be lent to one borrower.)
     */
    @ConformanceRule(id = "ACS-lend_input_error_checks", title = "malformed lends and lends of memory that may not be lent are refused")
    void lendInputErrorChecks(ArchUnderTest under) {
        FfaError inval = FfaError.INVALID_PARAMETERS;
        AcsCases.run(under, "lend_input_error_checks",
                of("lend_input_error_checks", r -> {
                    long p = r.l.page(0);
                    long h = r.send(r.f.send(LEND, VM1).to(VM2).pages(p, 2));
                    r.refused("a lend of a page of that lend to VM 3", FfaError.DENIED,
                            () -> r.f.send(LEND, VM1).to(VM3).pages(p + PAGE, 1).call());
                    r.reclaim(VM1, h, 0);
                    r.refused("a lend to 0xffff", inval, () -> r.f.send(LEND, VM1).to(0xffff).pages(p, 1).call());
                    r.refused("a lend to the sender", inval, () -> r.f.send(LEND, VM1).to(VM1).pages(p, 1).call());
                }),
                of("lend_input_error_checks1", r -> {
                    long p = r.l.page(0);
                    r.refused("a lend whose total length is 16 more", inval, () -> {
                        FfaMachine.Send s = r.f.send(LEND, VM1).to(VM2).pages(p, 1);
                        return s.totalLength(s.encoded().length + 16).call();
                    });
                    r.refused("a lend with receiver count 0", inval, () -> r.f.send(LEND, VM1).to(VM2).pages(p, 1)
                            .bytes("receiver count 0", Descriptors::noReceivers).call());
                    r.refused("a lend with composite offset 0", inval, () -> r.f.send(LEND, VM1).to(VM2).pages(p, 1)
                            .bytes("composite offset 0", Descriptors::noCompositeOffset)
                            .call());
                    r.refused("a lend whose sender field is VM 3", FfaError.DENIED,
                            () -> r.f.send(LEND, VM1).to(VM2).pages(p, 1).sender(VM3).call());
                    r.refused("a lend to one borrower with normal memory attributes", inval, () -> r.f.send(LEND, VM1).to(VM2)
                            .attributes(MemoryAttributes.NORMAL_WRITE_BACK_INNER).pages(p, 1).call());
                    r.refused("a lend with instruction access X", inval,
                            () -> r.f.send(LEND, VM1).to(VM2, RW_X).pages(p, 1).call());
                }),
                of("lend_input_error_checks2", r -> r.refused("a lend to VM 2 and 0xffff", inval,
                        () -> r.f.send(LEND, VM1).to(VM2).to(0xffff).pages(r.l.page(0), 1).call())),
                of("lend_input_error_checks3", r -> r.refused("a lend to two borrowers with instruction access NX", inval,
                        () -> r.f.send(LEND, VM1).to(VM2, MemoryPermissions.RW_NX).to(VM3, MemoryPermissions.RW_NX)
                                .pages(r.l.page(0), 1).call())),
                of("lend_input_error_checks4", r -> {
                    long p = r.l.readOnly();
                    r.refused("a read-only lend of read-only memory with the clear flag", FfaError.DENIED, () -> r.f.send(LEND, VM1)
                            .to(VM2, MemoryPermissions.RO).pages(p, 1).flags(TransactionFlags.CLEAR).call());
                    long h = r.send(r.f.send(LEND, VM1).to(VM2, MemoryPermissions.RO).pages(p, 1));
                    r.refused("a reclaim with the clear flag", FfaError.DENIED, () -> r.f.reclaim(VM1, h, 1));
                    r.reclaim(VM1, h, 0);
                }));
    }

    /**
     * lend_state_machine_1 to 6: a lend to VM 2 and VM 3, each retrieving and relinquishing, then
     * reclaimed; and a lend of memory already lent (retrieved, to the same or another VM, to one
     * or two borrowers) or shared (to one or two) is refused (the ACS accepts any error; Hafnium:
     * DENIED), changing nothing.
     */
    @ConformanceRule(id = "ACS-lend_state_machine", title = "lends follow the memory's state: owner-only memory lends, lent or shared memory does not")
    void lendStateMachine(ArchUnderTest under) {
        AcsCases.run(under, "lend_state_machine",
                of("lend_state_machine_1", r -> {
                    long p = r.l.page(0);
                    long h = r.send(r.f.send(LEND, VM1).to(VM2).to(VM3).pages(p, 1));
                    retrieveBoth(r, h, p);
                    r.relinquish(VM2, h, 0);
                    r.relinquish(VM3, h, 0);
                    r.reclaim(VM1, h, 0);
                    r.expect("the reclaim", p, 1, RWX, NONE, NONE);
                }),
                of("lend_state_machine_2", r -> refusedAfter(r, LEND, false, LEND, VM3)),
                of("lend_state_machine_3", r -> refusedAfter(r, LEND, false, LEND, VM2)),
                of("lend_state_machine_4", r -> refusedAfter(r, LEND, true, LEND, VM2)),
                of("lend_state_machine_5", r -> refusedAfter(r, SHARE, false, LEND, VM3)),
                of("lend_state_machine_6", r -> refusedAfter(r, SHARE, true, LEND, VM2)));
    }

    /** Both borrowers of a two-borrower lend or share of {@code p} retrieve, each request listing both. */
    static void retrieveBoth(FfaRun r, long h, long p) {
        for (int vm : new int[] {VM2, VM3}) {
            r.retrieve(r.f.retrieve(vm, h, VM1).as(MemoryPermissions.RW).listing(vm == VM2 ? VM3 : VM2, MemoryPermissions.RW));
        }
    }

    /**
     * A {@code first} of a page to VM 2 (and VM 3 if {@code two}), retrieved by every borrower;
     * then a {@code second} of the page to {@code to} is refused (DENIED); relinquish and reclaim.
     */
    static void refusedAfter(FfaRun r, FfaShareKind first, boolean two, FfaShareKind second, int to) {
        long p = r.l.page(0);
        FfaMachine.Send send = r.f.send(first, VM1).to(VM2);
        if (two) {
            send.to(VM3);
        }
        long h = r.send(send.pages(p, 1));
        if (two) {
            retrieveBoth(r, h, p);
        } else {
            r.retrieve(AcsCases.retrieve(r, first, VM2, h, VM1));
        }
        FfaMachine.Send again = r.f.send(second, VM1).to(to).pages(p, 1);
        r.refused("then " + again, FfaError.DENIED, again::call);
        r.relinquish(VM2, h, 0);
        if (two) {
            r.relinquish(VM3, h, 0);
        }
        r.reclaim(VM1, h, 0);
    }

    /** lend_rw_retrieve_ro: memory lent read-write may be retrieved read-only, and reads as lent. */
    @ConformanceRule(id = "ACS-lend_rw_retrieve_ro", title = "memory lent read-write may be retrieved read-only")
    void lendRwRetrieveRo(ArchUnderTest under) {
        AcsCases.run(under, "lend_rw_retrieve_ro", of("lend_rw_retrieve_ro", r -> {
            long p = r.l.page(0);
            long h = r.send(r.f.send(LEND, VM1).to(VM2).pages(p, 1));
            r.retrieve(r.f.retrieve(VM2, h, VM1).as(MemoryPermissions.RO_NX));
            r.expect("the read-only retrieve", p, 1, INVALID | RWX, UNOWNED | R, NONE);
            r.reads("the read-only retrieve", VM2, p, KitMachine.pattern(p));
            r.relinquish(VM2, h, 0);
            r.reclaim(VM1, h, 0);
        }));
    }

    /** lend_ro_retrieve_rw: memory lent read-only is refused to a read-write retrieve (any error in the ACS; Hafnium: DENIED). */
    @ConformanceRule(id = "ACS-lend_ro_retrieve_rw", title = "memory lent read-only cannot be retrieved read-write")
    void lendRoRetrieveRw(ArchUnderTest under) {
        AcsCases.run(under, "lend_ro_retrieve_rw", of("lend_ro_retrieve_rw", r -> {
            long p = r.l.page(0);
            long h = r.send(r.f.send(LEND, VM1).to(VM2, MemoryPermissions.RO).pages(p, 1));
            r.refused("a read-write retrieve", FfaError.DENIED, () -> r.f.retrieve(VM2, h, VM1).as(MemoryPermissions.RW).call(), VM2);
            r.reclaim(VM1, h, 0);
        }));
    }

    /**
     * lend_retrieve_align_hint_check: a retrieve with address-range-hint bits 8-5 set and the
     * hint-valid bit clear is INVALID_PARAMETERS; with the hint valid the ACS accepts an error, or
     * a success whose address is 8 KiB aligned.
     */
    @ConformanceRule(id = "ACS-lend_retrieve_align_hint_check", title = "a retrieve's address-range hint is refused, or honoured")
    void lendRetrieveAlignHintCheck(ArchUnderTest under) {
        AcsCases.run(under, "lend_retrieve_align_hint_check", of("lend_retrieve_align_hint_check", r -> alignHint(r, LEND)));
    }

    static void alignHint(FfaRun r, FfaShareKind kind) {
        long p = r.l.page(0);
        long h = r.send(r.f.send(kind, VM1).to(VM2).pages(p, 1));
        r.refused("a retrieve with hint bits 8-5 = 8 and bit 9 clear", FfaError.INVALID_PARAMETERS,
                () -> AcsCases.retrieve(r, kind, VM2, h, VM1).attributes(NON_CACHEABLE).flags(8 << 5).call(), VM2);
        FfaMachine.Retrieve hinted = AcsCases.retrieve(r, kind, VM2, h, VM1).attributes(NON_CACHEABLE)
                .flags(TransactionFlags.HINT_VALID | 1 << 5);
        FfaResult answer = hinted.call();
        if (answer.function() == FfaResult.Function.MEM_RETRIEVE_RESP) {
            MemoryTransaction resp = r.f.decodeResponse(VM2, answer, hinted.toString());
            long address = resp.constituents().isEmpty() ? -1 : resp.constituents().get(0).address();
            if (address % 0x2000 != 0) {
                throw r.failure(hinted.toString(), "succeeded at 0x" + Long.toHexString(address) + ", not 8 KiB aligned");
            }
            r.f.release(VM2);
            r.relinquish(VM2, h, 0);
        } else if (answer.function() != FfaResult.Function.ERROR) {
            throw r.failure(hinted.toString(), "answered " + answer + r.f.why() + ", expected an error or MEM_RETRIEVE_RESP");
        }
        r.reclaim(VM1, h, 0);
    }

    /**
     * lend_retrieve_input_checks and 1 to 6, 8, 9: the borrower's retrieve of a lend checks its
     * inputs: a clear or clear-on-relinquish request for a read-only grant is DENIED, and so is a
     * clear request where the sender asked for none (any error in the ACS) or where the sender's
     * memory is read-only; a retrieve naming the wrong transaction type is INVALID_PARAMETERS, one
     * naming device memory with execute access DENIED, one naming the wrong sender DENIED, one of
     * the wrong length INVALID_PARAMETERS, and a borrower of a two-borrower lend that specifies
     * the instruction access INVALID_PARAMETERS; the response's flag bit 0 says whether the sender
     * cleared the memory, which then reads zero; a relinquish with the clear flag of a read-only
     * grant is DENIED; one of a read-write grant clears the memory the owner reclaims; two
     * borrowers write and the owner reads it after reclaiming.
     */
    @ConformanceRule(id = "ACS-lend_retrieve_input_checks", title = "a lend's retrieve checks its flags, type, sender, length and permissions")
    void lendRetrieveInputChecks(ArchUnderTest under) {
        FfaError inval = FfaError.INVALID_PARAMETERS;
        FfaError denied = FfaError.DENIED;
        AcsCases.run(under, "lend_retrieve_input_checks",
                of("lend_retrieve_input_checks", r -> {
                    long p = r.l.page(0);
                    long h = r.send(r.f.send(LEND, VM1).to(VM2, MemoryPermissions.RO).pages(p, 1).flags(TransactionFlags.CLEAR));
                    r.refused("a read-only retrieve asking for a clear", denied,
                            () -> r.f.retrieve(VM2, h, VM1).as(MemoryPermissions.RO_NX).flags(TransactionFlags.CLEAR).call(), VM2);
                    r.refused("a read-only retrieve asking for a clear on relinquish", denied, () -> r.f.retrieve(VM2, h, VM1)
                            .as(MemoryPermissions.RO_NX).flags(TransactionFlags.CLEAR_ON_RELINQUISH).call(), VM2);
                    MemoryTransaction resp = r.retrieve(r.f.retrieve(VM2, h, VM1).as(MemoryPermissions.RO_NX));
                    r.response("the read-only retrieve", resp, h, LEND, VM1, VM2, MemoryPermissions.RO_NX,
                            List.of(FfaConstituent.of(p, 1)), true);
                    r.reads("the read-only retrieve", VM2, p, 0);
                    r.refused("a relinquish with the clear flag of a read-only grant", denied,
                            () -> r.f.relinquish(VM2, h, Relinquish.FLAG_CLEAR));
                    r.relinquish(VM2, h, 0);
                    r.reclaim(VM1, h, 0);
                }),
                of("lend_retrieve_input_checks1", r -> clearedLend(r, false)),
                of("lend_retrieve_input_checks2", r -> {
                    long p = r.l.page(0);
                    long h = r.send(r.f.send(LEND, VM1).to(VM2).pages(p, 1));
                    r.refused("a retrieve naming the transaction type donate", inval, () -> r.f.retrieve(VM2, h, VM1)
                            .attributes(NON_CACHEABLE).flags(DONATE.transactionType() << 3).call(), VM2);
                    r.refused("a retrieve asking for a clear", denied, () -> r.f.retrieve(VM2, h, VM1)
                            .attributes(NON_CACHEABLE).flags(TransactionFlags.CLEAR).call(), VM2);
                    MemoryTransaction resp = r.retrieve(r.f.retrieve(VM2, h, VM1));
                    r.response("the retrieve", resp, h, LEND, VM1, VM2, MemoryPermissions.RW_NX, List.of(FfaConstituent.of(p, 1)), false);
                    r.reads("the retrieve", VM2, p, KitMachine.pattern(p));
                    r.relinquish(VM2, h, Relinquish.FLAG_CLEAR);
                    r.reclaim(VM1, h, 0);
                    r.reads("the relinquish with the clear flag", VM1, p, 0);
                }),
                of("lend_retrieve_input_checks3", r -> clearedLend(r, true)),
                of("lend_retrieve_input_checks4", r -> {
                    long p = r.l.page(0);
                    long h = r.send(r.f.send(LEND, VM1).to(VM2).pages(p, 1));
                    r.refused("an executable retrieve as device memory (GRE)", denied, () -> r.f.retrieve(VM2, h, VM1).as(RW_X)
                            .attributes(MemoryAttributes.device(MemoryAttributes.DEVICE_GRE, MemoryAttributes.Shareability.INNER))
                            .call(), VM2);
                    r.reclaim(VM1, h, 0);
                }),
                of("lend_retrieve_input_checks5", r -> {
                    long p = r.l.page(0);
                    long h = r.send(r.f.send(LEND, VM1).to(VM2).to(VM3).pages(p, 1));
                    for (int vm : new int[] {VM2, VM3}) {
                        int other = vm == VM2 ? VM3 : VM2;
                        r.refused("VM " + vm + "'s retrieve specifying NX", inval, () -> r.f.retrieve(vm, h, VM1)
                                .as(MemoryPermissions.RW_NX).listing(other, MemoryPermissions.RW_NX).call(), vm);
                        MemoryTransaction resp = r.retrieve(r.f.retrieve(vm, h, VM1).as(MemoryPermissions.RW)
                                .listing(other, MemoryPermissions.RW));
                        r.response("VM " + vm + "'s retrieve", resp, h, LEND, VM1, vm, MemoryPermissions.RW_NX,
                                List.of(FfaConstituent.of(p, 1)), false);
                    }
                    r.relinquish(VM2, h, 0);
                    r.relinquish(VM3, h, 0);
                    r.reclaim(VM1, h, 0);
                }),
                of("lend_retrieve_input_checks6", r -> wrongSenderAndLength(r, LEND)),
                of("lend_retrieve_input_checks8", r -> {
                    long p = r.l.readOnly();
                    long h = r.send(r.f.send(LEND, VM1).to(VM2, MemoryPermissions.RO).pages(p, 1));
                    r.refused("a read-only retrieve asking for a clear", denied,
                            () -> r.f.retrieve(VM2, h, VM1).as(MemoryPermissions.RO_NX).flags(TransactionFlags.CLEAR).call(), VM2);
                    r.retrieve(r.f.retrieve(VM2, h, VM1).as(MemoryPermissions.RO_NX));
                    r.relinquish(VM2, h, 0);
                    r.reclaim(VM1, h, 0);
                }),
                of("lend_retrieve_input_checks9", r -> {
                    long p = r.l.page(0);
                    long h = r.send(r.f.send(LEND, VM1).to(VM2).to(VM3).pages(p, 1));
                    retrieveBoth(r, h, p);
                    r.writes("both retrieves", VM2, p, ONES);
                    r.reads("both retrieves", VM3, p, ONES);
                    r.relinquish(VM2, h, 0);
                    r.relinquish(VM3, h, 0);
                    r.reclaim(VM1, h, 0);
                    r.reads("the reclaim", VM1, p, ONES);
                }));
    }

    /** A lend with the clear flag, retrieved (asking for a clear, or not): flag bit 0 set, the memory reads zero. */
    private static void clearedLend(FfaRun r, boolean askClear) {
        long p = r.l.page(0);
        long h = r.send(r.f.send(LEND, VM1).to(VM2).pages(p, 1).flags(TransactionFlags.CLEAR));
        MemoryTransaction resp = r.retrieve(r.f.retrieve(VM2, h, VM1).flags(askClear ? TransactionFlags.CLEAR : 0));
        r.response("the retrieve", resp, h, LEND, VM1, VM2, MemoryPermissions.RW_NX, List.of(FfaConstituent.of(p, 1)), true);
        r.reads("the retrieve", VM2, p, 0);
        r.reads("the retrieve", VM2, p + PAGE - 8, 0);
        r.relinquish(VM2, h, 0);
        r.reclaim(VM1, h, 0);
        r.reads("the reclaim", VM1, p, 0);
    }

    /** A send, then retrieves naming VM 3 as the sender (DENIED) and one byte too long (INVALID_PARAMETERS). */
    static void wrongSenderAndLength(FfaRun r, FfaShareKind kind) {
        long p = r.l.page(0);
        long h = r.send(r.f.send(kind, VM1).to(VM2).pages(p, 1));
        FfaMachine.Retrieve base = kind == LEND ? r.f.retrieve(VM2, h, VM1).as(MemoryPermissions.RW)
                : AcsCases.retrieve(r, kind, VM2, h, VM1);
        r.refused("a retrieve naming VM 3 as the sender", FfaError.DENIED, () -> base.sender(VM3).call(), VM2);
        r.refused("a retrieve one byte too long", FfaError.INVALID_PARAMETERS, () -> AcsCases.retrieve(r, kind, VM2, h, VM1)
                .bytes("one byte more", b -> Arrays.copyOf(b, b.length + 1)).call(), VM2);
        r.reclaim(VM1, h, 0);
    }

    /**
     * lend_multiple_retrievals: the borrower may retrieve as many times as the outstanding
     * retrievals FFA_FEATURES reports (Hafnium: one), the next is DENIED; the borrower reads the
     * data and writes.
     */
    @ConformanceRule(id = "ACS-lend_multiple_retrievals", title = "a borrower retrieves a lend once; the next retrieve is denied")
    void lendMultipleRetrievals(ArchUnderTest under) {
        AcsCases.run(under, "lend_multiple_retrievals", of("lend_multiple_retrievals", r -> multipleRetrievals(r, LEND)));
    }

    static void multipleRetrievals(FfaRun r, FfaShareKind kind) {
        long p = r.l.page(0);
        long h = r.send(r.f.send(kind, VM1).to(VM2).pages(p, 1));
        r.retrieve(AcsCases.retrieve(r, kind, VM2, h, VM1));
        r.reads("the retrieve", VM2, p, KitMachine.pattern(p));
        r.writes("the retrieve", VM2, p, ONES);
        r.refused("a second retrieve", FfaError.DENIED, () -> AcsCases.retrieve(r, kind, VM2, h, VM1).call(), VM2);
        r.relinquish(VM2, h, 0);
        r.reclaim(VM1, h, 0);
    }

    /** lend_lower_upper_boundary_32 and _64: a borrower of two lent pages has no access to the pages around them. */
    @ConformanceRule(id = "ACS-lend_lower_upper_boundary", title = "a borrower of lent pages cannot touch the pages around them")
    void lendLowerUpperBoundary(ArchUnderTest under) {
        AcsCases.run(under, "lend_lower_upper_boundary", of("lend_lower_upper_boundary", r -> boundaries(r, LEND)));
    }

    static void boundaries(FfaRun r, FfaShareKind kind) {
        long p = r.l.page(1);
        long h = r.send(r.f.send(kind, VM1).to(VM2).pages(p, 1).pages(p + PAGE, 1));
        r.retrieve(AcsCases.retrieve(r, kind, VM2, h, VM1));
        for (long outside : new long[] {p - 8, p + 2 * PAGE}) {
            String may = r.l.m().access(VM2, outside);
            if (!may.equals("---")) {
                throw r.failure("the retrieve", "VM 2 may " + may + " at 0x" + Long.toHexString(outside) + ", outside the "
                        + "pages it retrieved");
            }
        }
        if (kind == DONATE) {
            AcsCases.donateBack(r, VM2, VM1, p, 2);
        } else {
            r.relinquish(VM2, h, 0);
            r.reclaim(VM1, h, 0);
        }
    }

    /** lend_mem_access_after_lend_32 and _64: after a lend, the lender's write to the page faults. */
    @ConformanceRule(id = "ACS-lend_mem_access_after_lend", title = "the lender cannot touch what it lent")
    void lendMemAccessAfterLend(ArchUnderTest under) {
        AcsCases.run(under, "lend_mem_access_after_lend", of("lend_mem_access_after_lend", r -> ownerFaults(r, LEND, false)));
    }

    /** The owner's write to the page it sent faults (after the borrower's retrieve, if {@code retrieved}). */
    static void ownerFaults(FfaRun r, FfaShareKind kind, boolean retrieved) {
        long p = r.l.page(0);
        long h = r.send(r.f.send(kind, VM1).to(VM2).pages(p, 1));
        if (retrieved) {
            r.retrieve(AcsCases.retrieve(r, kind, VM2, h, VM1));
        }
        if (r.l.m().hypervisor().write(VM1, p, ONES)) {
            throw r.failure("after the " + kind, "VM 1's write succeeded (mode " + r.l.m().describeMode(VM1, p) + ")");
        }
        if (retrieved) {
            r.relinquish(VM2, h, 0);
        }
        r.reclaim(VM1, h, 0);
    }

    /** lend_retrieve_mem_access_32 and _64: after the borrower's retrieve, the lender's write faults. */
    @ConformanceRule(id = "ACS-lend_retrieve_mem_access", title = "the lender cannot touch what its borrower retrieved")
    void lendRetrieveMemAccess(ArchUnderTest under) {
        AcsCases.run(under, "lend_retrieve_mem_access", of("lend_retrieve_mem_access", r -> ownerFaults(r, LEND, true)));
    }

    /**
     * mem_lend_mmio (v1.1+): device memory lent to one borrower is retrieved as device memory
     * (nGnRnE, NX, asking for a clear on relinquish); the borrower gets R|W|D. Skipped, with the
     * reason, for a plugin that cannot map device memory validly.
     */
    @ConformanceRule(id = "ACS-mem_lend_mmio", title = "device memory lent to one borrower is retrieved as device memory")
    void memLendMmio(ArchUnderTest under) {
        Assumptions.assumeTrue(FfaLayout.deviceValid(under), () -> under + " cannot map device memory validly (its "
                + "canonical mode of R|W|D is invalid), and the ACS test lends device memory");
        AcsCases.run(under, "mem_lend_mmio", of("mem_lend_mmio", r -> {
            long p = r.l.device();
            long h = r.send(r.f.send(LEND, VM1).to(VM2).pages(p, 1));
            r.retrieve(r.f.retrieve(VM2, h, VM1).attributes(MemoryAttributes.DEVICE_NGNRNE_INNER)
                    .flags(TransactionFlags.CLEAR_ON_RELINQUISH));
            r.expect("the retrieve", p, 1, INVALID | R | W | D, UNOWNED | R | W | D, NONE);
            r.relinquish(VM2, h, 0);
            r.reclaim(VM1, h, 0);
        }));
    }

    /**
     * mem_lend_impdef (v1.2): of a lend to VM 2 and VM 3 with implementation-defined words per
     * receiver, a retrieve whose request carries zero words is INVALID_PARAMETERS, one carrying the
     * sender's words succeeds.
     */
    @ConformanceRule(id = "ACS-mem_lend_impdef", title = "a v1.2 retrieve must repeat the sender's implementation-defined words")
    void memLendImpdef(ArchUnderTest under) {
        AcsCases.run(under, "mem_lend_impdef", of("mem_lend_impdef", r -> impdef(r, LEND)));
    }

    static void impdef(FfaRun r, FfaShareKind kind) {
        long p = r.l.page(0);
        MemoryPermissions sent = kind == DONATE ? MemoryPermissions.UNSPECIFIED : MemoryPermissions.RW;
        FfaMachine.Send send = r.f.send(kind, VM1).to(VM2, sent, IMPDEF_A);
        if (kind != DONATE) {
            send.to(VM3, sent, IMPDEF_B);
        }
        long h = r.send(send.pages(p, 1));
        int[] borrowers = kind == DONATE ? new int[] {VM2} : new int[] {VM2, VM3};
        for (int vm : borrowers) {
            EndpointAccess.Impdef own = vm == VM2 ? IMPDEF_A : IMPDEF_B;
            r.refused("VM " + vm + "'s retrieve with zero impdef words", FfaError.INVALID_PARAMETERS,
                    () -> impdefRequest(r, kind, vm, h, EndpointAccess.Impdef.ZERO, EndpointAccess.Impdef.ZERO).call(), vm);
            r.retrieve(impdefRequest(r, kind, vm, h, own, vm == VM2 ? IMPDEF_B : IMPDEF_A));
        }
        if (kind == DONATE) {
            AcsCases.donateBack(r, VM2, VM1, p, 1);
        } else {
            r.relinquish(VM2, h, 0);
            r.relinquish(VM3, h, 0);
            r.reclaim(VM1, h, 0);
        }
    }

    private static FfaMachine.Retrieve impdefRequest(FfaRun r, FfaShareKind kind, int vm, long h, EndpointAccess.Impdef own,
            EndpointAccess.Impdef other) {
        if (kind == DONATE) {
            return r.f.retrieve(vm, h, VM1).impdef(own);
        }
        return r.f.retrieve(vm, h, VM1).as(MemoryPermissions.RW).impdef(own)
                .listing(vm == VM2 ? VM3 : VM2, MemoryPermissions.RW, other);
    }

    /** mem_security_state_ns_bit_lend_invalid (v1.1+): a lend with the attributes' NS bit set is INVALID_PARAMETERS. */
    @ConformanceRule(id = "ACS-mem_security_state_ns_bit_lend_invalid", title = "a lend with the non-secure attribute bit is refused")
    void memSecurityStateNsBitLendInvalid(ArchUnderTest under) {
        AcsCases.run(under, "mem_security_state_ns_bit_lend_invalid", of("mem_security_state_ns_bit_lend_invalid",
                r -> r.refused("a lend with the NS bit", FfaError.INVALID_PARAMETERS, () -> r.f.send(LEND, VM1).to(VM2)
                        .attributes(MemoryAttributes.NORMAL_WRITE_BACK_INNER.withNonSecure(true)).pages(r.l.page(0), 1).call())));
    }

    // ---------------------------------------------------------------- untested

    private static final String UNVERIFIED = "the ACS does not check it (compiled only with ACS_FFA_UNVERIFIED); ";

    /** lend_multi_borrower_flag_check: unverified. */
    @ConformanceRule(id = "ACS-lend_multi_borrower_flag_check", level = Level.UNTESTED,
            title = "the bypass-borrowers flag at a lend's retrieve",
            untestedBecause = UNVERIFIED + "its share twin, ACS-share_multi_borrower_flag_check, checks the same flag")
    void lendMultiBorrowerFlagCheck(ArchUnderTest under) {
        AcsCases.untested();
    }

    /** lend_cache_attr: unverified. */
    @ConformanceRule(id = "ACS-lend_cache_attr", level = Level.UNTESTED, title = "cacheability precedence at a lend's retrieve",
            untestedBecause = UNVERIFIED + "it expects a non-cacheable retrieve of write-back memory to succeed and a "
                    + "multi-borrower lend of non-cacheable memory to be retrievable, where Hafnium answers DENIED")
    void lendCacheAttr(ArchUnderTest under) {
        AcsCases.untested();
    }

    /** lend_shareability_attr: unverified. */
    @ConformanceRule(id = "ACS-lend_shareability_attr", level = Level.UNTESTED, title = "shareability precedence at a lend's retrieve",
            untestedBecause = UNVERIFIED + "Hafnium refuses memory that is not inner shareable in a multi-borrower lend")
    void lendShareabilityAttr(ArchUnderTest under) {
        AcsCases.untested();
    }

    /** lend_device_attr: unverified. */
    @ConformanceRule(id = "ACS-lend_device_attr", level = Level.UNTESTED, title = "device-type precedence at a lend's retrieve",
            untestedBecause = UNVERIFIED + "it lends device memory to two borrowers, which Hafnium refuses (DENIED)")
    void lendDeviceAttr(ArchUnderTest under) {
        AcsCases.untested();
    }

    /** lend_retrieve_with_address_range: unverified. */
    @ConformanceRule(id = "ACS-lend_retrieve_with_address_range", level = Level.UNTESTED,
            title = "a retrieve into address ranges the borrower chooses",
            untestedBecause = UNVERIFIED + "memshare, as Hafnium, maps retrieved memory at its own address")
    void lendRetrieveWithAddressRange(ArchUnderTest under) {
        AcsCases.untested();
    }

    /** lend_sepid: unverified, SMMU. */
    @ConformanceRule(id = "ACS-lend_sepid", level = Level.UNTESTED, title = "a lend to a stream endpoint behind an SMMU",
            untestedBecause = UNVERIFIED + "it needs a DMA device behind an SMMU, which memshare does not model")
    void lendSepid(ArchUnderTest under) {
        AcsCases.untested();
    }
}
