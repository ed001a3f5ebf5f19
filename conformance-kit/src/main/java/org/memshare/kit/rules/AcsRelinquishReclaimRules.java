package org.memshare.kit.rules;

import static org.memshare.api.ffa.FfaShareKind.LEND;
import static org.memshare.api.ffa.FfaShareKind.SHARE;
import static org.memshare.api.mode.Mode.SHARED;
import static org.memshare.kit.rules.AcsCases.NONE;
import static org.memshare.kit.rules.AcsCases.VM1;
import static org.memshare.kit.rules.AcsCases.VM2;
import static org.memshare.kit.rules.AcsCases.VM3;
import static org.memshare.kit.rules.AcsCases.of;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.memshare.api.ffa.FfaError;
import org.memshare.api.ffa.MemoryAttributes;
import org.memshare.api.ffa.MemoryPermissions;
import org.memshare.api.ffa.Relinquish;
import org.memshare.api.ffa.TransactionFlags;
import org.memshare.kit.ArchUnderTest;
import org.memshare.kit.ConformanceRule;
import org.memshare.kit.Level;
import org.memshare.kit.RuleDisplayNames;
import org.memshare.kit.fixture.KitMachine;

/**
 * ACS rules, relinquish, reclaim and the other memory-suite families: one rule per
 * memory-management test family of Arm's FF-A ACS (see {@link AcsShareRules} for the conventions).
 */
@DisplayNameGeneration(RuleDisplayNames.class)
public class AcsRelinquishReclaimRules {
    private static final int RWX = KitMachine.RWX;
    private static final long ONES = KitMachine.repeated((char) 1);
    private static final long ABS = KitMachine.repeated((char) 0xab);

    /**
     * relinquish_state_machine_2 to 5: a relinquish by a VM that is no borrower of a lend or a
     * share fails (any error in the ACS; Hafnium: INVALID_PARAMETERS); a borrower's relinquish with
     * the clear flag zeroes what the owner reclaims; of a lend to two borrowers, the reclaim is
     * DENIED while one holds the memory, and the last borrower's clear on relinquish zeroes it.
     */
    @ConformanceRule(id = "ACS-relinquish_state_machine", title = "only a borrower relinquishes; the last one's clear applies; reclaim waits")
    void relinquishStateMachine(ArchUnderTest under) {
        AcsCases.run(under, "relinquish_state_machine",
                of("relinquish_state_machine_2", r -> notABorrower(r, LEND)),
                of("relinquish_state_machine_3", r -> {
                    long p = r.l.page(0);
                    long h = r.send(r.f.send(LEND, VM1).to(VM2).pages(p, 1));
                    r.retrieve(r.f.retrieve(VM2, h, VM1).flags(TransactionFlags.CLEAR_ON_RELINQUISH));
                    r.relinquish(VM2, h, Relinquish.FLAG_CLEAR);
                    r.reclaim(VM1, h, 0);
                    r.reads("the reclaim", VM1, p, 0);
                    r.reads("the reclaim", VM1, p + FfaLayout.PAGE - 8, 0);
                }),
                of("relinquish_state_machine_4", r -> {
                    long p = r.l.page(0);
                    long h = r.send(r.f.send(LEND, VM1).to(VM2).to(VM3).pages(p, 1));
                    AcsLendRules.retrieveBoth(r, h, p);
                    r.relinquish(VM2, h, 0);
                    r.refused("a reclaim while VM 3 holds the memory", FfaError.DENIED, () -> r.f.reclaim(VM1, h, 0));
                    r.relinquish(VM3, h, Relinquish.FLAG_CLEAR);
                    r.reclaim(VM1, h, 0);
                    r.reads("the reclaim", VM1, p, 0);
                }),
                of("relinquish_state_machine_5", r -> notABorrower(r, SHARE)));
    }

    private static void notABorrower(FfaRun r, org.memshare.api.ffa.FfaShareKind kind) {
        long h = r.send(r.f.send(kind, VM1).to(VM3).pages(r.l.page(0), 1));
        r.refused("VM 2's relinquish", FfaError.INVALID_PARAMETERS, () -> r.f.relinquish(VM2, h, 0));
        r.reclaim(VM1, h, 0);
    }

    /** relinquish_mem_unmap_check: after its relinquish the borrower of a share cannot touch the page; the owner reads its write. */
    @ConformanceRule(id = "ACS-relinquish_mem_unmap_check", title = "a relinquish unmaps the memory from the borrower")
    void relinquishMemUnmapCheck(ArchUnderTest under) {
        AcsCases.run(under, "relinquish_mem_unmap_check", of("relinquish_mem_unmap_check", r -> {
            long p = r.l.page(0);
            long h = r.send(r.f.send(SHARE, VM1).to(VM2).pages(p, 1));
            r.retrieve(r.f.retrieve(VM2, h, VM1).as(MemoryPermissions.RW));
            r.writes("the retrieve", VM2, p, ONES);
            r.relinquish(VM2, h, 0);
            r.expect("the relinquish", p, 1, SHARED | RWX, NONE, NONE);
            r.reclaim(VM1, h, 0);
            r.reads("the reclaim", VM1, p, ONES);
        }));
    }

