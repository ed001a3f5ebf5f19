package org.memshare.kit.rules;

import static org.junit.jupiter.api.Assertions.fail;
import static org.memshare.api.mode.Mode.INVALID;
import static org.memshare.api.mode.Mode.SHARED;
import static org.memshare.api.mode.Mode.UNOWNED;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.Function;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.memshare.api.arch.PageTableFormat;
import org.memshare.api.mode.Mode;
import org.memshare.api.spci.Constituent;
import org.memshare.api.spci.MemoryAccess;
import org.memshare.api.spci.MemoryAttributes;
import org.memshare.api.spci.MemoryRegion;
import org.memshare.api.spci.MemoryRegionCodec;
import org.memshare.api.spci.ReceiverAttributes;
import org.memshare.api.spci.ShareType;
import org.memshare.api.spci.SpciError;
import org.memshare.engine.machine.Mailbox;
import org.memshare.engine.spci.SpciResult;
import org.memshare.kit.ArchUnderTest;
import org.memshare.kit.ConformanceRule;
import org.memshare.kit.RuleDisplayNames;
import org.memshare.kit.fixture.KitMachine;
import org.memshare.kit.fixture.Message;
import org.memshare.kit.fixture.Snapshot;
import org.memshare.kit.model.ShareTransitions;

/**
 * SHARE rules: the SPCI sharing protocol of DESIGN.md section 4, through the hypervisor facade,
 * on a small machine of the arch under test (VM 1 sends, VM 2 receives, VM 3 looks on). In the
 * style of pKVM's table-driven self-test: SHARE-1 puts the two parties of a page in every pair of
 * states the protocol knows and checks every share type's answer and everybody's mode and access
 * afterwards against the kit's transition tables ({@link ShareTransitions}), written independently
 * of the engine; the others
 * send every kind of bad input and check that it is refused and changes nothing at all (a
 * {@link Snapshot} before equals one after). A rule reports every failing row in one message.
 *
 * <p>Addresses are chosen inside the smallest address space a plugin may have (see {@link #base}).
 */
@DisplayNameGeneration(RuleDisplayNames.class)
public class ShareRules {
    private static final long PAGE = KitMachine.PAGE;
    private static final long TWO_MIB = 0x20_0000L;
    private static final int SENDER = 1;
    private static final int RECEIVER = 2;
    private static final int BYSTANDER = 3;
    private static final int RWX = KitMachine.RWX;
    private static final int POOL_PAGES = 256;
    private static final int MAX_REPORTED = 25;

    /**
     * Where the rules put memory: 1 GiB, or for an address space smaller than 2 GiB its middle,
     * rounded down to 2 MiB. Everything the rules map lies within 4 MiB of it.
     */
    static long base(KitMachine m) {
        long end = m.addressSpaceEnd();
        if (Long.compareUnsigned(end, 1L << 31) >= 0) {
            return 1L << 30;
        }
        if (Long.compareUnsigned(end, 8 * TWO_MIB) < 0) {
            fail(m.where() + "the SHARE rules need an address space of at least 16 MiB, this one ends at 0x"
                    + Long.toHexString(end));
        }
        return (end >>> 1) & -TWO_MIB;
    }

    // ====================================================================== SHARE-1: the table

    /** The states a VM can be in for a page, and how the rule puts it there. */
    enum State {
        OWNED_EXCLUSIVE("owned exclusive", RWX),
        OWNED_SHARED("owned shared", SHARED | RWX),
        LENT_AWAY("lent away", INVALID | RWX),
        BORROWED_EXCLUSIVE("borrowed exclusive", UNOWNED | Mode.R | Mode.W),
        BORROWED_SHARED("borrowed shared", UNOWNED | SHARED | Mode.R),
        UNMAPPED("unrelated after an unmap", -1),
        NEVER_MAPPED("never mapped", -1),
        DEVICE("owned device memory", Mode.R | Mode.W | Mode.D);

        final String label;
        /** The mode mapped; -1 for the unrelated states, which read as an absent entry. */
        final int mapped;

        State(String label, int mapped) {
            this.label = label;
            this.mapped = mapped;
        }

        /** Puts VM {@code vm} in this state for the page at {@code page}. */
        void setUp(KitMachine m, int vm, long page) {
            if (this == UNMAPPED) {
                m.mapPages(vm, page, 1, RWX);
                m.unmapPages(vm, page, 1);
            } else if (this != NEVER_MAPPED) {
                m.mapPages(vm, page, 1, mapped);
            }
        }

