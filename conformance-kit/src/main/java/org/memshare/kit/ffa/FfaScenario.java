package org.memshare.kit.ffa;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.function.IntPredicate;
import java.util.function.Predicate;
import org.memshare.api.ffa.CompositeRegion;
import org.memshare.api.ffa.EndpointAccess;
import org.memshare.api.ffa.FfaConstituent;
import org.memshare.api.ffa.FfaDescriptorCodec;
import org.memshare.api.ffa.FfaShareKind;
import org.memshare.api.ffa.FfaVersion;
import org.memshare.api.ffa.MemoryAttributes;
import org.memshare.api.ffa.MemoryPermissions;
import org.memshare.api.ffa.MemoryTransaction;
import org.memshare.api.ffa.TransactionFlags;

/**
 * One random trace: the machine as the generator believes it to be (who owns which page in which
 * mode, the share states with their handles, fragments and borrowers, each VM's version and RX
 * buffer) and the lines drawn against it. Package-private: {@link RandomFfaTraces} is the API.
 */
final class FfaScenario {
    private static final long PAGE = 4096;
    private static final int PAGES = 512;
    private static final int CHUNK = 128;
    private static final long HANDLE_BASE = 0x8000_0000_0000_0000L;
    /** Hafnium's MAX_MEM_SHARES: handles are slots 0 to 99. */
    private static final int SLOTS = 100;
    private static final int RX = 4096;
    private static final int R = 1;
    private static final int W = 2;
    private static final int X = 4;
    private static final int D = 8;
    /** The modes a VM's chunks of 128 pages are mapped with: RWX, RW, RX, R, RW device, RWX device. */
    private static final int[] CHUNK_MODES = {0x7, 0x7, 0x3, 0x5, 0x1, 0xb, 0xf};
    private static final FfaVersion[] VERSIONS = {FfaVersion.V1_0, FfaVersion.V1_1, FfaVersion.V1_2, FfaVersion.V1_3};

    private final SplittableRandom random;
    private final RandomFfaTraces.Settings settings;
    private final long seed;
    private final List<String> lines = new ArrayList<>();
    private final List<VmState> vms = new ArrayList<>();
    /** owner[o][p]: the VM owning page p of VM o's window (o from 0); its mode in ownerMode. */
    private int[][] owner;
    private int[][] ownerMode;
    private boolean[][] busy;
    /**
     * Pages the model believes donated to their owner or reclaimed by it: the belief rests on a call
     * it could not see succeed, so such a page only ever goes alone into a send (a wrong belief then
     * costs one refusal, never a send of pages in different states, which Hafnium judges by the
     * last one).
     */
    private boolean[][] uncertain;
    private final Share[] slots = new Share[SLOTS];

    FfaScenario(SplittableRandom random, RandomFfaTraces.Settings settings, long seed) {
        this.random = random;
        this.settings = settings;
        this.seed = seed;
    }

    /** A VM as the generator believes it to be. */
    private static final class VmState {
        final int id;
        FfaVersion version;
        boolean negotiated;
        boolean rxFull;
        /** Bytes of the last builder send still to go with FRAG_TX, and its handle. */
        int rest;
        long restHandle = -1;

        VmState(int id, FfaVersion version) {
            this.id = id;
            this.version = version;
        }
    }

    /** A share state as the generator believes it to be. */
    private static final class Share {
        long handle;
        FfaShareKind kind;
        int sender;
        int[] receivers;
        int[] perms;
        int attrs;
        int flags;
        long tag;
        List<FfaConstituent> constituents = new ArrayList<>();
        List<int[]> pages = new ArrayList<>();
        boolean complete;
        /** The stored fragments' constituent counts. */
        List<Integer> fragments = new ArrayList<>();
        /** Per receiver: fragments delivered to it (0: not retrieved), or -1 when relinquished. */
        int[] delivered;
        int origMode;
    }

    /** A line of {@code key=value} arguments, each key once (a later put replaces). */
    private static final class Line {
        private final String operation;
        private final LinkedHashMap<String, String> args = new LinkedHashMap<>();

        Line(String operation) {
            this.operation = operation;
        }

        void put(String key, String value) {
            args.put(key, value);
        }

        String get(String key) {
            return args.get(key);
        }

        @Override
        public String toString() {
            StringBuilder s = new StringBuilder(operation);
            args.forEach((k, v) -> s.append(' ').append(k).append('=').append(v));
            return s.toString();
        }
    }

