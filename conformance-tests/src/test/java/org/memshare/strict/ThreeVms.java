package org.memshare.strict;

import com.google.inject.Module;
import org.memshare.api.mode.Mode;
import org.memshare.api.spci.Constituent;
import org.memshare.api.spci.MemoryAccess;
import org.memshare.api.spci.ShareType;
import org.memshare.engine.spci.SpciResult;
import org.memshare.kit.ArchUnderTest;
import org.memshare.kit.fixture.KitMachine;
import org.memshare.kit.fixture.Message;

/**
 * The layout of the stricter-check, resource and policy tests on a {@link KitMachine}: three VMs
 * with memory mapped (identity-mapped, as Hafnium's VMs are) and patterned:
 * <ul>
 *   <li>VM 1 owns {@link #VM1_BASE} to {@link #VM1_END} R|W|X: a 2 MiB block and 16 pages after it;</li>
 *   <li>VM 2 owns 16 pages at {@link #VM2_BASE} R|W|X;</li>
 *   <li>VM 3 owns 4 pages at {@link #VM3_BASE} R|W.</li>
 * </ul>
 * The first and last words of every page above hold {@link KitMachine#pattern(long)}, and those
 * pages are in every snapshot.
 */
public final class ThreeVms {
    public static final long PAGE = KitMachine.PAGE;
    public static final long VM1_BASE = 0x4000_0000L;
    public static final long VM1_END = VM1_BASE + 0x20_0000L + 16 * PAGE;
    public static final long VM2_BASE = 0x5000_0000L;
    public static final long VM2_END = VM2_BASE + 16 * PAGE;
    public static final long VM3_BASE = 0x6000_0000L;
    public static final long VM3_END = VM3_BASE + 4 * PAGE;
    public static final int RWX = KitMachine.RWX;
    /** RW_NX, normal memory, as a raw 16-bit attribute field. */
    public static final int RW_NX = Message.normal(MemoryAccess.RW_NX);
    /** RW_X, normal memory, as a raw 16-bit attribute field. */
    public static final int RW_X = Message.normal(MemoryAccess.RW_X);

    private static final long POOL_PAGES = 512;

    private ThreeVms() {
    }

    /** The machine of {@code under} with the layout above, with {@code modules} installed. */
    public static KitMachine boot(ArchUnderTest under, Module... modules) {
        KitMachine fixture = bare(under, modules);
        fixture.map(1, VM1_BASE, VM1_END, RWX);
        fixture.map(2, VM2_BASE, VM2_END, RWX);
        fixture.map(3, VM3_BASE, VM3_END, Mode.R | Mode.W);
        fixture.fillPattern(VM1_BASE, VM1_END);
        fixture.fillPattern(VM2_BASE, VM2_END);
        fixture.fillPattern(VM3_BASE, VM3_END);
        return fixture;
    }

    /** The machine of {@code under} with nothing mapped and no pattern. */
    public static KitMachine bare(ArchUnderTest under, Module... modules) {
        return KitMachine.boot(under, POOL_PAGES, 3, modules);
    }

    /** Writes {@link KitMachine#pattern} at each address (rounded down to 8 bytes), physically. */
    public static void fill(KitMachine fixture, long... addresses) {
        for (long address : addresses) {
            long aligned = address & ~7L;
            fixture.poke(aligned, KitMachine.pattern(aligned));
        }
    }

    /** Sends {@code message} and releases the receiver's mailbox if it was delivered. */
    public static SpciResult send(KitMachine fixture, int from, int to, byte[] message) {
        SpciResult result = fixture.send(from, to, message);
        if (result.isSuccess() && fixture.hypervisor().release(to).isEmpty()) {
            throw new AssertionError(fixture.where() + "a successful send delivered nothing");
        }
        return result;
    }

    /** The message {@code type} carrying a region for receiver {@code receiver} with {@code constituents}. */
    public static byte[] message(ShareType type, int receiver, int attributes, int flags, Constituent... constituents) {
        return Message.of(type, 1, receiver).attributes(attributes).flags(flags).constituents(constituents).bytes();
    }

    /** {@link Constituent#of}. */
    public static Constituent c(long address, long pages) {
        return Constituent.of(address, pages);
    }
}