        /** The mode the VM must read afterwards. */
        int mode(KitMachine m) {
            return mapped < 0 ? m.absentMode() : mapped;
        }
    }

    /**
     * Every share type from every pair of (sender state, receiver state), each on its own page with
     * the bystander never mapped there: the answer must be SUCCESS exactly where the table has a
     * row and the sender's memory is not device memory, else INVALID_PARAMETERS with nothing
     * changed; afterwards each VM's mode must be the row's (the sender keeps its R, W, X and D bits,
     * the receiver gets the row's state plus the access the message asks for, or R|W|X on a
     * relinquish; a mode with INVALID and UNOWNED both reads as an absent entry), and what each VM
     * may read, write and execute through the hypervisor must be what its mode promises.
     *
     * <p>When it fails: each row names the share type, both states, the answer and the modes read
     * back. A setup row that fails means the plugin does not read back a mode it was given (see
     * ARCH-8); a wrong answer usually means a state bit (INVALID, UNOWNED, SHARED) is encoded or
     * decoded wrongly by {@code modeToStage2Attrs}/{@code stage2AttrsToMode}; a wrong access means
     * the valid bit or the permission bits disagree with the mode.
     */
    @ConformanceRule(id = "SHARE-1", title = "every share type from every pair of states answers and ends as the transition tables say")
    void share1TransitionTable(ArchUnderTest under) {
        KitMachine m = KitMachine.boot(under, POOL_PAGES, 3);
        long page = base(m);
        int absent = m.absentMode();
        List<String> failures = new ArrayList<>();
        int rows = 0;
        for (ShareType type : ShareType.values()) {
            for (State from : State.values()) {
                for (State to : State.values()) {
                    MemoryAccess access = MemoryAccess.values()[rows % MemoryAccess.values().length];
                    String row = type.traceName() + " from " + from.label + " to " + to.label + " at 0x"
                            + Long.toHexString(page) + " asking " + access;
                    checkRow(m, type, from, to, access, page, absent).ifPresent(problem -> failures.add(row + ": " + problem));
                    page += PAGE;
                    rows++;
                }
            }
        }
        report(under, "rows of the transition table", rows, failures);
    }

    private static Optional<String> checkRow(KitMachine m, ShareType type, State from, State to, MemoryAccess access,
            long page, int absent) {
        from.setUp(m, SENDER, page);
        to.setUp(m, RECEIVER, page);
        // A format that cannot represent a mode reads back its canonical mode (what its hardware
        // grants); the states, and so the expected transitions, are those the tables really hold.
        PageTableFormat format = m.format();
        int senderMode = format.canonicalStage2Mode(from.mode(m));
        int receiverMode = format.canonicalStage2Mode(to.mode(m));
        for (int[] vmAndMode : new int[][] {{SENDER, senderMode}, {RECEIVER, receiverMode}, {BYSTANDER, absent}}) {
            OptionalInt read = m.mode(vmAndMode[0], page, 1);
            if (read.isEmpty() || read.getAsInt() != vmAndMode[1]) {
                return Optional.of("setup: VM " + vmAndMode[0] + " reads " + readable(read) + " where "
                        + KitMachine.named(vmAndMode[1]) + " was mapped");
            }
        }
        Optional<ShareTransitions.Transition> next = (senderMode & Mode.D) != 0 ? Optional.empty()
                : ShareTransitions.next(type, senderMode & KitMachine.STATE, receiverMode & KitMachine.STATE);
        int permissions = type == ShareType.RELINQUISH ? RWX : access.mode();
        int[] expected = next.isPresent()
                ? new int[] {settled(format.canonicalStage2Mode(next.get().sender() | (senderMode & ~KitMachine.STATE)),
                        absent), settled(format.canonicalStage2Mode(next.get().receiver() | permissions), absent), absent}
                : new int[] {senderMode, receiverMode, absent};
        Message message = Message.of(type, SENDER, RECEIVER).pages(page, 1)
                .attributes(type == ShareType.RELINQUISH ? MemoryAttributes.of(MemoryAccess.RW_X, false, 0, 0).value()
                        : Message.normal(access));
        Snapshot before = m.snapshot();
        SpciResult result = m.send(message);
        List<String> problems = new ArrayList<>();
        if (next.isPresent() != result.isSuccess() || (!result.isSuccess()
                && result.error().orElse(null) != SpciError.INVALID_PARAMETERS)) {
            problems.add("answered " + result + ", expected " + (next.isPresent() ? "SUCCESS" : "INVALID_PARAMETERS"));
        }
        if (result.isSuccess()) {
            Optional<Mailbox.Message> delivered = m.hypervisor().release(RECEIVER);
            if (delivered.isEmpty() || !Arrays.equals(delivered.get().bytes(), message.bytes())) {
                problems.add("the message did not arrive intact in VM " + RECEIVER + "'s mailbox");
            }
        } else {
            String diff = m.snapshot().diff(before);
            if (!diff.isEmpty()) {
                problems.add("refused but changed the machine: " + diff.replace('\n', ';'));
            }
        }
        for (int vm = SENDER; vm <= BYSTANDER; vm++) {
            OptionalInt read = m.mode(vm, page, 1);
            int want = expected[vm - 1];
            if (read.isEmpty() || read.getAsInt() != want) {
                problems.add("VM " + vm + " reads " + readable(read) + ", expected " + KitMachine.named(want));
            }
            String may = m.access(vm, page);
            if (!may.equals(KitMachine.promised(want))) {
                problems.add("VM " + vm + " may " + may + ", its mode promises " + KitMachine.promised(want));
            }
        }
        return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
    }

