package org.memshare.kit.rules;

import static org.memshare.api.ffa.FfaShareKind.DONATE;
import static org.memshare.api.ffa.FfaShareKind.LEND;
import static org.memshare.api.ffa.FfaShareKind.SHARE;
import static org.memshare.api.mode.Mode.R;
import static org.memshare.api.mode.Mode.SHARED;
import static org.memshare.api.mode.Mode.UNOWNED;
import static org.memshare.api.mode.Mode.W;
import static org.memshare.kit.rules.AcsCases.NONE;
import static org.memshare.kit.rules.AcsCases.VM1;
import static org.memshare.kit.rules.AcsCases.VM2;
import static org.memshare.kit.rules.AcsCases.VM3;
import static org.memshare.kit.rules.AcsCases.of;

import java.util.List;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.memshare.api.ffa.FfaConstituent;
import org.memshare.api.ffa.FfaDescriptorCodec;
import org.memshare.api.ffa.FfaError;
import org.memshare.api.ffa.FfaVersion;
import org.memshare.api.ffa.MemoryAttributes;
import org.memshare.api.ffa.MemoryPermissions;
import org.memshare.api.ffa.MemoryTransaction;
import org.memshare.api.ffa.Relinquish;
import org.memshare.api.ffa.TransactionFlags;
import org.memshare.kit.ArchUnderTest;
import org.memshare.kit.ConformanceRule;
import org.memshare.kit.Level;
import org.memshare.kit.RuleDisplayNames;
import org.memshare.kit.fixture.KitMachine;

/**
 * ACS rules, share families: one rule per memory-management test family of Arm's FF-A ACS
 * (ARM-software/ff-a-acs, {@code test/v1.0/memory_manage}, {@code test/v1.1}, {@code test/v1.2})
 * whose tests share memory, each checking what the family's tests assert, in a VM-only hypervisor
 * model (the ACS's VM1/VM2/VM3 are VMs 1, 2 and 3; its SP3 as "someone else" is VM 3). The
 * families the ACS itself does not check (compiled only with {@code ACS_FFA_UNVERIFIED}), or that
 * need secure partitions or an SMMU, are untested with the reason.
 */
@DisplayNameGeneration(RuleDisplayNames.class)
public class AcsShareRules {
    private static final int RWX = KitMachine.RWX;
    private static final long PAGE = FfaLayout.PAGE;
    private static final long ONES = KitMachine.repeated((char) 1);
    private static final long TWOS = KitMachine.repeated((char) 2);
    private static final long ABS = KitMachine.repeated((char) 0xab);
    private static final long TAG = 0xAABBCCDDL;

    /**
     * ffa_mem_share: a share answers SUCCESS with w1 and w4 zero; the owner still writes; the
     * borrower's retrieve response says share (flag bits 4-3), not cleared (bit 0), instruction
     * access NX; each side reads what the other wrote; the borrower's lend and donate of the page
     * to VM 3 are DENIED; after relinquish and reclaim the owner reads the borrower's last write.
     * The ACS also wants the response's NS attribute bit set for a non-secure endpoint (FF-A 1.1+);
     * Hafnium's hypervisor leaves the attributes as sent (NS clear), and so does memshare: that one
     * assertion is not checked (issue 12, ffa-diffs).
     */
    @ConformanceRule(id = "ACS-ffa_mem_share", title = "a share, its retrieve, both sides' access, relinquish and reclaim")
    void ffaMemShare(ArchUnderTest under) {
        AcsCases.run(under, "ffa_mem_share", of("ffa_mem_share", r -> {
            long p = r.l.page(0);
            long h = r.send(r.f.send(SHARE, VM1).to(VM2).pages(p, 1));
            r.writes("after the share", VM1, p, ABS);
            MemoryTransaction resp = r.retrieve(r.f.retrieve(VM2, h, VM1).as(MemoryPermissions.RW));
            r.response("the retrieve", resp, h, SHARE, VM1, VM2, MemoryPermissions.RW_NX, List.of(FfaConstituent.of(p, 1)), false);
            r.reads("the retrieve", VM2, p, ABS);
            r.writes("the retrieve", VM2, p, ONES);
            r.reads("the borrower's write", VM1, p, ONES);
            AcsCases.borrowerCannotPassOn(r, VM2, p, LEND, DONATE);
            r.writes("before the relinquish", VM2, p, TWOS);
            r.relinquish(VM2, h, 0);
            r.reclaim(VM1, h, 0);
            r.reads("the reclaim", VM1, p, TWOS);
        }));
    }

