package org.memshare.engine.ffa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.memshare.api.ffa.CompositeRegion;
import org.memshare.api.ffa.EndpointAccess;
import org.memshare.api.ffa.FfaConstituent;
import org.memshare.api.ffa.FfaDescriptorCodec;
import org.memshare.api.ffa.FfaError;
import org.memshare.api.ffa.FfaResult;
import org.memshare.api.ffa.FfaShareKind;
import org.memshare.api.ffa.FfaVersion;
import org.memshare.api.ffa.MemoryAttributes;
import org.memshare.api.ffa.MemoryAttributes.MemoryType;
import org.memshare.api.ffa.MemoryAttributes.Shareability;
import org.memshare.api.ffa.MemoryPermissions;
import org.memshare.api.ffa.MemoryPermissions.DataAccess;
import org.memshare.api.ffa.MemoryPermissions.InstructionAccess;
import org.memshare.api.ffa.MemoryTransaction;
import org.memshare.api.ffa.Relinquish;
import org.memshare.api.ffa.TransactionFlags;
import org.memshare.api.mode.Mode;
import org.memshare.engine.hypervisor.Hypervisor.Access;

/**
 * The steps memory_sharing.c's tests take, for tests that reproduce them on an {@link FfaFixture}:
 * the parties by their role (the primary and the service VMs), descriptor builders with the fields
 * those tests set (permissions, impdef, attributes, flags, tag, layout), sending in as many
 * fragments as a 4 KiB TX buffer needs, retrieving through every FRAG_RX, the data the services
 * write and check, and each party's mode and access after a step.
 */
final class FfaSteps {
    /** Hafnium's primary VM (HF_PRIMARY_VM_ID). */
    static final int P = 1;
    /** The service VMs: service1, service2, service3. */
    static final int S1 = 2;
    static final int S2 = 3;
    static final int S3 = 4;

    static final MemoryPermissions NONE = MemoryPermissions.UNSPECIFIED;
    static final MemoryPermissions RO = MemoryPermissions.RO;
    static final MemoryPermissions RW = MemoryPermissions.RW;
    static final MemoryPermissions RO_NX = MemoryPermissions.RO_NX;
    static final MemoryPermissions RW_NX = MemoryPermissions.RW_NX;
    static final MemoryPermissions RO_X = MemoryPermissions.of(DataAccess.RO, InstructionAccess.X);
    static final MemoryPermissions RW_X = MemoryPermissions.of(DataAccess.RW, InstructionAccess.X);

    /** The attributes the tests write for "memory type not specified": write-back, inner shareable. */
    static final MemoryAttributes UNSPECIFIED_TYPE = MemoryAttributes.of(MemoryType.NOT_SPECIFIED,
            MemoryAttributes.WRITE_BACK, Shareability.INNER);
    static final MemoryAttributes NORMAL = MemoryAttributes.NORMAL_WRITE_BACK_INNER;
    static final MemoryAttributes DEVICE = MemoryAttributes.DEVICE_NGNRNE_INNER;

    static final long PAGE = FfaFixture.PAGE;
    /** The primary's pages (memory_sharing.c's {@code pages}). */
    static final long PAGES = FfaFixture.BASE;
    /** service1's own page (services/memory.c's {@code page}). */
    static final long S1_PAGE = FfaFixture.BASE_2;

    /** The primary's owned mode, and its modes as a lender, sharer and donor. */
    static final int OWNED = FfaFixture.RWX;
    static final int LENT = OWNED | Mode.INVALID;
    static final int SHARED_OWNER = OWNED | Mode.SHARED;
    static final int UNMAPPED = FfaFixture.UNMAPPED;
    /** Borrower modes. */
    static final int BORROWED_RW = Mode.R | Mode.W | Mode.UNOWNED;
    static final int BORROWED_RO = Mode.R | Mode.UNOWNED;
    static final int SHARED_RW = Mode.R | Mode.W | Mode.UNOWNED | Mode.SHARED;
    static final int SHARED_RO = Mode.R | Mode.UNOWNED | Mode.SHARED;

    final FfaFixture f;

    FfaSteps(FfaFixture f) {
        this.f = f;
    }

    /** A machine whose VMs all negotiate FF-A 1.3 first, as SET_UP(memory_sharing) does. */
    static FfaSteps setUp(FfaFixture.Arch arch) {
        return setUp(arch, FfaVersion.COMPILED);
    }

