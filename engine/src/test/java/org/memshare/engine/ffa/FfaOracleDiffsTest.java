package org.memshare.engine.ffa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.memshare.engine.ffa.FfaFixture.BASE;
import static org.memshare.engine.ffa.FfaFixture.c;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.memshare.api.addr.PhysicalAddress;
import org.memshare.api.ffa.EndpointAccess;
import org.memshare.api.ffa.FfaError;
import org.memshare.api.ffa.FfaResult;
import org.memshare.api.ffa.FfaShareKind;
import org.memshare.api.ffa.FfaVersion;
import org.memshare.api.ffa.MemoryPermissions;
import org.memshare.api.ffa.TransactionFlags;
import org.memshare.api.mode.Mode;
import org.memshare.engine.hypervisor.Hypervisor;
import org.memshare.engine.machine.Machine;
import org.memshare.engine.machine.MachineConfig;
import org.memshare.engine.machine.MachineResult;
import org.memshare.engine.machine.Machines;
import org.memshare.engine.mm.EntryVisitor;

/**
 * The differences the differential against Hafnium main built natively found in the engine
 * (/work/notes/ffa-diffs.md, section B, and the lead's decisions in its section D), each pinned
 * to what Hafnium itself answered for the trace in the comment.
 */
class FfaOracleDiffsTest {

    /**
     * B1: a retrieve request with any bit of the address-range hint (flag bits 8-5) is refused.
     * Hafnium ({@code ffa_memory_retrieve_validate}, "Bits 8-5 must be zero") for
     * <pre>
     * init arch=fake pool_pages=64 vms=2
     * map 1 0x200000 0x201000 0x7
     * mem_lend from=1 to=2 c=0x200000:1
     * mem_retrieve vm=2 handle=0x8000000000000000 from=1 type=lend flags=0x20   -> INVALID_PARAMETERS
     * </pre>
     * and the same for flags 0x40, 0x80, 0x100, 0x120 and 0x1e0; then the retrieve without a hint
     * succeeds (the refusals changed nothing).
     */
    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void b1EveryNonZeroAddressRangeHintIsRefused(FfaFixture.Arch arch) {
        FfaFixture f = FfaFixture.boot(arch);
        long handle = f.sendOk(FfaShareKind.LEND, 1, List.of(c(BASE, 1)), 0, 2);
        FfaFixture.Snapshot before = f.snapshot();
        for (int hint = 1; hint <= 15; hint++) {
            int flags = TransactionFlags.NONE.withTransactionType(FfaShareKind.LEND).value() | hint << 5;
            FfaOutcome outcome = f.retrieve(2, handle, 1, FfaShareKind.LEND, flags, 2);
            FfaFixture.assertRefused(FfaCheck.RETRIEVE_HINT, outcome);
            assertEquals(FfaError.INVALID_PARAMETERS, outcome.result().error());
            assertEquals(before, f.snapshot(), "hint " + hint + " changed something");
        }
        f.retrieveOk(2, handle, 1, FfaShareKind.LEND, 2);
        f.assertMapped("retrieved without a hint", BASE, 1, 2, Mode.R | Mode.W | Mode.UNOWNED);
    }

