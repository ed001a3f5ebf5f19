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
import org.memshare.api.mode.Mode;
import org.memshare.api.spci.Constituent;
import org.memshare.api.spci.Decoded;
import org.memshare.api.spci.MemoryAccess;
import org.memshare.api.spci.MemoryRegion;
import org.memshare.api.spci.MemoryRegionCodec;
import org.memshare.api.spci.ShareType;
import org.memshare.api.spci.SpciError;
import org.memshare.engine.machine.Mailbox;
import org.memshare.engine.spci.SpciResult;
import org.memshare.kit.ArchUnderTest;
import org.memshare.kit.fixture.Arches;
import org.memshare.kit.fixture.KitMachine;
import org.memshare.kit.fixture.Message;
import org.memshare.kit.fixture.Snapshot;
import org.memshare.kit.model.OwnershipModel;

/**
 * Fuzzes {@code sharebytes} end to end: arbitrary messages sent through the {@link
 * org.memshare.engine.hypervisor.Hypervisor} facade of a booted machine ({@link KitMachine}) of
 * every arch plugin on the class path ({@link Arches#discovered()}), each input run on all.
 *
 * <p>An input is a sequence of up to four sends, each 6 bytes of header then the region bytes:
 * {@code ctl} (bits 0-2 the sender id, 0 to 7, of which 1 to 4 are VMs; bit 7: leave a delivered
 * message in the receiver's mailbox instead of releasing it, so the next send to it is BUSY),
 * {@code to} (bits 0-2 the receiver id), {@code uint16 type}, {@code uint16 n}, then {@code n}
 * bytes of region (fewer if the input ends first), sent behind an 8-byte header of that type.
 *
 * <p>Each send returns (no exception escapes). A refused send answers INVALID_PARAMETERS or BUSY
 * (the pool is large enough that NO_MEMORY cannot happen, and no policy is installed) and
 * changes nothing: the kit's {@link org.memshare.kit.fixture.Snapshot} (every VM's stage-2 dump,
 * the stage-1 dump, the pool's free count, resident memory, every mailbox and every page owned at
 * boot, whose first word holds a tag) is as before. An accepted send delivers exactly its
 * message to the receiver, gives the receiver the permissions it asked for on every constituent
 * (R|W|X for a relinquish), and leaves the kit's {@link OwnershipModel} whole (access through the
 * translation probed on the constituents' pages).
 *
 * <p>The machine (see {@link #LAYOUT}): VM 1 owns a 2 MiB block of RAM at 0x40000000, has lent
 * its pages 0x40100000-0x40103fff to VM 2 (RW) and shares 0x40108000-0x40109fff with VM 3 (RX);
 * VM 2 owns 16 pages at 0x50000000 (RW); VM 3 owns a device page at 0x1000 (RW, D) and 8 pages at
 * 0x60000000; VM 4 owns nothing. Regression inputs: {@code ShareBytesFuzzTestInputs/sharebytes}.
 */
class ShareBytesFuzzTest {
    static final List<Owned> LAYOUT = List.of(
            new Owned(1, 0x4000_0000L, 512, Mode.R | Mode.W | Mode.X),
            new Owned(2, 0x5000_0000L, 16, Mode.R | Mode.W),
            new Owned(3, 0x1000L, 1, Mode.R | Mode.W | Mode.D),
            new Owned(3, 0x6000_0000L, 8, Mode.R | Mode.W | Mode.X));
    private static final int VMS = 4;
    private static final long POOL_PAGES = 8192;
    private static final List<ArchUnderTest> ARCHES = Arches.discovered();
    private static final int MAX_SENDS = 4;

    /** A booted machine per arch, reused until a send is accepted (a refused one changes nothing). */
    private static final Map<ArchUnderTest, KitMachine> CLEAN = new HashMap<>();

    /** {@code pages} pages at {@code begin} that VM {@code owner} owns at boot, mapped with {@code mode}. */
    record Owned(int owner, long begin, long pages, int mode) {
    }

