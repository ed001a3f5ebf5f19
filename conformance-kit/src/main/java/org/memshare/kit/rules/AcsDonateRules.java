package org.memshare.kit.rules;

import static org.memshare.api.ffa.FfaShareKind.DONATE;
import static org.memshare.api.ffa.FfaShareKind.LEND;
import static org.memshare.api.ffa.FfaShareKind.SHARE;
import static org.memshare.api.mode.Mode.R;
import static org.memshare.api.mode.Mode.W;
import static org.memshare.kit.rules.AcsCases.NONE;
import static org.memshare.kit.rules.AcsCases.VM1;
import static org.memshare.kit.rules.AcsCases.VM2;
import static org.memshare.kit.rules.AcsCases.VM3;
import static org.memshare.kit.rules.AcsCases.of;

import java.util.List;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.memshare.api.ffa.FfaConstituent;
import org.memshare.api.ffa.FfaError;
import org.memshare.api.ffa.MemoryAttributes;
import org.memshare.api.ffa.MemoryPermissions;
import org.memshare.api.ffa.MemoryTransaction;
import org.memshare.api.ffa.TransactionFlags;
import org.memshare.kit.ArchUnderTest;
import org.memshare.kit.ConformanceRule;
import org.memshare.kit.Level;
import org.memshare.kit.RuleDisplayNames;
import org.memshare.kit.fixture.FfaMachine;
import org.memshare.kit.fixture.KitMachine;

/**
 * ACS rules, donate families: one rule per memory-management test family of Arm's FF-A ACS whose
 * tests donate memory (see {@link AcsShareRules} for the conventions). A donation comes back as the
 * ACS gives it back: the borrower, now the owner, donates it to VM 1, which retrieves it.
 */
@DisplayNameGeneration(RuleDisplayNames.class)
public class AcsDonateRules {
    private static final long ONES = KitMachine.repeated((char) 1);
    private static final long ABS = KitMachine.repeated((char) 0xab);
    private static final MemoryPermissions RW_X = MemoryPermissions.of(MemoryPermissions.DataAccess.RW,
            MemoryPermissions.InstructionAccess.X);

    /**
     * ffa_mem_donate: a donate answers SUCCESS with w1 and w4 zero; the new owner's retrieve says
     * donate in flag bits 4-3 and grants RW and NX; it reads the data and writes; it donates the
     * memory back, and VM 1 retrieves it and reads that write.
     */
    @ConformanceRule(id = "ACS-ffa_mem_donate", title = "a donate, its retrieve, the new owner's access, and the donation back")
    void ffaMemDonate(ArchUnderTest under) {
        AcsCases.run(under, "ffa_mem_donate", of("ffa_mem_donate", r -> {
            long p = r.l.page(0);
            r.writes("before the donate", VM1, p, ABS);
            long h = r.send(r.f.send(DONATE, VM1).to(VM2).pages(p, 1));
            MemoryTransaction resp = r.retrieve(r.f.retrieve(VM2, h, VM1));
            r.response("the retrieve", resp, h, DONATE, VM1, VM2, MemoryPermissions.RW_NX, List.of(FfaConstituent.of(p, 1)), false);
            r.expect("the retrieve", p, 1, NONE, R | W, NONE);
            r.reads("the retrieve", VM2, p, ABS);
            r.writes("the retrieve", VM2, p, ONES);
            AcsCases.donateBack(r, VM2, VM1, p, 1);
            r.reads("the donation back", VM1, p, ONES);
        }));
    }

