package org.memshare.engine.ffa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Module;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.memshare.api.addr.IntermediatePhysicalAddress;
import org.memshare.api.addr.PhysicalAddress;
import org.memshare.api.arch.PageTableFormat;
import org.memshare.api.ffa.CompositeRegion;
import org.memshare.api.ffa.EndpointAccess;
import org.memshare.api.ffa.FfaConstituent;
import org.memshare.api.ffa.FfaDescriptorCodec;
import org.memshare.api.ffa.FfaError;
import org.memshare.api.ffa.FfaResult;
import org.memshare.api.ffa.FfaShareKind;
import org.memshare.api.ffa.FfaVersion;
import org.memshare.api.ffa.MemoryAttributes;
import org.memshare.api.ffa.MemoryPermissions;
import org.memshare.api.ffa.MemoryTransaction;
import org.memshare.api.ffa.Relinquish;
import org.memshare.api.ffa.TransactionFlags;
import org.memshare.api.mode.Mode;
import org.memshare.arch.aarch64.Aarch64ArchPlugin;
import org.memshare.arch.fake.FakeArchPlugin;
import org.memshare.engine.hypervisor.Hypervisor;
import org.memshare.engine.machine.FaultyPool;
import org.memshare.engine.machine.Machine;
import org.memshare.engine.machine.MachineConfig;
import org.memshare.engine.machine.MachineResult;
import org.memshare.engine.machine.Machines;
import org.memshare.engine.machine.Vm;
import org.memshare.engine.mm.EntryVisitor;
import org.memshare.engine.plugin.ArchRegistry;

/**
 * A machine for FF-A tests on one of the bundled arches, with descriptor builders and a snapshot
 * of everything a refused call must leave alone. VM 1 is the primary, VMs 2 to 4 secondaries;
 * VM 1 owns {@link #OWNED_PAGES} pages RWX from {@link #BASE}, VM 2 the same number from
 * {@link #BASE_2}.
 */
final class FfaFixture {
    /** The bundled arches every FF-A test runs on. */
    enum Arch {
        FAKE("fake"), AARCH64("aarch64");

        final String pluginName;

        Arch(String pluginName) {
            this.pluginName = pluginName;
        }
    }

    static final ArchRegistry REGISTRY = ArchRegistry.of(new FakeArchPlugin(), new Aarch64ArchPlugin());
    static final long PAGE = 0x1000;
    static final long BASE = 0x20_0000;
    static final long BASE_2 = 0x80_0000;
    static final int OWNED_PAGES = 64;
    static final int RWX = Mode.R | Mode.W | Mode.X;
    static final int UNMAPPED = Mode.INVALID | Mode.UNOWNED;
    static final int VMS = 4;

    /** A 2 MiB block VM 1 owns RWX, for steps that must split or merge blocks. */
    static final long BLOCK = 0x40_0000;
    static final int BLOCK_PAGES = 512;

    final Arch arch;
    final Machine machine;
    final Hypervisor hypervisor;
    final FfaMemory ffa;
    /** The pool's fault point: {@code faults.failAt(k)} makes the k-th allocation from now fail. */
    final FaultyPool faults;

    private FfaFixture(Arch arch, FaultyPool faults) {
        this.arch = arch;
        this.faults = faults;
        this.machine = faults.machine();
        this.hypervisor = new Hypervisor(machine);
        this.ffa = hypervisor.ffa();
    }

    static FfaFixture boot(Arch arch, Module... modules) {
        return boot(arch, 512, 40, modules);
    }

    /**
     * A machine of 4 VMs on {@code arch} with a pool of {@code poolPages} pages and a PA size of
     * {@code paBits}, the pool wrapped so that it fails on demand, VM 1 owning {@link #BASE} and
     * {@link #BLOCK}, VM 2 owning {@link #BASE_2}.
     */
    static FfaFixture boot(Arch arch, long poolPages, int paBits, Module... modules) {
        MachineResult result = Machines.create(MachineConfig.of(arch.pluginName, paBits, poolPages, VMS), REGISTRY,
                modules);
        MachineResult.Created created = assertInstanceOf(MachineResult.Created.class, result);
        FfaFixture f = new FfaFixture(arch, FaultyPool.wrap(created.machine()));
        f.map(1, BASE, OWNED_PAGES, RWX);
        f.map(1, BLOCK, BLOCK_PAGES, RWX);
        f.map(2, BASE_2, OWNED_PAGES, RWX);
        return f;
    }