    /** share_invalid_handle_tag: a retrieve naming a handle the sender was not given, or the wrong tag, is INVALID_PARAMETERS. */
    @ConformanceRule(id = "ACS-share_invalid_handle_tag", title = "a retrieve with a wrong handle or tag is refused")
    void shareInvalidHandleTag(ArchUnderTest under) {
        AcsCases.run(under, "share_invalid_handle_tag", of("share_invalid_handle_tag", r -> {
            long h = r.send(r.f.send(SHARE, VM1).to(VM2).pages(r.l.page(0), 1).tag(TAG));
            r.refused("a retrieve of handle-0xf", FfaError.INVALID_PARAMETERS,
                    () -> r.f.retrieve(VM2, h - 0xf, VM1).as(MemoryPermissions.RW).tag(TAG).call(), VM2);
            r.refused("a retrieve with tag-0xff", FfaError.INVALID_PARAMETERS,
                    () -> r.f.retrieve(VM2, h, VM1).as(MemoryPermissions.RW).tag(TAG - 0xff).call(), VM2);
            r.reclaim(VM1, h, 0);
        }));
    }

    /**
     * share_input_error_checks, 1 and 2: a share is refused, changing nothing, when it is of
     * device memory (the ACS accepts any error; Hafnium: DENIED), to endpoint 0xffff or to the
     * sender, with the clear flag or an instruction access (INVALID_PARAMETERS); when its total
     * length is 16 more (INVALID_PARAMETERS), its receiver count 0 or its composite offset 0 (any
     * error; Hafnium: INVALID_PARAMETERS), its sender field another VM (DENIED), its constituents
     * overlap or its page count is not their sum (any error; Hafnium: INVALID_PARAMETERS); and a
     * read-write share of read-only memory (DENIED).
     */
    @ConformanceRule(id = "ACS-share_input_error_checks", title = "malformed shares and shares of memory that may not be shared are refused")
    void shareInputErrorChecks(ArchUnderTest under) {
        FfaError inval = FfaError.INVALID_PARAMETERS;
        AcsCases.run(under, "share_input_error_checks",
                of("share_input_error_checks", r -> {
                    long p = r.l.page(0);
                    r.refused("a share of device memory", FfaError.DENIED, () -> r.f.send(SHARE, VM1).to(VM2)
                            .attributes(MemoryAttributes.DEVICE_NGNRNE_INNER).pages(r.l.device(), 1).call());
                    r.refused("a share to 0xffff", inval, () -> r.f.send(SHARE, VM1).to(0xffff).pages(p, 1).call());
                    r.refused("a share to the sender", inval, () -> r.f.send(SHARE, VM1).to(VM1).pages(p, 1).call());
                    r.refused("a share with the clear flag", inval,
                            () -> r.f.send(SHARE, VM1).to(VM2).pages(p, 1).flags(TransactionFlags.CLEAR).call());
                    r.refused("a share with instruction access NX", inval,
                            () -> r.f.send(SHARE, VM1).to(VM2, MemoryPermissions.RW_NX).pages(p, 1).call());
                }),
                of("share_input_error_checks1", r -> {
                    long p = r.l.page(0);
                    r.refused("a share whose total length is 16 more", inval, () -> {
                        var s = r.f.send(SHARE, VM1).to(VM2).pages(p, 1);
                        return s.totalLength(s.encoded().length + 16).call();
                    });
                    r.refused("a share with receiver count 0", inval, () -> r.f.send(SHARE, VM1).to(VM2).pages(p, 1)
                            .bytes("receiver count 0", Descriptors::noReceivers).call());
                    r.refused("a share with composite offset 0", inval, () -> r.f.send(SHARE, VM1).to(VM2).pages(p, 1)
                            .bytes("composite offset 0", Descriptors::noCompositeOffset)
                            .call());
                    r.refused("a share whose sender field is VM 3", FfaError.DENIED,
                            () -> r.f.send(SHARE, VM1).to(VM2).pages(p, 1).sender(VM3).call());
                    r.refused("a share of overlapping constituents", inval,
                            () -> r.f.send(SHARE, VM1).to(VM2).pages(p, 2).pages(p + PAGE, 1).call());
                    r.refused("a share whose page count is 5 for 2 pages", inval, () -> r.f.send(SHARE, VM1).to(VM2)
                            .pages(p, 1).pages(p + PAGE, 1).edit("page count 5", AcsShareRules::pageCountFive).call());
                }),
                of("share_input_error_checks2", r -> r.refused("a read-write share of read-only memory", FfaError.DENIED,
                        () -> r.f.send(SHARE, VM1).to(VM2, MemoryPermissions.RW).pages(r.l.readOnly(), 1).call())));
    }

