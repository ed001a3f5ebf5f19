package org.memshare.engine.ffa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.memshare.engine.ffa.FfaCheckCase.TWO_AND_ONE;
import static org.memshare.engine.ffa.FfaCheckCase.lent;
import static org.memshare.engine.ffa.FfaCheckCase.partlySent;
import static org.memshare.engine.ffa.FfaSteps.NORMAL;
import static org.memshare.engine.ffa.FfaSteps.OWNED;
import static org.memshare.engine.ffa.FfaSteps.P;
import static org.memshare.engine.ffa.FfaSteps.PAGE;
import static org.memshare.engine.ffa.FfaSteps.PAGES;
import static org.memshare.engine.ffa.FfaSteps.RO;
import static org.memshare.engine.ffa.FfaSteps.RO_NX;
import static org.memshare.engine.ffa.FfaSteps.RW;
import static org.memshare.engine.ffa.FfaSteps.RW_NX;
import static org.memshare.engine.ffa.FfaSteps.S1;
import static org.memshare.engine.ffa.FfaSteps.S2;
import static org.memshare.engine.ffa.FfaSteps.S3;
import static org.memshare.engine.ffa.FfaSteps.c;
import static org.memshare.engine.ffa.FfaSteps.withU32;
import static org.memshare.engine.ffa.FfaSteps.withU64;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.memshare.api.ffa.FfaConstituent;
import org.memshare.api.ffa.FfaResult;
import org.memshare.api.ffa.FfaShareKind;
import org.memshare.api.ffa.FfaVersion;
import org.memshare.api.ffa.Handle;
import org.memshare.api.ffa.MemoryAttributes;
import org.memshare.api.ffa.MemoryAttributes.Shareability;
import org.memshare.api.ffa.MemoryPermissions;
import org.memshare.api.ffa.MemoryPermissions.DataAccess;
import org.memshare.api.ffa.MemoryPermissions.InstructionAccess;
import org.memshare.api.ffa.TransactionFlags;
import org.memshare.api.mode.Mode;
import org.memshare.api.policy.FfaRequest;

/**
 * Every check of Hafnium's FFA_MEM_RETRIEVE_REQ path (api_ffa_mem_retrieve_req,
 * ffa_memory_retrieve, ffa_partition_retrieve_request, ffa_memory_retrieve_validate and its memory
 * access list), of FFA_MEM_FRAG_RX and of FFA_RX_RELEASE, each reproduced by a call that only it
 * refuses: refused with Hafnium's error code, changing nothing. Unless a case says otherwise the
 * primary has lent two constituents (three pages) RW to service1, which retrieves them asking RW,
 * NX. Request byte offsets are those of the v1.2 layout: header 0-47, receiver 0 at 48-79
 * (composite offset at 52, reserved word at 72).
 */
class FfaRetrieveChecksTest {
    private static final long MANY = 0x1000_0000L;
    private static final int TYPE_SHARE = 1 << 3;
    /** FRAGMENTED_SHARE_PAGE_COUNT one-page constituents: three fragments each way. */
    private static final int FRAGMENTED_PAGES = 512;

    private static FfaSteps.Retrieve request(FfaSteps s, long handle) {
        return s.retrieve(S1, handle, P).to(S1, RW_NX);
    }

    /** The request's bytes, changed by {@code patch}, as service1's retrieve request. */
    private static FfaOutcome retrieveBytes(FfaSteps s, byte[] tx) {
        return s.f.ffa.explaining().retrieveRequest(S1, tx, tx.length);
    }

    /** The primary lends {@link #FRAGMENTED_PAGES} pages to service1, which takes the first fragment of the response. */
    private static long retrievingInFragments(FfaSteps s) {
        s.f.map(P, MANY, FRAGMENTED_PAGES, OWNED);
        long handle = s.send(FfaShareKind.LEND, P).to(S1, RW).of(FfaSteps.onePageEach(MANY, FRAGMENTED_PAGES))
                .fragmented();
        FfaOutcome first = request(s, handle).outcome();
        assertEquals(FfaResult.Function.MEM_RETRIEVE_RESP, first.result().function(), first::toString);
        return handle;
    }