    /** Maps {@code pages} pages of {@code vm} at {@code address} in {@code mode}, then defragments its table. */
    void map(int vm, long address, long pages, int mode) {
        Vm v = vm(vm);
        assertTrue(v.table().map(PhysicalAddress.of(address), PhysicalAddress.of(address + pages * PAGE), mode,
                machine.pool()), "map");
        v.table().defrag(machine.pool());
    }

    Vm vm(int id) {
        return machine.vm(id).orElseThrow();
    }

    /** The mode of {@code pages} pages at {@code address} in {@code vm}, or empty if not uniform. */
    OptionalInt mode(int vm, long address, long pages) {
        return vm(vm).table().mode(IntermediatePhysicalAddress.of(address),
                IntermediatePhysicalAddress.of(address + pages * PAGE));
    }

    /** Asserts the mode of every listed VM over {@code pages} pages at {@code address}: pairs of (vm, mode). */
    void assertModes(String when, long address, long pages, int... vmModePairs) {
        for (int i = 0; i < vmModePairs.length; i += 2) {
            int vm = vmModePairs[i];
            int expected = vmModePairs[i + 1];
            assertEquals(OptionalInt.of(expected), mode(vm, address, pages), when + ": VM " + vm + "'s mode, expected 0x"
                    + Integer.toHexString(expected) + " (" + Mode.describe(expected) + ")");
        }
    }

    /** The mode this arch's table reads back after {@code mode} was mapped (absent entries for an unmap). */
    int readBack(int mode) {
        if (Mode.isUnmapped(mode)) {
            return mode(4, 0x4000_0000L, 1).orElseThrow();
        }
        PageTableFormat format = machine.arch().format();
        return format.stage2AttrsToMode(format.modeToStage2Attrs(mode));
    }

    /** Asserts every listed VM's mode as read back: pairs of (vm, mode as mapped). */
    void assertMapped(String when, long address, long pages, int... vmModePairs) {
        int[] expected = vmModePairs.clone();
        for (int i = 1; i < expected.length; i += 2) {
            expected[i] = readBack(expected[i]);
        }
        assertModes(when, address, pages, expected);
    }

    /** Whether {@code vm} may {@code access} the byte at {@code address} through its stage 2. */
    boolean can(int vm, long address, Hypervisor.Access access) {
        return hypervisor.canAccess(vm, address, access);
    }

    // ---------------------------------------------------------------- descriptors

    static FfaConstituent c(long address, long pages) {
        return FfaConstituent.of(address, pages);
    }

    static EndpointAccess to(int vm, MemoryPermissions permissions) {
        return EndpointAccess.of(vm, permissions);
    }

    /** The default attributes for a send of {@code kind} to {@code receivers} borrowers, as the trace language's. */
    static int attributesFor(FfaShareKind kind, int receivers) {
        return kind == FfaShareKind.DONATE || (kind == FfaShareKind.LEND && receivers == 1)
                ? 0 : MemoryAttributes.NORMAL_WRITE_BACK_INNER.value();
    }

    /** A send descriptor in {@code version}'s layout, composite right after the receivers. */
    static byte[] sendTx(FfaVersion version, int sender, int flags, int attributes, long tag,
            List<EndpointAccess> receivers, List<FfaConstituent> constituents) {
        return FfaDescriptorCodec.encode(MemoryTransaction.laidOut(version, sender, new MemoryAttributes(attributes),
                new TransactionFlags(flags), 0, tag, receivers, Optional.of(CompositeRegion.of(constituents))), version);
    }

    /** A retrieve request in {@code version}'s layout. */
    static byte[] retrieveTx(FfaVersion version, int sender, long handle, int flags, int attributes, long tag,
            List<EndpointAccess> receivers) {
        return FfaDescriptorCodec.encode(MemoryTransaction.laidOut(version, sender, new MemoryAttributes(attributes),
                new TransactionFlags(flags), handle, tag, receivers, Optional.empty()), version);
    }