    static MemoryTransaction pageCountFive(MemoryTransaction t) {
        return t.withComposite(t.composite().map(c -> new org.memshare.api.ffa.CompositeRegion(5, c.constituentCount(),
                c.reserved(), c.constituents())));
    }

    /**
     * share_state_machine_1 to 6: a share to VM 2 and VM 3, each retrieving and relinquishing, then
     * reclaimed; and a share of memory that is lent (retrieved or not, to one or two borrowers),
     * already shared (to the same pages, or to pages of which one is shared and one owned) is
     * refused (the ACS accepts any error; Hafnium: DENIED), changing nothing; the owner of shared
     * memory keeps its access; every transaction completes afterwards.
     */
    @ConformanceRule(id = "ACS-share_state_machine", title = "shares follow the memory's state: owner-only memory shares, lent or shared memory does not")
    void shareStateMachine(ArchUnderTest under) {
        AcsCases.run(under, "share_state_machine",
                of("share_state_machine_1", r -> {
                    long p = r.l.page(0);
                    long h = r.send(r.f.send(SHARE, VM1).to(VM2).to(VM3).pages(p, 1));
                    for (int vm : new int[] {VM2, VM3}) {
                        r.retrieve(r.f.retrieve(vm, h, VM1).as(MemoryPermissions.RW).listing(vm == VM2 ? VM3 : VM2,
                                MemoryPermissions.RW));
                        r.relinquish(vm, h, 0);
                    }
                    r.reclaim(VM1, h, 0);
                    r.expect("the reclaim", p, 1, RWX, NONE, NONE);
                }),
                of("share_state_machine_2", r -> {
                    long p = r.l.page(0);
                    long h = r.send(r.f.send(LEND, VM1).to(VM2).pages(p, 1));
                    r.refused("a share of lent memory", FfaError.DENIED, () -> r.f.send(SHARE, VM1).to(VM3).pages(p, 1).call());
                    r.reclaim(VM1, h, 0);
                }),
                of("share_state_machine_3", r -> {
                    long p = r.l.page(0);
                    long h = r.send(r.f.send(LEND, VM1).to(VM2).pages(p, 1));
                    r.retrieve(r.f.retrieve(VM2, h, VM1));
                    r.refused("a share of lent and retrieved memory", FfaError.DENIED,
                            () -> r.f.send(SHARE, VM1).to(VM2).pages(p, 1).call());
                    r.relinquish(VM2, h, 0);
                    r.reclaim(VM1, h, 0);
                }),
                of("share_state_machine_4", r -> {
                    long p = r.l.page(0);
                    long h = r.send(r.f.send(LEND, VM1).to(VM2).to(VM3).pages(p, 1));
                    r.retrieve(r.f.retrieve(VM2, h, VM1).as(MemoryPermissions.RW).listing(VM3, MemoryPermissions.RW));
                    r.refused("a share of memory lent to two", FfaError.DENIED,
                            () -> r.f.send(SHARE, VM1).to(VM2).to(VM3).pages(p, 1).call());
                    r.relinquish(VM2, h, 0);
                    r.reclaim(VM1, h, 0);
                }),
                of("share_state_machine_5", r -> {
                    long p = r.l.page(0);
                    long h = r.send(r.f.send(SHARE, VM1).to(VM2).pages(p, 2));
                    r.retrieve(r.f.retrieve(VM2, h, VM1).as(MemoryPermissions.RW));
                    r.refused("a second share of shared memory", FfaError.DENIED,
                            () -> r.f.send(SHARE, VM1).to(VM3).pages(p, 2).call());
                    r.refused("a share of a shared page and an owned one", FfaError.DENIED,
                            () -> r.f.send(SHARE, VM1).to(VM3).pages(p + PAGE, 2).call());
                    r.relinquish(VM2, h, 0);
                    r.reclaim(VM1, h, 0);
                }),
                of("share_state_machine_6", r -> {
                    long p = r.l.page(0);
                    long h = r.send(r.f.send(SHARE, VM1).to(VM2).to(VM3).pages(p, 1));
                    r.writes("after the share", VM1, p, ABS);
                    for (int vm : new int[] {VM2, VM3}) {
                        r.retrieve(r.f.retrieve(vm, h, VM1).as(MemoryPermissions.RW).listing(vm == VM2 ? VM3 : VM2,
                                MemoryPermissions.RW));
                    }
                    r.expect("both retrieves", p, 1, SHARED | RWX, UNOWNED | SHARED | R | W, UNOWNED | SHARED | R | W);
                    r.refused("a second share to both", FfaError.DENIED, () -> r.f.send(SHARE, VM1).to(VM2).to(VM3).pages(p, 1).call());
                    r.relinquish(VM2, h, 0);
                    r.relinquish(VM3, h, 0);
                    r.reclaim(VM1, h, 0);
                }));
    }