    /**
     * B2 (the lead's decision: FF-A follows Hafnium main): a clear maps the range into the
     * hypervisor's stage 1 and unmaps it, leaving the tables there for good. Hafnium for
     * <pre>
     * init arch=fake pool_pages=64 vms=2
     * map 1 0x40000000 0x40010000 0x7
     * pool                                               -> free 53
     * mem_lend from=1 to=2 flags=1 c=0x40000000:1        -> SUCCESS handle=0x8000000000000000
     * pool                                               -> free 50 (the descriptor's page, two tables)
     * dump s1                                            -> L2 0x40000000 table, L1 0x40000000 table, end
     * </pre>
     * and the reclaim with clear that follows costs nothing more (the tables are there).
     */
    @ParameterizedTest
    @EnumSource(value = FfaFixture.Arch.class, names = "FAKE")
    void b2AClearKeepsItsStage1TablesAsHafniumMainDoes(FfaFixture.Arch arch) {
        MachineResult created = Machines.create(MachineConfig.of(arch.pluginName, 41, 64, 2), FfaFixture.REGISTRY);
        Machine machine = assertInstanceOf(MachineResult.Created.class, created).machine();
        assertTrue(machine.vm(1).orElseThrow().table().map(PhysicalAddress.of(0x4000_0000L),
                PhysicalAddress.of(0x4001_0000L), Mode.R | Mode.W | Mode.X, machine.pool()));
        assertEquals(53, machine.pool().freeCount());
        FfaMemory ffa = new Hypervisor(machine).ffa();
        byte[] tx = FfaFixture.sendTx(FfaVersion.V1_2, 1, TransactionFlags.CLEAR, 0, 0,
                List.of(FfaFixture.to(2, MemoryPermissions.RW)), List.of(c(0x4000_0000L, 1)));
        FfaResult sent = ffa.memSend(1, FfaShareKind.LEND, tx, tx.length);
        assertEquals(FfaResult.Function.SUCCESS, sent.function(), sent::toString);
        assertEquals(50, machine.pool().freeCount());
        List<String> stage1 = new ArrayList<>();
        machine.hypervisorTable().visit((level, address, pte, kind) -> stage1.add("L" + level + " 0x"
                + Long.toHexString(address) + " " + (kind == EntryVisitor.Kind.TABLE ? "table" : "block")));
        assertEquals(List.of("L2 0x40000000 table", "L1 0x40000000 table"), stage1);
        assertEquals(FfaResult.Function.SUCCESS, ffa.reclaim(1, sent.handle().orElseThrow(), 1).function());
        assertEquals(51, machine.pool().freeCount(), "the descriptor's page came back; the tables stay");
    }

    /**
     * B2, the pool a clear maps with: Hafnium main's clear takes its stage-1 tables from the
     * per-CPU rollback pool, which holds the tables the sender's commit just freed. Hafnium for
     * <pre>
     * init arch=fake pool_pages=12 vms=2
     * map 1 0x200000 0x201000 0x7
     * map 1 0x201000 0x400000 0x7                   (512 pages under a level-0 table)
     * pool                                          -> free 1
     * mem_lend from=1 to=2 flags=1 c=0x200000:512   -> SUCCESS
     * pool                                          -> free 0
     * dump s1                                       -> L2 0x0 table, end
     * </pre>
     * The descriptor copy takes the last free page; the commit frees VM 1's level-0 table (the
     * 2 MiB become one invalid block), and the clear's level-1 table is that page.
     */
    @ParameterizedTest
    @EnumSource(value = FfaFixture.Arch.class, names = "FAKE")
    void b2AClearMapsWithTheTablesTheSendersCommitFreed(FfaFixture.Arch arch) {
        MachineResult created = Machines.create(MachineConfig.of(arch.pluginName, 41, 12, 2), FfaFixture.REGISTRY);
        Machine machine = assertInstanceOf(MachineResult.Created.class, created).machine();
        int rwx = Mode.R | Mode.W | Mode.X;
        assertTrue(machine.vm(1).orElseThrow().table().map(PhysicalAddress.of(0x20_0000), PhysicalAddress.of(0x20_1000),
                rwx, machine.pool()));
        assertTrue(machine.vm(1).orElseThrow().table().map(PhysicalAddress.of(0x20_1000), PhysicalAddress.of(0x40_0000),
                rwx, machine.pool()));
        assertEquals(1, machine.pool().freeCount());
        byte[] tx = FfaFixture.sendTx(FfaVersion.V1_2, 1, TransactionFlags.CLEAR, 0, 0,
                List.of(FfaFixture.to(2, MemoryPermissions.RW)), List.of(c(0x20_0000, 512)));
        FfaOutcome sent = new Hypervisor(machine).ffa().explaining().memSend(1, FfaShareKind.LEND, tx, tx.length);
        assertEquals(FfaResult.Function.SUCCESS, sent.result().function(), sent::toString);
        assertEquals(0, machine.pool().freeCount());
        List<String> stage1 = new ArrayList<>();
        machine.hypervisorTable().visit((level, address, pte, kind) -> stage1.add("L" + level + " 0x"
                + Long.toHexString(address) + " " + (kind == EntryVisitor.Kind.TABLE ? "table" : "block")));
        assertEquals(List.of("L2 0x0 table"), stage1, "the 2 MiB were mapped as one block and unmapped");
    }