    static byte[] relinquishTx(long handle, int flags, int vm) {
        return FfaDescriptorCodec.encode(Relinquish.of(handle, flags, vm), FfaVersion.V1_2);
    }

    /** The permissions a retriever asks for by default, as the trace language's: RW+NX for a donate or single lend. */
    static MemoryPermissions retrievePermissions(FfaShareKind kind, int receivers) {
        return kind == FfaShareKind.DONATE || (kind == FfaShareKind.LEND && receivers == 1)
                ? MemoryPermissions.RW_NX : MemoryPermissions.RW;
    }

    /** The permissions a sender gives by default: RW for lend and share, unspecified for donate. */
    static MemoryPermissions sendPermissions(FfaShareKind kind) {
        return kind == FfaShareKind.DONATE ? MemoryPermissions.UNSPECIFIED : MemoryPermissions.RW;
    }

    // ---------------------------------------------------------------- calls

    /** Sends {@code constituents} from {@code sender} to {@code receivers} with the defaults, in the sender's version. */
    FfaOutcome send(FfaShareKind kind, int sender, List<FfaConstituent> constituents, int flags, int... receivers) {
        return send(kind, sender, constituents, flags, sendPermissions(kind), receivers);
    }

    /** Sends giving every receiver {@code permissions}. */
    FfaOutcome send(FfaShareKind kind, int sender, List<FfaConstituent> constituents, int flags,
            MemoryPermissions permissions, int... receivers) {
        List<EndpointAccess> list = new ArrayList<>();
        for (int r : receivers) {
            list.add(to(r, permissions));
        }
        FfaVersion version = ffa.version(sender).orElseThrow();
        byte[] tx = sendTx(version, sender, flags, attributesFor(kind, receivers.length), 0, list, constituents);
        return ffa.explaining().memSend(sender, kind, tx, tx.length);
    }

    /** Sends and asserts success; answers the handle. */
    long sendOk(FfaShareKind kind, int sender, List<FfaConstituent> constituents, int flags, int... receivers) {
        FfaOutcome outcome = send(kind, sender, constituents, flags, receivers);
        assertEquals(FfaResult.Function.SUCCESS, outcome.result().function(), outcome::toString);
        return outcome.result().handle().orElseThrow();
    }

    /** Retrieves {@code handle} as {@code vm} with the defaults, listing every borrower as the send did. */
    FfaOutcome retrieve(int vm, long handle, int sender, FfaShareKind kind, int flags, int... borrowers) {
        return retrieve(vm, handle, sender, kind, flags, retrievePermissions(kind, borrowers.length), borrowers);
    }

    /** Retrieves asking {@code permissions} for every borrower listed. */
    FfaOutcome retrieve(int vm, long handle, int sender, FfaShareKind kind, int flags, MemoryPermissions permissions,
            int... borrowers) {
        List<EndpointAccess> list = new ArrayList<>();
        for (int b : borrowers) {
            list.add(to(b, permissions));
        }
        FfaVersion version = ffa.version(vm).orElseThrow();
        byte[] tx = retrieveTx(version, sender, handle, flags, attributesFor(kind, borrowers.length), 0, list);
        return ffa.explaining().retrieveRequest(vm, tx, tx.length);
    }

    /** Retrieves, asserts a complete response, and releases the RX buffer; answers the response. */
    FfaResult retrieveOk(int vm, long handle, int sender, FfaShareKind kind, int... borrowers) {
        FfaOutcome outcome = retrieve(vm, handle, sender, kind, 0, borrowers);
        assertEquals(FfaResult.Function.MEM_RETRIEVE_RESP, outcome.result().function(), outcome::toString);
        assertEquals(FfaResult.Function.SUCCESS, ffa.rxRelease(vm).function());
        return outcome.result();
    }