    /** share_rw_retrieve_ro: memory shared read-write may be retrieved read-only, and then reads as the owner left it. */
    @ConformanceRule(id = "ACS-share_rw_retrieve_ro", title = "memory shared read-write may be retrieved read-only")
    void shareRwRetrieveRo(ArchUnderTest under) {
        AcsCases.run(under, "share_rw_retrieve_ro", of("share_rw_retrieve_ro", r -> {
            long p = r.l.page(0);
            long h = r.send(r.f.send(SHARE, VM1).to(VM2).pages(p, 1));
            r.retrieve(r.f.retrieve(VM2, h, VM1).as(MemoryPermissions.RO));
            r.expect("the read-only retrieve", p, 1, SHARED | RWX, UNOWNED | SHARED | R, NONE);
            r.reads("the read-only retrieve", VM2, p, KitMachine.pattern(p));
            r.relinquish(VM2, h, 0);
            r.reclaim(VM1, h, 0);
        }));
    }

    /**
     * share_ro_retrieve_rw_32 and _64: memory shared read-only is refused to a read-write retrieve
     * (the ACS accepts any error; Hafnium: DENIED); a read-only retrieve succeeds, reads the data,
     * and the borrower's write faults.
     */
    @ConformanceRule(id = "ACS-share_ro_retrieve_rw", title = "memory shared read-only cannot be retrieved read-write, and faults on a write")
    void shareRoRetrieveRw(ArchUnderTest under) {
        AcsCases.run(under, "share_ro_retrieve_rw", of("share_ro_retrieve_rw", r -> {
            long p = r.l.page(0);
            long h = r.send(r.f.send(SHARE, VM1).to(VM2, MemoryPermissions.RO).pages(p, 1));
            r.refused("a read-write retrieve", FfaError.DENIED, () -> r.f.retrieve(VM2, h, VM1).as(MemoryPermissions.RW).call(), VM2);
            r.retrieve(r.f.retrieve(VM2, h, VM1).as(MemoryPermissions.RO));
            r.reads("the read-only retrieve", VM2, p, KitMachine.pattern(p));
            if (r.l.m().hypervisor().write(VM2, p, ONES)) {
                throw r.failure("the read-only retrieve", "VM 2's write succeeded (mode " + r.l.m().describeMode(VM2, p) + ")");
            }
            r.relinquish(VM2, h, 0);
            r.reclaim(VM1, h, 0);
        }));
    }

    /**
     * share_retrieve_align_hint_check: a retrieve with address-range-hint bits 8-5 set and the
     * hint-valid bit 9 clear is INVALID_PARAMETERS; with the hint valid (a 2x4 KiB alignment) the
     * ACS accepts an error, or a success whose address is 8 KiB aligned.
     */
    @ConformanceRule(id = "ACS-share_retrieve_align_hint_check", title = "a retrieve's address-range hint is refused, or honoured")
    void shareRetrieveAlignHintCheck(ArchUnderTest under) {
        AcsCases.run(under, "share_retrieve_align_hint_check", of("share_retrieve_align_hint_check",
                r -> AcsLendRules.alignHint(r, SHARE)));
    }

