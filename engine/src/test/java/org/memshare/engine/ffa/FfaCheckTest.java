package org.memshare.engine.ffa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.memshare.engine.ffa.FfaFixture.BASE;
import static org.memshare.engine.ffa.FfaFixture.BLOCK;
import static org.memshare.engine.ffa.FfaFixture.PAGE;
import static org.memshare.engine.ffa.FfaFixture.c;
import static org.memshare.engine.ffa.FfaFixture.retrieveTx;
import static org.memshare.engine.ffa.FfaFixture.sendTx;
import static org.memshare.engine.ffa.FfaFixture.to;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import com.google.inject.multibindings.Multibinder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.memshare.api.ffa.CompositeRegion;
import org.memshare.api.ffa.EndpointAccess;
import org.memshare.api.ffa.FfaConstituent;
import org.memshare.api.ffa.FfaDescriptorCodec;
import org.memshare.api.ffa.FfaResult;
import org.memshare.api.ffa.FfaShareKind;
import org.memshare.api.ffa.FfaVersion;
import org.memshare.api.ffa.HeaderReserved;
import org.memshare.api.ffa.MemoryAttributes;
import org.memshare.api.ffa.MemoryPermissions;
import org.memshare.api.ffa.MemoryTransaction;
import org.memshare.api.ffa.Relinquish;
import org.memshare.api.ffa.TransactionFlags;
import org.memshare.api.mode.Mode;
import org.memshare.api.policy.FfaRequest;
import org.memshare.api.policy.SharePolicy;
import org.memshare.api.policy.ShareRequest;

/**
 * One test per check of {@link FfaCheck}, named after it, on both arches: a scenario that reaches
 * the check and no further, the check's error (Hafnium's), and nothing changed: every VM's
 * table, the pool's free pages, the share states, the RX buffers and VM 1's memory are as they
 * were before the refused call (or, where Hafnium frees a partial send, as before that send).
 */
class FfaCheckTest {
    private static final FfaVersion V1_0 = FfaVersion.V1_0;
    private static final FfaVersion V1_1 = FfaVersion.V1_1;
    private static final FfaVersion V1_2 = FfaVersion.V1_2;
    private static final int NORMAL = MemoryAttributes.NORMAL_WRITE_BACK_INNER.value();
    private static final MemoryPermissions RW = MemoryPermissions.RW;
    private static final MemoryPermissions RO = MemoryPermissions.RO;
    private static final MemoryPermissions RW_NX = MemoryPermissions.RW_NX;
    private static final MemoryPermissions RO_NX = MemoryPermissions.RO_NX;

    /** A scenario: sets the machine up and answers the call to refuse. */
    @FunctionalInterface
    interface Scenario {
        Supplier<FfaOutcome> prepare(FfaFixture f);
    }

    /** What must be as it was after the refusal. */
    enum Since {
        /** The snapshot before the refused call. */
        CALL,
        /** The snapshot before the scenario's first FF-A call (Hafnium frees the partial send). */
        START
    }

    record Case(FfaCheck check, Function<FfaFixture.Arch, FfaFixture> boot, Scenario scenario, Since since) {
        @Override
        public String toString() {
            return check.name();
        }
    }

    private static final List<Case> CASES = new ArrayList<>();

    private static void add(FfaCheck check, Scenario scenario) {
        CASES.add(new Case(check, FfaFixture::boot, scenario, Since.CALL));
    }

    private static void addFromStart(FfaCheck check, Scenario scenario) {
        CASES.add(new Case(check, FfaFixture::boot, scenario, Since.START));
    }

    private static void addBooted(FfaCheck check, Function<FfaFixture.Arch, FfaFixture> boot, Scenario scenario) {
        CASES.add(new Case(check, boot, scenario, Since.CALL));
    }

    static Stream<Arguments> cases() {
        return CASES.stream().flatMap(c -> Arrays.stream(FfaFixture.Arch.values()).map(a -> Arguments.of(c, a)));
    }

    @ParameterizedTest(name = "{0} [{1}]")
    @MethodSource("cases")
    void refuses(Case c, FfaFixture.Arch arch) {
        FfaFixture f = c.boot().apply(arch);
        FfaFixture.Snapshot start = f.snapshot();
        Supplier<FfaOutcome> call = c.scenario().prepare(f);
        FfaFixture.Snapshot before = c.since() == Since.START ? start : f.snapshot();
        FfaOutcome outcome = call.get();
        f.faults.failAt(0);
        FfaFixture.assertRefused(c.check(), outcome);
        assertEquals(before, f.snapshot(), "the refusal changed something: " + outcome);
    }

    @Test
    void everyCheckHasATest() {
        Set<FfaCheck> missing = EnumSet.allOf(FfaCheck.class);
        CASES.forEach(c -> missing.remove(c.check()));
        assertEquals(Set.of(), missing, "checks without a test");
    }

    // ---------------------------------------------------------------- helpers

    /** {@code bytes} with the {@code width}-byte little-endian field at {@code offset} set to {@code value}. */
    static byte[] put(byte[] bytes, int offset, long value, int width) {
        byte[] copy = Arrays.copyOf(bytes, Math.max(bytes.length, offset + width));
        for (int i = 0; i < width; i++) {
            copy[offset + i] = (byte) (value >>> (8 * i));
        }
        return copy;
    }

    static byte[] pad(byte[] bytes, int length) {
        return Arrays.copyOf(bytes, length);
    }

    /** A v1.2 lend of one page from VM 1 to VM 2, giving RW: header 48, receiver 48-80, composite 80, constituent 96. */
    static byte[] lendTx() {
        return lendTx(V1_2, RW, c(BASE, 1));
    }

    static byte[] lendTx(FfaVersion version, MemoryPermissions permissions, FfaConstituent... constituents) {
        return sendTx(version, 1, 0, 0, 0, List.of(to(2, permissions)), List.of(constituents));
    }

    /** A v1.2 share of one page from VM 1 to VMs 2 and 3. */
    static byte[] shareTwoTx() {
        return sendTx(V1_2, 1, 0, NORMAL, 0, List.of(to(2, RW), to(3, RW)), List.of(c(BASE, 1)));
    }

    static FfaOutcome send(FfaFixture f, FfaShareKind kind, byte[] tx) {
        return f.ffa.explaining().memSend(1, kind, tx, tx.length);
    }