    /**
     * donate_input_error_checks, 2, 3 and 4 (not the unverified 1): a donate is refused, changing
     * nothing, when it is of device memory (any error in the ACS; Hafnium: DENIED), specifies data
     * or instruction access or memory attributes, or names endpoint 0xffff or the sender
     * (INVALID_PARAMETERS), has composite offset 0 or receiver count 0 (any error; Hafnium:
     * INVALID_PARAMETERS), a total length 16 more (INVALID_PARAMETERS), another VM as sender
     * (DENIED), is of lent memory (any error; Hafnium: DENIED), or asks to clear read-only memory
     * (DENIED); a reclaim with the clear flag of memory the owner had read-only is DENIED.
     */
    @ConformanceRule(id = "ACS-donate_input_error_checks", title = "malformed donates and donates of memory that may not be given are refused")
    void donateInputErrorChecks(ArchUnderTest under) {
        FfaError inval = FfaError.INVALID_PARAMETERS;
        AcsCases.run(under, "donate_input_error_checks",
                of("donate_input_error_checks", r -> {
                    long p = r.l.page(0);
                    r.refused("a donate of device memory", FfaError.DENIED,
                            () -> r.f.send(DONATE, VM1).to(VM2).pages(r.l.device(), 1).call());
                    r.refused("a donate specifying data access", inval,
                            () -> r.f.send(DONATE, VM1).to(VM2, MemoryPermissions.RW).pages(p, 1).call());
                    r.refused("a donate specifying instruction access", inval, () -> r.f.send(DONATE, VM1).to(VM2,
                            MemoryPermissions.of(MemoryPermissions.DataAccess.NOT_SPECIFIED, MemoryPermissions.InstructionAccess.X))
                            .pages(p, 1).call());
                    r.refused("a donate with composite offset 0", inval, () -> r.f.send(DONATE, VM1).to(VM2).pages(p, 1)
                            .bytes("composite offset 0", Descriptors::noCompositeOffset)
                            .call());
                    r.refused("a donate with receiver count 0", inval, () -> r.f.send(DONATE, VM1).to(VM2).pages(p, 1)
                            .bytes("receiver count 0", Descriptors::noReceivers).call());
                    r.refused("a donate of normal non-cacheable memory", inval, () -> r.f.send(DONATE, VM1).to(VM2)
                            .attributes(MemoryAttributes.normal(MemoryAttributes.NON_CACHEABLE, MemoryAttributes.Shareability.INNER))
                            .pages(p, 1).call());
                    r.refused("a donate to 0xffff", inval, () -> r.f.send(DONATE, VM1).to(0xffff).pages(p, 1).call());
                    r.refused("a donate to the sender", inval, () -> r.f.send(DONATE, VM1).to(VM1).pages(p, 1).call());
                }),
                of("donate_input_error_checks2", r -> {
                    long p = r.l.page(0);
                    r.refused("a donate whose total length is 16 more", inval, () -> {
                        FfaMachine.Send s = r.f.send(DONATE, VM1).to(VM2).pages(p, 1);
                        return s.totalLength(s.encoded().length + 16).call();
                    });
                    r.refused("a donate whose sender field is VM 3", FfaError.DENIED,
                            () -> r.f.send(DONATE, VM1).to(VM2).pages(p, 1).sender(VM3).call());
                }),
                of("donate_input_error_checks3", r -> {
                    long p = r.l.page(0);
                    long h = r.send(r.f.send(LEND, VM1).to(VM2).pages(p, 1));
                    r.refused("a donate of lent memory", FfaError.DENIED, () -> r.f.send(DONATE, VM1).to(VM2).pages(p, 1).call());
                    r.reclaim(VM1, h, 0);
                }),
                of("donate_input_error_checks4", r -> {
                    long p = r.l.readOnly();
                    r.refused("a donate of read-only memory with the clear flag", FfaError.DENIED,
                            () -> r.f.send(DONATE, VM1).to(VM2).pages(p, 1).flags(TransactionFlags.CLEAR).call());
                    long h = r.send(r.f.send(DONATE, VM1).to(VM2).pages(p, 1));
                    r.refused("a reclaim with the clear flag", FfaError.DENIED, () -> r.f.reclaim(VM1, h, 1));
                    r.reclaim(VM1, h, 0);
                }));
    }

    /** donate_invalid_handle_tag: a retrieve with a handle the sender was not given, or the wrong tag, is INVALID_PARAMETERS. */
    @ConformanceRule(id = "ACS-donate_invalid_handle_tag", title = "a retrieve with a wrong handle or tag is refused")
    void donateInvalidHandleTag(ArchUnderTest under) {
        AcsCases.run(under, "donate_invalid_handle_tag", of("donate_invalid_handle_tag",
                r -> AcsLendRules.invalidHandleTag(r, DONATE)));
    }