    /** A mode as a table holds it: INVALID and UNOWNED together mean unmapped, which reads as an absent entry. */
    private static int settled(int mode, int absent) {
        return Mode.isUnmapped(mode) ? absent : mode;
    }

    private static String readable(OptionalInt mode) {
        return mode.isPresent() ? KitMachine.named(mode.getAsInt()) : "no single mode";
    }

    // ====================================================================== bad input

    /**
     * The memory the other rules share from: VM 1 owns a 2 MiB block at {@code a} (R|W|X, with
     * {@code b} inside it), a device page and an R|W page after it, and the last page of the
     * address space (R|W|X).
     */
    private record Layout(KitMachine m, long a, long b, long device, long readOnly, long last) {
        static Layout boot(ArchUnderTest under) {
            KitMachine m = KitMachine.boot(under, POOL_PAGES, 3);
            long a = base(m);
            Layout layout = new Layout(m, a, a + 0x10_0000L, a + TWO_MIB, a + TWO_MIB + PAGE, m.addressSpaceEnd() - PAGE);
            m.map(SENDER, a, a + TWO_MIB, RWX);
            m.mapPages(SENDER, layout.device, 1, Mode.R | Mode.W | Mode.D);
            m.mapPages(SENDER, layout.readOnly, 1, Mode.R | Mode.W);
            m.mapPages(SENDER, layout.last, 1, RWX);
            m.fillPattern(a, a + 4 * PAGE);
            m.fillPattern(layout.b, layout.b + 2 * PAGE);
            return layout;
        }

        /** The well-formed lend of a (4 pages) and b (2 pages) to VM 2, RW_NX, which succeeds. */
        Message lend() {
            return Message.lend(SENDER, RECEIVER).access(MemoryAccess.RW_NX).pages(a, 4).pages(b, 2);
        }

        /** A lend of {@code constituents}. */
        Message lend(Constituent... constituents) {
            return Message.lend(SENDER, RECEIVER).access(MemoryAccess.RW_NX).constituents(constituents);
        }
    }

    /** One bad input: what it is and how to send it. */
    private record Bad(String what, Function<KitMachine, SpciResult> send) {
        static Bad of(String what, Message message) {
            return new Bad(what + ": " + message, m -> m.send(message));
        }

        static Bad bytes(String what, int from, int to, byte[] bytes) {
            return new Bad(what + " (" + bytes.length + " bytes from VM " + from + " to VM " + to + ")",
                    m -> m.send(from, to, bytes));
        }
    }

    /**
     * Sends each bad input on a machine laid out by {@link Layout} and collects every one that is
     * not refused with INVALID_PARAMETERS or that changes anything; a fresh machine follows one
     * that changed.
     */
    private static void checkRefused(ArchUnderTest under, String what, Function<Layout, List<Bad>> cases) {
        Layout layout = Layout.boot(under);
        List<Bad> all = cases.apply(layout);
        List<String> failures = new ArrayList<>();
        for (Bad bad : all) {
            Snapshot before = layout.m().snapshot();
            SpciResult result = bad.send().apply(layout.m());
            String diff = layout.m().snapshot().diff(before);
            if (result.error().orElse(null) != SpciError.INVALID_PARAMETERS || !diff.isEmpty()) {
                failures.add(bad.what() + ": answered " + result + (diff.isEmpty() ? "" : "; changed: "
                        + diff.replace('\n', ';')));
                layout = Layout.boot(under);
            }
        }
        report(under, what, all.size(), failures);
    }