    List<String> run() {
        int count = 2 + random.nextInt(3);
        StringBuilder versions = new StringBuilder();
        for (int i = 0; i < count; i++) {
            FfaVersion v = random.nextInt(3) == 0 ? VERSIONS[random.nextInt(VERSIONS.length)] : FfaVersion.V1_2;
            vms.add(new VmState(i + 1, v));
            versions.append(i == 0 ? "" : ",").append(v);
        }
        int poolPages = random.nextInt(12) == 0 ? 20 + 4 * count + random.nextInt(12) : 512;
        lines.add("# random FF-A trace, seed " + seed);
        // 41 bits: the PA range of Hafnium's fake arch, which memshare's bounds by pa_bits (docs/ffa.md).
        lines.add("init arch=fake pa_bits=41 pool_pages=" + poolPages + " vms=" + count + " ffa=" + versions);
        owner = new int[count][PAGES];
        ownerMode = new int[count][PAGES];
        busy = new boolean[count][PAGES];
        uncertain = new boolean[count][PAGES];
        for (int v = 0; v < count; v++) {
            for (int c = 0; c < PAGES / CHUNK; c++) {
                int mode = CHUNK_MODES[random.nextInt(CHUNK_MODES.length)];
                long begin = base(v + 1) + c * CHUNK * PAGE;
                lines.add("map " + (v + 1) + " 0x" + Long.toHexString(begin) + " 0x"
                        + Long.toHexString(begin + CHUNK * PAGE) + " 0x" + Integer.toHexString(mode));
                for (int p = c * CHUNK; p < (c + 1) * CHUNK; p++) {
                    owner[v][p] = v + 1;
                    ownerMode[v][p] = mode;
                }
            }
            if (random.nextInt(3) == 0) {
                lines.add("write vm=" + (v + 1) + " addr=0x" + Long.toHexString(base(v + 1) + 8) + " value=0x"
                        + Long.toHexString(random.nextLong() | 1));
            }
        }
        for (VmState vm : vms) {
            if (random.nextInt(8) == 0) {
                version(vm);
            }
        }
        for (int step = 0; step < settings.steps(); step++) {
            step();
        }
        return lines;
    }

    /** VM v's window: 512 pages at v * 256 MiB. */
    private static long base(int vm) {
        return 0x1000_0000L * vm;
    }

