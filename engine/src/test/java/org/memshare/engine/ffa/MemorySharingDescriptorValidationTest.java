package org.memshare.engine.ffa;

import static org.memshare.engine.ffa.FfaSteps.NONE;
import static org.memshare.engine.ffa.FfaSteps.NORMAL;
import static org.memshare.engine.ffa.FfaSteps.OWNED;
import static org.memshare.engine.ffa.FfaSteps.P;
import static org.memshare.engine.ffa.FfaSteps.PAGE;
import static org.memshare.engine.ffa.FfaSteps.PAGES;
import static org.memshare.engine.ffa.FfaSteps.RO;
import static org.memshare.engine.ffa.FfaSteps.RW;
import static org.memshare.engine.ffa.FfaSteps.RW_NX;
import static org.memshare.engine.ffa.FfaSteps.RW_X;
import static org.memshare.engine.ffa.FfaSteps.S1;
import static org.memshare.engine.ffa.FfaSteps.S2;
import static org.memshare.engine.ffa.FfaSteps.UNMAPPED;
import static org.memshare.engine.ffa.FfaSteps.UNSPECIFIED_TYPE;
import static org.memshare.engine.ffa.FfaSteps.access;
import static org.memshare.engine.ffa.FfaSteps.c;
import static org.memshare.engine.ffa.FfaSteps.region;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.memshare.api.ffa.FfaConstituent;
import org.memshare.api.ffa.FfaShareKind;
import org.memshare.api.ffa.FfaVersion;
import org.memshare.api.ffa.MemoryAttributes;
import org.memshare.api.ffa.MemoryAttributes.Shareability;
import org.memshare.api.ffa.MemoryPermissions;
import org.memshare.api.mode.Mode;

/**
 * memory_sharing.c's descriptor validation tests: sends and retrieve requests whose descriptor a
 * field of makes them invalid. Each is refused with Hafnium's error code by the check named, and
 * changes nothing; where a Hafnium test's descriptor is refused by another check than the one
 * its comment names, the test says which check Hafnium's code reaches first.
 */
class MemorySharingDescriptorValidationTest {
    private static final List<FfaConstituent> TWO_AND_ONE = region(c(PAGES, 2), c(PAGES + 3 * PAGE, 1));
    private static final List<FfaConstituent> ONE_PAGE = region(c(PAGES, 1));
    private static final FfaShareKind[] ALL_KINDS = {FfaShareKind.SHARE, FfaShareKind.LEND, FfaShareKind.DONATE};
    private static final int TYPE_SHARE = 1 << 3;
    private static final int TYPE_LEND = 2 << 3;

    /** The data access the tests give each kind: unspecified for a donate, RW otherwise. */
    private static MemoryPermissions dataFor(FfaShareKind kind) {
        return kind == FfaShareKind.DONATE ? NONE : RW;
    }

    /** The attributes the tests give each kind: normal for a share, type not specified otherwise. */
    private static MemoryAttributes attributesFor(FfaShareKind kind) {
        return kind == FfaShareKind.SHARE ? NORMAL : UNSPECIFIED_TYPE;
    }

    @ParameterizedTest(name = "donate_to_self, lend_to_self, share_to_self on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void sendToSelf(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        s.fill(P, PAGES, 1, 'b');
        s.refusedUnchanged(FfaCheck.SEND_RECEIVER_NOT_A_VM_OR_SELF, () -> s.send(FfaShareKind.DONATE, P).to(P, NONE)
                .attributes(UNSPECIFIED_TYPE).of(ONE_PAGE).outcome());
        s.refusedUnchanged(FfaCheck.SEND_RECEIVER_NOT_A_VM_OR_SELF,
                () -> s.send(FfaShareKind.LEND, P).to(P, RW).attributes(NORMAL).of(ONE_PAGE).outcome());
        s.refusedUnchanged(FfaCheck.SEND_RECEIVER_NOT_A_VM_OR_SELF,
                () -> s.send(FfaShareKind.SHARE, P).to(P, RW).attributes(NORMAL).of(ONE_PAGE).outcome());
        s.expect("after the refusals", ONE_PAGE, P, OWNED);
        s.assertBytes(P, PAGES, 1, 'b');
    }