    /** Where service1's first response fragment stopped. */
    private static int firstFragmentLength(FfaSteps s) {
        return 48 + 32 + 16 + (4096 - 96) / FfaConstituent.SIZE * FfaConstituent.SIZE;
    }

    static final List<FfaCheckCase> CASES = List.of(
            FfaCheckCase.of(FfaCheck.RETRIEVE_FRAGMENTED, "a total length longer than the request", s -> {
                byte[] tx = request(s, lent(s)).bytes();
                return () -> s.f.ffa.explaining().retrieveRequest(S1, tx, tx.length + 16);
            }),
            FfaCheckCase.of(FfaCheck.RETRIEVE_TOO_LONG, "a 4112-byte request", s -> {
                byte[] tx = Arrays.copyOf(request(s, lent(s)).bytes(), 4112);
                return () -> retrieveBytes(s, tx);
            }),
            FfaCheckCase.of(FfaCheck.RETRIEVE_RX_BUSY, "service1's RX buffer holding another response", s -> {
                long handle = lent(s);
                long other = s.send(FfaShareKind.LEND, P).to(S1, RW).of(c(PAGES + 8 * PAGE, 1)).ok();
                FfaOutcome first = request(s, other).outcome();
                assertEquals(FfaResult.Function.MEM_RETRIEVE_RESP, first.result().function(), first::toString);
                return () -> request(s, handle).outcome();
            }),
            FfaCheckCase.of(FfaCheck.RETRIEVE_SANITY_V1_0_RESERVED, "a v1.0 request's reserved byte 3 set", s -> {
                long handle = lent(s);
                s.negotiate(S1, FfaVersion.V1_0);
                byte[] tx = request(s, handle).bytes();
                tx[3] = 1;
                return () -> retrieveBytes(s, tx);
            }),
            FfaCheckCase.of(FfaCheck.RETRIEVE_SANITY_RESERVED, "reserved header word 40 set",
                    s -> {
                        long handle = lent(s);
                        return () -> retrieveBytes(s, withU32(request(s, handle).bytes(), 40, 1));
                    }),
            FfaCheckCase.of(FfaCheck.RETRIEVE_SANITY_DESCRIPTOR_SIZE_OR_OFFSET, "access descriptor size 64",
                    s -> {
                        long handle = lent(s);
                        return () -> retrieveBytes(s, withU32(request(s, handle).bytes(), 24, 64));
                    }),
            FfaCheckCase.of(FfaCheck.RETRIEVE_SANITY_RECEIVER_COUNT, "receiver count 3",
                    s -> {
                        long handle = lent(s);
                        return () -> retrieveBytes(s, withU32(request(s, handle).bytes(), 28, 3));
                    }),
            FfaCheckCase.of(FfaCheck.RETRIEVE_SANITY_RECEIVERS_BEYOND_FRAGMENT, "receiver count 2, one descriptor",
                    s -> {
                        long handle = lent(s);
                        return () -> retrieveBytes(s, withU32(request(s, handle).bytes(), 28, 2));
                    }),
            FfaCheckCase.of(FfaCheck.RETRIEVE_SANITY_COMPOSITE_OFFSET, "receiver 0's composite offset 80",
                    s -> {
                        long handle = lent(s);
                        return () -> retrieveBytes(s, withU32(request(s, handle).bytes(), 52, 80));
                    }),
            FfaCheckCase.of(FfaCheck.RETRIEVE_SANITY_RECEIVER_RESERVED, "receiver 0's reserved word set",
                    s -> {
                        long handle = lent(s);
                        return () -> retrieveBytes(s, withU64(request(s, handle).bytes(), 72, 1));
                    }),
            FfaCheckCase.of(FfaCheck.RETRIEVE_SANITY_COMPOSITE_OFFSETS_DIFFER, "receiver 1's composite offset 16",
                    s -> {
                        long handle = lent(s);
                        return () -> retrieveBytes(s, withU32(request(s, handle).to(S2, RW_NX).bytes(), 84, 16));
                    }),
            FfaCheckCase.of(FfaCheck.RETRIEVE_V1_0_SCRATCH_NO_MEMORY, "a v1.0 retriever and an empty pool", s -> {
                long handle = lent(s);
                s.negotiate(S1, FfaVersion.V1_0);
                s.drainPoolTo(0);
                return () -> request(s, handle).outcome();
            }),
            FfaCheckCase.of(FfaCheck.RETRIEVE_HYPERVISOR_REQUEST_FIELDS, "no receivers, and a sender",
                    s -> {
                        long handle = lent(s);
                        return () -> s.retrieve(S1, handle, P).outcome();
                    }),
            FfaCheckCase.of(FfaCheck.RETRIEVE_OTHER_WORLD_HANDLE, "a handle without bit 63", s -> {
                lent(s);
                return () -> request(s, 1).outcome();
            }),
            FfaCheckCase.of(FfaCheck.RETRIEVE_UNKNOWN_HANDLE, "a free slot's handle", s -> {
                lent(s);
                return () -> request(s, Handle.ofHypervisorSlot(7)).outcome();
            }),
            // Hafnium asserts that only the hypervisor sends this; memshare answers NOT_SUPPORTED (docs/ffa.md).
            FfaCheckCase.of(FfaCheck.RETRIEVE_HYPERVISOR_REQUEST, "a well-formed hypervisor retrieve request", s -> {
                long handle = lent(s);
                byte[] header = s.retrieve(S1, handle, 0).attributes(new MemoryAttributes(0)).bytes();
                return () -> retrieveBytes(s, withU32(withU32(header, 24, 0), 32, 0));
            }),
            FfaCheckCase.of(FfaCheck.RETRIEVE_NOT_FULLY_SENT, "a send missing its last fragment",
                    s -> {
                        long handle = partlySent(s);
                        return () -> request(s, handle).outcome();
                    }),
            FfaCheckCase.of(FfaCheck.RETRIEVE_LENGTH, "16 bytes after the last receiver", s -> {
                byte[] tx = Arrays.copyOf(request(s, lent(s)).bytes(), 96);
                return () -> retrieveBytes(s, tx);
            }),
            FfaCheckCase.of(FfaCheck.RETRIEVE_SENDER_MISMATCH, "service2 named as the sender",
                    s -> {
                        long handle = lent(s);
                        return () -> s.retrieve(S1, handle, S2).to(S1, RW_NX).outcome();
                    }),
            FfaCheckCase.of(FfaCheck.RETRIEVE_TRANSACTION_TYPE, "transaction type share for a lend",
                    s -> {
                        long handle = lent(s);
                        return () -> request(s, handle).flags(TYPE_SHARE).outcome();
                    }),
            FfaCheckCase.of(FfaCheck.RETRIEVE_TAG, "tag 5 for a send tagged 0",
                    s -> {
                        long handle = lent(s);
                        return () -> request(s, handle).tag(5).outcome();
                    }),
            FfaCheckCase.of(FfaCheck.RETRIEVE_CALLER_NOT_BORROWER, "service2, not a borrower", s -> {
                long handle = lent(s);
                return () -> s.retrieve(S2, handle, P).to(S2, RW_NX).outcome();
            }),
            FfaCheckCase.of(FfaCheck.RETRIEVE_HINT_VALID, "flag bit 9",
                    s -> {
                        long handle = lent(s);
                        return () -> request(s, handle).flags(TransactionFlags.HINT_VALID).outcome();
                    }),
            FfaCheckCase.of(FfaCheck.RETRIEVE_HINT, "flag bit 5",
                    s -> {
                        long handle = lent(s);
                        return () -> request(s, handle).flags(1 << 5).outcome();
                    }),
            FfaCheckCase.of(FfaCheck.RETRIEVE_FLAGS_MBZ, "flag bit 11",
                    s -> {
                        long handle = lent(s);
                        return () -> request(s, handle).flags(1 << 11).outcome();
                    }),
            FfaCheckCase.of(FfaCheck.RETRIEVE_CLEAR_ON_SHARE, "clear-on-relinquish asked of a share", s -> {
                long handle = s.send(FfaShareKind.SHARE, P).to(S1, RW).of(TWO_AND_ONE).ok();
                return () -> s.retrieve(S1, handle, P).to(S1, RW).flags(TransactionFlags.CLEAR_ON_RELINQUISH)
                        .outcome();
            }),
            FfaCheckCase.of(FfaCheck.RETRIEVE_CLEAR_NOT_SENT, "clear asked, the lend did not clear",
                    s -> {
                        long handle = lent(s);
                        return () -> request(s, handle).flags(TransactionFlags.CLEAR).outcome();
                    }),
            FfaCheckCase.of(FfaCheck.RETRIEVE_SECURITY_STATE, "the NS bit in the attributes",
                    s -> {
                        long handle = lent(s);
                        return () -> request(s, handle)
                            .attributes(new MemoryAttributes(NORMAL.value() | MemoryAttributes.SECURITY_BIT)).outcome();
                    }),
            FfaCheckCase.of(FfaCheck.RETRIEVE_ATTRIBUTES, "normal memory asked outer shareable",
                    s -> {
                        long handle = lent(s);
                        return () -> request(s, handle)
                            .attributes(MemoryAttributes.normal(MemoryAttributes.WRITE_BACK, Shareability.OUTER))
                            .outcome();
                    }),
            FfaCheckCase.of(FfaCheck.RETRIEVE_RECEIVER_COUNT_MISMATCH, "two receivers listed for a lend to one",
                    s -> {
                        long handle = lent(s);
                        return () -> request(s, handle).to(S2, RW_NX).outcome();
                    }),
            FfaCheckCase.of(FfaCheck.RETRIEVE_BYPASS_RECEIVER_COUNT, "the bypass flag with both borrowers listed", s -> {
                long handle = lentToBoth(s);
                return () -> s.retrieve(S1, handle, P).to(S1, RW).to(S2, RW)
                        .flags(TransactionFlags.BYPASS_BORROWERS_CHECK).outcome();
            }),
            FfaCheckCase.of(FfaCheck.RETRIEVE_BYPASS_SINGLE_BORROWER, "the bypass flag for a lend to one",
                    s -> {
                        long handle = lent(s);
                        return () -> request(s, handle).flags(TransactionFlags.BYPASS_BORROWERS_CHECK).outcome();
                    }),
            FfaCheckCase.of(FfaCheck.RETRIEVE_RECEIVER_NOT_BORROWER, "service3 listed beside service1", s -> {
                long handle = lentToBoth(s);
                return () -> s.retrieve(S1, handle, P).to(S1, RW).to(S3, RW).outcome();
            }),
            FfaCheckCase.of(FfaCheck.RETRIEVE_DATA_ACCESS, "RW asked of memory lent RO", s -> {
                long handle = s.send(FfaShareKind.LEND, P).to(S1, RO).of(TWO_AND_ONE).ok();
                return () -> request(s, handle).outcome();
            }),
            FfaCheckCase.of(FfaCheck.RETRIEVE_SHARE_INSTRUCTION_ACCESS, "NX asked of a share", s -> {
                long handle = s.send(FfaShareKind.SHARE, P).to(S1, RW).of(TWO_AND_ONE).ok();
                return () -> s.retrieve(S1, handle, P).to(S1, RW_NX).outcome();
            }),
            FfaCheckCase.of(FfaCheck.RETRIEVE_MULTI_LEND_INSTRUCTION_ACCESS, "NX asked of a lend to two", s -> {
                long handle = lentToBoth(s);
                return () -> s.retrieve(S1, handle, P).to(S1, RW_NX).to(S2, RW_NX).outcome();
            }),
            FfaCheckCase.of(FfaCheck.RETRIEVE_INSTRUCTION_ACCESS_UNSPECIFIED, "no instruction access for a lend to one",
                    s -> {
                        long handle = lent(s);
                        return () -> s.retrieve(S1, handle, P).to(S1, RW).outcome();
                    }),
            FfaCheckCase.of(FfaCheck.RETRIEVE_INSTRUCTION_ACCESS, "the reserved instruction access 3",
                    s -> {
                        long handle = lent(s);
                        return () -> s.retrieve(S1, handle, P)
                            .to(S1, MemoryPermissions.of(DataAccess.RW, InstructionAccess.RESERVED)).outcome();
                    }),
            FfaCheckCase.of(FfaCheck.RETRIEVE_CLEAR_READ_ONLY, "clear-on-relinquish asked by a borrower granted RO", s -> {
                long handle = s.send(FfaShareKind.LEND, P).to(S1, RO).of(TWO_AND_ONE).ok();
                return () -> s.retrieve(S1, handle, P).to(S1, RO_NX).flags(TransactionFlags.CLEAR_ON_RELINQUISH)
                        .outcome();
            }),
            FfaCheckCase.of(FfaCheck.RETRIEVE_IMPDEF, "impdef words other than the send's", s -> {
                long handle = s.send(FfaShareKind.LEND, P).to(FfaSteps.access(S1, RW, 1, 2)).of(TWO_AND_ONE).ok();
                return () -> s.retrieve(S1, handle, P).to(FfaSteps.access(S1, RW_NX, 3, 4)).outcome();
            }),
            FfaCheckCase.of(FfaCheck.RETRIEVE_CALLER_NOT_IN_REQUEST, "the bypass flag listing only service2", s -> {
                long handle = lentToBoth(s);
                return () -> s.retrieve(S1, handle, P).to(S2, RW).flags(TransactionFlags.BYPASS_BORROWERS_CHECK)
                        .outcome();
            }),
            FfaCheckCase.of(FfaCheck.RETRIEVE_DEVICE_AS_NORMAL, "device memory asked as normal memory", s -> {
                s.f.map(P, PAGES, 1, Mode.R | Mode.W | Mode.D);
                long handle = s.send(FfaShareKind.LEND, P).to(S1, RW).of(c(PAGES, 1)).ok();
                return () -> request(s, handle).outcome();
            }),
            // Hafnium would map the memory and then panic building the response; memshare refuses first.
            FfaCheckCase.of(FfaCheck.RETRIEVE_RESPONSE_TOO_LARGE,
                    "a v1.1 sender's full first fragment, too large for a v1.3 response", s -> {
                        s.negotiate(P, FfaVersion.V1_1);
                        s.f.map(P, MANY, 251, OWNED);
                        long handle = s.send(FfaShareKind.LEND, P).to(S1, RW).of(FfaSteps.onePageEach(MANY, 251)).ok();
                        return () -> request(s, handle).outcome();
                    }),
            FfaCheckCase.of(FfaCheck.RETRIEVE_NOT_ONE_MODE, "service1 has half of a constituent mapped", s -> {
                long handle = lent(s);
                s.f.map(S1, PAGES, 1, Mode.R);
                return () -> request(s, handle).outcome();
            }),
            // memshare compares every constituent (docs/ffa.md); Hafnium, in one fragment, judges by
            // the last one, and refuses the same request as RETRIEVE_NOT_UNMAPPED.
            FfaCheckCase.of(FfaCheck.RETRIEVE_MIXED_MODES, "service1 has the second constituent mapped", s -> {
                long handle = lent(s);
                s.f.map(S1, PAGES + 3 * PAGE, 1, Mode.R);
                return () -> request(s, handle).outcome();
            }),
            FfaCheckCase.of(FfaCheck.RETRIEVE_NOT_UNMAPPED, "a second retrieve by service1", s -> {
                long handle = FfaCheckCase.retrieved(s);
                return () -> request(s, handle).outcome();
            }),
            FfaCheckCase.of(FfaCheck.RETRIEVE_POLICY, "a policy refusing retrieves",
                    s -> {
                        long handle = lent(s);
                        return () -> request(s, handle).outcome();
                    }).refusing(FfaRequest.Operation.RETRIEVE),
            FfaCheckCase.of(FfaCheck.RETRIEVE_PREPARE_NO_MEMORY, "no page for service1's tables", s -> {
                long handle = lent(s);
                s.drainPoolTo(0);
                return () -> request(s, handle).outcome();
            }),
            FfaCheckCase.of(FfaCheck.FRAG_RX_SENDER_ID, "sender id 1", s -> {
                long handle = retrievingInFragments(s);
                s.releaseRx(S1);
                return () -> s.f.ffa.explaining().fragRx(S1, handle, firstFragmentLength(s), 1);
            }),
            FfaCheckCase.of(FfaCheck.FRAG_RX_RX_BUSY, "the first fragment not released", s -> {
                long handle = retrievingInFragments(s);
                return () -> s.f.ffa.explaining().fragRx(S1, handle, firstFragmentLength(s), 0);
            }),
            FfaCheckCase.of(FfaCheck.FRAG_RX_UNKNOWN_HANDLE, "a free slot's handle", s -> {
                retrievingInFragments(s);
                s.releaseRx(S1);
                return () -> s.f.ffa.explaining().fragRx(S1, Handle.ofHypervisorSlot(9), firstFragmentLength(s), 0);
            }),
            FfaCheckCase.of(FfaCheck.FRAG_RX_NOT_FULLY_SENT, "a send missing its last fragment", s -> {
                long handle = partlySent(s);
                return () -> s.f.ffa.explaining().fragRx(S1, handle, 0, 0);
            }),
            FfaCheckCase.of(FfaCheck.FRAG_RX_NOT_BORROWER, "service2, not a borrower", s -> {
                long handle = retrievingInFragments(s);
                return () -> s.f.ffa.explaining().fragRx(S2, handle, firstFragmentLength(s), 0);
            }),
            FfaCheckCase.of(FfaCheck.FRAG_RX_NOT_IN_PROGRESS, "a transaction service1 has not begun to retrieve", s -> {
                long handle = lent(s);
                return () -> s.f.ffa.explaining().fragRx(S1, handle, 128, 0);
            }),
            FfaCheckCase.of(FfaCheck.FRAG_RX_OFFSET, "an offset 16 bytes short", s -> {
                long handle = retrievingInFragments(s);
                s.releaseRx(S1);
                return () -> s.f.ffa.explaining().fragRx(S1, handle, firstFragmentLength(s) - 16, 0);
            }),
            FfaCheckCase.of(FfaCheck.RX_RELEASE_EMPTY, "an empty RX buffer",
                    s -> () -> s.f.ffa.explaining().rxRelease(S1)));

    /** The primary lends {@link FfaCheckCase#TWO_AND_ONE} RW to service1 and service2. */
    private static long lentToBoth(FfaSteps s) {
        return s.send(FfaShareKind.LEND, P).to(S1, RW).to(S2, RW).of(TWO_AND_ONE).ok();
    }

    static Stream<Arguments> cases() {
        return FfaCheckCase.arguments(CASES);
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("cases")
    void refusedWithHafniumsErrorChangingNothing(FfaFixture.Arch arch, FfaCheckCase c) {
        c.run(arch);
    }
}