    /**
     * A lend of {@code first + second} single pages of {@link #BLOCK} from VM 1 to VM 2 (RW, v1.2),
     * sent as a first fragment of {@code first} constituents and one FRAG_TX of {@code second};
     * asserts the FRAG_RX and the SUCCESS and answers the handle.
     */
    long lendInTwoFragments(int first, int second) {
        List<FfaConstituent> all = new ArrayList<>();
        for (int i = 0; i < first + second; i++) {
            all.add(c(BLOCK + i * PAGE, 1));
        }
        byte[] tx = sendTx(FfaVersion.V1_2, 1, 0, 0, 0, List.of(to(2, MemoryPermissions.RW)), all);
        int firstLength = 96 + 16 * first;
        FfaResult rx = ffa.memSend(1, FfaShareKind.LEND, Arrays.copyOf(tx, firstLength), tx.length);
        assertEquals(FfaResult.Function.MEM_FRAG_RX, rx.function(), rx::toString);
        assertEquals(firstLength, rx.w3(), "the next fragment's offset");
        FfaResult done = ffa.fragTx(1, rx.handle().orElseThrow(), Arrays.copyOfRange(tx, firstLength, tx.length), 0);
        assertEquals(FfaResult.Function.SUCCESS, done.function(), done::toString);
        return done.handle().orElseThrow();
    }

    FfaOutcome relinquish(int vm, long handle, int flags) {
        return ffa.explaining().relinquish(vm, relinquishTx(handle, flags, vm));
    }

    void relinquishOk(int vm, long handle) {
        FfaOutcome outcome = relinquish(vm, handle, 0);
        assertEquals(FfaResult.Function.SUCCESS, outcome.result().function(), outcome::toString);
    }

    FfaOutcome reclaim(int vm, long handle, int flags) {
        return ffa.explaining().reclaim(vm, handle, flags);
    }

    void reclaimOk(int vm, long handle) {
        FfaOutcome outcome = reclaim(vm, handle, 0);
        assertEquals(FfaResult.Function.SUCCESS, outcome.result().function(), outcome::toString);
    }

    /** Asserts {@code outcome} was refused by {@code check} with the check's error. */
    static void assertRefused(FfaCheck check, FfaOutcome outcome) {
        assertEquals(Optional.of(check), outcome.check(), outcome::toString);
        assertEquals(check.error(), outcome.result().error(), outcome::toString);
        if (check.abi() != FfaCheck.Abi.VERSION) {
            assertEquals(FfaResult.Function.ERROR, outcome.result().function());
            assertEquals(check.error().code(), outcome.result().w2());
        }
    }

    /** Asserts {@code outcome} failed with {@code error}. */
    static void assertError(FfaError error, FfaOutcome outcome) {
        assertEquals(error, outcome.result().error(), outcome::toString);
    }

    // ---------------------------------------------------------------- snapshots

    /** Everything a refused call must not change. */
    record Snapshot(Map<Integer, List<String>> tables, long freePages, int shareStates, Map<Integer, String> mailboxes,
            long memoryChecksum) {
    }

    Snapshot snapshot() {
        Map<Integer, List<String>> tables = new TreeMap<>();
        Map<Integer, String> mailboxes = new TreeMap<>();
        for (Vm vm : machine.vms()) {
            List<String> entries = new ArrayList<>();
            vm.table().visit((level, address, pte, kind) -> entries.add(level + ":" + Long.toHexString(address) + ":"
                    + (kind == EntryVisitor.Kind.TABLE ? "table" : Long.toHexString(pte))));
            tables.put(vm.id(), entries);
            vm.lock().lock();
            try {
                mailboxes.put(vm.id(), vm.mailbox().peek().map(m -> Arrays.toString(m.bytes())).orElse("empty"));
            } finally {
                vm.lock().unlock();
            }
        }
        // Memory changes only by clears, which zero whole pages: the first word of each page shows them.
        long checksum = 0;
        for (long a = BASE; a < BASE + OWNED_PAGES * PAGE; a += PAGE) {
            checksum = checksum * 31 + machine.memory().read64(PhysicalAddress.of(a));
        }
        return new Snapshot(tables, machine.pool().freeCount(), ffa.shareStatesInUse(), mailboxes, checksum);
    }

    /** Writes a distinct word at the start of every page of VM 1's memory, so a clear shows. */
    void fillPattern() {
        for (long a = BASE; a < BASE + OWNED_PAGES * PAGE; a += PAGE) {
            machine.memory().write64(PhysicalAddress.of(a), 0x5a5a_0000_0000_0000L | a);
        }
    }

    long word(long address) {
        return machine.memory().read64(PhysicalAddress.of(address));
    }
}