    @FuzzTest(maxDuration = "5m")
    void sharebytes(byte[] data) {
        List<Send> sends = parse(data);
        for (ArchUnderTest arch : ARCHES) {
            KitMachine m = CLEAN.containsKey(arch) ? CLEAN.remove(arch) : boot(arch);
            boolean changed = false;
            for (Send send : sends) {
                changed |= run(m, send);
            }
            if (!changed) {
                CLEAN.put(arch, m);
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

    /** The value the first word of the page at {@code address} holds after boot. */
    static long tag(long address) {
        return 0x7a67_0000_0000_0000L ^ address;
    }

    /** Every page of {@link #LAYOUT}. */
    static List<Long> givenPages() {
        List<Long> pages = new ArrayList<>();
        for (Owned o : LAYOUT) {
            for (long p = 0; p < o.pages(); p++) {
                pages.add(o.begin() + p * KitMachine.PAGE);
            }
        }
        return pages;
    }

    static KitMachine boot(ArchUnderTest arch) {
        KitMachine m = KitMachine.boot(arch, POOL_PAGES, VMS);
        for (Owned o : LAYOUT) {
            m.mapPages(o.owner(), o.begin(), o.pages(), o.mode());
        }
        // Each tagged page is watched: a snapshot holds its contents.
        givenPages().forEach(page -> m.poke(page, tag(page)));
        m.assertSent(Message.lend(1, 2).access(MemoryAccess.RW_NX).pages(0x4010_0000L, 4));
        m.assertSent(Message.share(1, 3).access(MemoryAccess.RO_X).pages(0x4010_8000L, 2));
        List<String> violations = OwnershipModel.violations(m, givenPages(), 10, page -> true);
        assertEquals(List.of(), violations, m.where() + "the booted machine breaks the model");
        return m;
    }

    /** Runs one send and checks it; true if it was accepted (the machine changed). */
    private static boolean run(KitMachine m, Send send) {
        String what = m.where() + "send from " + send.from() + " to " + send.to() + " of "
                + send.message().length + " bytes";
        Snapshot before = m.snapshot();
        SpciResult result = m.send(send.from(), send.to(), send.message());
        if (!result.isSuccess()) {
            SpciError error = result.error().orElseThrow();
            assertTrue(Set.of(SpciError.INVALID_PARAMETERS, SpciError.BUSY).contains(error),
                    what + " answered " + result);
            String diff = m.snapshot().diff(before);
            if (!diff.isEmpty()) {
                fail(what + " was refused (" + result + ") but changed the machine:\n" + diff);
            }
            return false;
        }
        Optional<Mailbox.Message> delivered = m.hypervisor().receive(send.to());
        assertTrue(delivered.isPresent(), what + " succeeded but delivered nothing");
        assertEquals(send.from(), delivered.get().sender(), what + ": the delivered message's sender");
        assertArrayEquals(send.message(), delivered.get().bytes(), what + ": the delivered bytes");
        MemoryRegion region = checkReceiverPermissions(m, send, what);
        List<String> violations = OwnershipModel.violations(m, givenPages(), 10, page -> region.constituents().stream()
                .anyMatch(c -> Long.compareUnsigned(page - c.address(), c.sizeBytes()) < 0));
        assertEquals(List.of(), violations, what + " was accepted and broke the ownership model");
        if (!send.keep()) {
            m.hypervisor().release(send.to());
        }
        return true;
    }

    /** Asserts the receiver's permissions over every constituent are what the message asked for; returns the region. */
    private static MemoryRegion checkReceiverPermissions(KitMachine m, Send send, String what) {
        Decoded decoded = MemoryRegionCodec.decodeMessage(send.message());
        assertTrue(decoded instanceof Decoded.Ok, what + " was accepted but does not decode: " + decoded);
        MemoryRegion region = ((Decoded.Ok) decoded).region();
        int type = MemoryRegionCodec.messageType(send.message()).orElseThrow();
        int expected = type == ShareType.RELINQUISH.code()
                ? Mode.R | Mode.W | Mode.X
                : region.attributes().get(0).attributes().receiverMode();
        for (Constituent c : region.constituents()) {
            OptionalInt mode = m.mode(send.to(), c.address(), c.pageCount());
            assertTrue(mode.isPresent(), what + ": the receiver has more than one mode over " + c);
            assertEquals(Mode.describe(expected), Mode.describe(mode.getAsInt() & (Mode.R | Mode.W | Mode.X)),
                    what + ": the receiver's permissions over " + c);
        }
        return region;
    }
}