    @ParameterizedTest(name = "donate_invalid_source on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void donateInvalidSource(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        s.fill(P, PAGES, 1, 'b');
        int[][] senderAndReceiver = {{S1, S2}, {S1, S1}, {S2, S1}};
        for (int[] pair : senderAndReceiver) {
            s.refusedUnchanged(FfaCheck.SEND_SENDER_NOT_CALLER,
                    () -> s.send(FfaShareKind.DONATE, P).sender(pair[0]).to(pair[1], NONE).of(ONE_PAGE).outcome());
        }
        long handle = s.send(FfaShareKind.DONATE, P).to(S1, NONE).of(ONE_PAGE).ok();
        // ffa_donate_invalid_source: the service retrieves and donates the memory back ...
        s.retrieve(S1, handle, P).to(S1, RW_X).ok();
        long back = s.send(FfaShareKind.DONATE, S1).to(P, NONE).of(ONE_PAGE).ok();
        s.retrieve(P, back, S1).to(P, RW_X).ok();
        s.expect("after it came back", ONE_PAGE, P, Mode.R | Mode.W | Mode.X, S1, UNMAPPED);
        // ... then cannot donate it from the primary to service2 in the primary's name.
        s.refusedUnchanged(FfaCheck.SEND_SENDER_NOT_CALLER,
                () -> s.send(FfaShareKind.DONATE, S1).sender(P).to(S2, NONE).of(ONE_PAGE).outcome());
        s.expect("after the refusal", ONE_PAGE, P, Mode.R | Mode.W | Mode.X, S1, UNMAPPED, S2, UNMAPPED);
    }

