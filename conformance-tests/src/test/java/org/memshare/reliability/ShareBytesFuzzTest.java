package org.memshare.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.memshare.api.addr.IntermediatePhysicalAddress;
import org.memshare.api.mode.Mode;
import org.memshare.api.spci.Constituent;
import org.memshare.api.spci.Decoded;
import org.memshare.api.spci.MemoryAccess;
import org.memshare.api.spci.MemoryAttributes;
import org.memshare.api.spci.MemoryRegion;
import org.memshare.api.spci.MemoryRegionCodec;
import org.memshare.api.spci.ReceiverAttributes;
import org.memshare.api.spci.ShareType;
import org.memshare.api.spci.SpciError;
import org.memshare.engine.machine.Mailbox;
import org.memshare.engine.machine.Vm;
import org.memshare.engine.spci.SpciResult;

/**
 * Fuzzes {@code sharebytes} end to end: arbitrary messages sent through the {@link
 * org.memshare.engine.hypervisor.Hypervisor} facade of a booted machine, on the fake arch and on
 * aarch64 (40-bit PA), each input run on both.
 *
 * <p>An input is a sequence of up to four sends, each 6 bytes of header then the region bytes:
 * {@code ctl} (bits 0-2 the sender id, 0 to 7, of which 1 to 4 are VMs; bit 7: leave a delivered
 * message in the receiver's mailbox instead of releasing it, so the next send to it is BUSY),
 * {@code to} (bits 0-2 the receiver id), {@code uint16 type}, {@code uint16 n}, then {@code n}
 * bytes of region (fewer if the input ends first), sent behind an 8-byte header of that type.
 *
 * <p>Each send returns (no exception escapes). A refused send answers INVALID_PARAMETERS or BUSY
 * (the pool is large enough that NO_MEMORY cannot happen, and no policy is installed) and
 * changes nothing: every VM's stage-2 dump, the stage-1 dump, the pool's free count, every
 * mailbox and every page's first word are as before. An accepted send delivers exactly its
 * message to the receiver, gives the receiver the permissions it asked for on every constituent
 * (R|W|X for a relinquish), and leaves the {@link OwnershipModel} whole (access through the
 * translation probed on the constituents' pages).
 *
 * <p>The machine (see {@link #LAYOUT}): VM 1 owns a 2 MiB block of RAM at 0x40000000, has lent
 * its pages 0x40100000-0x40103fff to VM 2 (RW) and shares 0x40108000-0x40109fff with VM 3 (RX);
 * VM 2 owns 16 pages at 0x50000000 (RW); VM 3 owns a device page at 0x1000 (RW, D) and 8 pages at
 * 0x60000000; VM 4 owns nothing. Regression inputs: {@code ShareBytesFuzzTestInputs/sharebytes}.
 */
class ShareBytesFuzzTest {
    static final List<Rig.Owned> LAYOUT = List.of(
            new Rig.Owned(1, 0x4000_0000L, 512, Mode.R | Mode.W | Mode.X),
            new Rig.Owned(2, 0x5000_0000L, 16, Mode.R | Mode.W),
            new Rig.Owned(3, 0x1000L, 1, Mode.R | Mode.W | Mode.D),
            new Rig.Owned(3, 0x6000_0000L, 8, Mode.R | Mode.W | Mode.X));
    private static final int VMS = 4;
    private static final long POOL_PAGES = 8192;
    private static final List<String> ARCHES = List.of("fake", "aarch64");
    private static final int MAX_SENDS = 4;

    /** A booted machine per arch, reused until a send is accepted (a refused one changes nothing). */
    private static final Map<String, Rig> CLEAN = new HashMap<>();

    @FuzzTest(maxDuration = "5m")
    void sharebytes(byte[] data) {
        List<Send> sends = parse(data);
        for (String arch : ARCHES) {
            Rig rig = CLEAN.containsKey(arch) ? CLEAN.remove(arch) : boot(arch);
            boolean changed = false;
            for (Send send : sends) {
                changed |= run(rig, send);
            }
            if (!changed) {
                CLEAN.put(arch, rig);
            }
        }
    }

    /** One send in the input. */
    record Send(int from, int to, boolean keep, byte[] message) {
    }

    static List<Send> parse(byte[] data) {
        List<Send> sends = new ArrayList<>();
        int at = 0;
        while (data.length - at >= 6 && sends.size() < MAX_SENDS) {
            int ctl = data[at] & 0xff;
            int to = data[at + 1] & 7;
            int type = (data[at + 2] & 0xff) | (data[at + 3] & 0xff) << 8;
            int n = (data[at + 4] & 0xff) | (data[at + 5] & 0xff) << 8;
            at += 6;
            n = Math.min(n, data.length - at);
            byte[] region = java.util.Arrays.copyOfRange(data, at, at + n);
            at += n;
            sends.add(new Send(ctl & 7, to, (ctl & 0x80) != 0, MemoryRegionCodec.message(type, region)));
        }
        return sends;
    }

