package org.memshare.engine.ffa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.memshare.engine.ffa.FfaCheckCase.BLOCK;
import static org.memshare.engine.ffa.FfaCheckCase.TWO_AND_ONE;
import static org.memshare.engine.ffa.FfaCheckCase.constituentBytes;
import static org.memshare.engine.ffa.FfaCheckCase.lent;
import static org.memshare.engine.ffa.FfaCheckCase.partlySent;
import static org.memshare.engine.ffa.FfaSteps.NONE;
import static org.memshare.engine.ffa.FfaSteps.NORMAL;
import static org.memshare.engine.ffa.FfaSteps.OWNED;
import static org.memshare.engine.ffa.FfaSteps.P;
import static org.memshare.engine.ffa.FfaSteps.PAGE;
import static org.memshare.engine.ffa.FfaSteps.PAGES;
import static org.memshare.engine.ffa.FfaSteps.RO;
import static org.memshare.engine.ffa.FfaSteps.RW;
import static org.memshare.engine.ffa.FfaSteps.RW_X;
import static org.memshare.engine.ffa.FfaSteps.S1;
import static org.memshare.engine.ffa.FfaSteps.S2;
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
import org.memshare.engine.machine.MachineConfig;
import org.memshare.engine.machine.MachineResult;
import org.memshare.engine.machine.Machines;

/**
 * Every check of Hafnium's FFA_MEM_DONATE, FFA_MEM_LEND and FFA_MEM_SHARE path (api_ffa_mem_send,
 * ffa_memory_send, ffa_memory_send_complete) and of FFA_MEM_FRAG_TX, each reproduced by a call
 * that only it refuses: refused with Hafnium's error code, changing nothing. Byte offsets are those
 * of the v1.2 layout with one receiver: header 0-47, receiver 48-79 (composite offset at 52,
 * reserved word at 72), composite 80-95 (page count at 80, constituent count at 84), constituents
 * from 96.
 */
class FfaSendChecksTest {
    private static final List<FfaConstituent> ONE_PAGE = List.of(c(PAGES, 1));
    private static final long MANY = 0x1000_0000L;
    private static final int DEVICE_RW = Mode.R | Mode.W | Mode.D;

    /** A valid lend of one page from the primary to service1, as bytes. */
    private static byte[] lendBytes(FfaSteps s) {
        return s.send(FfaShareKind.LEND, P).to(S1, RW).of(ONE_PAGE).bytes();
    }

    private static FfaSteps.Send lend(FfaSteps s) {
        return s.send(FfaShareKind.LEND, P).to(S1, RW).of(ONE_PAGE);
    }