    /**
     * share_relinquish_input_checks: a borrower's relinquish with the clear flag (of shared
     * memory), of handle 0x123, or naming no endpoint, is INVALID_PARAMETERS; a valid one
     * succeeds and the owner reads what the borrower wrote.
     */
    @ConformanceRule(id = "ACS-share_relinquish_input_checks", title = "a relinquish with a clear of shared memory, a wrong handle or no endpoint is refused")
    void shareRelinquishInputChecks(ArchUnderTest under) {
        AcsCases.run(under, "share_relinquish_input_checks", of("share_relinquish_input_checks", r -> {
            long p = r.l.page(0);
            long h = r.send(r.f.send(SHARE, VM1).to(VM2).pages(p, 1));
            r.retrieve(r.f.retrieve(VM2, h, VM1).as(MemoryPermissions.RW));
            r.writes("the retrieve", VM2, p, ONES);
            FfaError inval = FfaError.INVALID_PARAMETERS;
            r.refused("a relinquish with the clear flag", inval, () -> r.f.relinquish(VM2, h, Relinquish.FLAG_CLEAR));
            r.refused("a relinquish of handle 0x123", inval, () -> r.f.relinquish(VM2, 0x123, Relinquish.FLAG_CLEAR));
            r.refused("a relinquish naming no endpoint", inval, () -> r.f.relinquish(VM2, FfaDescriptorCodec.encode(
                    new Relinquish(0x123, Relinquish.FLAG_CLEAR, List.of()), FfaVersion.DEFAULT)));
            r.relinquish(VM2, h, 0);
            r.reclaim(VM1, h, 0);
            r.reads("the reclaim", VM1, p, ONES);
        }));
    }

    /**
     * share_multiple_retrievals: the borrower may retrieve as many times as the outstanding
     * retrievals FFA_FEATURES reports (Hafnium: field 0, one), the next is DENIED.
     */
    @ConformanceRule(id = "ACS-share_multiple_retrievals", title = "a borrower retrieves a share once; the next retrieve is denied")
    void shareMultipleRetrievals(ArchUnderTest under) {
        AcsCases.run(under, "share_multiple_retrievals", of("share_multiple_retrievals",
                r -> AcsLendRules.multipleRetrievals(r, SHARE)));
    }

    /**
     * share_lower_upper_boundary_32 and _64: after a share of two pages is retrieved, the borrower
     * has no access to the page before them or the page after.
     */
    @ConformanceRule(id = "ACS-share_lower_upper_boundary", title = "a borrower of shared pages cannot touch the pages around them")
    void shareLowerUpperBoundary(ArchUnderTest under) {
        AcsCases.run(under, "share_lower_upper_boundary", of("share_lower_upper_boundary",
                r -> AcsLendRules.boundaries(r, SHARE)));
    }

    /**
     * share_multi_borrower_flag_check (v1.2): of a share to VM 2 and VM 3, a retrieve with the
     * bypass-borrowers flag that lists two receivers is INVALID_PARAMETERS, one that lists only the
     * caller succeeds; a second share of the memory fails (any error; Hafnium: DENIED).
     */
    @ConformanceRule(id = "ACS-share_multi_borrower_flag_check", title = "the bypass-borrowers flag needs a request naming the caller alone")
    void shareMultiBorrowerFlagCheck(ArchUnderTest under) {
        AcsCases.run(under, "share_multi_borrower_flag_check", of("share_multi_borrower_flag_check", r -> {
            long p = r.l.page(0);
            long h = r.send(r.f.send(SHARE, VM1).to(VM2).to(VM3).pages(p, 1));
            for (int vm : new int[] {VM2, VM3}) {
                r.refused("a bypass retrieve listing two receivers", FfaError.INVALID_PARAMETERS, () -> r.f.retrieve(vm, h, VM1)
                        .as(MemoryPermissions.RW).listing(vm == VM2 ? VM3 : VM2, MemoryPermissions.RW)
                        .flags(TransactionFlags.BYPASS_BORROWERS_CHECK).call(), vm);
                r.retrieve(r.f.retrieve(vm, h, VM1).as(MemoryPermissions.RW).flags(TransactionFlags.BYPASS_BORROWERS_CHECK));
            }
            r.writes("both retrieves", VM1, p, ABS);
            r.refused("a second share to both", FfaError.DENIED, () -> r.f.send(SHARE, VM1).to(VM2).to(VM3).pages(p, 1).call());
            r.relinquish(VM2, h, 0);
            r.relinquish(VM3, h, 0);
            r.reclaim(VM1, h, 0);
        }));
    }

    /**
     * mem_share_impdef (v1.2): of a share to VM 2 and VM 3 with implementation-defined words per
     * receiver, a retrieve whose request carries zero words is INVALID_PARAMETERS, one carrying the
     * sender's words succeeds.
     */
    @ConformanceRule(id = "ACS-mem_share_impdef", title = "a v1.2 retrieve must repeat the sender's implementation-defined words")
    void memShareImpdef(ArchUnderTest under) {
        AcsCases.run(under, "mem_share_impdef", of("mem_share_impdef", r -> AcsLendRules.impdef(r, SHARE)));
    }