    static Rig boot(String arch) {
        Rig rig = Rig.boot(arch, 40, POOL_PAGES, VMS, LAYOUT);
        sendOrFail(rig, 1, 2, ShareType.LEND, MemoryAccess.RW_NX, Constituent.of(0x4010_0000L, 4));
        sendOrFail(rig, 1, 3, ShareType.SHARE, MemoryAccess.RO_X, Constituent.of(0x4010_8000L, 2));
        List<String> violations = OwnershipModel.violations(rig, 10);
        assertEquals(List.of(), violations, "[" + arch + "] the booted machine breaks the model");
        return rig;
    }

    private static void sendOrFail(Rig rig, int from, int to, ShareType type, MemoryAccess access, Constituent c) {
        MemoryRegion region = MemoryRegion.of(0, 0,
                List.of(ReceiverAttributes.of(to, MemoryAttributes.of(access, true, 0, 0).value())), List.of(c));
        SpciResult result = rig.hypervisor().send(from, to, MemoryRegionCodec.encodeMessage(type, region));
        assertTrue(result.isSuccess(), "boot: " + result);
        rig.hypervisor().release(to);
    }

    /** Runs one send and checks it; true if it was accepted (the machine changed). */
    private static boolean run(Rig rig, Send send) {
        String what = "[" + rig.arch() + "] send from " + send.from() + " to " + send.to() + " of "
                + send.message().length + " bytes";
        Snapshot before = Snapshot.of(rig, true);
        SpciResult result = rig.hypervisor().send(send.from(), send.to(), send.message());
        if (!result.isSuccess()) {
            SpciError error = result.error().orElseThrow();
            assertTrue(Set.of(SpciError.INVALID_PARAMETERS, SpciError.BUSY).contains(error),
                    what + " answered " + result);
            Snapshot after = Snapshot.of(rig, true);
            if (!before.equals(after)) {
                fail(what + " was refused (" + result + ") but changed the machine:\n" + difference(before, after));
            }
            return false;
        }
        Optional<Mailbox.Message> delivered = rig.hypervisor().receive(send.to());
        assertTrue(delivered.isPresent(), what + " succeeded but delivered nothing");
        assertEquals(send.from(), delivered.get().sender(), what + ": the delivered message's sender");
        assertArrayEquals(send.message(), delivered.get().bytes(), what + ": the delivered bytes");
        MemoryRegion region = checkReceiverPermissions(rig, send, what);
        List<String> violations = OwnershipModel.violations(rig, 10, page -> region.constituents().stream()
                .anyMatch(c -> Long.compareUnsigned(page - c.address(), c.sizeBytes()) < 0));
        assertEquals(List.of(), violations, what + " was accepted and broke the ownership model");
        if (!send.keep()) {
            rig.hypervisor().release(send.to());
        }
        return true;
    }

    /** Asserts the receiver's permissions over every constituent are what the message asked for; returns the region. */
    private static MemoryRegion checkReceiverPermissions(Rig rig, Send send, String what) {
        Decoded decoded = MemoryRegionCodec.decodeMessage(send.message());
        assertTrue(decoded instanceof Decoded.Ok, what + " was accepted but does not decode: " + decoded);
        MemoryRegion region = ((Decoded.Ok) decoded).region();
        int type = MemoryRegionCodec.messageType(send.message()).orElseThrow();
        int expected = type == ShareType.RELINQUISH.code()
                ? Mode.R | Mode.W | Mode.X
                : region.attributes().get(0).attributes().receiverMode();
        Vm receiver = rig.machine().vm(send.to()).orElseThrow();
        for (Constituent c : region.constituents()) {
            OptionalInt mode;
            receiver.lock().lock();
            try {
                mode = receiver.table().mode(IntermediatePhysicalAddress.of(c.address()),
                        IntermediatePhysicalAddress.of(c.end()));
            } finally {
                receiver.lock().unlock();
            }
            assertTrue(mode.isPresent(), what + ": the receiver has more than one mode over " + c);
            assertEquals(Mode.describe(expected), Mode.describe(mode.getAsInt() & (Mode.R | Mode.W | Mode.X)),
                    what + ": the receiver's permissions over " + c);
        }
        return region;
    }

    private static String difference(Snapshot before, Snapshot after) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < before.stage2().size(); i++) {
            if (!before.stage2().get(i).equals(after.stage2().get(i))) {
                out.append("VM ").append(i + 1).append("'s stage 2 was:\n").append(before.stage2().get(i))
                        .append("and is:\n").append(after.stage2().get(i));
            }
            if (!before.mailboxes().get(i).equals(after.mailboxes().get(i))) {
                out.append("VM ").append(i + 1).append("'s mailbox was ").append(before.mailboxes().get(i))
                        .append(" and is ").append(after.mailboxes().get(i)).append('\n');
            }
        }
        if (!before.stage1().equals(after.stage1())) {
            out.append("stage 1 was:\n").append(before.stage1()).append("and is:\n").append(after.stage1());
        }
        if (before.freePages() != after.freePages()) {
            out.append("free pages ").append(before.freePages()).append(" -> ").append(after.freePages()).append('\n');
        }
        if (!before.words().equals(after.words())) {
            out.append("memory words changed\n");
        }
        return out.toString();
    }
}