    /**
     * donate_retrieve_input_checks 1 to 4 and 6 (not the unverified 5): a retrieve naming the
     * transaction type lend is INVALID_PARAMETERS; the response of a donate with the clear flag has
     * flag bit 0 set and the memory reads zero, also when the retrieve asks for the clear; a
     * retrieve asking for a clear the sender did not ask for fails (any error; Hafnium: DENIED), the
     * response then has bit 0 clear and the data intact; an executable retrieve as device memory
     * fails (any error; Hafnium: DENIED); one naming the wrong sender is DENIED, one of the wrong
     * length INVALID_PARAMETERS; the new owner may lend the memory on and reclaim it.
     */
    @ConformanceRule(id = "ACS-donate_retrieve_input_checks", title = "a donate's retrieve checks its flags, type, sender, length and permissions")
    void donateRetrieveInputChecks(ArchUnderTest under) {
        AcsCases.run(under, "donate_retrieve_input_checks",
                of("donate_retrieve_input_checks1", r -> {
                    long p = r.l.page(0);
                    long h = r.send(r.f.send(DONATE, VM1).to(VM2).pages(p, 1).flags(TransactionFlags.CLEAR));
                    r.refused("a retrieve naming the transaction type lend", FfaError.INVALID_PARAMETERS,
                            () -> r.f.retrieve(VM2, h, VM1).flags(LEND.transactionType() << 3).call(), VM2);
                    MemoryTransaction resp = r.retrieve(r.f.retrieve(VM2, h, VM1));
                    r.response("the retrieve", resp, h, DONATE, VM1, VM2, MemoryPermissions.RW_NX, List.of(FfaConstituent.of(p, 1)), true);
                    r.reads("the retrieve", VM2, p, 0);
                    r.writes("the retrieve", VM2, p, ABS);
                    long back = r.send(r.f.send(DONATE, VM2).to(VM1).pages(p, 1).flags(TransactionFlags.CLEAR));
                    MemoryTransaction resp2 = r.retrieve(r.f.retrieve(VM1, back, VM2).flags(TransactionFlags.CLEAR));
                    r.response("VM 1's retrieve asking for the clear", resp2, back, DONATE, VM2, VM1, MemoryPermissions.RW_NX,
                            List.of(FfaConstituent.of(p, 1)), true);
                    r.reads("VM 1's retrieve", VM1, p, 0);
                }),
                of("donate_retrieve_input_checks2", r -> {
                    long p = r.l.page(0);
                    long h = r.send(r.f.send(DONATE, VM1).to(VM2).pages(p, 1));
                    r.refused("a retrieve asking for a clear", FfaError.DENIED,
                            () -> r.f.retrieve(VM2, h, VM1).flags(TransactionFlags.CLEAR).call(), VM2);
                    MemoryTransaction resp = r.retrieve(r.f.retrieve(VM2, h, VM1));
                    r.response("the retrieve", resp, h, DONATE, VM1, VM2, MemoryPermissions.RW_NX, List.of(FfaConstituent.of(p, 1)), false);
                    r.reads("the retrieve", VM2, p, KitMachine.pattern(p));
                    AcsCases.donateBack(r, VM2, VM1, p, 1);
                }),
                of("donate_retrieve_input_checks3", r -> {
                    long p = r.l.page(0);
                    long h = r.send(r.f.send(DONATE, VM1).to(VM2).pages(p, 1));
                    r.refused("an executable retrieve as device memory (GRE)", FfaError.DENIED, () -> r.f.retrieve(VM2, h, VM1).as(RW_X)
                            .attributes(MemoryAttributes.device(MemoryAttributes.DEVICE_GRE, MemoryAttributes.Shareability.INNER))
                            .call(), VM2);
                    r.reclaim(VM1, h, 0);
                }),
                of("donate_retrieve_input_checks4", r -> AcsLendRules.wrongSenderAndLength(r, DONATE)),
                of("donate_retrieve_input_checks6", r -> {
                    long p = r.l.page(0);
                    long h = r.send(r.f.send(DONATE, VM1).to(VM2).pages(p, 1));
                    r.retrieve(r.f.retrieve(VM2, h, VM1));
                    long on = r.send(r.f.send(LEND, VM2).to(VM3).pages(p, 1));
                    r.reclaim(VM2, on, 0);
                    AcsCases.donateBack(r, VM2, VM1, p, 1);
                }));
    }

    /**
     * donate_state_machine_1 to 5: a donate retrieved and donated back; a donate of memory lent or
     * shared (to one or two borrowers, retrieved) is refused (any error in the ACS; Hafnium:
     * DENIED), changing nothing.
     */
    @ConformanceRule(id = "ACS-donate_state_machine", title = "donates follow the memory's state: owner-only memory is given, lent or shared memory is not")
    void donateStateMachine(ArchUnderTest under) {
        AcsCases.run(under, "donate_state_machine",
                of("donate_state_machine_1", r -> {
                    long p = r.l.page(0);
                    long h = r.send(r.f.send(DONATE, VM1).to(VM2).pages(p, 1));
                    r.retrieve(r.f.retrieve(VM2, h, VM1));
                    AcsCases.donateBack(r, VM2, VM1, p, 1);
                    r.expect("the donation back", p, 1, R | W, NONE, NONE);
                }),
                of("donate_state_machine_2", r -> AcsLendRules.refusedAfter(r, LEND, false, DONATE, VM3)),
                of("donate_state_machine_3", r -> AcsLendRules.refusedAfter(r, LEND, true, DONATE, VM2)),
                of("donate_state_machine_4", r -> AcsLendRules.refusedAfter(r, SHARE, false, DONATE, VM3)),
                of("donate_state_machine_5", r -> AcsLendRules.refusedAfter(r, SHARE, true, DONATE, VM2)));
    }