    static final List<FfaCheckCase> CASES = List.of(
            FfaCheckCase.of(FfaCheck.SEND_FRAGMENT_LONGER_THAN_TOTAL, "a fragment 16 bytes longer than the total", s -> {
                byte[] tx = lendBytes(s);
                return () -> s.f.ffa.explaining().memSend(P, FfaShareKind.LEND, tx, tx.length - 16);
            }),
            FfaCheckCase.of(FfaCheck.SEND_FRAGMENT_LONGER_THAN_TX_BUFFER, "a 4112-byte fragment", s -> {
                byte[] tx = Arrays.copyOf(lendBytes(s), 4112);
                return () -> s.sendBytes(FfaShareKind.LEND, P, tx);
            }),
            FfaCheckCase.of(FfaCheck.SEND_COPY_NO_MEMORY, "an empty pool", s -> {
                s.drainPoolTo(0);
                return () -> lend(s).outcome();
            }),
            FfaCheckCase.of(FfaCheck.SEND_SANITY_V1_0_RESERVED, "a v1.0 sender's reserved byte 3 set", s -> {
                s.negotiate(P, FfaVersion.V1_0);
                byte[] tx = lendBytes(s);
                tx[3] = 1;
                return () -> s.sendBytes(FfaShareKind.LEND, P, tx);
            }),
            FfaCheckCase.of(FfaCheck.SEND_SANITY_RESERVED, "reserved header word 36 set",
                    s -> () -> s.sendBytes(FfaShareKind.LEND, P, withU32(lendBytes(s), 36, 1))),
            FfaCheckCase.of(FfaCheck.SEND_SANITY_DESCRIPTOR_SIZE_OR_OFFSET, "receivers offset 32, inside the header",
                    s -> () -> s.sendBytes(FfaShareKind.LEND, P, withU32(lendBytes(s), 32, 32))),
            FfaCheckCase.of(FfaCheck.SEND_SANITY_DESCRIPTOR_SIZE_OR_OFFSET, "32-byte access descriptors from a v1.1 sender",
                    s -> {
                        s.negotiate(P, FfaVersion.V1_1);
                        return () -> lend(s).layout(FfaVersion.V1_2).outcome();
                    }),
            FfaCheckCase.of(FfaCheck.SEND_SANITY_RECEIVER_COUNT, "receiver count 3",
                    s -> () -> s.sendBytes(FfaShareKind.LEND, P, withU32(lendBytes(s), 28, 3))),
            FfaCheckCase.of(FfaCheck.SEND_SANITY_RECEIVER_COUNT, "receiver count 0",
                    s -> () -> s.sendBytes(FfaShareKind.LEND, P, withU32(lendBytes(s), 28, 0))),
            FfaCheckCase.of(FfaCheck.SEND_SANITY_RECEIVERS_BEYOND_FRAGMENT, "receivers offset 0x1000",
                    s -> () -> s.sendBytes(FfaShareKind.LEND, P, withU32(lendBytes(s), 32, 0x1000))),
            FfaCheckCase.of(FfaCheck.SEND_SANITY_COMPOSITE_OFFSET, "receiver 0's composite offset 0",
                    s -> () -> s.sendBytes(FfaShareKind.LEND, P, withU32(lendBytes(s), 52, 0))),
            FfaCheckCase.of(FfaCheck.SEND_SANITY_RECEIVER_RESERVED, "receiver 0's reserved word set",
                    s -> () -> s.sendBytes(FfaShareKind.LEND, P, withU64(lendBytes(s), 72, 1))),
            FfaCheckCase.of(FfaCheck.SEND_SANITY_COMPOSITE_OFFSETS_DIFFER, "receiver 1's composite offset 0x1000",
                    s -> {
                        byte[] tx = s.send(FfaShareKind.LEND, P).to(S1, RW).to(S2, RW).attributes(NORMAL).of(ONE_PAGE)
                                .bytes();
                        return () -> s.sendBytes(FfaShareKind.LEND, P, withU32(tx, 84, 0x1000));
                    }),
            FfaCheckCase.of(FfaCheck.SEND_V1_0_TOO_LARGE, "a full 4 KiB v1.0 fragment, 4112 bytes in the v1.1 layout",
                    s -> {
                        s.negotiate(P, FfaVersion.V1_0);
                        return () -> s.send(FfaShareKind.LEND, P).to(S1, RW).of(FfaSteps.onePageEach(PAGES, 252))
                                .outcome();
                    }),
            FfaCheckCase.of(FfaCheck.SEND_V1_0_SCRATCH_NO_MEMORY, "a v1.0 sender and one pool page, taken by the copy",
                    s -> {
                        s.negotiate(P, FfaVersion.V1_0);
                        s.drainPoolTo(1);
                        return () -> lend(s).outcome();
                    }),
            FfaCheckCase.of(FfaCheck.SEND_FLAGS, "clear-on-relinquish (bit 2) in a send",
                    s -> () -> lend(s).flags(TransactionFlags.CLEAR_ON_RELINQUISH).outcome()),
            FfaCheckCase.of(FfaCheck.SEND_FLAGS, "clear in a share",
                    s -> () -> s.send(FfaShareKind.SHARE, P).to(S1, RW).flags(TransactionFlags.CLEAR).of(ONE_PAGE)
                            .outcome()),
            FfaCheckCase.of(FfaCheck.SEND_DONATE_RECEIVER_COUNT, "a donate to two",
                    s -> () -> s.send(FfaShareKind.DONATE, P).to(S1, NONE).to(S2, NONE).of(ONE_PAGE).outcome()),
            FfaCheckCase.of(FfaCheck.SEND_RECEIVER_NOT_A_VM_OR_SELF, "receiver 9, not a VM",
                    s -> () -> s.send(FfaShareKind.LEND, P).to(9, RW).of(ONE_PAGE).outcome()),
            FfaCheckCase.of(FfaCheck.SEND_RECEIVER_NOT_A_VM_OR_SELF, "the sender as receiver",
                    s -> () -> s.send(FfaShareKind.LEND, P).to(P, RW).of(ONE_PAGE).outcome()),
            // Receivers moved to offset 96 (receiver 0 over the first constituent, given service1's
            // id and a composite offset of 80; the second constituent's page count, now receiver
            // 0's reserved word, zeroed): every sanity check passes, but 96 + 32 + 16 > 128.
            FfaCheckCase.of(FfaCheck.SEND_FIRST_FRAGMENT_TOO_SHORT, "receivers offset 96 in a 128-byte fragment", s -> {
                byte[] tx = s.send(FfaShareKind.LEND, P).to(S1, RW).of(c(PAGES, 1), c(PAGES + 2 * PAGE, 1)).bytes();
                byte[] moved = withU64(withU32(withU32(withU32(tx, 32, 96), 96, S1), 100, 80), 120, 0);
                return () -> s.sendBytes(FfaShareKind.LEND, P, moved);
            }),
            FfaCheckCase.of(FfaCheck.SEND_LENGTHS_NOT_16_ALIGNED, "8 bytes after the last constituent", s -> {
                byte[] tx = Arrays.copyOf(lendBytes(s), 120);
                return () -> s.sendBytes(FfaShareKind.LEND, P, tx);
            }),
            // The total length is a 32-bit register: 0xfffffff0 plus the 16 bytes the v1.0
            // conversion adds wraps to 0, shorter than the converted fragment.
            FfaCheckCase.of(FfaCheck.SEND_CONVERTED_FRAGMENT_LONGER_THAN_TOTAL,
                    "a v1.0 total length of 0xfffffff0, wrapping to 0 in conversion", s -> {
                        s.negotiate(P, FfaVersion.V1_0);
                        byte[] tx = lendBytes(s);
                        return () -> s.f.ffa.explaining().memSend(P, FfaShareKind.LEND, tx, 0xffff_fff0);
                    }),
            FfaCheckCase.of(FfaCheck.SEND_SENDER_NOT_CALLER, "the sender field names service2",
                    s -> () -> lend(s).sender(S2).outcome()),
            FfaCheckCase.of(FfaCheck.SEND_TOTAL_TOO_SHORT, "no constituent at all",
                    s -> () -> s.send(FfaShareKind.LEND, P).to(S1, RW).of(List.of()).outcome()),
            FfaCheckCase.of(FfaCheck.SEND_COMPOSITE_OFFSET, "composite offset 88, not 16-aligned",
                    s -> () -> s.sendBytes(FfaShareKind.LEND, P, withU32(lendBytes(s), 52, 88))),
            FfaCheckCase.of(FfaCheck.SEND_CONSTITUENT_COUNT, "constituent count 2 with one constituent",
                    s -> () -> s.sendBytes(FfaShareKind.LEND, P, withU32(lendBytes(s), 84, 2))),
            FfaCheckCase.of(FfaCheck.SEND_FLAGS_OTHER_THAN_CLEAR, "the time-slice flag",
                    s -> () -> lend(s).flags(TransactionFlags.TIME_SLICE).outcome()),
            FfaCheckCase.of(FfaCheck.SEND_RECEIVER_REPEATED, "service1 listed twice",
                    s -> () -> s.send(FfaShareKind.LEND, P).to(S1, RW).to(S1, RW).attributes(NORMAL).of(ONE_PAGE)
                            .outcome()),
            FfaCheckCase.of(FfaCheck.SEND_PERMISSIONS_RESERVED, "data access 3",
                    s -> () -> s.send(FfaShareKind.LEND, P)
                            .to(S1, MemoryPermissions.of(DataAccess.RESERVED, InstructionAccess.NOT_SPECIFIED))
                            .of(ONE_PAGE).outcome()),
            FfaCheckCase.of(FfaCheck.SEND_INSTRUCTION_ACCESS_SPECIFIED, "a lend giving X",
                    s -> () -> s.send(FfaShareKind.LEND, P).to(S1, RW_X).of(ONE_PAGE).outcome()),
            FfaCheckCase.of(FfaCheck.SEND_SHARE_DATA_ACCESS_UNSPECIFIED, "a share without data access",
                    s -> () -> s.send(FfaShareKind.SHARE, P).to(S1, NONE).of(ONE_PAGE).outcome()),
            FfaCheckCase.of(FfaCheck.SEND_LEND_DATA_ACCESS_UNSPECIFIED, "a lend without data access",
                    s -> () -> s.send(FfaShareKind.LEND, P).to(S1, NONE).of(ONE_PAGE).outcome()),
            FfaCheckCase.of(FfaCheck.SEND_DONATE_DATA_ACCESS_SPECIFIED, "a donate giving RW",
                    s -> () -> s.send(FfaShareKind.DONATE, P).to(S1, RW).of(ONE_PAGE).outcome()),
            FfaCheckCase.of(FfaCheck.SEND_SECURITY_STATE, "the NS bit in the attributes",
                    s -> () -> lend(s).attributes(new MemoryAttributes(FfaSteps.UNSPECIFIED_TYPE.value()
                            | MemoryAttributes.SECURITY_BIT)).outcome()),
            FfaCheckCase.of(FfaCheck.SEND_MEMORY_TYPE_SPECIFIED, "a lend to one naming normal memory",
                    s -> () -> lend(s).attributes(NORMAL).outcome()),
            FfaCheckCase.of(FfaCheck.SEND_ATTRIBUTES, "a share of non-cacheable normal memory",
                    s -> () -> s.send(FfaShareKind.SHARE, P).to(S1, RW)
                            .attributes(MemoryAttributes.normal(MemoryAttributes.NON_CACHEABLE, Shareability.INNER))
                            .of(ONE_PAGE).outcome()),
            FfaCheckCase.of(FfaCheck.SEND_SHARE_STATES_FULL, "100 transactions already", s -> {
                s.f.map(P, MANY, 36, OWNED);
                for (int i = 0; i < 100; i++) {
                    long page = i < 64 ? PAGES + i * PAGE : MANY + (i - 64) * PAGE;
                    assertEquals(Handle.ofHypervisorSlot(i),
                            s.send(FfaShareKind.LEND, P).to(S1, RW).of(c(page, 1)).ok());
                }
                return () -> lend(s).of(c(MANY + 36 * PAGE, 1)).outcome();
            }),
            FfaCheckCase.of(FfaCheck.SEND_OVERLAP, "a page in two constituents",
                    s -> () -> lend(s).of(c(PAGES, 2), c(PAGES + PAGE, 1)).outcome()),
            FfaCheckCase.of(FfaCheck.SEND_PAGE_COUNT, "composite page count 100 for 3 pages", s -> {
                byte[] tx = s.send(FfaShareKind.LEND, P).to(S1, RW).of(TWO_AND_ONE).bytes();
                return () -> s.sendBytes(FfaShareKind.LEND, P, withU32(tx, 80, 100));
            }),
            // The first fragment ends with the composite header; its constituent comes in a
            // FRAG_TX, which completes the send and so meets the check, and frees the state.
            FfaCheckCase.of(FfaCheck.SEND_NO_CONSTITUENTS, "a first fragment without constituents", s -> {
                FfaSteps.Send send = lend(s);
                FfaOutcome first = send.firstFragment(send.bytes().length - FfaConstituent.SIZE);
                long handle = first.result().handle().orElseThrow();
                return () -> s.f.ffa.explaining().fragTx(P, handle, constituentBytes(PAGES, 1), 0);
            }).freesShareState(),
            FfaCheckCase.of(FfaCheck.SEND_UNALIGNED, "a constituent at a page + 1",
                    s -> () -> lend(s).of(c(PAGES + 1, 1)).outcome()),
            FfaCheckCase.of(FfaCheck.SEND_NOT_ONE_MODE, "a constituent running past the sender's memory",
                    s -> () -> lend(s).of(c(PAGES + 63 * PAGE, 2)).outcome()),
            // memshare compares every constituent (docs/ffa.md); Hafnium, in a single fragment,
            // would judge by the last constituent alone.
            FfaCheckCase.of(FfaCheck.SEND_MIXED_MODES, "a read-only page beside a RWX one, one fragment", s -> {
                s.f.map(P, PAGES + 10 * PAGE, 1, Mode.R);
                return () -> s.send(FfaShareKind.LEND, P).to(S1, RO).of(c(PAGES, 1), c(PAGES + 10 * PAGE, 1))
                        .outcome();
            }),
            // Across fragments Hafnium compares too: the FRAG_TX completes the send and fails it.
            FfaCheckCase.of(FfaCheck.SEND_MIXED_MODES, "a read-only page in the second fragment", s -> {
                s.f.map(P, PAGES + 10 * PAGE, 1, Mode.R);
                FfaSteps.Send send = s.send(FfaShareKind.LEND, P).to(S1, RO).of(c(PAGES, 1), c(PAGES + 10 * PAGE, 1));
                FfaOutcome first = send.firstFragment(send.bytes().length - FfaConstituent.SIZE);
                long handle = first.result().handle().orElseThrow();
                return () -> s.f.ffa.explaining().fragTx(P, handle, constituentBytes(PAGES + 10 * PAGE, 1), 0);
            }).freesShareState(),
            FfaCheckCase.of(FfaCheck.SEND_DEVICE_AS_NORMAL, "device memory shared as normal memory", s -> {
                s.f.map(P, PAGES, 1, DEVICE_RW);
                return () -> s.send(FfaShareKind.SHARE, P).to(S1, RW).of(ONE_PAGE).outcome();
            }),
            FfaCheckCase.of(FfaCheck.SEND_DEVICE_NOT_SINGLE_LEND, "device memory donated", s -> {
                s.f.map(P, PAGES, 1, DEVICE_RW);
                return () -> s.send(FfaShareKind.DONATE, P).to(S1, NONE).of(ONE_PAGE).outcome();
            }),
            FfaCheckCase.of(FfaCheck.SEND_NOT_OWNER_EXCLUSIVE, "memory already shared", s -> {
                s.send(FfaShareKind.SHARE, P).to(S1, RW).of(ONE_PAGE).ok();
                return () -> s.send(FfaShareKind.LEND, P).to(S2, RW).of(ONE_PAGE).outcome();
            }),
            FfaCheckCase.of(FfaCheck.SEND_CLEAR_WITHOUT_WRITE, "clear of memory the sender may only read", s -> {
                s.f.map(P, PAGES, 1, Mode.R);
                return () -> s.send(FfaShareKind.LEND, P).to(S1, RO).of(ONE_PAGE).flags(TransactionFlags.CLEAR).outcome();
            }),
            FfaCheckCase.of(FfaCheck.SEND_PERMISSIONS_EXCEED_SENDER, "RW of memory the sender may only read", s -> {
                s.f.map(P, PAGES, 1, Mode.R);
                return () -> lend(s).outcome();
            }),
            FfaCheckCase.of(FfaCheck.SEND_POLICY, "a policy refusing lends", s -> () -> lend(s).outcome())
                    .refusing(FfaRequest.Operation.SEND_LEND),
            // The fake arch's stage 2 reaches past a 32-bit PA; AArch64's stage 2 covers the PA
            // range exactly, so memory past it cannot be mapped and the check cannot be reached.
            FfaCheckCase.of(FfaCheck.SEND_BEYOND_PA_RANGE, "memory at 4 GiB with a 32-bit PA (fake arch only)", s -> {
                s.f.map(P, 0x1_0000_0000L, 1, OWNED);
                return () -> lend(s).of(c(0x1_0000_0000L, 1)).outcome();
            }).on(FfaSendChecksTest::with32BitPa).only(FfaFixture.Arch.FAKE),
            // One page lent out of a 2 MiB block: the block must be split, and the one free page
            // went to the descriptor copy.
            FfaCheckCase.of(FfaCheck.SEND_PREPARE_NO_MEMORY, "a block to split and no page for it", s -> {
                s.f.map(P, BLOCK, 512, OWNED);
                s.drainPoolTo(1);
                return () -> lend(s).of(c(BLOCK, 1)).outcome();
            }),
            FfaCheckCase.of(FfaCheck.SEND_CLEAR_NO_MEMORY, "clear with no page for the hypervisor's mapping", s -> {
                s.drainPoolTo(1);
                return () -> lend(s).flags(TransactionFlags.CLEAR).outcome();
            }),
            FfaCheckCase.of(FfaCheck.FRAG_TX_SENDER_ID, "sender id 1", s -> {
                long handle = partlySent(s);
                return () -> s.f.ffa.explaining().fragTx(P, handle, constituentBytes(PAGES + 2 * PAGE, 1), 1);
            }),
            FfaCheckCase.of(FfaCheck.FRAG_TX_LONGER_THAN_TX_BUFFER, "a 4112-byte fragment", s -> {
                long handle = partlySent(s);
                return () -> s.f.ffa.explaining().fragTx(P, handle, new byte[4112], 0);
            }),
            FfaCheckCase.of(FfaCheck.FRAG_TX_LENGTH, "an 8-byte fragment", s -> {
                long handle = partlySent(s);
                return () -> s.f.ffa.explaining().fragTx(P, handle, new byte[8], 0);
            }),
            FfaCheckCase.of(FfaCheck.FRAG_TX_COPY_NO_MEMORY, "an empty pool", s -> {
                long handle = partlySent(s);
                s.drainPoolTo(0);
                return () -> s.f.ffa.explaining().fragTx(P, handle, constituentBytes(PAGES + 2 * PAGE, 1), 0);
            }),
            FfaCheckCase.of(FfaCheck.FRAG_TX_OTHER_WORLD_HANDLE, "a handle without bit 63", s -> {
                partlySent(s);
                return () -> s.f.ffa.explaining().fragTx(P, 0, constituentBytes(PAGES + 2 * PAGE, 1), 0);
            }),
            FfaCheckCase.of(FfaCheck.FRAG_TX_UNKNOWN_HANDLE, "a free slot's handle", s -> {
                partlySent(s);
                return () -> s.f.ffa.explaining().fragTx(P, Handle.ofHypervisorSlot(5),
                        constituentBytes(PAGES + 2 * PAGE, 1), 0);
            }),
            FfaCheckCase.of(FfaCheck.FRAG_TX_NOT_SENDER, "service1 continuing the primary's send", s -> {
                long handle = partlySent(s);
                return () -> s.f.ffa.explaining().fragTx(S1, handle, constituentBytes(PAGES + 2 * PAGE, 1), 0);
            }),
            FfaCheckCase.of(FfaCheck.FRAG_TX_SEND_COMPLETE, "a send already complete", s -> {
                long handle = lent(s);
                return () -> s.f.ffa.explaining().fragTx(P, handle, constituentBytes(PAGES + 2 * PAGE, 1), 0);
            }),
            FfaCheckCase.of(FfaCheck.FRAG_TX_TOO_MANY_FRAGMENTS, "a 21st fragment", s -> {
                FfaSteps.Send send = s.send(FfaShareKind.LEND, P).to(S1, RW).of(FfaSteps.onePageEach(PAGES, 30));
                FfaOutcome first = send.firstFragment(96 + FfaConstituent.SIZE);
                long handle = first.result().handle().orElseThrow();
                for (int i = 1; i < 20; i++) {
                    FfaOutcome more = s.f.ffa.explaining().fragTx(P, handle, constituentBytes(PAGES + i * PAGE, 1), 0);
                    assertEquals(FfaResult.Function.MEM_FRAG_RX, more.result().function(), more::toString);
                }
                return () -> s.f.ffa.explaining().fragTx(P, handle, constituentBytes(PAGES + 20 * PAGE, 1), 0);
            }).freesShareState());

    /** A fake-arch machine with a 32-bit PA, the primary's and service1's memory mapped as {@link FfaFixture#boot} does. */
    private static FfaSteps with32BitPa(FfaFixture.Arch arch) {
        MachineResult created = Machines.create(MachineConfig.of(arch.pluginName, 32, 512, FfaFixture.VMS),
                FfaFixture.REGISTRY);
        FfaFixture f = FfaFixture.around(((MachineResult.Created) created).machine());
        f.map(P, FfaFixture.BASE, FfaFixture.OWNED_PAGES, OWNED);
        return FfaSteps.setUp(f, FfaVersion.COMPILED);
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