    static FfaOutcome sendPart(FfaFixture f, FfaShareKind kind, byte[] tx, int fragment) {
        return f.ffa.explaining().memSend(1, kind, Arrays.copyOf(tx, fragment), tx.length);
    }

    static long handleOf(FfaOutcome outcome) {
        return outcome.result().handle().orElseThrow(() -> new AssertionError("no handle: " + outcome));
    }

    /** A completed lend of {@code BASE}, one page, VM 1 to VM 2 (RW). */
    static long lent(FfaFixture f) {
        return handleOf(send(f, FfaShareKind.LEND, lendTx()));
    }

    /** The lend of {@link #lent}, retrieved by VM 2 (RW+NX) and its RX released. */
    static long lentAndRetrieved(FfaFixture f) {
        long handle = lent(f);
        FfaOutcome retrieved = retrieve(f, 2, lendRequest(handle));
        assertEquals(FfaResult.Function.MEM_RETRIEVE_RESP, retrieved.result().function(), retrieved::toString);
        f.ffa.rxRelease(2);
        return handle;
    }

    /** A lend of two pages in two constituents whose second constituent has not been sent (FRAG_RX pending). */
    static long partial(FfaFixture f) {
        byte[] tx = lendTx(V1_2, RW, c(BASE, 1), c(BASE + 2 * PAGE, 1));
        FfaOutcome first = sendPart(f, FfaShareKind.LEND, tx, tx.length - 16);
        assertEquals(FfaResult.Function.MEM_FRAG_RX, first.result().function(), first::toString);
        return handleOf(first);
    }

    /** VM 2's v1.2 request for the lend of {@link #lent}. */
    static byte[] lendRequest(long handle) {
        return request(V1_2, handle, 0, 0, to(2, RW_NX));
    }

    static byte[] request(FfaVersion version, long handle, int flags, int attributes, EndpointAccess... receivers) {
        return retrieveTx(version, 1, handle, flags, attributes, 0, List.of(receivers));
    }

    static FfaOutcome retrieve(FfaFixture f, int vm, byte[] tx) {
        return f.ffa.explaining().retrieveRequest(vm, tx, tx.length);
    }

    static byte[] relinquishTx(long handle, int flags, int... endpoints) {
        List<Integer> list = new ArrayList<>();
        for (int e : endpoints) {
            list.add(e);
        }
        return FfaDescriptorCodec.encode(new Relinquish(handle, flags, list), V1_2);
    }

    /** A fixture whose one policy refuses the FF-A steps {@code refused} and allows every other. */
    static FfaFixture refusing(FfaFixture.Arch arch, Set<FfaRequest.Operation> refused) {
        SharePolicy policy = new SharePolicy() {
            @Override
            public Optional<String> refusal(ShareRequest request) {
                return Optional.empty();
            }

            @Override
            public Optional<String> refusal(FfaRequest request) {
                return refused.contains(request.operation())
                        ? Optional.of("no " + request.operation() + " here") : Optional.empty();
            }
        };
        Module module = new AbstractModule() {
            @Override
            protected void configure() {
                Multibinder.newSetBinder(binder(), SharePolicy.class).addBinding().toInstance(policy);
            }
        };
        return FfaFixture.boot(arch, module);
    }

    static Function<FfaFixture.Arch, FfaFixture> refusing(FfaRequest.Operation... refused) {
        Set<FfaRequest.Operation> set = EnumSet.noneOf(FfaRequest.Operation.class);
        set.addAll(List.of(refused));
        return arch -> refusing(arch, set);
    }

    /** How many pool allocations {@code scenario}'s call makes on a fresh machine when nothing fails. */
    static long allocationsOf(FfaFixture.Arch arch, Scenario scenario) {
        FfaFixture f = FfaFixture.boot(arch);
        Supplier<FfaOutcome> call = scenario.prepare(f);
        f.faults.failAt(0);
        FfaOutcome outcome = call.get();
        assertEquals(Optional.empty(), outcome.check(), outcome::toString);
        return f.faults.allocations();
    }