    /** The same with the primary negotiating {@code primary} (SET_UP(memory_sharing_v1_0), _v1_1). */
    static FfaSteps setUp(FfaFixture.Arch arch, FfaVersion primary) {
        return setUp(FfaFixture.boot(arch), primary);
    }

    private static FfaSteps setUp(FfaFixture f, FfaVersion primary) {
        FfaSteps s = new FfaSteps(f);
        for (int vm = P; vm <= FfaFixture.VMS; vm++) {
            s.negotiate(vm, vm == P ? primary : FfaVersion.COMPILED);
        }
        return s;
    }

    /** FFA_VERSION, answered with the compiled version. */
    void negotiate(int vm, FfaVersion version) {
        FfaResult answer = f.ffa.version(vm, version.encoded());
        assertEquals(FfaResult.Function.VERSION, answer.function(), answer::toString);
        assertEquals(FfaVersion.COMPILED.encoded(), answer.w0());
        assertEquals(Optional.of(version), f.ffa.version(vm));
    }

    static FfaConstituent c(long address, long pages) {
        return FfaConstituent.of(address, pages);
    }

    static List<FfaConstituent> region(FfaConstituent... constituents) {
        return List.of(constituents);
    }

    /** {@code count} one-page constituents from {@code address}, as the fragmented tests build them. */
    static List<FfaConstituent> onePageEach(long address, int count) {
        List<FfaConstituent> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            list.add(c(address + i * PAGE, 1));
        }
        return list;
    }

    /** A receiver entry with these permissions; no impdef (Hafnium's NULL impdef). */
    static EndpointAccess access(int vm, MemoryPermissions permissions) {
        return EndpointAccess.of(vm, permissions);
    }

    /** A receiver entry with impdef words {@code (first, second)} (ffa_memory_access_impdef_init). */
    static EndpointAccess access(int vm, MemoryPermissions permissions, long first, long second) {
        return EndpointAccess.of(vm, permissions).withImpdef(new EndpointAccess.Impdef(first, second));
    }

    /** The impdef memory_sharing.c's helpers write for a party: its id, then its id + 1. */
    static EndpointAccess.Impdef impdefOf(int vm) {
        return new EndpointAccess.Impdef(vm, vm + 1);
    }

    // ---------------------------------------------------------------- sending

    Send send(FfaShareKind kind, int sender) {
        return new Send(kind, sender);
    }

    /** A send descriptor as a test builds it, and the ways to send it. */
    final class Send {
        private final FfaShareKind kind;
        private final int caller;
        private final List<EndpointAccess> receivers = new ArrayList<>();
        private List<FfaConstituent> constituents = List.of();
        private int senderField;
        private int flags;
        private long tag;
        private MemoryAttributes attributes;
        private FfaVersion layout;

        private Send(FfaShareKind kind, int caller) {
            this.kind = kind;
            this.caller = caller;
            this.senderField = caller;
        }

        Send to(int vm, MemoryPermissions permissions) {
            receivers.add(access(vm, permissions));
            return this;
        }

        Send to(EndpointAccess receiver) {
            receivers.add(receiver);
            return this;
        }

        Send of(List<FfaConstituent> list) {
            this.constituents = List.copyOf(list);
            return this;
        }

        Send of(FfaConstituent... list) {
            return of(List.of(list));
        }

        /** The descriptor's sender field, when it is not the caller. */
        Send sender(int vm) {
            this.senderField = vm;
            return this;
        }

        Send flags(int value) {
            this.flags = value;
            return this;
        }

        Send tag(long value) {
            this.tag = value;
            return this;
        }

        Send attributes(MemoryAttributes value) {
            this.attributes = value;
            return this;
        }

        /** Lays the descriptor out as {@code version} does (default: the caller's version). */
        Send layout(FfaVersion version) {
            this.layout = version;
            return this;
        }

        FfaVersion layoutVersion() {
            return layout != null ? layout : f.ffa.version(caller).orElseThrow();
        }

        /** The attributes the tests use: type not specified for a donate and a lend to one, else normal. */
        private MemoryAttributes attributesOrDefault() {
            if (attributes != null) {
                return attributes;
            }
            return kind == FfaShareKind.DONATE || (kind == FfaShareKind.LEND && receivers.size() == 1)
                    ? UNSPECIFIED_TYPE : NORMAL;
        }

        MemoryTransaction transaction() {
            return MemoryTransaction.laidOut(layoutVersion(), senderField, attributesOrDefault(),
                    new TransactionFlags(flags), 0, tag, receivers, Optional.of(CompositeRegion.of(constituents)));
        }

        /** The whole descriptor, however long. */
        byte[] bytes() {
            return FfaDescriptorCodec.encode(transaction(), layoutVersion());
        }

        /** Sends the whole descriptor as one fragment. */
        FfaOutcome outcome() {
            byte[] tx = bytes();
            return f.ffa.explaining().memSend(caller, kind, tx, tx.length);
        }

        /** Sends the first {@code length} bytes of the descriptor, announcing its whole length. */
        FfaOutcome firstFragment(int length) {
            byte[] all = bytes();
            return f.ffa.explaining().memSend(caller, kind, Arrays.copyOf(all, length), all.length);
        }

        /** Sends as one fragment and asserts success; answers the handle. */
        long ok() {
            FfaOutcome outcome = outcome();
            assertEquals(FfaResult.Function.SUCCESS, outcome.result().function(), outcome::toString);
            return outcome.result().handle().orElseThrow();
        }

        /**
         * Sends as memory_sharing.c's helpers do: as many whole constituents as fit a 4 KiB TX
         * buffer in the first fragment, then FRAG_TX with up to 256 constituents each, checking every
         * FRAG_RX (handle, offset sent so far); answers the handle.
         */
        long fragmented() {
            byte[] all = bytes();
            long composite = transaction().compositeOffset();
            int first = (int) Math.min(all.length,
                    composite + CompositeRegion.HEADER_SIZE + (4096 - composite - CompositeRegion.HEADER_SIZE) / 16 * 16);
            return sendInPieces(all, first, 4096);
        }

        /**
         * Sends all but the last constituent first, then the last in a FRAG_TX, as
         * send_memory_and_retrieve_request_force_fragmented does; answers the handle.
         */
        long lastConstituentApart() {
            byte[] all = bytes();
            return sendInPieces(all, all.length - FfaConstituent.SIZE, FfaConstituent.SIZE);
        }

        private long sendInPieces(byte[] all, int first, int piece) {
            FfaOutcome outcome = f.ffa.explaining().memSend(caller, kind, Arrays.copyOf(all, first),
                    all.length);
            int sent = first;
            long handle = -1;
            while (sent < all.length) {
                assertEquals(FfaResult.Function.MEM_FRAG_RX, outcome.result().function(), outcome::toString);
                long fragHandle = outcome.result().handle().orElseThrow();
                if (handle != -1) {
                    assertEquals(handle, fragHandle, "every FRAG_RX names the same handle");
                }
                handle = fragHandle;
                assertEquals(sent, outcome.result().w3(), "FRAG_RX tells the length sent so far");
                int next = Math.min(piece, all.length - sent);
                outcome = f.ffa.explaining().fragTx(caller, handle,
                        Arrays.copyOfRange(all, sent, sent + next), 0);
                sent += next;
            }
            assertEquals(FfaResult.Function.SUCCESS, outcome.result().function(), outcome::toString);
            long done = outcome.result().handle().orElseThrow();
            if (handle != -1) {
                assertEquals(handle, done, "the send completes under the FRAG_RX handle");
            }
            return done;
        }
    }

    /** Sends {@code tx} as one fragment. */
    FfaOutcome sendBytes(FfaShareKind kind, int vm, byte[] tx) {
        return f.ffa.explaining().memSend(vm, kind, tx, tx.length);
    }

    /** A copy of {@code bytes} with the little-endian 32-bit word at {@code offset} set to {@code value}. */
    static byte[] withU32(byte[] bytes, int offset, long value) {
        byte[] copy = bytes.clone();
        for (int i = 0; i < 4; i++) {
            copy[offset + i] = (byte) (value >>> (8 * i));
        }
        return copy;
    }

    // ---------------------------------------------------------------- retrieving

    Retrieve retrieve(int vm, long handle, int sender) {
        return new Retrieve(vm, handle, sender);
    }

    /** A retrieve request as a service builds it from the message the primary sent it. */
    final class Retrieve {
        private final int caller;
        private final long handle;
        private final int sender;
        private final List<EndpointAccess> receivers = new ArrayList<>();
        private int flags;
        private long tag;
        private MemoryAttributes attributes = NORMAL;
        private FfaVersion layout;

        private Retrieve(int caller, long handle, int sender) {
            this.caller = caller;
            this.handle = handle;
            this.sender = sender;
        }

        Retrieve to(int vm, MemoryPermissions permissions) {
            receivers.add(access(vm, permissions));
            return this;
        }

        Retrieve to(EndpointAccess receiver) {
            receivers.add(receiver);
            return this;
        }

        Retrieve flags(int value) {
            this.flags = value;
            return this;
        }

        Retrieve tag(long value) {
            this.tag = value;
            return this;
        }

        Retrieve attributes(MemoryAttributes value) {
            this.attributes = value;
            return this;
        }

        Retrieve layout(FfaVersion version) {
            this.layout = version;
            return this;
        }

        FfaVersion layoutVersion() {
            return layout != null ? layout : f.ffa.version(caller).orElseThrow();
        }

        byte[] bytes() {
            FfaVersion version = layoutVersion();
            return FfaDescriptorCodec.encode(MemoryTransaction.laidOut(version, sender, attributes,
                    new TransactionFlags(flags), handle, tag, receivers, Optional.empty()), version);
        }

        FfaOutcome outcome() {
            byte[] tx = bytes();
            return f.ffa.explaining().retrieveRequest(caller, tx, tx.length);
        }

        /**
         * Retrieves as retrieve_memory does: the response, RX_RELEASE, then FRAG_RX from where each
         * piece stopped until the total length, releasing RX after each; answers the whole
         * response, every constituent in its composite.
         */
        MemoryTransaction ok() {
            FfaOutcome outcome = outcome();
            assertEquals(FfaResult.Function.MEM_RETRIEVE_RESP, outcome.result().function(), outcome::toString);
            int total = outcome.result().w1();
            int fragment = outcome.result().w2();
            byte[] rx = outcome.result().rxBytes();
            assertEquals(fragment, rx.length, "the RX buffer holds the fragment");
            FfaVersion version = f.ffa.version(caller).orElseThrow();
            MemoryTransaction response = FfaDescriptorCodec.decodeRetrieveResponse(rx, rx.length, version)
                    .accepted().orElseThrow();
            assertEquals(1, response.receiverCount(), "a response lists only the retriever");
            assertEquals(caller, response.receivers().get(0).receiver());
            releaseRx(caller);
            List<FfaConstituent> all = new ArrayList<>(response.composite().orElseThrow().constituents());
            int offset = fragment;
            while (offset < total) {
                FfaOutcome next = f.ffa.explaining().fragRx(caller, handle, offset, 0);
                assertEquals(FfaResult.Function.MEM_FRAG_TX, next.result().function(), next::toString);
                assertEquals(handle, next.result().handle().orElseThrow());
                int length = next.result().w3();
                assertTrue(length > 0, "a FRAG_TX carries constituents");
                all.addAll(FfaDescriptorCodec.decodeConstituents(next.result().rxBytes(), length).accepted()
                        .orElseThrow());
                offset += length;
                releaseRx(caller);
            }
            assertEquals(total, offset, "the fragments add up to the total length");
            CompositeRegion composite = response.composite().orElseThrow();
            return response.withComposite(Optional.of(new CompositeRegion(composite.totalPageCount(),
                    composite.constituentCount(), composite.reserved(), all)));
        }
    }

    void releaseRx(int vm) {
        FfaOutcome released = f.ffa.explaining().rxRelease(vm);
        assertEquals(FfaResult.Function.SUCCESS, released.result().function(), released::toString);
    }

    // ---------------------------------------------------------------- giving back

    FfaOutcome relinquish(int vm, long handle, int flags) {
        return f.relinquish(vm, handle, flags);
    }

    void relinquishOk(int vm, long handle) {
        relinquishOk(vm, handle, 0);
    }

    void relinquishOk(int vm, long handle, int flags) {
        FfaOutcome outcome = f.relinquish(vm, handle, flags);
        assertEquals(FfaResult.Function.SUCCESS, outcome.result().function(), outcome::toString);
    }

    FfaOutcome reclaim(int vm, long handle, int flags) {
        return f.reclaim(vm, handle, flags);
    }

    void reclaimOk(int vm, long handle) {
        f.reclaimOk(vm, handle);
    }

    // ---------------------------------------------------------------- refusals

    /** Asserts {@code call} is refused by {@code check} with its error, and changes nothing. */
    void refusedUnchanged(FfaCheck check, Supplier<FfaOutcome> call) {
        FfaFixture.Snapshot before = f.snapshot();
        FfaFixture.assertRefused(check, call.get());
        assertEquals(before, f.snapshot(), check + " changed nothing");
    }

    /**
     * Asserts {@code call} fails with {@code error} and changes nothing, whichever check refuses:
     * for refusals whose first failing check depends on the arch (on aarch64 an absent entry
     * reads back as device memory, as in Hafnium, so the device rules may refuse first).
     */
    void failsUnchanged(FfaError error, Supplier<FfaOutcome> call) {
        FfaFixture.Snapshot before = f.snapshot();
        FfaOutcome outcome = call.get();
        assertEquals(FfaResult.Function.ERROR, outcome.result().function(), outcome::toString);
        assertEquals(error, outcome.result().error(), outcome::toString);
        assertEquals(before, f.snapshot(), outcome + " changed nothing");
    }

    /**
     * memory_sharing.c's check_cannot_lend_memory and check_cannot_share_memory: {@code sender}
     * sends {@code region} by {@code kind} to itself, service1 and service2 (but {@code avoid}) with
     * every data access, instruction access, shareability and normal or device attribute, impdef
     * (vm, vm + 1); each answers DENIED or INVALID_PARAMETERS, and nothing changes.
     */
    void cannotSendAnyWay(FfaShareKind kind, int sender, List<FfaConstituent> region, int avoid) {
        FfaFixture.Snapshot before = f.snapshot();
        for (int vm : new int[] {sender, S1, S2}) {
            if (vm == avoid) {
                continue;
            }
            for (DataAccess data : DataAccess.values()) {
                for (InstructionAccess instruction : InstructionAccess.values()) {
                    for (Shareability shareability : Shareability.values()) {
                        for (MemoryType type : new MemoryType[] {MemoryType.NORMAL, MemoryType.DEVICE}) {
                            for (int cacheability = 0; cacheability < 4; cacheability++) {
                                FfaOutcome outcome = send(kind, sender)
                                        .to(access(vm, MemoryPermissions.of(data, instruction), vm, vm + 1))
                                        .of(region).attributes(MemoryAttributes.of(type, cacheability, shareability))
                                        .outcome();
                                assertDeniedOrInvalid(outcome);
                            }
                        }
                    }
                }
            }
        }
        assertEquals(before, f.snapshot(), "refused sends change nothing");
    }

    /** memory_sharing.c's check_cannot_donate_memory: a plain donate to each VM but {@code avoid} fails. */
    void cannotDonate(int sender, List<FfaConstituent> region, int avoid) {
        FfaFixture.Snapshot before = f.snapshot();
        for (int vm : new int[] {sender, S1, S2}) {
            if (vm != avoid) {
                assertDeniedOrInvalid(send(FfaShareKind.DONATE, sender).to(vm, NONE).of(region).outcome());
            }
        }
        assertEquals(before, f.snapshot(), "refused donates change nothing");
    }

    /** memory_sharing.c's check_cannot_relinquish_memory: the primary relinquishes naming each VM; all INVALID_PARAMETERS. */
    void cannotRelinquish(long handle) {
        FfaFixture.Snapshot before = f.snapshot();
        for (int vm : new int[] {P, S1, S2}) {
            byte[] tx = FfaDescriptorCodec.encode(Relinquish.of(handle, 0, vm), FfaVersion.V1_2);
            FfaFixture.assertError(FfaError.INVALID_PARAMETERS,
                    f.ffa.explaining().relinquish(P, tx));
        }
        assertEquals(before, f.snapshot(), "refused relinquishes change nothing");
    }

    static void assertDeniedOrInvalid(FfaOutcome outcome) {
        assertEquals(FfaResult.Function.ERROR, outcome.result().function(), outcome::toString);
        FfaError error = outcome.result().error();
        assertTrue(error == FfaError.DENIED
                || error == FfaError.INVALID_PARAMETERS, outcome::toString);
    }

    // ---------------------------------------------------------------- memory

    /** Writes {@code value} to every byte of {@code pages} pages from {@code address} as {@code vm}; it must have access. */
    void fill(int vm, long address, long pages, int value) {
        long word = (value & 0xffL) * 0x0101_0101_0101_0101L;
        for (long a = address; a < address + pages * PAGE; a += 8) {
            assertTrue(f.hypervisor.write(vm, a, word), "VM " + vm + " writes 0x" + Long.toHexString(a));
        }
    }

    /** Writes byte {@code i mod 256} at offset i of every page, as the tests' {@code ptr[i] = i} loops. */
    void fillIndex(int vm, long address, long pages) {
        for (long a = address; a < address + pages * PAGE; a += 8) {
            assertTrue(f.hypervisor.write(vm, a, indexWord(a)), "VM " + vm + " writes 0x" + Long.toHexString(a));
        }
    }

    /** Increments every byte of {@code pages} pages as {@code vm} (the services' {@code ++ptr[i]}); it must have RW. */
    void increment(int vm, long address, long pages) {
        for (long a = address; a < address + pages * PAGE; a += 8) {
            OptionalLong read = f.hypervisor.read(vm, a);
            assertTrue(read.isPresent(), "VM " + vm + " reads 0x" + Long.toHexString(a));
            assertTrue(f.hypervisor.write(vm, a, bytesPlus(read.getAsLong(), 1)),
                    "VM " + vm + " writes 0x" + Long.toHexString(a));
        }
    }

    /** Asserts every byte of {@code pages} pages reads {@code value} as {@code vm}. */
    void assertBytes(int vm, long address, long pages, int value) {
        long word = (value & 0xffL) * 0x0101_0101_0101_0101L;
        for (long a = address; a < address + pages * PAGE; a += 8) {
            assertEquals(OptionalLong.of(word), f.hypervisor.read(vm, a), "VM " + vm + " reads 0x" + Long.toHexString(a));
        }
    }

    /** Asserts every byte of {@code pages} pages holds {@code value} in physical memory, whoever may read it. */
    void assertPhysical(long address, long pages, int value) {
        long word = (value & 0xffL) * 0x0101_0101_0101_0101L;
        for (long a = address; a < address + pages * PAGE; a += 8) {
            assertEquals(word, f.word(a), "memory at 0x" + Long.toHexString(a));
        }
    }

    /** Asserts byte i of every page reads {@code i + plus} (mod 256) as {@code vm}. */
    void assertIndex(int vm, long address, long pages, int plus) {
        for (long a = address; a < address + pages * PAGE; a += 8) {
            assertEquals(OptionalLong.of(bytesPlus(indexWord(a), plus)), f.hypervisor.read(vm, a),
                    "VM " + vm + " reads 0x" + Long.toHexString(a));
        }
    }

    private static long indexWord(long address) {
        long word = 0;
        for (int b = 0; b < 8; b++) {
            word |= ((address + b) & 0xffL) << (8 * b);
        }
        return word;
    }

    /** Each byte of {@code word} plus {@code n}, wrapping within the byte. */
    static long bytesPlus(long word, int n) {
        long out = 0;
        for (int b = 0; b < 8; b++) {
            long value = ((word >>> (8 * b)) + n) & 0xff;
            out |= value << (8 * b);
        }
        return out;
    }

    // ---------------------------------------------------------------- modes and access

    /**
     * Asserts, for every constituent of {@code region}, each listed VM's mode as its table reads it
     * back, and that its access (read, write, execute) at the first and last byte is what that mode
     * grants: pairs of (vm, mode as mapped).
     */
    void expect(String when, List<FfaConstituent> region, int... vmModePairs) {
        for (FfaConstituent c : region) {
            f.assertMapped(when, c.address(), c.pageCount(), vmModePairs);
            for (int i = 0; i < vmModePairs.length; i += 2) {
                int vm = vmModePairs[i];
                int mode = f.readBack(vmModePairs[i + 1]);
                for (long at : new long[] {c.address(), c.address() + c.pageCount() * PAGE - 1}) {
                    for (Access access : Access.values()) {
                        boolean granted = (mode & Mode.INVALID) == 0 && (mode & bit(access)) != 0;
                        assertEquals(granted, f.can(vm, at, access), when + ": VM " + vm + " " + access + " at 0x"
                                + Long.toHexString(at) + " under mode 0x" + Integer.toHexString(mode));
                    }
                }
            }
        }
    }

    private static int bit(Access access) {
        return switch (access) {
            case READ -> Mode.R;
            case WRITE -> Mode.W;
            case EXECUTE -> Mode.X;
        };
    }

    /** Asserts {@code vm} faults on every kind of access to the byte at {@code address}. */
    void assertFaults(int vm, long address) {
        for (Access access : Access.values()) {
            assertFalse(f.can(vm, address, access), "VM " + vm + " " + access + " at 0x" + Long.toHexString(address));
        }
    }

    /** The granted permissions in a response's one receiver entry. */
    static MemoryPermissions granted(MemoryTransaction response) {
        return response.receivers().get(0).permissions();
    }
}