    /**
     * B3: the order of the send's constituent checks is Hafnium's walk ({@code constituents_get_mode}:
     * per constituent the alignment, then one mode; later fragments compared with the first
     * fragment's last constituent), and memshare's comparison of the first fragment's constituents
     * with each other (deliberate difference 1) comes after it. Hafnium for (VM 3 owns
     * 0x30000000..0x30080000 with mode 0xf, 0xaf3060a000 is not mapped)
     * <pre>
     * mem_lend from=3 to=2 c=0xaf3060a000:1,0x30011000:1,0x30023000:1,0x3004c092:1   -> INVALID_PARAMETERS
     * mem_lend from=3 to=2 c=0x30011000:1,0xaf3060a000:1,0x30023000:1,0x3004c092:1   -> INVALID_PARAMETERS
     * </pre>
     * (memshare answered DENIED: it compared the second constituent before reaching the fourth).
     * Only a genuine mix still differs: {@code c=0x30011000:1,0xaf3060a000:1,0x30023000:1} is
     * SUCCESS in Hafnium (judged by the last constituent) and DENIED in memshare.
     */
    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void b3AnUnalignedConstituentAfterMixedOnesIsInvalidAsInHafnium(FfaFixture.Arch arch) {
        FfaFixture f = FfaFixture.boot(arch);
        f.map(3, 0x3000_0000L, 0x80, Mode.R | Mode.W | Mode.X | Mode.D);
        f.ffa.setVersion(3, FfaVersion.V1_2);
        FfaFixture.Snapshot before = f.snapshot();
        FfaOutcome unalignedLast = f.send(FfaShareKind.LEND, 3,
                List.of(c(0xaf_3060_a000L, 1), c(0x3001_1000L, 1), c(0x3002_3000L, 1), c(0x3004_c092L, 1)), 0, 2);
        FfaFixture.assertRefused(FfaCheck.SEND_UNALIGNED, unalignedLast);
        assertEquals("constituent 3 (0x3004c092:1)", unalignedLast.reason());
        FfaFixture.assertRefused(FfaCheck.SEND_UNALIGNED, f.send(FfaShareKind.LEND, 3,
                List.of(c(0x3001_1000L, 1), c(0xaf_3060_a000L, 1), c(0x3002_3000L, 1), c(0x3004_c092L, 1)), 0, 2));
        assertEquals(before, f.snapshot());
        // The genuine mix (deliberate difference 1): Hafnium lends; memshare refuses after the walk.
        FfaOutcome mixed = f.send(FfaShareKind.LEND, 3,
                List.of(c(0x3001_1000L, 1), c(0xaf_3060_a000L, 1), c(0x3002_3000L, 1)), 0, 2);
        FfaFixture.assertRefused(FfaCheck.SEND_MIXED_MODES, mixed);
        assertEquals("constituent 1 (0xaf3060a000:1)", mixed.reason());
        assertEquals(before, f.snapshot());
    }