    /** mem_security_state_ns_bit_share_invalid (v1.1+): a share with the attributes' NS bit set is INVALID_PARAMETERS. */
    @ConformanceRule(id = "ACS-mem_security_state_ns_bit_share_invalid", title = "a share with the non-secure attribute bit is refused")
    void memSecurityStateNsBitShareInvalid(ArchUnderTest under) {
        AcsCases.run(under, "mem_security_state_ns_bit_share_invalid", of("mem_security_state_ns_bit_share_invalid",
                r -> r.refused("a share with the NS bit", FfaError.INVALID_PARAMETERS, () -> r.f.send(SHARE, VM1).to(VM2)
                        .attributes(MemoryAttributes.NORMAL_WRITE_BACK_INNER.withNonSecure(true)).pages(r.l.page(0), 1).call())));
    }

    // ---------------------------------------------------------------- untested

    private static final String UNVERIFIED = "the ACS does not check it (compiled only with ACS_FFA_UNVERIFIED); ";

    /** share_retrieve_input_checks: unverified by the ACS. */
    @ConformanceRule(id = "ACS-share_retrieve_input_checks", level = Level.UNTESTED, title = "retrieve input checks of a share",
            untestedBecause = UNVERIFIED + "two of its expectations contradict the ACS's own verified tests and Hafnium "
                    + "(DENIED for a write-back retrieve of write-back memory, INVALID_PARAMETERS for a wrong sender)")
    void shareRetrieveInputChecks(ArchUnderTest under) {
        AcsCases.untested();
    }

    /** share_retrieve_with_address_range: unverified, and retrieve into chosen addresses is not modelled. */
    @ConformanceRule(id = "ACS-share_retrieve_with_address_range", level = Level.UNTESTED,
            title = "a retrieve into address ranges the borrower chooses",
            untestedBecause = UNVERIFIED + "memshare, as Hafnium, maps retrieved memory at its own address")
    void shareRetrieveWithAddressRange(ArchUnderTest under) {
        AcsCases.untested();
    }

    /** share_cache_attr: unverified. */
    @ConformanceRule(id = "ACS-share_cache_attr", level = Level.UNTESTED, title = "cacheability precedence at a share's retrieve",
            untestedBecause = UNVERIFIED + "it expects a weaker (non-cacheable) retrieve of write-back memory to succeed, "
                    + "where Hafnium answers DENIED")
    void shareCacheAttr(ArchUnderTest under) {
        AcsCases.untested();
    }

    /** share_shareability_attr: unverified. */
    @ConformanceRule(id = "ACS-share_shareability_attr", level = Level.UNTESTED, title = "shareability precedence at a share's retrieve",
            untestedBecause = UNVERIFIED + "Hafnium refuses any memory that is not inner shareable at the share itself")
    void shareShareabilityAttr(ArchUnderTest under) {
        AcsCases.untested();
    }

    /** share_device_attr: unverified. */
    @ConformanceRule(id = "ACS-share_device_attr", level = Level.UNTESTED, title = "device-type precedence at a share's retrieve",
            untestedBecause = UNVERIFIED + "Hafnium refuses to share device memory at all (DENIED)")
    void shareDeviceAttr(ArchUnderTest under) {
        AcsCases.untested();
    }

    /** share_sepid: unverified, SMMU. */
    @ConformanceRule(id = "ACS-share_sepid", level = Level.UNTESTED, title = "a share with a stream endpoint behind an SMMU",
            untestedBecause = UNVERIFIED + "it needs a DMA device behind an SMMU, which memshare does not model")
    void shareSepid(ArchUnderTest under) {
        AcsCases.untested();
    }

    /** share_sepid_multiple_borrowers: unverified, SMMU. */
    @ConformanceRule(id = "ACS-share_sepid_multiple_borrowers", level = Level.UNTESTED,
            title = "a share to a VM and a stream endpoint behind an SMMU",
            untestedBecause = UNVERIFIED + "it needs a DMA device behind an SMMU, which memshare does not model")
    void shareSepidMultipleBorrowers(ArchUnderTest under) {
        AcsCases.untested();
    }

    /** mem_share_mmio: unverified. */
    @ConformanceRule(id = "ACS-mem_share_mmio", level = Level.UNTESTED, title = "a share of device MMIO retrieved as device memory",
            untestedBecause = UNVERIFIED + "it expects a share of device memory to succeed, where Hafnium answers DENIED "
                    + "(device memory may only be lent to one borrower)")
    void memShareMmio(ArchUnderTest under) {
        AcsCases.untested();
    }
}