    /**
     * reclaim_input_error_checks: a reclaim of a handle the owner was not given is
     * INVALID_PARAMETERS; while the borrower holds the memory DENIED; after the relinquish a
     * reclaim with the clear flag succeeds and the memory reads zero.
     */
    @ConformanceRule(id = "ACS-reclaim_input_error_checks", title = "a reclaim checks its handle and waits for the borrower; its clear flag zeroes")
    void reclaimInputErrorChecks(ArchUnderTest under) {
        AcsCases.run(under, "reclaim_input_error_checks", of("reclaim_input_error_checks", r -> {
            long p = r.l.page(0);
            long h = r.send(r.f.send(SHARE, VM1).to(VM2).pages(p, 1));
            r.refused("a reclaim of the handle with 0x10 added to its upper word", FfaError.INVALID_PARAMETERS,
                    () -> r.f.reclaim(VM1, h + (0x10L << 32), 0));
            r.retrieve(r.f.retrieve(VM2, h, VM1).as(MemoryPermissions.RW));
            r.refused("a reclaim while the borrower holds the memory", FfaError.DENIED, () -> r.f.reclaim(VM1, h, 0));
            r.writes("the retrieve", VM2, p, ABS);
            r.relinquish(VM2, h, 0);
            r.reclaim(VM1, h, 1);
            r.reads("the reclaim with the clear flag", VM1, p, 0);
        }));
    }

    /**
     * reclaim_zero_flag: a reclaim with the clear flag zeroes the memory the borrower wrote, and
     * the owner has it exclusively again: a new lend of it succeeds.
     */
    @ConformanceRule(id = "ACS-reclaim_zero_flag", title = "a reclaim with the clear flag zeroes, and the owner may lend again")
    void reclaimZeroFlag(ArchUnderTest under) {
        AcsCases.run(under, "reclaim_zero_flag", of("reclaim_zero_flag", r -> {
            long p = r.l.page(0);
            r.writes("before the lend", VM1, p, ABS);
            long h = r.send(r.f.send(LEND, VM1).to(VM2).pages(p, 1));
            r.retrieve(r.f.retrieve(VM2, h, VM1));
            r.reads("the retrieve", VM2, p, ABS);
            r.writes("the retrieve", VM2, p, ONES);
            r.relinquish(VM2, h, 0);
            r.reclaim(VM1, h, 1);
            r.reads("the reclaim with the clear flag", VM1, p, 0);
            r.expect("the reclaim", p, 1, RWX, NONE, NONE);
            long again = r.send(r.f.send(LEND, VM1).to(VM2).pages(p, 1));
            r.reclaim(VM1, again, 0);
        }));
    }

    /**
     * mem_security_state_ns_bit_retrieve_check (v1.1+): a retrieve with the attributes' NS bit set
     * is INVALID_PARAMETERS, one without succeeds. The ACS also wants the response's NS bit set for
     * a non-secure sender; Hafnium's hypervisor leaves the attributes as sent (NS clear), and so
     * does memshare: that assertion is not checked (issue 12, ffa-diffs).
     */
    @ConformanceRule(id = "ACS-mem_security_state_ns_bit_retrieve_check", title = "a retrieve with the non-secure attribute bit is refused")
    void memSecurityStateNsBitRetrieveCheck(ArchUnderTest under) {
        AcsCases.run(under, "mem_security_state_ns_bit_retrieve_check", of("mem_security_state_ns_bit_retrieve_check", r -> {
            long p = r.l.page(0);
            long h = r.send(r.f.send(SHARE, VM1).to(VM2).pages(p, 1));
            r.refused("a retrieve with the NS bit", FfaError.INVALID_PARAMETERS, () -> r.f.retrieve(VM2, h, VM1)
                    .as(MemoryPermissions.RW).attributes(MemoryAttributes.NORMAL_WRITE_BACK_INNER.withNonSecure(true)).call(), VM2);
            r.retrieve(r.f.retrieve(VM2, h, VM1).as(MemoryPermissions.RW));
            r.relinquish(VM2, h, 0);
            r.reclaim(VM1, h, 0);
        }));
    }

    // ---------------------------------------------------------------- untested

    /** ffa_mem_perm_get: S-EL0 partitions only. */
    @ConformanceRule(id = "ACS-ffa_mem_perm_get", level = Level.UNTESTED, title = "FFA_MEM_PERM_GET of an S-EL0 partition",
            untestedBecause = "FFA_MEM_PERM_GET is an ABI of S-EL0 secure partitions at initialisation, not memory "
                    + "sharing; the ACS runs it only with S-EL0 partitions, which a VM-only model has none of")
    void ffaMemPermGet(ArchUnderTest under) {
        AcsCases.untested();
    }

    /** ffa_mem_perm_set: S-EL0 partitions only. */
    @ConformanceRule(id = "ACS-ffa_mem_perm_set", level = Level.UNTESTED, title = "FFA_MEM_PERM_SET of an S-EL0 partition",
            untestedBecause = "FFA_MEM_PERM_SET is an ABI of S-EL0 secure partitions at initialisation, not memory "
                    + "sharing; the ACS runs it only with S-EL0 partitions, which a VM-only model has none of")
    void ffaMemPermSet(ArchUnderTest under) {
        AcsCases.untested();
    }

    /** static_mapping_dma: unverified, SMMU. */
    @ConformanceRule(id = "ACS-static_mapping_dma", level = Level.UNTESTED, title = "DMA into a statically mapped region",
            untestedBecause = "the ACS does not check it (compiled only with ACS_FFA_UNVERIFIED), and it needs a DMA "
                    + "device behind an SMMU, which memshare does not model")
    void staticMappingDma(ArchUnderTest under) {
        AcsCases.untested();
    }
}