    /**
     * A malformed message is refused with INVALID_PARAMETERS and changes nothing: constituent_offset
     * not a multiple of 8 or leaving no room for the attribute entries, an attribute_count other
     * than 1, a region one byte too long or too short, counts and offsets whose 32-bit size
     * arithmetic would wrap, no constituent, an unknown share type, a message shorter than its
     * header or a region shorter than its 24-byte header, and a message longer than the 4096-byte
     * mailbox (given whole, or as a size larger than the send buffer).
     *
     * <p>When it fails: the row names the defect; the engine's decoder (or the facade's size
     * checks) let it through. A change without a wrong answer means a refused share touched
     * tables, the pool, memory or a mailbox.
     */
    @ConformanceRule(id = "SHARE-2", title = "a malformed message is refused and changes nothing")
    void share2MalformedMessages(ArchUnderTest under) {
        checkRefused(under, "malformed messages", l -> {
            List<Bad> bad = new ArrayList<>();
            Message lend = l.lend();
            bad.add(Bad.of("constituent_offset not a multiple of 8", l.lend(Constituent.of(l.a(), 4)).regionLength(52)
                    .u32(Message.CONSTITUENT_OFFSET, 36).u64(36, l.a()).u32(44, 4).u32(48, 0)));
            bad.add(Bad.of("constituent_offset leaving no room for the attributes",
                    l.lend().u32(Message.CONSTITUENT_OFFSET, 24).regionLength(24 + 32)));
            bad.add(Bad.of("no receiver entry", l.lend().u32(Message.ATTRIBUTE_COUNT, 0)));
            bad.add(Bad.of("two receiver entries", l.lend().u32(Message.ATTRIBUTE_COUNT, 2).u16(28, RECEIVER)
                    .u16(30, Message.normal(MemoryAccess.RW_NX))));
            int length = lend.regionBytes().length;
            bad.add(Bad.of("a trailing byte", l.lend().regionLength(length + 1)));
            bad.add(Bad.of("a missing byte", l.lend().regionLength(length - 1)));
            bad.add(Bad.of("constituent_count whose 16-byte size wraps in 32 bits",
                    l.lend(Constituent.of(l.a(), 4)).u32(Message.CONSTITUENT_COUNT, 0x1000_0001L)));
            bad.add(Bad.of("attribute_count whose 4-byte size wraps in 32 bits",
                    l.lend().u32(Message.ATTRIBUTE_COUNT, 0x4000_0001L)));
            bad.add(Bad.of("constituent_offset whose sum wraps in 32 bits", l.lend(Constituent.of(l.a(), 4))
                    .u32(Message.CONSTITUENT_OFFSET, 0xFFFF_FFF0L).u32(Message.CONSTITUENT_COUNT, 4)));
            bad.add(Bad.of("no constituent", Message.lend(SENDER, RECEIVER)));
            bad.add(Bad.of("constituent_count 0 with constituents present",
                    l.lend().u32(Message.CONSTITUENT_COUNT, 0)));
            for (int type : new int[] {4, 5, 0x100, 0x7fff, 0xffff}) {
                bad.add(Bad.of("unknown share type " + type, l.lend().type(type)));
            }
            byte[] valid = lend.bytes();
            for (int size = 0; size < MemoryRegionCodec.HEADER_SIZE + MemoryRegion.REGION_HEADER_SIZE; size++) {
                bad.add(Bad.bytes("a message cut to " + size + " bytes", SENDER, RECEIVER, Arrays.copyOf(valid, size)));
            }
            for (int size : new int[] {0, 7, -1, MemoryRegionCodec.MAILBOX_SIZE + 1, 8192, Integer.MAX_VALUE}) {
                bad.add(new Bad("a send of " + size + " bytes of a full send buffer", m -> sendPrefix(m, valid, size)));
            }
            bad.add(Bad.bytes("a message one byte longer than the mailbox", SENDER, RECEIVER,
                    Arrays.copyOf(valid, MemoryRegionCodec.MAILBOX_SIZE + 1)));
            bad.add(Bad.bytes("a well-formed region of 254 constituents (4112 bytes)", SENDER, RECEIVER,
                    MemoryRegionCodec.encodeMessage(ShareType.LEND, spread(l, 254))));
            return bad;
        });
    }

