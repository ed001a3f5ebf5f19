package org.memshare.sharing;

import java.util.ArrayList;
import java.util.List;
import org.memshare.api.mode.Mode;
import org.memshare.api.spci.Constituent;
import org.memshare.api.spci.MemoryAccess;
import org.memshare.api.spci.MemoryAttributes;
import org.memshare.api.spci.ShareType;
import org.memshare.kit.ArchUnderTest;
import org.memshare.kit.fixture.KitMachine;
import org.memshare.kit.fixture.Message;

/**
 * The layout of Hafnium's primary-with-secondaries tests on a {@link KitMachine}, and the moves of
 * its scenarios: a primary VM that owns its RAM (and a device page), two service VMs that own
 * nothing, memory-sharing messages between them. Every successful move checks that the message
 * arrived intact and releases the receiver's mailbox; every refusal checks that nothing changed.
 */
final class PrimaryWithSecondaries {
    /** Hafnium's primary VM, which owns its RAM from the start. */
    static final int PRIMARY = 1;
    /** The first service (secondary) VM. */
    static final int SERVICE1 = 2;
    /** The second service VM: the "third party" of most scenarios. */
    static final int SERVICE2 = 3;
    /** Every VM of the machine. */
    static final List<Integer> ALL_VMS = List.of(PRIMARY, SERVICE1, SERVICE2);

    static final long PAGE_SIZE = KitMachine.PAGE;
    /** The primary's RAM: a 2 MiB run at 1 GiB, owned exclusively (R|W|X) from boot. */
    static final long RAM = 0x4000_0000L;
    static final long RAM_PAGES = 512;
    /** The buffer the scenarios pass around, inside the primary's RAM, with RAM either side. */
    static final long PAGE = RAM + 8 * PAGE_SIZE;
    /** A device page of the primary (mode R|W|D), at the address Hafnium's device test names. */
    static final long DEVICE = PAGE_SIZE;
    /** Where a service VM's own memory (its image) goes when a scenario gives it some. */
    static final long SERVICE_OWN = 0x5000_0000L;
    /** The A64 encoding of RET, which the execute scenarios place in the buffer. */
    static final long RET_INSTRUCTION = 0xD65F_03C0L;
    /** Owned, exclusive, full access: what an owner has, and regains on a relinquish. */
    static final int OWNED_RWX = KitMachine.RWX;

    private static final long POOL_PAGES = 256;

    private PrimaryWithSecondaries() {
    }

    /**
     * A machine of {@code under} with three VMs: the primary owns {@link #RAM} (R|W|X) and the
     * device page {@link #DEVICE} (R|W|D); the service VMs have nothing mapped. The first 16
     * pages of RAM are in every snapshot.
     */
    static KitMachine boot(ArchUnderTest under) {
        KitMachine f = KitMachine.boot(under, POOL_PAGES, ALL_VMS.size());
        f.mapPages(PRIMARY, RAM, RAM_PAGES, OWNED_RWX);
        f.mapPages(PRIMARY, DEVICE, 1, Mode.R | Mode.W | Mode.D);
        f.watch(RAM, 16);
        return f;
    }

    /** {@code count} pages from {@code address}. */
    static Constituent pages(long address, long count) {
        return Constituent.of(address, count);
    }

    /** Normal memory with {@code access}; the cacheability and shareability fields are set but carry no weight. */
    static int normal(MemoryAccess access) {
        return MemoryAttributes.of(access, true, 3, 2).value();
    }

    /** A message of {@code type} from {@code from} to {@code to} (named as receiver) granting {@code access}. */
    static Message attempt(ShareType type, int from, int to, MemoryAccess access, Constituent... constituents) {
        return Message.of(type, from, to).attributes(normal(access)).constituents(constituents);
    }

    /** A relinquish from {@code from} to {@code to}, with the attributes Hafnium's helper writes. */
    static Message relinquishing(int from, int to, Constituent... constituents) {
        return Message.relinquish(from, to).constituents(constituents);
    }

    static void donate(KitMachine f, int from, int to, MemoryAccess access, Constituent... constituents) {
        f.assertSent(attempt(ShareType.DONATE, from, to, access, constituents));
    }

    static void lend(KitMachine f, int from, int to, MemoryAccess access, Constituent... constituents) {
        f.assertSent(attempt(ShareType.LEND, from, to, access, constituents));
    }

    static void share(KitMachine f, int from, int to, MemoryAccess access, Constituent... constituents) {
        f.assertSent(attempt(ShareType.SHARE, from, to, access, constituents));
    }

    static void relinquish(KitMachine f, int from, int to, Constituent... constituents) {
        f.assertSent(relinquishing(from, to, constituents));
    }

    /**
     * Every donate, lend or share (as {@code type}) of {@code constituents} from {@code from} to
     * each of {@code receivers}, with every value of the access, type, cacheability and
     * shareability fields: 128 messages per receiver.
     */
    static List<Message> everyAttributeCombination(ShareType type, int from, List<Integer> receivers,
            Constituent... constituents) {
        List<Message> attempts = new ArrayList<>();
        for (int to : receivers) {
            for (MemoryAccess access : MemoryAccess.values()) {
                for (boolean normal : new boolean[] {true, false}) {
                    for (int cacheability = 0; cacheability < 4; cacheability++) {
                        for (int shareability = 0; shareability < 4; shareability++) {
                            attempts.add(Message.of(type, from, to).constituents(constituents)
                                    .attributes(MemoryAttributes.of(access, normal, cacheability, shareability).value()));
                        }
                    }
                }
            }
        }
        return attempts;
    }

    /** A relinquish of {@code constituents} between every ordered pair of VMs except those in {@code allowed}. */
    static List<Message> everyRelinquishExcept(List<List<Integer>> allowed, Constituent... constituents) {
        List<Message> attempts = new ArrayList<>();
        for (int from : ALL_VMS) {
            for (int to : ALL_VMS) {
                if (!allowed.contains(List.of(from, to))) {
                    attempts.add(relinquishing(from, to, constituents));
                }
            }
        }
        return attempts;
    }
}