    @ParameterizedTest(name = "ffa_validate_mbz on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void validateMbz(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        for (FfaShareKind kind : ALL_KINDS) {
            s.refusedUnchanged(FfaCheck.SEND_FLAGS, () -> s.send(kind, P).to(S1, NONE).attributes(NORMAL)
                    .flags(0xffff_ffff).of(TWO_AND_ONE).outcome());
        }
        s.expect("after the refusals", TWO_AND_ONE, P, OWNED, S1, UNMAPPED);
    }

    @ParameterizedTest(name = "ffa_validate_attributes on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void validateAttributes(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        MemoryAttributes[] invalid = {
            MemoryAttributes.device(MemoryAttributes.WRITE_BACK, Shareability.INNER),
            MemoryAttributes.normal(MemoryAttributes.NON_CACHEABLE, Shareability.INNER),
            MemoryAttributes.normal(MemoryAttributes.WRITE_BACK, Shareability.NON_SHAREABLE),
            MemoryAttributes.normal(MemoryAttributes.WRITE_BACK, Shareability.OUTER)};
        for (MemoryAttributes attributes : invalid) {
            s.refusedUnchanged(FfaCheck.SEND_ATTRIBUTES,
                    () -> s.send(FfaShareKind.SHARE, P).to(S1, RO).attributes(attributes).of(TWO_AND_ONE).outcome());
        }
        s.expect("after the refusals", TWO_AND_ONE, P, OWNED, S1, UNMAPPED);
    }

    /**
     * memory_sharing_v1_1.ffa_validate_memory_access_reserved_mbz. Hafnium's test builds its
     * descriptor with the current 32-byte access descriptors, reserved word set; a v1.1 caller
     * may not use that size, so Hafnium refuses it at the size check. The same word set in the
     * 16-byte descriptors a v1.1 caller may use is refused as a reserved word.
     */
    @ParameterizedTest(name = "memory_sharing_v1_1.ffa_validate_memory_access_reserved_mbz on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void validateMemoryAccessReservedMbzV1_1(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch, FfaVersion.V1_1);
        for (FfaShareKind kind : ALL_KINDS) {
            s.refusedUnchanged(FfaCheck.SEND_SANITY_DESCRIPTOR_SIZE_OR_OFFSET, () -> s.send(kind, P)
                    .to(access(S1, NONE).withReserved(0xffff_ffffL)).attributes(UNSPECIFIED_TYPE)
                    .layout(FfaVersion.V1_2).of(TWO_AND_ONE).outcome());
            s.refusedUnchanged(FfaCheck.SEND_SANITY_RECEIVER_RESERVED, () -> s.send(kind, P)
                    .to(access(S1, NONE).withReserved(0xffff_ffffL)).attributes(UNSPECIFIED_TYPE).of(TWO_AND_ONE)
                    .outcome());
        }
        s.expect("after the refusals", TWO_AND_ONE, P, OWNED, S1, UNMAPPED);
    }

    @ParameterizedTest(name = "memory_sharing_v1_0.ffa_validate_memory_access_reserved_mbz on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void validateMemoryAccessReservedMbzV1_0(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch, FfaVersion.V1_0);
        for (FfaShareKind kind : ALL_KINDS) {
            s.refusedUnchanged(FfaCheck.SEND_SANITY_RECEIVER_RESERVED, () -> s.send(kind, P)
                    .to(access(S1, RW).withReserved(0xffff_ffffL)).attributes(NORMAL).of(TWO_AND_ONE).outcome());
        }
        s.expect("after the refusals", TWO_AND_ONE, P, OWNED, S1, UNMAPPED);
    }

    /**
     * ffa_memory_access_no_overflow: an access descriptor size of 64 is refused at the size check;
     * a receiver count of 2 with one descriptor present puts the composite (at 80) inside where
     * two descriptors would lie, refused at the composite offset check.
     */
    @ParameterizedTest(name = "ffa_memory_access_no_overflow on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void memoryAccessNoOverflow(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        byte[] valid = s.send(FfaShareKind.DONATE, P).to(S1, NONE).attributes(UNSPECIFIED_TYPE).of(TWO_AND_ONE)
                .bytes();
        for (FfaShareKind kind : ALL_KINDS) {
            s.refusedUnchanged(FfaCheck.SEND_SANITY_DESCRIPTOR_SIZE_OR_OFFSET,
                    () -> s.sendBytes(kind, P, FfaSteps.withU32(valid, 24, 64)));
            s.refusedUnchanged(FfaCheck.SEND_SANITY_COMPOSITE_OFFSET,
                    () -> s.sendBytes(kind, P, FfaSteps.withU32(valid, 28, 2)));
        }
        s.expect("after the refusals", TWO_AND_ONE, P, OWNED, S1, UNMAPPED);
    }

    /**
     * ffa_validate_retrieve_req_mbz: the four flag words each fail the first flag check they reach,
     * in Hafnium's order: the transaction type (bits 4-3 say donate), the address range hint valid
     * bit 9, the hint bits 8-5, the bits from 11 up. The retriever gets nothing and the sender
     * reclaims.
     */
    @ParameterizedTest(name = "ffa_validate_retrieve_req_mbz on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void validateRetrieveReqMbz(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        int[] flags = {0xffff_ffff, 0xffff_ffe0, 0xffff_fde0, 0xffff_fc00};
        FfaCheck[] checks = {FfaCheck.RETRIEVE_TRANSACTION_TYPE, FfaCheck.RETRIEVE_HINT_VALID, FfaCheck.RETRIEVE_HINT,
            FfaCheck.RETRIEVE_FLAGS_MBZ};
        for (FfaShareKind kind : new FfaShareKind[] {FfaShareKind.SHARE, FfaShareKind.LEND}) {
            long handle = s.send(kind, P).to(S1, RW).attributes(attributesFor(kind)).of(TWO_AND_ONE).ok();
            for (int i = 0; i < flags.length; i++) {
                int value = flags[i];
                s.refusedUnchanged(checks[i], () -> s.retrieve(S1, handle, P).to(S1, RW).flags(value).outcome());
            }
            s.expect("after the refused retrieves", TWO_AND_ONE, S1, UNMAPPED);
            s.reclaimOk(P, handle);
            s.expect("after the reclaim", TWO_AND_ONE, P, OWNED, S1, UNMAPPED);
        }
    }

    /**
     * ffa_validate_impdef_equal: a share retrieved with other impdef words than the send gave is
     * refused at the impdef check. The lend in the same test is refused earlier, with the same
     * code: the retriever leaves the instruction access unspecified, which a retrieve of a lend
     * to one borrower may not.
     */
    @ParameterizedTest(name = "ffa_validate_impdef_equal on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void validateImpdefEqual(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        for (FfaShareKind kind : new FfaShareKind[] {FfaShareKind.SHARE, FfaShareKind.LEND}) {
            long handle = s.send(kind, P).to(access(S1, RW, 0xaaaa, 0xbbbb)).attributes(attributesFor(kind))
                    .of(TWO_AND_ONE).ok();
            FfaCheck check = kind == FfaShareKind.SHARE ? FfaCheck.RETRIEVE_IMPDEF
                    : FfaCheck.RETRIEVE_INSTRUCTION_ACCESS_UNSPECIFIED;
            s.refusedUnchanged(check, () -> s.retrieve(S1, handle, P).to(access(S1, RW, 0xcccc, 0xdddd)).outcome());
            s.expect("after the refused retrieve", TWO_AND_ONE, S1, UNMAPPED);
            s.reclaimOk(P, handle);
        }
        s.expect("after the reclaims", TWO_AND_ONE, P, OWNED, S1, UNMAPPED);
    }

    @ParameterizedTest(name = "ffa_validate_retrieve_req_attributes on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void validateRetrieveReqAttributes(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        MemoryAttributes[] invalid = {
            MemoryAttributes.device(MemoryAttributes.WRITE_BACK, Shareability.INNER),
            MemoryAttributes.normal(MemoryAttributes.NON_CACHEABLE, Shareability.INNER),
            MemoryAttributes.normal(MemoryAttributes.WRITE_BACK, Shareability.NON_SHAREABLE),
            MemoryAttributes.normal(MemoryAttributes.WRITE_BACK, Shareability.OUTER)};
        for (FfaShareKind kind : new FfaShareKind[] {FfaShareKind.SHARE, FfaShareKind.LEND}) {
            long handle = s.send(kind, P).to(S1, RW).attributes(attributesFor(kind)).of(TWO_AND_ONE).ok();
            for (MemoryAttributes attributes : invalid) {
                s.refusedUnchanged(FfaCheck.RETRIEVE_ATTRIBUTES,
                        () -> s.retrieve(S1, handle, P).to(S1, RW).attributes(attributes).outcome());
            }
            s.expect("after the refused retrieves", TWO_AND_ONE, S1, UNMAPPED);
            s.reclaimOk(P, handle);
        }
        s.expect("after the reclaims", TWO_AND_ONE, P, OWNED, S1, UNMAPPED);
    }

    @ParameterizedTest(name = "ffa_validate_retrieve_transaction_type on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void validateRetrieveTransactionType(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        for (FfaShareKind kind : new FfaShareKind[] {FfaShareKind.LEND, FfaShareKind.SHARE, FfaShareKind.DONATE}) {
            long handle = s.send(kind, P).to(S1, dataFor(kind)).attributes(attributesFor(kind)).of(TWO_AND_ONE).ok();
            int wrongType = kind == FfaShareKind.SHARE ? TYPE_LEND : TYPE_SHARE;
            MemoryPermissions asked = kind == FfaShareKind.DONATE ? RW_NX : RW;
            s.refusedUnchanged(FfaCheck.RETRIEVE_TRANSACTION_TYPE,
                    () -> s.retrieve(S1, handle, P).to(S1, asked).flags(wrongType).outcome());
            s.expect("after the refused retrieve", TWO_AND_ONE, S1, UNMAPPED);
            s.reclaimOk(P, handle);
            s.expect("after the reclaim", TWO_AND_ONE, P, OWNED, S1, UNMAPPED);
        }
    }

    @ParameterizedTest(name = "fail_inconsistent_page_count on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void failInconsistentPageCount(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        FfaSteps.Send send = s.send(FfaShareKind.SHARE, P).to(S1, RW).of(c(PAGES, 2));
        byte[] tx = FfaSteps.withU32(send.bytes(), (int) send.transaction().compositeOffset(), 100);
        s.refusedUnchanged(FfaCheck.SEND_PAGE_COUNT, () -> s.sendBytes(FfaShareKind.SHARE, P, tx));
        s.expect("after the refusal", region(c(PAGES, 2)), P, OWNED, S1, UNMAPPED);
    }

    @ParameterizedTest(name = "fail_page_overlap on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void failPageOverlap(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        List<List<FfaConstituent>> overlapping = List.of(
                region(c(PAGES, 5), c(PAGES + PAGE, 2)),
                region(c(PAGES, 5), c(PAGES, 5)),
                region(c(PAGES, 5), c(PAGES + 3 * PAGE, 2)));
        for (List<FfaConstituent> constituents : overlapping) {
            s.refusedUnchanged(FfaCheck.SEND_OVERLAP,
                    () -> s.send(FfaShareKind.SHARE, P).to(S1, RW).of(constituents).outcome());
        }
        s.expect("after the refusals", region(c(PAGES, 5)), P, OWNED, S1, UNMAPPED);
    }

    /**
     * give_and_get_back_unaligned: either constituent's start off a page boundary by 1, 2, 4, 8,
     * half a page or a page less one; all INVALID_PARAMETERS, most at the alignment check.
     */
    @ParameterizedTest(name = "give_and_get_back_unaligned on {0}")
    @EnumSource(FfaFixture.Arch.class)
    void giveAndGetBackUnaligned(FfaFixture.Arch arch) {
        FfaSteps s = FfaSteps.setUp(arch);
        long[] offsets = {0, 1, 2, 4, 8, PAGE / 2, PAGE - 1};
        for (long i : offsets) {
            for (long j : offsets) {
                if (i == 0 && j == 0) {
                    continue;
                }
                List<FfaConstituent> constituents = region(c(PAGES + i, 1), c(PAGES + PAGE + j, 1));
                // The first constituent's last byte is PAGES + PAGE + i - 1: the second starting
                // before it overlaps, which Hafnium checks first; starting on it is a one-byte
                // overlap that Hafnium's range comparison does not see.
                FfaCheck check = j < i - 1 ? FfaCheck.SEND_OVERLAP : FfaCheck.SEND_UNALIGNED;
                s.refusedUnchanged(check,
                        () -> s.send(FfaShareKind.DONATE, P).to(S1, NONE).of(constituents).outcome());
                s.refusedUnchanged(check, () -> s.send(FfaShareKind.LEND, P).to(S1, RW).of(constituents).outcome());
            }
        }
        s.expect("after the refusals", region(c(PAGES, 3)), P, OWNED, S1, UNMAPPED);
    }
}