    /**
     * A region whose constituents break a rule is refused with INVALID_PARAMETERS and changes
     * nothing: an empty constituent, an unaligned address, a constituent ending beyond the address
     * space (at its end, past it, straddling it, far beyond), one whose 64-bit end wraps or reaches
     * 2^64, overlapping and duplicate constituents, a page_count that is not the sum (the sum
     * wrapping in 32 bits included), and constituents the sender holds in different modes.
     *
     * <p>When it fails: the row names the constituents. An accepted out-of-range constituent
     * usually means the plugin's geometry (max level, root table count) gives a wrong address-space
     * end; the others are the engine's checks.
     */
    @ConformanceRule(id = "SHARE-3", title = "a region with a bad constituent is refused and changes nothing")
    void share3BadConstituents(ArchUnderTest under) {
        checkRefused(under, "regions with bad constituents", l -> {
            long a = l.a();
            long b = l.b();
            long end = l.last() + PAGE;
            List<Bad> bad = new ArrayList<>();
            bad.add(Bad.of("an empty constituent", l.lend(c(a, 0))));
            bad.add(Bad.of("an empty constituent after a good one", l.lend(c(a, 4), c(b, 0))));
            for (long offset : new long[] {1, 8, 0x10, 0x800, PAGE - 8}) {
                bad.add(Bad.of("an unaligned constituent", l.lend(c(a + offset, 1))));
            }
            bad.add(Bad.of("an unaligned constituent after a good one", l.lend(c(a, 4), c(b + 0x10, 2))));
            for (long outside : new long[] {end, end + PAGE, 1L << 48, 1L << 63, 0xFFFF_FFFF_FFFF_E000L}) {
                if (Long.compareUnsigned(outside, end) >= 0) {
                    bad.add(Bad.of("a constituent beyond the address space", l.lend(c(outside, 1))));
                    bad.add(Bad.of("a constituent beyond the address space after a good one", l.lend(c(a, 4), c(outside, 1))));
                }
            }
            bad.add(Bad.of("a constituent straddling the address space's end", l.lend(c(end - PAGE, 2))));
            bad.add(Bad.of("2^32 - 1 pages from 0", l.lend(c(0, 0xFFFF_FFFFL))));
            long top = 0xFFFF_FFFF_FFFF_F000L;
            bad.add(Bad.of("a constituent whose end wraps past 2^64", l.lend(c(top, 2))));
            bad.add(Bad.of("a constituent ending exactly at 2^64", l.lend(c(top, 1))));
            bad.add(Bad.of("a constituent wrapping round into the sender's memory",
                    l.lend(c(b, 2), c(a + PAGE - 0x10_0000L * PAGE, 0x10_0000L))));
            bad.add(Bad.of("overlapping constituents", l.lend(c(a, 4), c(a + 2 * PAGE, 4))));
            bad.add(Bad.of("overlapping constituents, later first", l.lend(c(a + 2 * PAGE, 4), c(a, 4))));
            bad.add(Bad.of("first and last overlapping", l.lend(c(a, 8), c(b, 2), c(a + 7 * PAGE, 1))));
            bad.add(Bad.of("one constituent inside another", l.lend(c(a, 16), c(a + 4 * PAGE, 2))));
            bad.add(Bad.of("duplicate constituents", l.lend(c(a, 4), c(a, 4))));
            bad.add(Bad.of("a duplicate around another", l.lend(c(b, 2), c(a, 1), c(b, 2))));
            for (long pageCount : new long[] {7, 5, 0, 1, 0xFFFF_FFFFL}) {
                bad.add(Bad.of("page_count " + pageCount + " where the sum is 6",
                        l.lend().u32(Message.PAGE_COUNT, pageCount)));
            }
            bad.add(Bad.of("page counts whose uint32 sum wraps to page_count 0",
                    l.lend(c(0, 0x8000_0000L), c(1L << 43, 0x8000_0000L))));
            bad.add(Bad.of("constituents the sender holds in different modes", l.lend(c(a, 4), c(l.readOnly(), 1))));
            bad.add(Bad.of("a good constituent and one the sender does not have", l.lend(c(a, 4), c(a + 4 * TWO_MIB, 1))));
            return bad;
        });
    }