    /** donate_lower_upper_boundary_32 and _64: the new owner of two donated pages has no access to the pages around them. */
    @ConformanceRule(id = "ACS-donate_lower_upper_boundary", title = "the new owner of donated pages cannot touch the pages around them")
    void donateLowerUpperBoundary(ArchUnderTest under) {
        AcsCases.run(under, "donate_lower_upper_boundary", of("donate_lower_upper_boundary",
                r -> AcsLendRules.boundaries(r, DONATE)));
    }

    /** donate_mem_access_after_donate_32 and _64: after a donate, the old owner's write faults. */
    @ConformanceRule(id = "ACS-donate_mem_access_after_donate", title = "the old owner cannot touch what it donated")
    void donateMemAccessAfterDonate(ArchUnderTest under) {
        AcsCases.run(under, "donate_mem_access_after_donate", of("donate_mem_access_after_donate",
                r -> AcsLendRules.ownerFaults(r, DONATE, false)));
    }

    /**
     * mem_donate_impdef (v1.2): of a donate with implementation-defined words, a retrieve whose
     * request carries zero words is INVALID_PARAMETERS, one carrying the sender's words succeeds.
     */
    @ConformanceRule(id = "ACS-mem_donate_impdef", title = "a v1.2 retrieve must repeat the sender's implementation-defined words")
    void memDonateImpdef(ArchUnderTest under) {
        AcsCases.run(under, "mem_donate_impdef", of("mem_donate_impdef", r -> AcsLendRules.impdef(r, DONATE)));
    }

    /** mem_security_state_ns_bit_donate_invalid (v1.1+): a donate with the attributes' NS bit set is INVALID_PARAMETERS. */
    @ConformanceRule(id = "ACS-mem_security_state_ns_bit_donate_invalid", title = "a donate with the non-secure attribute bit is refused")
    void memSecurityStateNsBitDonateInvalid(ArchUnderTest under) {
        AcsCases.run(under, "mem_security_state_ns_bit_donate_invalid", of("mem_security_state_ns_bit_donate_invalid",
                r -> r.refused("a donate with the NS bit", FfaError.INVALID_PARAMETERS, () -> r.f.send(DONATE, VM1).to(VM2)
                        .attributes(new MemoryAttributes(MemoryAttributes.SECURITY_BIT)).pages(r.l.page(0), 1).call())));
    }

    // ---------------------------------------------------------------- untested

    private static final String UNVERIFIED = "the ACS does not check it (compiled only with ACS_FFA_UNVERIFIED); ";

    /** donate_retrieve_align_hint_check: unverified. */
    @ConformanceRule(id = "ACS-donate_retrieve_align_hint_check", level = Level.UNTESTED,
            title = "a donate's retrieve with an address-range hint",
            untestedBecause = UNVERIFIED + "its lend and share twins check the same hint")
    void donateRetrieveAlignHintCheck(ArchUnderTest under) {
        AcsCases.untested();
    }

    /** donate_retrieve_with_address_range: unverified. */
    @ConformanceRule(id = "ACS-donate_retrieve_with_address_range", level = Level.UNTESTED,
            title = "a retrieve into address ranges the new owner chooses",
            untestedBecause = UNVERIFIED + "memshare, as Hafnium, maps retrieved memory at its own address")
    void donateRetrieveWithAddressRange(ArchUnderTest under) {
        AcsCases.untested();
    }

    /** donate_sepid: unverified, SMMU. */
    @ConformanceRule(id = "ACS-donate_sepid", level = Level.UNTESTED, title = "a donate to a stream endpoint behind an SMMU",
            untestedBecause = UNVERIFIED + "it needs a DMA device behind an SMMU, which memshare does not model")
    void donateSepid(ArchUnderTest under) {
        AcsCases.untested();
    }

    /** mem_donate_mmio: unverified. */
    @ConformanceRule(id = "ACS-mem_donate_mmio", level = Level.UNTESTED, title = "a donate of device MMIO retrieved as device memory",
            untestedBecause = UNVERIFIED + "it expects a donate of device memory to succeed, where Hafnium answers DENIED "
                    + "(device memory may only be lent to one borrower)")
    void memDonateMmio(ArchUnderTest under) {
        AcsCases.untested();
    }
}