    /**
     * A5 (the lead's decision: where Hafnium crashes, an FF-A error): a send of 0 bytes from a
     * v1.1+ caller makes Hafnium allocate a 0-page copy, which its allocator computes at a null
     * chunk (UBSan; a fault at EL2 on hardware); a v1.0 caller's copy is a page, and Hafnium
     * answers INVALID_PARAMETERS. memshare answers INVALID_PARAMETERS for every version (the
     * empty descriptor reads as zeros), takes no page and changes nothing. The oracle confirms
     * v1.0 ({@code ffa=1.0}, {@code mem_send type=lend vm=1 hex=}: INVALID_PARAMETERS, the pool
     * as before); for v1.1+ it crashes.
     */
    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void a5AnEmptySendIsInvalidForEveryVersion(FfaFixture.Arch arch) {
        FfaFixture f = FfaFixture.boot(arch);
        for (FfaVersion version : List.of(FfaVersion.V1_0, FfaVersion.V1_1, FfaVersion.V1_2)) {
            f.ffa.setVersion(1, version);
            FfaFixture.Snapshot before = f.snapshot();
            FfaOutcome outcome = f.ffa.explaining().memSend(1, FfaShareKind.LEND, new byte[0], 0);
            // Zeros: a v1.0 header with no receiver; a v1.1+ header with descriptor size 0.
            FfaFixture.assertRefused(version == FfaVersion.V1_0 ? FfaCheck.SEND_SANITY_RECEIVER_COUNT
                    : FfaCheck.SEND_SANITY_DESCRIPTOR_SIZE_OR_OFFSET, outcome);
            assertEquals(before, f.snapshot(), version + ": nothing changed, no page kept");
        }
    }

    /**
     * A8 (the lead's decision as A5): a receivers offset near 2^32 wraps Hafnium's 32-bit bound
     * check ({@code ffa_memory_region_sanity_check}), which then reads a receiver 4 GiB past the
     * descriptor (UBSan at ffa_memory.c:642 in the oracle; a wild read on hardware), for a send and
     * for a retrieve request alike. memshare keeps Hafnium's 32-bit check but reads zeros beyond
     * the descriptor (deliberate difference 6), so both answer INVALID_PARAMETERS and change
     * nothing. Not confirmable on the oracle (it crashes).
     */
    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void a8AReceiversOffsetThatWrapsIsInvalidNotAWildRead(FfaFixture.Arch arch) {
        FfaFixture f = FfaFixture.boot(arch);
        long handle = f.sendOk(FfaShareKind.LEND, 1, List.of(c(BASE, 1)), 0, 2, 3);
        FfaFixture.Snapshot before = f.snapshot();
        List<EndpointAccess> both = List.of(FfaFixture.to(2, MemoryPermissions.RW), FfaFixture.to(3, MemoryPermissions.RW));
        // Two 32-byte receivers from 0xffffffff end at 63 in 32 bits: inside the descriptor.
        byte[] retrieve = FfaFixture.retrieveTx(FfaVersion.V1_2, 1, handle, 0, 0x2f, 0, both);
        ByteBuffer.wrap(retrieve).order(ByteOrder.LITTLE_ENDIAN).putInt(32, 0xffff_ffff);
        FfaOutcome retrieved = f.ffa.explaining().retrieveRequest(3, retrieve, retrieve.length);
        // The zeros pass the sanity check; the request's length then disagrees with its receivers.
        FfaFixture.assertRefused(FfaCheck.RETRIEVE_LENGTH, retrieved);
        byte[] send = FfaFixture.sendTx(FfaVersion.V1_2, 1, 0, 0x2f, 0, both, List.of(c(BASE + 0x1000, 1)));
        ByteBuffer.wrap(send).order(ByteOrder.LITTLE_ENDIAN).putInt(32, 0xffff_ffff);
        FfaOutcome sent = f.ffa.explaining().memSend(1, FfaShareKind.LEND, send, send.length);
        // Receiver 0's composite offset, read beyond the descriptor, is 0.
        FfaFixture.assertRefused(FfaCheck.SEND_SANITY_COMPOSITE_OFFSET, sent);
        assertEquals(before, f.snapshot());
    }
}