    /**
     * A message between the wrong VMs, or of device memory, is refused with INVALID_PARAMETERS and
     * changes nothing, with or without the clear flag: a receiver entry naming another VM than the
     * one the message goes to, a VM sending to itself, an unknown sender or receiver, the sender's
     * device memory (whatever access and memory type the message asks for), memory with no row in
     * the transition table (a relinquish of owned memory, a lend of memory lent away).
     *
     * <p>When it fails: the row names the message. Device memory that is shared means the plugin
     * loses the D bit of a mode; a clear flag that changed memory on a refusal means the clearing
     * ran before the checks.
     */
    @ConformanceRule(id = "SHARE-4", title = "a message between the wrong VMs, or of device memory, is refused and changes nothing")
    void share4WrongPartiesAndDeviceMemory(ArchUnderTest under) {
        checkRefused(under, "messages between the wrong VMs or of device memory", l -> {
            List<Bad> bad = new ArrayList<>();
            for (boolean clear : new boolean[] {false, true}) {
                String flag = clear ? " with the clear flag" : "";
                for (int named : new int[] {BYSTANDER, SENDER, 0, 0xffff}) {
                    bad.add(Bad.of("a receiver entry naming VM " + named + flag, flagged(l.lend().naming(named), clear)));
                }
                for (int vm = SENDER; vm <= BYSTANDER; vm++) {
                    bad.add(Bad.of("VM " + vm + " sending to itself" + flag,
                            flagged(Message.lend(vm, vm).pages(l.a(), 4), clear)));
                }
                bad.add(Bad.of("VM 1 sending to itself naming VM 2" + flag, flagged(Message.lend(SENDER, SENDER)
                        .naming(RECEIVER).pages(l.a(), 4), clear)));
                for (int unknown : new int[] {0, 4, 0xffff, -1, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
                    bad.add(Bad.of("to an unknown VM" + flag, flagged(Message.lend(SENDER, unknown)
                            .naming(unknown & 0xffff).pages(l.a(), 4), clear)));
                    bad.add(Bad.of("from an unknown VM" + flag, flagged(Message.lend(unknown, RECEIVER)
                            .pages(l.a(), 4), clear)));
                }
                for (ShareType type : List.of(ShareType.DONATE, ShareType.LEND, ShareType.SHARE)) {
                    for (int to : new int[] {RECEIVER, BYSTANDER}) {
                        for (MemoryAccess access : MemoryAccess.values()) {
                            for (boolean normal : new boolean[] {true, false}) {
                                bad.add(Bad.of("device memory" + flag, flagged(Message.of(type, SENDER, to)
                                        .attributes(MemoryAttributes.of(access, normal, 3, 2).value())
                                        .pages(l.device(), 1), clear)));
                            }
                        }
                    }
                }
                bad.add(Bad.of("a relinquish of owned memory" + flag,
                        flagged(Message.relinquish(SENDER, RECEIVER).pages(l.a(), 4), clear)));
                bad.add(Bad.of("a relinquish of memory VM 2 does not have" + flag,
                        flagged(Message.relinquish(RECEIVER, SENDER).pages(l.a(), 4), clear)));
                bad.add(Bad.of("a donate of memory VM 2 does not have" + flag,
                        flagged(Message.donate(RECEIVER, SENDER).pages(l.a(), 4), clear)));
            }
            return bad;
        });
    }

    /**
     * The clear flag zeroes exactly the memory shared, before the receiver sees it, and leaves the
     * hypervisor's stage-1 table as it found it; without the flag the contents stay. Every field
     * the protocol ignores is ignored: the tag, flag bits 1 to 31, the attribute bits other than
     * access, the constituents' reserved words and the padding before the constituents give
     * exactly the tables the plain message gives.
     *
     * <p>When it fails: memory not zeroed, or zeroed next to a constituent, points at the clearing
     * (stage-1 mapping and the data-cache maintenance of the plugin); a stage-1 entry left behind
     * at the stage-1 format's unmap; tables that differ for an ignored field at the engine.
     */
    @ConformanceRule(id = "SHARE-5", title = "the clear flag zeroes exactly the shared memory, and ignored fields are ignored")
    void share5ClearFlagAndIgnoredFields(ArchUnderTest under) {
        List<String> failures = new ArrayList<>();
        int checks = 0;
        for (ShareType type : List.of(ShareType.DONATE, ShareType.LEND, ShareType.SHARE)) {
            for (boolean clear : new boolean[] {false, true}) {
                checks++;
                Layout l = Layout.boot(under);
                KitMachine m = l.m();
                Message message = Message.of(type, SENDER, RECEIVER).access(MemoryAccess.RW_NX)
                        .pages(l.a() + PAGE, 1).pages(l.b(), 2);
                if (clear) {
                    message.clear();
                }
                String row = (clear ? "with" : "without") + " the clear flag, " + message;
                Snapshot before = m.snapshot();
                SpciResult result = m.send(message);
                if (!result.isSuccess()) {
                    failures.add(row + ": answered " + result);
                    continue;
                }
                m.hypervisor().release(RECEIVER);
                for (long address : new long[] {l.a() + PAGE, l.a() + 2 * PAGE - 8, l.b(), l.b() + 2 * PAGE - 8}) {
                    long want = clear ? 0 : before.word(address);
                    readProblem(m, RECEIVER, address, want).ifPresent(p -> failures.add(row + ": " + p));
                }
                for (long address : new long[] {l.a(), l.a() + PAGE - 8, l.a() + 2 * PAGE, l.a() + 3 * PAGE - 8}) {
                    if (m.peek(address) != before.word(address)) {
                        failures.add(row + ": memory next to the constituents changed at 0x" + Long.toHexString(address));
                    }
                }
                if (!m.snapshot().stage1().equals(before.stage1())) {
                    failures.add(row + ": the hypervisor's stage-1 table changed: "
                            + m.snapshot().diff(before).lines().filter(s -> s.startsWith(Snapshot.STAGE1)).toList());
                }
            }
            checks++;
            Layout plain = Layout.boot(under);
            Layout noisy = Layout.boot(under);
            Message tidy = Message.of(type, SENDER, RECEIVER).access(MemoryAccess.RO_X).pages(plain.a(), 4).pages(plain.b(), 2);
            Message noise = Message.of(type, SENDER, RECEIVER).tag(0xdead_beef).flags(0xFFFF_FFFE)
                    .attributes(0xff80 | MemoryAttributes.of(MemoryAccess.RO_X, false, 3, 3).value())
                    .constituents(new Constituent(noisy.a(), 4, 0x1234_5678), new Constituent(noisy.b(), 2, -1))
                    .u32(28, 0xFFFF_FFFFL);
            SpciResult tidyResult = plain.m().send(tidy);
            SpciResult noisyResult = noisy.m().send(noise);
            if (!tidyResult.isSuccess() || !noisyResult.isSuccess()) {
                failures.add(noise + ": answered " + noisyResult + " where the plain message answered " + tidyResult);
            } else if (!noisy.m().snapshot().sameTables(plain.m().snapshot())) {
                failures.add(noise + ": ignored fields changed the outcome: "
                        + noisy.m().snapshot().diff(plain.m().snapshot()).replace('\n', ';'));
            }
        }
        report(under, "clear and ignored-field checks", checks, failures);
    }

    /**
     * Inputs at the edge of what is allowed succeed: a message of exactly 4096 bytes (253
     * constituents after a constituent_offset of 40), and a constituent that ends exactly at the
     * end of the address space; afterwards the receiver can read every constituent and the sender
     * none. A region is all or nothing: a region whose last constituent the sender does not own is
     * refused with nothing changed (the others stay the sender's).
     *
     * <p>When it fails: a refused full mailbox is the facade's size check; a refused last page of
     * the address space usually means the plugin's geometry gives a wrong address-space end, or
     * its table at the top level cannot hold the last entry.
     */
    @ConformanceRule(id = "SHARE-6", title = "inputs at the edge of what is allowed succeed, and a region is all or nothing")
    void share6ValidEdges(ArchUnderTest under) {
        List<String> failures = new ArrayList<>();
        Layout l = Layout.boot(under);
        MemoryRegion full = spread(l, 253);
        byte[] message = MemoryRegionCodec.encodeMessage(ShareType.LEND, full);
        SpciResult result = l.m().send(SENDER, RECEIVER, message);
        if (message.length != MemoryRegionCodec.MAILBOX_SIZE || !result.isSuccess()) {
            failures.add("a lend of 253 constituents in " + message.length + " bytes answered " + result);
        } else {
            for (Constituent c : full.constituents()) {
                if (!l.m().access(RECEIVER, c.address()).equals("RW-") || !l.m().access(SENDER, c.address()).equals("---")) {
                    failures.add("after the 4096-byte lend, 0x" + Long.toHexString(c.address()) + " is "
                            + l.m().access(SENDER, c.address()) + " for VM 1 and " + l.m().access(RECEIVER, c.address())
                            + " for VM 2, expected --- and RW-");
                    break;
                }
            }
        }
        Layout top = Layout.boot(under);
        long last = top.last();
        Message atEnd = Message.lend(SENDER, RECEIVER).access(MemoryAccess.RW_NX).pages(last, 1);
        SpciResult endResult = top.m().send(atEnd);
        if (!endResult.isSuccess() || !top.m().access(RECEIVER, last).equals("RW-")) {
            failures.add(atEnd + " (the address space's last page) answered " + endResult + ", VM 2 may "
                    + top.m().access(RECEIVER, last));
        }
        Layout partial = Layout.boot(under);
        Message notAll = partial.lend(c(partial.a(), 4), c(partial.b(), 2), c(partial.a() + 4 * TWO_MIB, 1));
        Snapshot before = partial.m().snapshot();
        SpciResult partialResult = partial.m().send(notAll);
        String diff = partial.m().snapshot().diff(before);
        if (partialResult.error().orElse(null) != SpciError.INVALID_PARAMETERS || !diff.isEmpty()
                || !partial.m().access(SENDER, partial.a()).equals("RWX")) {
            failures.add(notAll + " (last constituent not the sender's) answered " + partialResult
                    + (diff.isEmpty() ? "" : "; changed: " + diff.replace('\n', ';')));
        }
        report(under, "edge cases", 3, failures);
    }

    // ====================================================================== helpers

    /** What is wrong with VM {@code vm} reading {@code want} at {@code address} through its translation, if anything. */
    private static Optional<String> readProblem(KitMachine m, int vm, long address, long want) {
        OptionalLong value = m.hypervisor().read(vm, address);
        if (value.isEmpty()) {
            return Optional.of("VM " + vm + " faults reading 0x" + Long.toHexString(address) + " (mode "
                    + m.describeMode(vm, address) + ")");
        }
        if (value.getAsLong() != want) {
            return Optional.of("VM " + vm + " reads 0x" + Long.toHexString(value.getAsLong()) + " at 0x"
                    + Long.toHexString(address) + ", expected 0x" + Long.toHexString(want));
        }
        return Optional.empty();
    }

    private static Constituent c(long address, long pages) {
        return Constituent.of(address, pages);
    }

    private static Message flagged(Message message, boolean clear) {
        return clear ? message.clear() : message;
    }

    /** A lend to VM 2 of {@code count} single pages, every other page of VM 1's block, constituent_offset 40. */
    private static MemoryRegion spread(Layout l, int count) {
        List<Constituent> constituents = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            constituents.add(c(l.a() + 2L * i * PAGE, 1));
        }
        return new MemoryRegion(0, 0, count, 40, List.of(ReceiverAttributes.of(RECEIVER,
                Message.normal(MemoryAccess.RW_NX))), constituents);
    }

    /** Writes {@code message} into VM 1's send buffer, then sends its first {@code size} bytes to VM 2. */
    private static SpciResult sendPrefix(KitMachine m, byte[] message, int size) {
        var vm = m.vm(SENDER);
        vm.lock().lock();
        try {
            vm.mailbox().writeSendBuffer(message);
        } finally {
            vm.lock().unlock();
        }
        return m.hypervisor().send(SENDER, RECEIVER, size);
    }

    private static void report(ArchUnderTest under, String what, int total, List<String> failures) {
        if (failures.isEmpty()) {
            return;
        }
        StringBuilder text = new StringBuilder(under.toString()).append(": ").append(failures.size()).append(" of ")
                .append(total).append(' ').append(what).append(" fail:");
        failures.stream().limit(MAX_REPORTED).forEach(f -> text.append("\n  ").append(f));
        if (failures.size() > MAX_REPORTED) {
            text.append("\n  ... and ").append(failures.size() - MAX_REPORTED).append(" more");
        }
        fail(text.toString());
    }
}