    private static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }

    private boolean mutate() {
        return random.nextInt(settings.mutateOneIn()) == 0;
    }

    private VmState vm(int id) {
        return vms.get(id - 1);
    }

    private VmState anyVm() {
        return vms.get(random.nextInt(vms.size()));
    }

    // ---- steps ---------------------------------------------------------------------------------

    private void step() {
        List<Share> partial = select(s -> !s.complete && vm(s.sender).restHandle == s.handle && vm(s.sender).rest > 0);
        List<Share> complete = select(s -> s.complete);
        int weightSend = 6;
        int weightFragTx = partial.isEmpty() ? 0 : 10;
        int weightRetrieve = complete.isEmpty() ? 0 : 8;
        int weightFragRx = inProgressRetrieves().isEmpty() ? 0 : 10;
        int weightRelease = 3;
        int weightRelinquish = complete.isEmpty() ? 0 : 5;
        int weightReclaim = complete.isEmpty() ? 0 : 4;
        int weightOther = 2;
        int total = weightSend + weightFragTx + weightRetrieve + weightFragRx + weightRelease + weightRelinquish
                + weightReclaim + weightOther;
        int pick = random.nextInt(total);
        if ((pick -= weightSend) < 0) {
            send();
        } else if ((pick -= weightFragTx) < 0) {
            fragTx(partial.get(random.nextInt(partial.size())));
        } else if ((pick -= weightRetrieve) < 0) {
            retrieve(complete.get(random.nextInt(complete.size())));
        } else if ((pick -= weightFragRx) < 0) {
            List<int[]> progress = inProgressRetrieves();
            int[] chosen = progress.get(random.nextInt(progress.size()));
            fragRx(slots[chosen[0]], chosen[1]);
        } else if ((pick -= weightRelease) < 0) {
            VmState vm = anyVm();
            for (VmState v : vms) {
                if (v.rxFull && random.nextInt(4) != 0) {
                    vm = v;
                    break;
                }
            }
            rxRelease(vm);
        } else if ((pick -= weightRelinquish) < 0) {
            List<Share> held = select(s -> s.complete && anyDelivered(s, true));
            relinquish((held.isEmpty() ? complete : held).get(random.nextInt((held.isEmpty() ? complete : held).size())));
        } else if ((pick -= weightReclaim) < 0) {
            List<Share> free = select(s -> s.complete && !anyDelivered(s, false));
            reclaim((free.isEmpty() ? complete : free).get(random.nextInt((free.isEmpty() ? complete : free).size())));
        } else {
            other();
        }
    }

    /** Whether some receiver has retrieved it: fully when {@code fully}, else at all. */
    private static boolean anyDelivered(Share s, boolean fully) {
        for (int d : s.delivered) {
            if (fully ? d == s.fragments.size() : d != 0) {
                return true;
            }
        }
        return false;
    }

    private List<Share> select(Predicate<Share> p) {
        List<Share> list = new ArrayList<>();
        for (Share s : slots) {
            if (s != null && p.test(s)) {
                list.add(s);
            }
        }
        return list;
    }

    /** {slot, receiver index} of every retrieve that has fragments still to deliver. */
    private List<int[]> inProgressRetrieves() {
        List<int[]> list = new ArrayList<>();
        for (int i = 0; i < SLOTS; i++) {
            Share s = slots[i];
            if (s != null && s.complete) {
                for (int r = 0; r < s.receivers.length; r++) {
                    if (s.delivered[r] > 0 && s.delivered[r] < s.fragments.size()) {
                        list.add(new int[] {i, r});
                    }
                }
            }
        }
        return list;
    }

    private void other() {
        switch (random.nextInt(settings.poolLines() ? 4 : 3)) {
            case 0 -> version(anyVm());
            case 1 -> {
                VmState vm = anyVm();
                int o = random.nextInt(vms.size());
                long addr = base(o + 1) + PAGE * random.nextInt(PAGES) + 8L * random.nextInt(4);
                lines.add(random.nextBoolean() ? "read vm=" + vm.id + " addr=" + hex(addr)
                        : "write vm=" + vm.id + " addr=" + hex(addr) + " value=" + hex(random.nextLong() | 1));
            }
            case 2 -> {
                // A handle nobody holds, or a stale one.
                long handle = HANDLE_BASE + random.nextInt(SLOTS + 2);
                VmState vm = anyVm();
                if (random.nextBoolean()) {
                    call(vm, "mem_reclaim vm=" + vm.id + " handle=" + hex(handle));
                } else {
                    call(vm, "mem_relinquish vm=" + vm.id + " handle=" + hex(handle));
                }
            }
            default -> lines.add("pool");
        }
    }

    private void version(VmState vm) {
        int requested;
        switch (random.nextInt(6)) {
            case 0 -> requested = 0x10004;
            case 1 -> requested = 0x20000;
            case 2 -> requested = 0x8001_0002;
            default -> requested = VERSIONS[random.nextInt(VERSIONS.length)].encoded();
        }
        lines.add("ffa_version vm=" + vm.id + " version=" + hex(Integer.toUnsignedLong(requested)));
        if (!vm.negotiated && requested >= 0 && requested >> 16 == 1 && (requested & 0xffff) <= 3) {
            vm.version = FfaVersion.fromEncoded(requested).orElseThrow();
        }
    }

    /** Prints a call of {@code vm} and marks its version negotiated. */
    private void call(VmState vm, String line) {
        lines.add(line);
        vm.negotiated = true;
    }

    private void modeLines(Share s, int... parties) {
        FfaConstituent c = s.constituents.isEmpty() ? FfaConstituent.of(base(s.sender), 1) : s.constituents.get(0);
        for (int vm : parties) {
            if (vm >= 1 && vm <= vms.size()) {
                lines.add("mode " + vm + " " + hex(c.address()) + " " + hex(c.address() + c.pageCount() * PAGE));
            }
        }
    }

    // ---- send ----------------------------------------------------------------------------------

    private void send() {
        VmState sender = anyVm();
        if (sender.rest > 0 && random.nextInt(6) != 0) {
            return;
        }
        FfaShareKind kind = FfaShareKind.values()[random.nextInt(3)];
        int borrowers = kind == FfaShareKind.DONATE ? 1 : 1 + random.nextInt(2);
        List<Integer> others = new ArrayList<>();
        for (VmState v : vms) {
            if (v != sender) {
                others.add(v.id);
            }
        }
        if (others.isEmpty()) {
            return;
        }
        borrowers = Math.min(borrowers, others.size());
        int[] receivers = new int[borrowers];
        for (int i = 0; i < borrowers; i++) {
            receivers[i] = others.remove(random.nextInt(others.size()));
        }
        boolean many = random.nextInt(10) == 0;
        List<int[]> pages = pickPages(sender.id, many ? 200 + random.nextInt(250) : 1 + random.nextInt(4), many);
        if (pages.isEmpty()) {
            return;
        }
        int firstMode = ownerMode[pages.get(0)[0]][pages.get(0)[1]];
        if ((firstMode & D) != 0 && random.nextInt(4) != 0) {
            // Device memory may only be lent, to one borrower.
            kind = FfaShareKind.LEND;
            receivers = new int[] {receivers[0]};
            borrowers = 1;
        }
        Share s = new Share();
        s.kind = kind;
        s.sender = sender.id;
        s.receivers = receivers;
        s.origMode = ownerMode[pages.get(0)[0]][pages.get(0)[1]];
        s.perms = new int[receivers.length];
        for (int i = 0; i < receivers.length; i++) {
            s.perms[i] = kind == FfaShareKind.DONATE ? 0 : (s.origMode & W) != 0 && random.nextInt(4) != 0 ? 2 : 1;
        }
        s.attrs = kind == FfaShareKind.DONATE || kind == FfaShareKind.LEND && borrowers == 1 ? 0 : 0x2f;
        s.flags = kind != FfaShareKind.SHARE && random.nextInt(4) == 0 && (s.origMode & W) != 0 ? TransactionFlags.CLEAR : 0;
        s.tag = random.nextInt(4) == 0 ? random.nextInt(1000) : 0;
        for (int[] run : runs(pages, many ? 1 : 4)) {
            s.constituents.add(FfaConstituent.of(base(run[0] + 1) + run[1] * PAGE, run[2]));
        }
        s.pages = pages;
        boolean mutated = mutate();
        if (mutated && random.nextInt(settings.hostileOneIn()) == 0) {
            hostileSend(sender, s);
            taint(s.pages);
            modeLines(s, sender.id);
            return;
        }
        Line line = new Line("mem_" + kind.name().toLowerCase(Locale.ROOT));
        line.put("from", "" + sender.id);
        StringBuilder to = new StringBuilder();
        for (int i = 0; i < receivers.length; i++) {
            to.append(i == 0 ? "" : ",").append(receivers[i]);
            if (kind != FfaShareKind.DONATE && (s.perms[i] != 2 || random.nextInt(3) == 0)) {
                to.append(':').append(s.perms[i] == 2 ? "rw" : "ro");
            }
        }
        line.put("to", to.toString());
        if (s.flags != 0) {
            line.put("flags", hex(s.flags));
        }
        if (s.tag != 0) {
            line.put("tag", "" + s.tag);
        }
        if (kind != FfaShareKind.DONATE && borrowers > 1 && random.nextInt(5) == 0) {
            s.attrs = 0x13; // normal memory lent or shared as device nGnRnE (inner)
            line.put("attrs", "0x13");
        }
        if (mutated) {
            mutateSend(line, s);
        }
        StringBuilder cs = new StringBuilder();
        for (FfaConstituent c : s.constituents) {
            cs.append(cs.length() == 0 ? "" : ",").append(hex(c.address())).append(':').append(c.pageCount());
        }
        line.put("c", cs.toString());
        int header = sender.version.headerSize() + sender.version.accessDescriptorSize() * borrowers;
        int total = header + 16 + 16 * s.constituents.size();
        int fragment = total;
        // Hafnium panics when the first stored fragment does not fit a retriever's response: a
        // v1.0/v1.1 sender to one borrower has 16-byte descriptors where a v1.2 response has 32.
        int room = RX;
        if (settings.crashFree() && borrowers == 1 && sender.version.accessDescriptorSize() == 16) {
            room = RX - 16 - (sender.version.usesV1_0Layout() ? 16 : 0);
        }
        if (total > room || random.nextInt(12) == 0 && s.constituents.size() > 1) {
            int fitting = Math.min(s.constituents.size() - 1, (room - header - 16) / 16);
            int first = total > RX && random.nextBoolean() ? fitting : 1 + random.nextInt(Math.max(1, fitting));
            fragment = header + 16 + 16 * Math.max(1, first);
            line.put("fragment", "" + fragment);
        }
        call(sender, line.toString());
        sender.rest = total - fragment;
        sender.restHandle = -1;
        if (mutated) {
            // It may succeed all the same: never aim another send at these pages.
            taint(s.pages);
        } else {
            // Believed to succeed: the handle is the lowest free slot, taken at the first fragment.
            int slot = freeSlot();
            if (slot >= 0) {
                s.handle = HANDLE_BASE + slot;
                slots[slot] = s;
                s.fragments.add((fragment - header - 16) / 16);
                s.complete = fragment == total;
                s.delivered = new int[receivers.length];
                if (!s.complete) {
                    sender.restHandle = s.handle;
                }
                for (int[] p : s.pages) {
                    busy[p[0]][p[1]] = true;
                }
            }
        }
        modeLines(s, sender.id);
    }

    /** Pages whose state the model cannot know any more: never chosen again. */
    private void taint(List<int[]> pages) {
        for (int[] p : pages) {
            busy[p[0]][p[1]] = true;
        }
    }

    private int freeSlot() {
        for (int i = 0; i < SLOTS; i++) {
            if (slots[i] == null) {
                return i;
            }
        }
        return -1;
    }

    /**
     * {@code count} free pages owned by {@code vm}, in one mode (mostly), as {window, page}; runs
     * of up to 4 pages (1 when many are asked for, to make many constituents).
     */
    private List<int[]> pickPages(int vm, int count, boolean single) {
        List<int[]> candidates = new ArrayList<>();
        for (int o = 0; o < vms.size(); o++) {
            for (int p = 0; p < PAGES; p++) {
                if (owner[o][p] == vm && !busy[o][p]) {
                    candidates.add(new int[] {o, p});
                }
            }
        }
        if (candidates.isEmpty()) {
            return List.of();
        }
        int[] first = candidates.get(random.nextInt(candidates.size()));
        if (uncertain[first[0]][first[1]]) {
            return new ArrayList<>(List.of(first));
        }
        candidates.removeIf(c -> uncertain[c[0]][c[1]]);
        int mode = ownerMode[first[0]][first[1]];
        boolean mixed = settings.mixedModesOneIn() > 0 && random.nextInt(settings.mixedModesOneIn()) == 0;
        List<int[]> chosen = new ArrayList<>();
        for (int[] c : candidates) {
            if ((mixed || ownerMode[c[0]][c[1]] == mode) && random.nextInt(single ? 1 : 3) == 0) {
                chosen.add(c);
            }
        }
        if (chosen.isEmpty()) {
            chosen.add(first);
        }
        Collections.shuffle(chosen, new Random(random.nextLong()));
        return new ArrayList<>(chosen.subList(0, Math.min(count, chosen.size())));
    }

    /** The pages as runs {window, first page, count}: consecutive pages of one window join (up to {@code longest}). */
    private static List<int[]> runs(List<int[]> pages, int longest) {
        List<int[]> sorted = new ArrayList<>(pages);
        if (longest > 1) {
            sorted.sort(Comparator.<int[]>comparingInt(p -> p[0]).thenComparingInt(p -> p[1]));
        }
        List<int[]> runs = new ArrayList<>();
        for (int[] p : sorted) {
            int[] last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
            if (last != null && last[0] == p[0] && last[1] + last[2] == p[1] && last[2] < longest) {
                last[2]++;
            } else {
                runs.add(new int[] {p[0], p[1], 1});
            }
        }
        return runs;
    }

    /** One field of a builder send made wrong. */
    private void mutateSend(Line line, Share s) {
        switch (random.nextInt(9)) {
            case 0 -> line.put("flags", hex(new long[] {2, 4, 8, 0x18, 0x400, 0xffff_ffffL}[random.nextInt(6)]));
            case 1 -> line.put("attrs", hex(new int[] {0x2f, 0x27, 0x2e, 0x10, 0x40, 0x6f, 0x3f, 0x1ff}
                    [random.nextInt(8)]));
            case 2 -> line.put("handle", hex(HANDLE_BASE + random.nextInt(3)));
            case 3 -> {
                // A constituent that overlaps, is unaligned, is empty or lies outside every mapping.
                FfaConstituent c = s.constituents.get(0);
                switch (random.nextInt(4)) {
                    case 0 -> s.constituents.add(c);
                    case 1 -> s.constituents.set(0, FfaConstituent.of(c.address() + 0x800, c.pageCount()));
                    case 2 -> s.constituents.add(FfaConstituent.of(c.address() + PAGE * PAGES, 0));
                    default -> s.constituents.add(FfaConstituent.of(0x7000_0000L + PAGE * random.nextInt(8), 1));
                }
            }
            case 4 -> {
                // The receiver list: the sender itself, a VM that does not exist, or a repeat.
                int r = switch (random.nextInt(3)) {
                    case 0 -> s.sender;
                    case 1 -> 9;
                    default -> s.receivers[0];
                };
                line.put("to", line.get("to") + "," + r);
            }
            case 5 -> {
                StringBuilder to = new StringBuilder().append(s.receivers[0]).append(':')
                        .append(new String[] {"rw+x", "ro+nx", "-", "0xf", "3"}[random.nextInt(5)]);
                for (int i = 1; i < s.receivers.length; i++) {
                    to.append(',').append(s.receivers[i]);
                }
                line.put("to", to.toString());
            }
            case 6 -> line.put("tag", "" + random.nextInt(5));
            case 7 -> line.put("flags", "0x1"); // clear: refused for a share, or without W
            default -> line.put("attrs", hex(random.nextInt(0x80)));
        }
    }

    /** Hostile bytes: a plausible descriptor of the share with some bytes or fields wrong. */
    private void hostileSend(VmState sender, Share s) {
        List<EndpointAccess> receivers = new ArrayList<>();
        for (int i = 0; i < s.receivers.length; i++) {
            receivers.add(EndpointAccess.of(s.receivers[i], new MemoryPermissions(s.perms[i])));
        }
        MemoryTransaction tx = MemoryTransaction.laidOut(sender.version, s.sender, new MemoryAttributes(s.attrs & 0xff),
                new TransactionFlags(s.flags), 0, s.tag, receivers, Optional.of(CompositeRegion.of(s.constituents)));
        byte[] bytes = FfaDescriptorCodec.encode(tx, sender.version);
        bytes = crashFree(corrupt(bytes, 24, 36));
        if (bytes.length == 0 && settings.crashFree()) {
            bytes = new byte[16];
        }
        if (bytes.length > RX) {
            bytes = Arrays.copyOf(bytes, RX);
        }
        String total = "";
        switch (random.nextInt(5)) {
            case 0 -> total = " total=" + (bytes.length + 16 * (1 + random.nextInt(3)));
            case 1 -> total = " total=" + random.nextInt(bytes.length + 1);
            default -> { }
        }
        call(sender, "mem_send type=" + s.kind.name().toLowerCase(Locale.ROOT) + " vm=" + sender.id + " hex="
                + HexFormat.of().formatHex(bytes) + total);
        sender.rest = 0;
        sender.restHandle = -1;
    }

    /**
     * A transaction descriptor without a receivers offset within 64 of 2^32: Hafnium adds it to the
     * receivers' size in 32 bits, the sum wraps, and it reads the receivers 4 GiB past the
     * descriptor.
     */
    private byte[] crashFree(byte[] bytes) {
        if (settings.crashFree() && bytes.length >= 36) {
            ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            if (Integer.compareUnsigned(b.getInt(32), -64) >= 0) {
                b.putInt(32, 0x7fffffff);
            }
        }
        return bytes;
    }

    /**
     * {@code bytes} with something wrong: some bytes flipped, a 32-bit header field set to an odd
     * value (the fields at {@code fieldFrom} to {@code fieldTo}: sizes, counts, offsets), or the
     * length cut or grown.
     */
    private byte[] corrupt(byte[] bytes, int fieldFrom, int fieldTo) {
        byte[] out = bytes.clone();
        switch (random.nextInt(4)) {
            case 0 -> {
                for (int i = 1 + random.nextInt(3); i > 0; i--) {
                    out[random.nextInt(out.length)] = (byte) random.nextInt(256);
                }
            }
            case 1 -> {
                int field = fieldFrom + 4 * random.nextInt((fieldTo - fieldFrom) / 4 + 1);
                int value = new int[] {0, 1, 2, 3, 15, 17, 31, 33, 48, 49, 64, 4096, -1, 0x7fffffff}[random.nextInt(14)];
                if (field + 4 <= out.length) {
                    ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putInt(field, value);
                }
            }
            case 2 -> out = Arrays.copyOf(out, random.nextInt(out.length + 1));
            default -> out = Arrays.copyOf(out, out.length + 16 * (1 + random.nextInt(2)));
        }
        return out;
    }

    private void fragTx(Share s) {
        VmState sender = vm(s.sender);
        int chunk = Math.min(sender.rest, RX);
        if (random.nextInt(3) == 0 && chunk > 32) {
            chunk = 16 * (1 + random.nextInt(chunk / 16 - 1));
        }
        if (mutate()) {
            switch (random.nextInt(4)) {
                case 0, 1 -> {
                    // The bytes leave the VM's kept-back descriptor whatever the answer.
                    call(sender, "mem_frag_tx vm=" + s.sender + " handle=" + hex(s.handle + (chunk % 2 == 0 ? 1 : 0))
                            + " length=" + chunk + (random.nextBoolean() ? " sender=" + s.sender : ""));
                    sender.rest -= chunk;
                    if (sender.rest == 0) {
                        sender.restHandle = -1;
                    }
                }
                case 2 -> {
                    VmState other = vm(1 + (s.sender % vms.size()));
                    call(other, "mem_frag_tx vm=" + other.id + " handle=" + hex(s.handle) + " hex="
                            + "00".repeat(16 * (1 + random.nextInt(3))));
                }
                default -> call(sender, "mem_frag_tx vm=" + s.sender + " handle=" + hex(s.handle) + " hex="
                        + HexFormat.of().formatHex(corrupt(new byte[16 * (1 + random.nextInt(4))], 0, 0)));
            }
            return;
        }
        call(sender, "mem_frag_tx vm=" + s.sender + " handle=" + hex(s.handle)
                + (chunk == sender.rest && random.nextBoolean() ? "" : " length=" + chunk));
        sender.rest -= chunk;
        s.fragments.add(chunk / 16);
        if (sender.rest == 0) {
            s.complete = true;
            sender.restHandle = -1;
        }
        modeLines(s, s.sender);
    }

    // ---- retrieve ------------------------------------------------------------------------------

    private static String perm(int data, int instruction) {
        String d = data == 1 ? "ro" : "rw";
        return instruction == 0 ? d : d + (instruction == 2 ? "+x" : "+nx");
    }

    private void retrieve(Share s) {
        int index = pickReceiver(s, d -> d == 0);
        VmState vm = vm(s.receivers[index]);
        boolean single = s.kind == FfaShareKind.DONATE || s.kind == FfaShareKind.LEND && s.receivers.length == 1;
        boolean bypass = s.receivers.length > 1 && random.nextInt(4) == 0;
        Line line = new Line("mem_retrieve");
        line.put("vm", "" + vm.id);
        line.put("handle", hex(s.handle));
        line.put("from", "" + s.sender);
        line.put("type", s.kind.name().toLowerCase(Locale.ROOT));
        int instruction = single ? 1 + random.nextInt(2) : 0;
        StringBuilder to = new StringBuilder();
        for (int i = 0; i < s.receivers.length; i++) {
            if (bypass && i != index) {
                continue;
            }
            int data = s.kind == FfaShareKind.DONATE ? 2 : s.perms[i];
            to.append(to.length() == 0 ? "" : ",").append(s.receivers[i]).append(':').append(perm(data, instruction));
        }
        line.put("to", to.toString());
        int flags = bypass ? TransactionFlags.BYPASS_BORROWERS_CHECK : 0;
        if ((s.flags & TransactionFlags.CLEAR) != 0 && random.nextInt(3) == 0) {
            flags |= TransactionFlags.CLEAR;
        }
        if (s.kind != FfaShareKind.SHARE && random.nextInt(6) == 0) {
            flags |= TransactionFlags.CLEAR_ON_RELINQUISH;
        }
        if (s.attrs != 0 && (s.attrs != 0x2f || random.nextInt(3) == 0)) {
            line.put("attrs", hex(s.attrs));
        } else if (single && random.nextInt(4) == 0) {
            line.put("attrs", "0x2f");
        }
        if (s.tag != 0) {
            line.put("tag", "" + s.tag);
        }
        boolean mutated = mutate();
        if (mutated && random.nextInt(settings.hostileOneIn()) == 0) {
            hostileRetrieve(vm, s);
            modeLines(s, vm.id);
            return;
        }
        if (mutated) {
            switch (random.nextInt(8)) {
                // Instruction access unspecified where it must be given, or X where it must not be.
                case 0 -> line.put("to", vm.id + (single ? ":rw" : ":rw+x"));
                case 1 -> flags |= new int[] {TransactionFlags.HINT_VALID, 1 << 5, 1 << 11, TransactionFlags.CLEAR,
                        TransactionFlags.TIME_SLICE}[random.nextInt(5)];
                case 2 -> line.put("tag", "" + (s.tag + 1));
                case 3 -> line.put("type", new String[] {"share", "lend", "donate"}[random.nextInt(3)]);
                case 4 -> line.put("from", "" + (1 + random.nextInt(vms.size())));
                case 5 -> {
                    // Someone who may not be a borrower.
                    vm = anyVm();
                    line.put("vm", "" + vm.id);
                }
                case 6 -> line.put("to", "" + vm.id);
                default -> line.put("attrs", hex(new int[] {0x27, 0x2e, 0x10, 0x40, 0x2b}[random.nextInt(5)]));
            }
        }
        if (flags != 0) {
            line.put("flags", hex(flags));
        }
        call(vm, line.toString());
        if (!mutated && !vm.rxFull && s.delivered[index] <= 0) {
            s.delivered[index] = firstResponseFragments(s, vm.version);
            vm.rxFull = true;
            if (s.kind == FfaShareKind.DONATE && s.delivered[index] == s.fragments.size()) {
                donated(s, instruction);
            }
        }
        modeLines(s, vm.id);
        if (vm.rxFull && random.nextInt(4) != 0) {
            rxRelease(vm);
        }
    }

    /** A receiver whose delivered count passes {@code p}, if one does (mostly), else any. */
    private int pickReceiver(Share s, IntPredicate p) {
        List<Integer> fitting = new ArrayList<>();
        for (int i = 0; i < s.receivers.length; i++) {
            if (p.test(s.delivered[i])) {
                fitting.add(i);
            }
        }
        if (fitting.isEmpty() || random.nextInt(8) == 0) {
            return random.nextInt(s.receivers.length);
        }
        return fitting.get(random.nextInt(fitting.size()));
    }

    /** How many stored fragments the first response packs for a retriever of {@code version}. */
    private static int firstResponseFragments(Share s, FfaVersion version) {
        int size = version.headerSize() + version.accessDescriptorSize() + 16;
        int count = 0;
        for (int f : s.fragments) {
            if (size + 16 * f > RX && count > 0) {
                break;
            }
            size += 16 * f;
            count++;
        }
        return count;
    }

    /** A donate fully retrieved: Hafnium frees the share state and the pages change owner. */
    private void donated(Share s, int instruction) {
        int mode = R | W | (instruction == 2 ? X : 0) | (s.origMode & D);
        for (int[] p : s.pages) {
            owner[p[0]][p[1]] = s.receivers[0];
            ownerMode[p[0]][p[1]] = mode;
            busy[p[0]][p[1]] = false;
            uncertain[p[0]][p[1]] = true;
        }
        slots[(int) (s.handle - HANDLE_BASE)] = null;
    }

    private void hostileRetrieve(VmState vm, Share s) {
        List<EndpointAccess> receivers = new ArrayList<>();
        for (int i = 0; i < s.receivers.length; i++) {
            receivers.add(EndpointAccess.of(s.receivers[i], new MemoryPermissions(s.perms[i])));
        }
        TransactionFlags flags = new TransactionFlags(s.kind.transactionType() << 3);
        MemoryTransaction tx = MemoryTransaction.laidOut(vm.version, s.sender, new MemoryAttributes(s.attrs & 0xff),
                flags, s.handle, s.tag, receivers, Optional.empty());
        byte[] bytes = crashFree(corrupt(FfaDescriptorCodec.encode(tx, vm.version), 24, 36));
        if (settings.crashFree()) {
            // A receiver count of 0 is Hafnium's hypervisor retrieve request, which asserts when a VM sends it.
            if (bytes.length < 32) {
                bytes = Arrays.copyOf(bytes, 32);
            }
            if (bytes[28] == 0 && bytes[29] == 0 && bytes[30] == 0 && bytes[31] == 0) {
                bytes[28] = 1;
            }
        }
        call(vm, "mem_retrieve vm=" + vm.id + " hex=" + HexFormat.of().formatHex(bytes));
    }

    private void fragRx(Share s, int index) {
        VmState vm = vm(s.receivers[index]);
        if (vm.rxFull) {
            rxRelease(vm);
        }
        int before = 0;
        for (int i = 0; i < s.delivered[index]; i++) {
            before += s.fragments.get(i);
        }
        long offset = vm.version.headerSize() + vm.version.accessDescriptorSize() + 16 + 16L * before;
        boolean mutated = mutate();
        if (mutated) {
            offset = switch (random.nextInt(4)) {
                case 0 -> offset + 16;
                case 1 -> offset - 16 * (1 + random.nextInt(3));
                case 2 -> random.nextInt(RX * 2);
                default -> 0;
            };
        }
        call(vm, "mem_frag_rx vm=" + vm.id + " handle=" + hex(s.handle) + " offset=" + hex(offset)
                + (mutated && random.nextInt(4) == 0 ? " sender=" + s.sender : ""));
        if (!mutated) {
            int size = 0;
            int next = s.delivered[index];
            while (next < s.fragments.size() && (size + 16 * s.fragments.get(next) <= RX || size == 0)) {
                size += 16 * s.fragments.get(next);
                next++;
            }
            s.delivered[index] = next;
            vm.rxFull = true;
            if (s.kind == FfaShareKind.DONATE && next == s.fragments.size()) {
                donated(s, 1);
            }
        }
        modeLines(s, vm.id);
        if (random.nextInt(3) != 0) {
            rxRelease(vm);
        }
    }

    private void rxRelease(VmState vm) {
        call(vm, "rx_release vm=" + vm.id);
        vm.rxFull = false;
    }

    // ---- relinquish, reclaim -------------------------------------------------------------------

    private void relinquish(Share s) {
        int index = pickReceiver(s, d -> d == s.fragments.size());
        VmState vm = vm(s.receivers[index]);
        boolean clear = s.kind != FfaShareKind.SHARE && s.perms[index] != 1 && random.nextInt(4) == 0;
        if (mutate()) {
            switch (random.nextInt(5)) {
                case 0 -> call(vm, "mem_relinquish vm=" + vm.id + " handle=" + hex(s.handle) + " flags=0x1");
                case 1 -> call(vm, "mem_relinquish vm=" + vm.id + " handle=" + hex(s.handle) + " endpoints="
                        + new String[] {"" + s.sender, vm.id + "," + vm.id, "9", "" + (1 + random.nextInt(vms.size()))}
                        [random.nextInt(4)]);
                case 2 -> {
                    VmState other = anyVm();
                    call(other, "mem_relinquish vm=" + other.id + " handle=" + hex(s.handle));
                }
                case 3 -> call(vm, "mem_relinquish vm=" + vm.id + " handle=" + hex(s.handle) + " flags="
                        + hex(random.nextInt() & 0xffffffffL));
                default -> {
                    byte[] bytes = new byte[18];
                    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
                    b.putLong(0, s.handle).putInt(8, clear ? 1 : 0).putInt(12, 1).putShort(16, (short) vm.id);
                    call(vm, "mem_relinquish vm=" + vm.id + " hex="
                            + HexFormat.of().formatHex(corrupt(bytes, 12, 12)));
                }
            }
            modeLines(s, vm.id);
            return;
        }
        call(vm, "mem_relinquish vm=" + vm.id + " handle=" + hex(s.handle) + (clear ? " flags=0x1" : ""));
        if (s.delivered[index] == s.fragments.size()) {
            s.delivered[index] = 0;
        }
        modeLines(s, vm.id);
        if (random.nextInt(3) == 0) {
            lines.add("read vm=" + s.sender + " addr=" + hex(s.constituents.get(0).address() + 8));
        }
    }

    private void reclaim(Share s) {
        VmState vm = vm(s.sender);
        boolean clear = (s.origMode & W) != 0 && random.nextInt(4) == 0;
        if (mutate()) {
            VmState other = random.nextBoolean() ? anyVm() : vm;
            call(other, "mem_reclaim vm=" + other.id + " handle=" + hex(s.handle)
                    + (random.nextBoolean() ? " flags=0x1" : " flags=" + hex(random.nextInt() & 0xffffffffL)));
            modeLines(s, other.id);
            return;
        }
        call(vm, "mem_reclaim vm=" + vm.id + " handle=" + hex(s.handle) + (clear ? " flags=0x1" : ""));
        boolean held = false;
        for (int d : s.delivered) {
            held |= d != 0;
        }
        if (!held) {
            for (int[] p : s.pages) {
                busy[p[0]][p[1]] = false;
                // The handle the model names may not be the one Hafnium gave (a send it believed
                // refused may have taken a slot): back in the owner's hands, but only alone.
                uncertain[p[0]][p[1]] = true;
            }
            slots[(int) (s.handle - HANDLE_BASE)] = null;
        }
        modeLines(s, vm.id);
        if (random.nextInt(3) == 0) {
            lines.add("read vm=" + s.sender + " addr=" + hex(s.constituents.get(0).address() + 8));
        }
    }
}