    /** A v1.2 descriptor built field by field (for layouts the codec will not write). */
    static byte[] raw(int length, long... offsetValueWidth) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < offsetValueWidth.length; i += 3) {
            bytes = put(bytes, (int) offsetValueWidth[i], offsetValueWidth[i + 1], (int) offsetValueWidth[i + 2]);
        }
        return bytes;
    }

    // ---------------------------------------------------------------- the cases, in FfaCheck's order

    static {
        add(FfaCheck.NOT_A_VM, f -> () -> f.ffa.explaining().memSend(9, FfaShareKind.LEND, lendTx(), lendTx().length));

        add(FfaCheck.VERSION_BIT31, f -> () -> f.ffa.explaining().version(1, 0x8001_0002));
        add(FfaCheck.VERSION_INCOMPATIBLE, f -> () -> f.ffa.explaining().version(1, 0x1_0004));
        add(FfaCheck.VERSION_LOCKED, f -> {
            f.ffa.rxRelease(1);
            return () -> f.ffa.explaining().version(1, 0x1_0001);
        });

        add(FfaCheck.SEND_FRAGMENT_LONGER_THAN_TOTAL,
                f -> () -> f.ffa.explaining().memSend(1, FfaShareKind.LEND, lendTx(), lendTx().length - 16));
        add(FfaCheck.SEND_FRAGMENT_LONGER_THAN_TX_BUFFER, f -> () -> send(f, FfaShareKind.LEND, pad(lendTx(), 4112)));
        add(FfaCheck.SEND_COPY_NO_MEMORY, f -> {
            f.faults.failAt(1);
            return () -> send(f, FfaShareKind.LEND, lendTx());
        });
        add(FfaCheck.SEND_SANITY_V1_0_RESERVED, f -> {
            f.ffa.setVersion(1, V1_0);
            return () -> send(f, FfaShareKind.LEND, put(lendTx(V1_0, RW, c(BASE, 1)), 3, 1, 1));
        });
        add(FfaCheck.SEND_SANITY_RESERVED, f -> () -> send(f, FfaShareKind.LEND, put(lendTx(), 40, 1, 4)));
        add(FfaCheck.SEND_SANITY_DESCRIPTOR_SIZE_OR_OFFSET, f -> {
            f.ffa.setVersion(1, V1_1);
            return () -> send(f, FfaShareKind.LEND, lendTx());
        });
        add(FfaCheck.SEND_SANITY_RECEIVER_COUNT, f -> () -> send(f, FfaShareKind.LEND, put(lendTx(), 28, 3, 4)));
        add(FfaCheck.SEND_SANITY_RECEIVERS_BEYOND_FRAGMENT,
                f -> () -> send(f, FfaShareKind.LEND, put(lendTx(), 32, 4000, 4)));
        add(FfaCheck.SEND_SANITY_COMPOSITE_OFFSET, f -> () -> send(f, FfaShareKind.LEND, put(lendTx(), 52, 0, 4)));
        add(FfaCheck.SEND_SANITY_RECEIVER_RESERVED, f -> () -> send(f, FfaShareKind.LEND, put(lendTx(), 72, 1, 8)));
        add(FfaCheck.SEND_SANITY_COMPOSITE_OFFSETS_DIFFER,
                f -> () -> send(f, FfaShareKind.SHARE, put(shareTwoTx(), 80 + 4, 0x90, 4)));
        add(FfaCheck.SEND_V1_0_TOO_LARGE, f -> {
            f.ffa.setVersion(1, V1_0);
            List<FfaConstituent> many = new ArrayList<>();
            for (int i = 0; i < 251; i++) {
                many.add(c(BLOCK + i * PAGE, 1));
            }
            byte[] tx = sendTx(V1_0, 1, 0, NORMAL, 0, List.of(to(2, RW), to(3, RW)), many);
            return () -> send(f, FfaShareKind.SHARE, tx);
        });
        add(FfaCheck.SEND_V1_0_SCRATCH_NO_MEMORY, f -> {
            f.ffa.setVersion(1, V1_0);
            f.faults.failAt(2);
            return () -> send(f, FfaShareKind.LEND, lendTx(V1_0, RW, c(BASE, 1)));
        });
        add(FfaCheck.SEND_FLAGS, f -> () -> send(f, FfaShareKind.LEND,
                sendTx(V1_2, 1, TransactionFlags.CLEAR_ON_RELINQUISH, 0, 0, List.of(to(2, RW)), List.of(c(BASE, 1)))));
        add(FfaCheck.SEND_DONATE_RECEIVER_COUNT, f -> () -> send(f, FfaShareKind.DONATE,
                sendTx(V1_2, 1, 0, 0, 0, List.of(to(2, MemoryPermissions.UNSPECIFIED),
                        to(3, MemoryPermissions.UNSPECIFIED)), List.of(c(BASE, 1)))));
        add(FfaCheck.SEND_RECEIVER_NOT_A_VM_OR_SELF, f -> () -> send(f, FfaShareKind.LEND,
                sendTx(V1_2, 1, 0, 0, 0, List.of(to(1, RW)), List.of(c(BASE, 1)))));
        // Receivers at 80 (one 32-byte descriptor to 112) and the composite at 80, inside them: the
        // sanity check passes (composite offset >= 48 + 32) and the fragment is 16 bytes short.
        add(FfaCheck.SEND_FIRST_FRAGMENT_TOO_SHORT, f -> () -> send(f, FfaShareKind.LEND,
                raw(112, 0, 1, 2, 24, 32, 4, 28, 1, 4, 32, 80, 4, 80, 2, 2, 82, RW.value(), 1, 84, 80, 4)));
        add(FfaCheck.SEND_LENGTHS_NOT_16_ALIGNED,
                f -> () -> f.ffa.explaining().memSend(1, FfaShareKind.LEND, lendTx(), lendTx().length + 8));
        add(FfaCheck.SEND_CONVERTED_FRAGMENT_LONGER_THAN_TOTAL, f -> {
            f.ffa.setVersion(1, V1_0);
            byte[] tx = lendTx(V1_0, RW, c(BASE, 1));
            return () -> f.ffa.explaining().memSend(1, FfaShareKind.LEND, tx, 0xffff_fff0);
        });
        add(FfaCheck.SEND_SENDER_NOT_CALLER, f -> () -> send(f, FfaShareKind.LEND, put(lendTx(), 0, 2, 2)));
        add(FfaCheck.SEND_TOTAL_TOO_SHORT, f -> () -> send(f, FfaShareKind.LEND, Arrays.copyOf(lendTx(), 96)));
        add(FfaCheck.SEND_COMPOSITE_OFFSET, f -> {
            // The composite at 88: after the receivers, but not 16-aligned.
            MemoryTransaction tx = new MemoryTransaction(1, MemoryAttributes.UNSPECIFIED, TransactionFlags.NONE, 0, 0,
                    32, 48, HeaderReserved.ZERO, List.of(to(2, RW).withCompositeOffset(88)),
                    Optional.of(CompositeRegion.of(List.of(c(BASE, 1)))));
            return () -> send(f, FfaShareKind.LEND, pad(FfaDescriptorCodec.encode(tx, V1_2), 128));
        });
        add(FfaCheck.SEND_CONSTITUENT_COUNT, f -> () -> send(f, FfaShareKind.LEND, put(lendTx(), 84, 5, 4)));
        add(FfaCheck.SEND_FLAGS_OTHER_THAN_CLEAR, f -> () -> send(f, FfaShareKind.LEND,
                sendTx(V1_2, 1, TransactionFlags.TIME_SLICE, 0, 0, List.of(to(2, RW)), List.of(c(BASE, 1)))));
        add(FfaCheck.SEND_RECEIVER_REPEATED, f -> () -> send(f, FfaShareKind.SHARE,
                sendTx(V1_2, 1, 0, NORMAL, 0, List.of(to(2, RW), to(2, RW)), List.of(c(BASE, 1)))));
        add(FfaCheck.SEND_PERMISSIONS_RESERVED,
                f -> () -> send(f, FfaShareKind.LEND, lendTx(V1_2, new MemoryPermissions(3), c(BASE, 1))));
        add(FfaCheck.SEND_INSTRUCTION_ACCESS_SPECIFIED,
                f -> () -> send(f, FfaShareKind.LEND, lendTx(V1_2, RW_NX, c(BASE, 1))));
        add(FfaCheck.SEND_SHARE_DATA_ACCESS_UNSPECIFIED, f -> () -> send(f, FfaShareKind.SHARE,
                sendTx(V1_2, 1, 0, NORMAL, 0, List.of(to(2, MemoryPermissions.UNSPECIFIED)), List.of(c(BASE, 1)))));
        add(FfaCheck.SEND_LEND_DATA_ACCESS_UNSPECIFIED,
                f -> () -> send(f, FfaShareKind.LEND, lendTx(V1_2, MemoryPermissions.UNSPECIFIED, c(BASE, 1))));
        add(FfaCheck.SEND_DONATE_DATA_ACCESS_SPECIFIED,
                f -> () -> send(f, FfaShareKind.DONATE, lendTx(V1_2, RW, c(BASE, 1))));
        add(FfaCheck.SEND_SECURITY_STATE, f -> () -> send(f, FfaShareKind.LEND, put(lendTx(), 2, 0x80, 2)));
        add(FfaCheck.SEND_MEMORY_TYPE_SPECIFIED, f -> () -> send(f, FfaShareKind.LEND, put(lendTx(), 2, NORMAL, 2)));
        add(FfaCheck.SEND_ATTRIBUTES, f -> () -> send(f, FfaShareKind.SHARE, put(shareTwoTx(), 2,
                MemoryAttributes.normal(MemoryAttributes.NON_CACHEABLE, MemoryAttributes.Shareability.INNER).value(), 2)));
        add(FfaCheck.SEND_SHARE_STATES_FULL, f -> {
            for (int i = 0; i < ShareStateTable.CAPACITY; i++) {
                handleOf(send(f, FfaShareKind.LEND, lendTx(V1_2, RW, c(BLOCK + i * PAGE, 1))));
            }
            return () -> send(f, FfaShareKind.LEND, lendTx());
        });
        add(FfaCheck.SEND_OVERLAP,
                f -> () -> send(f, FfaShareKind.LEND, lendTx(V1_2, RW, c(BASE, 2), c(BASE + PAGE, 1))));
        add(FfaCheck.SEND_PAGE_COUNT, f -> () -> send(f, FfaShareKind.LEND, put(lendTx(), 80, 5, 4)));
        addFromStart(FfaCheck.SEND_NO_CONSTITUENTS, f -> {
            // The first fragment ends with the composite header; the constituent follows in FRAG_TX.
            byte[] tx = lendTx();
            return () -> {
                long handle = handleOf(sendPart(f, FfaShareKind.LEND, tx, 96));
                return f.ffa.explaining().fragTx(1, handle, Arrays.copyOfRange(tx, 96, 112), 0);
            };
        });
        add(FfaCheck.SEND_UNALIGNED, f -> () -> send(f, FfaShareKind.LEND, lendTx(V1_2, RW, c(BASE + 0x800, 1))));
        add(FfaCheck.SEND_NOT_ONE_MODE, f -> () -> send(f, FfaShareKind.LEND,
                lendTx(V1_2, RW, c(BASE + (FfaFixture.OWNED_PAGES - 1) * PAGE, 2))));
        add(FfaCheck.SEND_MIXED_MODES, f -> {
            f.map(1, BASE + PAGE, 1, Mode.R | Mode.W);
            return () -> send(f, FfaShareKind.LEND, lendTx(V1_2, RW, c(BASE, 1), c(BASE + PAGE, 1)));
        });
        add(FfaCheck.SEND_DEVICE_AS_NORMAL, f -> {
            f.map(1, BASE, 1, Mode.R | Mode.W | Mode.D);
            return () -> send(f, FfaShareKind.SHARE, shareTwoTx());
        });
        add(FfaCheck.SEND_DEVICE_NOT_SINGLE_LEND, f -> {
            f.map(1, BASE, 1, Mode.R | Mode.W | Mode.D);
            return () -> send(f, FfaShareKind.DONATE, lendTx(V1_2, MemoryPermissions.UNSPECIFIED, c(BASE, 1)));
        });
        add(FfaCheck.SEND_NOT_OWNER_EXCLUSIVE, f -> {
            lent(f);
            return () -> send(f, FfaShareKind.LEND, lendTx());
        });
        add(FfaCheck.SEND_CLEAR_WITHOUT_WRITE, f -> {
            f.map(1, BASE, 1, Mode.R);
            return () -> send(f, FfaShareKind.LEND, sendTx(V1_2, 1, TransactionFlags.CLEAR, 0, 0, List.of(to(2, RO)),
                    List.of(c(BASE, 1))));
        });
        add(FfaCheck.SEND_PERMISSIONS_EXCEED_SENDER, f -> {
            f.map(1, BASE, 1, Mode.R);
            return () -> send(f, FfaShareKind.LEND, lendTx());
        });
        addBooted(FfaCheck.SEND_POLICY, refusing(FfaRequest.Operation.SEND_LEND), f -> () -> send(f, FfaShareKind.LEND, lendTx()));
        addBooted(FfaCheck.SEND_BEYOND_PA_RANGE, arch -> FfaFixture.boot(arch, 512, arch == FfaFixture.Arch.FAKE ? 40 : 36),
                f -> {
                    long beyond = 1L << f.machine.config().archConfig().paBits();
                    f.map(1, beyond, 1, FfaFixture.RWX);
                    return () -> send(f, FfaShareKind.LEND, lendTx(V1_2, RW, c(beyond, 1)));
                });
        add(FfaCheck.SEND_PREPARE_NO_MEMORY, f -> {
            f.faults.failAt(2);
            return () -> send(f, FfaShareKind.LEND, lendTx(V1_2, RW, c(BLOCK, 1)));
        });
        CASES.add(new Case(FfaCheck.SEND_CLEAR_NO_MEMORY, FfaFixture::boot, f -> {
            byte[] plain = lendTx(V1_2, RW, c(BLOCK, 1));
            long before = allocationsOf(f.arch, g -> () -> send(g, FfaShareKind.LEND, plain));
            f.faults.failAt(before + 1);
            return () -> send(f, FfaShareKind.LEND, sendTx(V1_2, 1, TransactionFlags.CLEAR, 0, 0, List.of(to(2, RW)),
                    List.of(c(BLOCK, 1))));
        }, Since.CALL));

        add(FfaCheck.FRAG_TX_SENDER_ID, f -> {
            long handle = partial(f);
            return () -> f.ffa.explaining().fragTx(1, handle, FfaDescriptorCodec.encodeConstituents(
                    List.of(c(BASE + 2 * PAGE, 1))), 1);
        });
        add(FfaCheck.FRAG_TX_LONGER_THAN_TX_BUFFER, f -> {
            long handle = partial(f);
            return () -> f.ffa.explaining().fragTx(1, handle, new byte[4112], 0);
        });
        add(FfaCheck.FRAG_TX_LENGTH, f -> {
            long handle = partial(f);
            return () -> f.ffa.explaining().fragTx(1, handle, new byte[24], 0);
        });
        add(FfaCheck.FRAG_TX_COPY_NO_MEMORY, f -> {
            long handle = partial(f);
            f.faults.failAt(1);
            return () -> f.ffa.explaining().fragTx(1, handle, new byte[16], 0);
        });
        add(FfaCheck.FRAG_TX_OTHER_WORLD_HANDLE, f -> {
            partial(f);
            return () -> f.ffa.explaining().fragTx(1, 0, new byte[16], 0);
        });
        add(FfaCheck.FRAG_TX_UNKNOWN_HANDLE, f -> {
            long handle = partial(f);
            return () -> f.ffa.explaining().fragTx(1, handle + 1, new byte[16], 0);
        });
        add(FfaCheck.FRAG_TX_NOT_SENDER, f -> {
            long handle = partial(f);
            return () -> f.ffa.explaining().fragTx(2, handle, new byte[16], 0);
        });
        add(FfaCheck.FRAG_TX_SEND_COMPLETE, f -> {
            long handle = lent(f);
            return () -> f.ffa.explaining().fragTx(1, handle, new byte[16], 0);
        });
        addFromStart(FfaCheck.FRAG_TX_TOO_MANY_FRAGMENTS, f -> {
            List<FfaConstituent> many = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                many.add(c(BLOCK + 2 * i * PAGE, 1));
            }
            byte[] tx = lendTx(V1_2, RW, many.toArray(new FfaConstituent[0]));
            return () -> {
                long handle = handleOf(sendPart(f, FfaShareKind.LEND, tx, 96 + 16));
                FfaOutcome last = null;
                for (int i = 1; i <= Context.MAX_FRAGMENTS; i++) {
                    byte[] next = Arrays.copyOfRange(tx, 96 + 16 * i, 96 + 16 * (i + 1));
                    last = f.ffa.explaining().fragTx(1, handle, next, 0);
                }
                return last;
            };
        });

        add(FfaCheck.RETRIEVE_FRAGMENTED, f -> {
            long handle = lent(f);
            byte[] tx = lendRequest(handle);
            return () -> f.ffa.explaining().retrieveRequest(2, tx, tx.length + 16);
        });
        add(FfaCheck.RETRIEVE_TOO_LONG, f -> {
            long handle = lent(f);
            return () -> retrieve(f, 2, pad(lendRequest(handle), 4112));
        });
        add(FfaCheck.RETRIEVE_RX_BUSY, f -> {
            long handle = lent(f);
            retrieve(f, 2, lendRequest(handle));
            return () -> retrieve(f, 2, lendRequest(handle));
        });
        add(FfaCheck.RETRIEVE_SANITY_V1_0_RESERVED, f -> {
            long handle = lent(f);
            f.ffa.setVersion(2, V1_0);
            return () -> retrieve(f, 2, put(request(V1_0, handle, 0, 0, to(2, RW_NX)), 24, 1, 4));
        });
        add(FfaCheck.RETRIEVE_SANITY_RESERVED, f -> {
            long handle = lent(f);
            return () -> retrieve(f, 2, put(lendRequest(handle), 44, 1, 4));
        });
        add(FfaCheck.RETRIEVE_SANITY_DESCRIPTOR_SIZE_OR_OFFSET, f -> {
            long handle = lent(f);
            return () -> retrieve(f, 2, put(lendRequest(handle), 32, 40, 4));
        });
        add(FfaCheck.RETRIEVE_SANITY_RECEIVER_COUNT, f -> {
            long handle = lent(f);
            return () -> retrieve(f, 2, put(lendRequest(handle), 28, 3, 4));
        });
        add(FfaCheck.RETRIEVE_SANITY_RECEIVERS_BEYOND_FRAGMENT, f -> {
            long handle = lent(f);
            return () -> retrieve(f, 2, put(lendRequest(handle), 32, 4000, 4));
        });
        add(FfaCheck.RETRIEVE_SANITY_COMPOSITE_OFFSET, f -> {
            long handle = lent(f);
            return () -> retrieve(f, 2, put(lendRequest(handle), 52, 80, 4));
        });
        add(FfaCheck.RETRIEVE_SANITY_RECEIVER_RESERVED, f -> {
            long handle = lent(f);
            return () -> retrieve(f, 2, put(lendRequest(handle), 72, 1, 8));
        });
        add(FfaCheck.RETRIEVE_SANITY_COMPOSITE_OFFSETS_DIFFER, f -> {
            long handle = handleOf(send(f, FfaShareKind.SHARE, shareTwoTx()));
            return () -> retrieve(f, 2, put(request(V1_2, handle, 0, NORMAL, to(2, RW), to(3, RW)), 80 + 4, 16, 4));
        });
        add(FfaCheck.RETRIEVE_V1_0_SCRATCH_NO_MEMORY, f -> {
            long handle = lent(f);
            f.ffa.setVersion(2, V1_0);
            f.faults.failAt(1);
            return () -> retrieve(f, 2, request(V1_0, handle, 0, 0, to(2, RW_NX)));
        });
        add(FfaCheck.RETRIEVE_HYPERVISOR_REQUEST_FIELDS, f -> {
            long handle = lent(f);
            return () -> retrieve(f, 2, raw(48, 0, 1, 2, 8, handle, 8));
        });
        add(FfaCheck.RETRIEVE_OTHER_WORLD_HANDLE, f -> {
            lent(f);
            return () -> retrieve(f, 2, lendRequest(0x5));
        });
        add(FfaCheck.RETRIEVE_UNKNOWN_HANDLE, f -> {
            long handle = lent(f);
            return () -> retrieve(f, 2, lendRequest(handle + 1));
        });
        add(FfaCheck.RETRIEVE_HYPERVISOR_REQUEST, f -> {
            long handle = lent(f);
            return () -> retrieve(f, 2, raw(48, 8, handle, 8));
        });
        add(FfaCheck.RETRIEVE_NOT_FULLY_SENT, f -> {
            long handle = partial(f);
            return () -> retrieve(f, 2, lendRequest(handle));
        });
        add(FfaCheck.RETRIEVE_LENGTH, f -> {
            long handle = lent(f);
            return () -> retrieve(f, 2, pad(lendRequest(handle), 96));
        });
        add(FfaCheck.RETRIEVE_SENDER_MISMATCH, f -> {
            long handle = lent(f);
            return () -> retrieve(f, 2, put(lendRequest(handle), 0, 3, 2));
        });
        add(FfaCheck.RETRIEVE_TRANSACTION_TYPE, f -> {
            long handle = lent(f);
            return () -> retrieve(f, 2, request(V1_2, handle, 1 << 3, 0, to(2, RW_NX)));
        });
        add(FfaCheck.RETRIEVE_TAG, f -> {
            long handle = lent(f);
            return () -> retrieve(f, 2, put(lendRequest(handle), 16, 7, 8));
        });
        add(FfaCheck.RETRIEVE_CALLER_NOT_BORROWER, f -> {
            long handle = lent(f);
            return () -> retrieve(f, 3, request(V1_2, handle, 0, 0, to(3, RW_NX)));
        });
        add(FfaCheck.RETRIEVE_HINT_VALID, f -> {
            long handle = lent(f);
            return () -> retrieve(f, 2, request(V1_2, handle, TransactionFlags.HINT_VALID, 0, to(2, RW_NX)));
        });
        add(FfaCheck.RETRIEVE_HINT, f -> {
            long handle = lent(f);
            return () -> retrieve(f, 2, request(V1_2, handle, 1 << 5, 0, to(2, RW_NX)));
        });
        add(FfaCheck.RETRIEVE_FLAGS_MBZ, f -> {
            long handle = lent(f);
            return () -> retrieve(f, 2, request(V1_2, handle, 1 << 11, 0, to(2, RW_NX)));
        });
        add(FfaCheck.RETRIEVE_CLEAR_ON_SHARE, f -> {
            long handle = handleOf(send(f, FfaShareKind.SHARE, shareTwoTx()));
            return () -> retrieve(f, 2, request(V1_2, handle, TransactionFlags.CLEAR_ON_RELINQUISH, NORMAL,
                    to(2, RW), to(3, RW)));
        });
        add(FfaCheck.RETRIEVE_CLEAR_NOT_SENT, f -> {
            long handle = lent(f);
            return () -> retrieve(f, 2, request(V1_2, handle, TransactionFlags.CLEAR, 0, to(2, RW_NX)));
        });
        add(FfaCheck.RETRIEVE_SECURITY_STATE, f -> {
            long handle = lent(f);
            return () -> retrieve(f, 2, request(V1_2, handle, 0, MemoryAttributes.SECURITY_BIT, to(2, RW_NX)));
        });
        add(FfaCheck.RETRIEVE_ATTRIBUTES, f -> {
            long handle = lent(f);
            int outer = MemoryAttributes.normal(MemoryAttributes.WRITE_BACK, MemoryAttributes.Shareability.OUTER).value();
            return () -> retrieve(f, 2, request(V1_2, handle, 0, outer, to(2, RW_NX)));
        });
        add(FfaCheck.RETRIEVE_RECEIVER_COUNT_MISMATCH, f -> {
            long handle = handleOf(send(f, FfaShareKind.SHARE, shareTwoTx()));
            return () -> retrieve(f, 2, request(V1_2, handle, 0, NORMAL, to(2, RW)));
        });
        add(FfaCheck.RETRIEVE_BYPASS_RECEIVER_COUNT, f -> {
            long handle = handleOf(send(f, FfaShareKind.SHARE, shareTwoTx()));
            return () -> retrieve(f, 2, request(V1_2, handle, TransactionFlags.BYPASS_BORROWERS_CHECK, NORMAL,
                    to(2, RW), to(3, RW)));
        });
        add(FfaCheck.RETRIEVE_BYPASS_SINGLE_BORROWER, f -> {
            long handle = lent(f);
            return () -> retrieve(f, 2, request(V1_2, handle, TransactionFlags.BYPASS_BORROWERS_CHECK, 0, to(2, RW_NX)));
        });
        add(FfaCheck.RETRIEVE_RECEIVER_NOT_BORROWER, f -> {
            long handle = handleOf(send(f, FfaShareKind.SHARE, shareTwoTx()));
            return () -> retrieve(f, 2, request(V1_2, handle, 0, NORMAL, to(2, RW), to(4, RW)));
        });
        add(FfaCheck.RETRIEVE_DATA_ACCESS, f -> {
            long handle = handleOf(send(f, FfaShareKind.LEND, lendTx(V1_2, RO, c(BASE, 1))));
            return () -> retrieve(f, 2, lendRequest(handle));
        });
        add(FfaCheck.RETRIEVE_SHARE_INSTRUCTION_ACCESS, f -> {
            long handle = handleOf(send(f, FfaShareKind.SHARE, shareTwoTx()));
            return () -> retrieve(f, 2, request(V1_2, handle, 0, NORMAL, to(2, RW_NX), to(3, RW)));
        });
        add(FfaCheck.RETRIEVE_MULTI_LEND_INSTRUCTION_ACCESS, f -> {
            long handle = handleOf(send(f, FfaShareKind.LEND, shareTwoTx()));
            return () -> retrieve(f, 2, request(V1_2, handle, 0, NORMAL, to(2, RW_NX), to(3, RW)));
        });
        add(FfaCheck.RETRIEVE_INSTRUCTION_ACCESS_UNSPECIFIED, f -> {
            long handle = lent(f);
            return () -> retrieve(f, 2, request(V1_2, handle, 0, 0, to(2, RW)));
        });
        add(FfaCheck.RETRIEVE_INSTRUCTION_ACCESS, f -> {
            long handle = lent(f);
            return () -> retrieve(f, 2, request(V1_2, handle, 0, 0, to(2, new MemoryPermissions(0xe))));
        });
        add(FfaCheck.RETRIEVE_CLEAR_READ_ONLY, f -> {
            long handle = lent(f);
            return () -> retrieve(f, 2, request(V1_2, handle, TransactionFlags.CLEAR_ON_RELINQUISH, 0, to(2, RO_NX)));
        });
        add(FfaCheck.RETRIEVE_IMPDEF, f -> {
            byte[] tx = put(lendTx(), 56, 0x1234, 8);
            long handle = handleOf(send(f, FfaShareKind.LEND, tx));
            return () -> retrieve(f, 2, lendRequest(handle));
        });
        add(FfaCheck.RETRIEVE_CALLER_NOT_IN_REQUEST, f -> {
            long handle = handleOf(send(f, FfaShareKind.SHARE, shareTwoTx()));
            return () -> retrieve(f, 2, request(V1_2, handle, TransactionFlags.BYPASS_BORROWERS_CHECK, NORMAL, to(3, RW)));
        });
        add(FfaCheck.RETRIEVE_DEVICE_AS_NORMAL, f -> {
            f.map(1, BASE, 1, Mode.R | Mode.W | Mode.D);
            long handle = lent(f);
            return () -> retrieve(f, 2, request(V1_2, handle, 0, NORMAL, to(2, RW_NX)));
        });
        add(FfaCheck.RETRIEVE_RESPONSE_TOO_LARGE, f -> {
            // A v1.1 sender's first fragment of 4 KiB holds 251 constituents; a v1.2 response has room for 250.
            f.ffa.setVersion(1, V1_1);
            List<FfaConstituent> many = new ArrayList<>();
            for (int i = 0; i < 251; i++) {
                many.add(c(BLOCK + i * PAGE, 1));
            }
            long handle = handleOf(send(f, FfaShareKind.LEND, lendTx(V1_1, RW, many.toArray(new FfaConstituent[0]))));
            return () -> retrieve(f, 2, lendRequest(handle));
        });
        add(FfaCheck.RETRIEVE_NOT_ONE_MODE, f -> {
            long handle = handleOf(send(f, FfaShareKind.LEND, lendTx(V1_2, RW, c(BASE, 2))));
            f.map(2, BASE, 1, Mode.R);
            return () -> retrieve(f, 2, lendRequest(handle));
        });
        add(FfaCheck.RETRIEVE_MIXED_MODES, f -> {
            long handle = handleOf(send(f, FfaShareKind.LEND, lendTx(V1_2, RW, c(BASE, 1), c(BASE + 2 * PAGE, 1))));
            f.map(2, BASE + 2 * PAGE, 1, Mode.R);
            return () -> retrieve(f, 2, lendRequest(handle));
        });
        add(FfaCheck.RETRIEVE_NOT_UNMAPPED, f -> {
            long handle = lentAndRetrieved(f);
            return () -> retrieve(f, 2, lendRequest(handle));
        });
        addBooted(FfaCheck.RETRIEVE_POLICY, refusing(FfaRequest.Operation.RETRIEVE), f -> {
            long handle = lent(f);
            return () -> retrieve(f, 2, lendRequest(handle));
        });
        add(FfaCheck.RETRIEVE_PREPARE_NO_MEMORY, f -> {
            long handle = lent(f);
            f.faults.failAt(1);
            return () -> retrieve(f, 2, lendRequest(handle));
        });

        add(FfaCheck.FRAG_RX_SENDER_ID, f -> {
            long handle = lent(f);
            return () -> f.ffa.explaining().fragRx(2, handle, 0, 1);
        });
        add(FfaCheck.FRAG_RX_RX_BUSY, f -> {
            long handle = lent(f);
            retrieve(f, 2, lendRequest(handle));
            return () -> f.ffa.explaining().fragRx(2, handle, 0, 0);
        });
        add(FfaCheck.FRAG_RX_UNKNOWN_HANDLE, f -> {
            long handle = lent(f);
            return () -> f.ffa.explaining().fragRx(2, handle + 1, 0, 0);
        });
        add(FfaCheck.FRAG_RX_NOT_FULLY_SENT, f -> {
            long handle = partial(f);
            return () -> f.ffa.explaining().fragRx(2, handle, 0, 0);
        });
        add(FfaCheck.FRAG_RX_NOT_BORROWER, f -> {
            long handle = lent(f);
            return () -> f.ffa.explaining().fragRx(3, handle, 0, 0);
        });
        add(FfaCheck.FRAG_RX_NOT_IN_PROGRESS, f -> {
            long handle = lent(f);
            return () -> f.ffa.explaining().fragRx(2, handle, 0, 0);
        });
        add(FfaCheck.FRAG_RX_OFFSET, f -> {
            long handle = f.lendInTwoFragments(200, 100);
            FfaOutcome first = retrieve(f, 2, lendRequest(handle));
            assertEquals(FfaResult.Function.MEM_RETRIEVE_RESP, first.result().function(), first::toString);
            f.ffa.rxRelease(2);
            return () -> f.ffa.explaining().fragRx(2, handle, first.result().w2() - 16, 0);
        });

        add(FfaCheck.RX_RELEASE_EMPTY, f -> () -> f.ffa.explaining().rxRelease(2));

        add(FfaCheck.RELINQUISH_ENDPOINT_COUNT, f -> {
            long handle = lentAndRetrieved(f);
            return () -> f.ffa.explaining().relinquish(2, relinquishTx(handle, 0, 2, 2));
        });
        add(FfaCheck.RELINQUISH_NOT_CALLER, f -> {
            long handle = lentAndRetrieved(f);
            return () -> f.ffa.explaining().relinquish(2, relinquishTx(handle, 0, 3));
        });
        add(FfaCheck.RELINQUISH_UNKNOWN_HANDLE, f -> {
            long handle = lentAndRetrieved(f);
            return () -> f.ffa.explaining().relinquish(2, relinquishTx(handle + 1, 0, 2));
        });
        add(FfaCheck.RELINQUISH_NOT_FULLY_SENT, f -> {
            long handle = partial(f);
            return () -> f.ffa.explaining().relinquish(2, relinquishTx(handle, 0, 2));
        });
        add(FfaCheck.RELINQUISH_NOT_BORROWER, f -> {
            long handle = lentAndRetrieved(f);
            return () -> f.ffa.explaining().relinquish(3, relinquishTx(handle, 0, 3));
        });
        add(FfaCheck.RELINQUISH_NOT_RETRIEVED, f -> {
            long handle = lent(f);
            return () -> f.ffa.explaining().relinquish(2, relinquishTx(handle, 0, 2));
        });
        add(FfaCheck.RELINQUISH_CLEAR_SHARE, f -> {
            long handle = handleOf(send(f, FfaShareKind.SHARE, shareTwoTx()));
            retrieve(f, 2, request(V1_2, handle, 0, NORMAL, to(2, RW), to(3, RW)));
            f.ffa.rxRelease(2);
            return () -> f.ffa.explaining().relinquish(2, relinquishTx(handle, Relinquish.FLAG_CLEAR, 2));
        });
        add(FfaCheck.RELINQUISH_CLEAR_READ_ONLY, f -> {
            long handle = handleOf(send(f, FfaShareKind.LEND, lendTx(V1_2, RO, c(BASE, 1))));
            retrieve(f, 2, request(V1_2, handle, 0, 0, to(2, RO_NX)));
            f.ffa.rxRelease(2);
            return () -> f.ffa.explaining().relinquish(2, relinquishTx(handle, Relinquish.FLAG_CLEAR, 2));
        });
        add(FfaCheck.RELINQUISH_NOT_ONE_MODE, f -> {
            long handle = handleOf(send(f, FfaShareKind.LEND, lendTx(V1_2, RW, c(BASE, 2))));
            retrieve(f, 2, lendRequest(handle));
            f.ffa.rxRelease(2);
            f.map(2, BASE, 1, Mode.R | Mode.UNOWNED);
            return () -> f.ffa.explaining().relinquish(2, relinquishTx(handle, 0, 2));
        });
        add(FfaCheck.RELINQUISH_MIXED_MODES, f -> {
            long handle = handleOf(send(f, FfaShareKind.LEND, lendTx(V1_2, RW, c(BASE, 1), c(BASE + 2 * PAGE, 1))));
            retrieve(f, 2, lendRequest(handle));
            f.ffa.rxRelease(2);
            f.map(2, BASE + 2 * PAGE, 1, Mode.R | Mode.UNOWNED);
            return () -> f.ffa.explaining().relinquish(2, relinquishTx(handle, 0, 2));
        });
        add(FfaCheck.RELINQUISH_NOT_BORROWER_STATE, f -> {
            long handle = lentAndRetrieved(f);
            f.map(2, BASE, 1, Mode.R | Mode.W);
            return () -> f.ffa.explaining().relinquish(2, relinquishTx(handle, 0, 2));
        });
        addBooted(FfaCheck.RELINQUISH_POLICY, refusing(FfaRequest.Operation.RELINQUISH), f -> {
            long handle = lentAndRetrieved(f);
            return () -> f.ffa.explaining().relinquish(2, relinquishTx(handle, 0, 2));
        });
        add(FfaCheck.RELINQUISH_PREPARE_NO_MEMORY, f -> {
            // Two halves of the block retrieved with the same mode merge into one block in VM 2;
            // giving one half back splits it.
            long low = handleOf(send(f, FfaShareKind.LEND, lendTx(V1_2, RW, c(BLOCK, 256))));
            long high = handleOf(send(f, FfaShareKind.LEND, lendTx(V1_2, RW, c(BLOCK + 256 * PAGE, 256))));
            retrieve(f, 2, lendRequest(low));
            f.ffa.rxRelease(2);
            retrieve(f, 2, lendRequest(high));
            f.ffa.rxRelease(2);
            f.faults.failAt(1);
            return () -> f.ffa.explaining().relinquish(2, relinquishTx(low, 0, 2));
        });
        add(FfaCheck.RELINQUISH_CLEAR_NO_MEMORY, f -> {
            long handle = lentAndRetrieved(f);
            f.faults.failAt(1);
            return () -> f.ffa.explaining().relinquish(2, relinquishTx(handle, Relinquish.FLAG_CLEAR, 2));
        });

        add(FfaCheck.RECLAIM_OTHER_WORLD_HANDLE, f -> {
            lent(f);
            return () -> f.reclaim(1, 0x1, 0);
        });
        add(FfaCheck.RECLAIM_UNKNOWN_HANDLE, f -> {
            long handle = lent(f);
            return () -> f.reclaim(1, handle + 1, 0);
        });
        add(FfaCheck.RECLAIM_NOT_FULLY_SENT, f -> {
            long handle = partial(f);
            return () -> f.reclaim(1, handle, 0);
        });
        add(FfaCheck.RECLAIM_NOT_SENDER, f -> {
            long handle = lent(f);
            return () -> f.reclaim(2, handle, 0);
        });
        add(FfaCheck.RECLAIM_NOT_RELINQUISHED, f -> {
            long handle = lentAndRetrieved(f);
            return () -> f.reclaim(1, handle, 0);
        });
        add(FfaCheck.RECLAIM_CLEAR_WITHOUT_WRITE, f -> {
            f.map(1, BASE, 1, Mode.R);
            long handle = handleOf(send(f, FfaShareKind.LEND, lendTx(V1_2, RO, c(BASE, 1))));
            return () -> f.reclaim(1, handle, 1);
        });
        add(FfaCheck.RECLAIM_NOT_ONE_MODE, f -> {
            long handle = handleOf(send(f, FfaShareKind.LEND, lendTx(V1_2, RW, c(BASE, 2))));
            f.map(1, BASE, 1, Mode.R);
            return () -> f.reclaim(1, handle, 0);
        });
        add(FfaCheck.RECLAIM_MIXED_MODES, f -> {
            long handle = handleOf(send(f, FfaShareKind.LEND, lendTx(V1_2, RW, c(BASE, 1), c(BASE + 2 * PAGE, 1))));
            f.map(1, BASE, 1, Mode.R);
            return () -> f.reclaim(1, handle, 0);
        });
        addBooted(FfaCheck.RECLAIM_POLICY, refusing(FfaRequest.Operation.RECLAIM), f -> {
            long handle = lent(f);
            return () -> f.reclaim(1, handle, 0);
        });
        add(FfaCheck.RECLAIM_PREPARE_NO_MEMORY, f -> {
            // Both halves of the block lent: VM 1's invalid entries merge into one block; taking one
            // half back splits it.
            long low = handleOf(send(f, FfaShareKind.LEND, lendTx(V1_2, RW, c(BLOCK, 256))));
            handleOf(send(f, FfaShareKind.LEND, lendTx(V1_2, RW, c(BLOCK + 256 * PAGE, 256))));
            f.faults.failAt(1);
            return () -> f.reclaim(1, low, 0);
        });
        add(FfaCheck.RECLAIM_CLEAR_NO_MEMORY, f -> {
            long handle = lent(f);
            f.faults.failAt(1);
            return () -> f.reclaim(1, handle, 1);
        });
    }
}
