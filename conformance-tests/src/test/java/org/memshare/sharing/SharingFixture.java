package org.memshare.sharing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.memshare.api.addr.IntermediatePhysicalAddress;
import org.memshare.api.addr.PhysicalAddress;
import org.memshare.api.mode.Mode;
import org.memshare.api.spci.Constituent;
import org.memshare.api.spci.MemoryAccess;
import org.memshare.api.spci.MemoryAttributes;
import org.memshare.api.spci.MemoryRegion;
import org.memshare.api.spci.MemoryRegionCodec;
import org.memshare.api.spci.ReceiverAttributes;
import org.memshare.api.spci.ShareType;
import org.memshare.api.spci.SpciError;
import org.memshare.engine.hypervisor.Hypervisor;
import org.memshare.engine.hypervisor.Hypervisor.Access;
import org.memshare.engine.machine.Machine;
import org.memshare.engine.machine.MachineConfig;
import org.memshare.engine.machine.MachineResult;
import org.memshare.engine.machine.Machines;
import org.memshare.engine.machine.Mailbox;
import org.memshare.engine.machine.Vm;
import org.memshare.engine.mm.EntryVisitor;
import org.memshare.engine.mm.PageTable;
import org.memshare.engine.plugin.ArchRegistry;
import org.memshare.engine.spci.SpciResult;

/**
 * A machine laid out like Hafnium's primary-with-secondaries test setup, and the moves of its
 * scenarios: a primary VM that owns its RAM (and a device page), two service VMs that own
 * nothing, memory-sharing messages sent between them, and checks of who can touch what.
 *
 * <p>Every successful send is followed, as the trace runner does, by a look at the receiver's
 * mailbox (the message arrived, from the sender, byte for byte) and a release of it. Every
 * refused send is checked to have changed nothing: not a page-table entry of any VM or of the
 * hypervisor, not the pool, not the watched memory.
 */
final class SharingFixture {
    /** Hafnium's primary VM, which owns its RAM from the start. */
    static final int PRIMARY = 1;
    /** The first service (secondary) VM. */
    static final int SERVICE1 = 2;
    /** The second service VM: the "third party" of most scenarios. */
    static final int SERVICE2 = 3;
    /** Every VM of the machine. */
    static final List<Integer> ALL_VMS = List.of(PRIMARY, SERVICE1, SERVICE2);

    static final long PAGE_SIZE = 4096;
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
    static final int OWNED_RWX = Mode.R | Mode.W | Mode.X;
    /** The mode of memory a VM has never mapped (or has given away to a VM that had never mapped it). */
    static final int NOT_MAPPED = Mode.INVALID | Mode.UNOWNED | Mode.SHARED;

    /** The attributes Hafnium's relinquish helper writes (RW_X, device, cacheability and shareability 0). */
    static final int RELINQUISH_ATTRIBUTES = MemoryAttributes.of(MemoryAccess.RW_X, false, 0, 0).value();

    private static final ArchRegistry REGISTRY = ArchRegistry.discover();
    private static final long POOL_PAGES = 256;
    private static final int PA_BITS = 40;

    private final String arch;
    private final Machine machine;
    private final Hypervisor hypervisor;

    private SharingFixture(String arch, Machine machine) {
        this.arch = arch;
        this.machine = machine;
        this.hypervisor = new Hypervisor(machine);
    }

    /**
     * A machine on {@code arch} with three VMs: the primary owns {@link #RAM} (R|W|X) and the
     * device page {@link #DEVICE} (R|W|D); the service VMs have nothing mapped.
     */
    static SharingFixture boot(String arch) {
        MachineResult result = Machines.create(MachineConfig.of(arch, PA_BITS, POOL_PAGES, ALL_VMS.size()), REGISTRY);
        if (!(result instanceof MachineResult.Created created)) {
            throw new AssertionError("no machine on arch " + arch + ": " + result);
        }
        SharingFixture fixture = new SharingFixture(arch, created.machine());
        fixture.giveOwnMemory(PRIMARY, RAM, RAM_PAGES, OWNED_RWX);
        fixture.giveOwnMemory(PRIMARY, DEVICE, 1, Mode.R | Mode.W | Mode.D);
        return fixture;
    }

    /** How many pages the machine's page pool holds free. */
    long freePages() {
        return machine.pool().freeCount();
    }

    String arch() {
        return arch;
    }

    Machine machine() {
        return machine;
    }

    Hypervisor hypervisor() {
        return hypervisor;
    }

    /** Maps {@code pages} at {@code address} into {@code vm}'s stage-2 table as memory it owns, in {@code mode}. */
    void giveOwnMemory(int vm, long address, long pages, int mode) {
        Vm target = vm(vm);
        target.lock().lock();
        try {
            assertTrue(target.table().map(PhysicalAddress.of(address), PhysicalAddress.of(address + pages * PAGE_SIZE),
                    mode, machine.pool()), where() + "mapping VM " + vm + "'s own memory");
        } finally {
            target.lock().unlock();
        }
    }

    // ------------------------------------------------------------------------------ messages

    /** {@code count} pages from {@code address}. */
    static Constituent pages(long address, long count) {
        return Constituent.of(address, count);
    }

    /** Normal memory with {@code access}; the cacheability and shareability fields are set but carry no weight. */
    static int normal(MemoryAccess access) {
        return MemoryAttributes.of(access, true, 3, 2).value();
    }

    /** A whole architected message of {@code type} naming {@code receiver}, as Hafnium's init helpers lay it out. */
    static byte[] message(ShareType type, int receiver, int attributes, int flags, Constituent... constituents) {
        MemoryRegion region = MemoryRegion.of(0, flags,
                List.of(ReceiverAttributes.of(receiver, attributes)), List.of(constituents));
        return MemoryRegionCodec.encodeMessage(type, region);
    }

    /** A message of {@code type} for {@code receiver} granting {@code access} to normal memory, no flags. */
    static byte[] message(ShareType type, int receiver, MemoryAccess access, Constituent... constituents) {
        return message(type, receiver, normal(access), 0, constituents);
    }

    /** A relinquish naming {@code owner}, with the attributes Hafnium's helper writes. */
    static byte[] relinquishMessage(int owner, Constituent... constituents) {
        return message(ShareType.RELINQUISH, owner, RELINQUISH_ATTRIBUTES, 0, constituents);
    }

    /** Sends {@code message} from {@code from} to {@code to}, exactly as given. */
    SpciResult send(int from, int to, byte[] message) {
        return hypervisor.send(from, to, message);
    }

    /**
     * Sends {@code message} from {@code from} to {@code to}, asserts it succeeded and was delivered
     * intact, then releases the receiver's mailbox.
     */
    void assertSent(int from, int to, byte[] message) {
        SpciResult result = send(from, to, message);
        assertTrue(result.isSuccess(), where() + "send from VM " + from + " to VM " + to + " answered " + result);
        Optional<Mailbox.Message> delivered = hypervisor.receive(to);
        assertTrue(delivered.isPresent(), where() + "VM " + to + "'s mailbox is empty after a successful send");
        assertEquals(from, delivered.get().sender(), where() + "the delivered message's sender");
        assertArrayEquals(message, delivered.get().bytes(), where() + "the delivered message's bytes");
        assertTrue(hypervisor.release(to).isPresent(), where() + "releasing VM " + to + "'s mailbox");
        assertTrue(hypervisor.receive(to).isEmpty(), where() + "VM " + to + "'s mailbox after release");
    }

    void donate(int from, int to, MemoryAccess access, Constituent... constituents) {
        assertSent(from, to, message(ShareType.DONATE, to, access, constituents));
    }

    void lend(int from, int to, MemoryAccess access, Constituent... constituents) {
        assertSent(from, to, message(ShareType.LEND, to, access, constituents));
    }

    void share(int from, int to, MemoryAccess access, Constituent... constituents) {
        assertSent(from, to, message(ShareType.SHARE, to, access, constituents));
    }

    void relinquish(int from, int to, Constituent... constituents) {
        assertSent(from, to, relinquishMessage(to, constituents));
    }

    /** One send expected to be refused. */
    record Attempt(int from, int to, byte[] message, String what) {
    }

    static Attempt attempt(int from, int to, byte[] message, String what) {
        return new Attempt(from, to, message, what);
    }

    /** A refused {@code type} from {@code from} to {@code to} (named as receiver) granting {@code access}. */
    static Attempt attempt(ShareType type, int from, int to, MemoryAccess access, Constituent... constituents) {
        return new Attempt(from, to, message(type, to, access, constituents),
                type.traceName() + " " + List.of(constituents) + " from VM " + from + " to VM " + to + " as " + access);
    }

    /** Asserts {@code attempt} answers INVALID_PARAMETERS and changes nothing. */
    void assertRefused(Attempt attempt) {
        assertRefused(List.of(attempt));
    }

    /** Asserts each attempt, in order, answers INVALID_PARAMETERS and changes nothing at all. */
    void assertRefused(List<Attempt> attempts) {
        assertFalse(attempts.isEmpty(), "no attempts to check");
        State before = snapshot();
        for (Attempt a : attempts) {
            SpciResult result = send(a.from(), a.to(), a.message());
            assertEquals(Optional.of(SpciError.INVALID_PARAMETERS), result.error(),
                    where() + a.what() + " answered " + result);
            assertTrue(hypervisor.receive(a.to()).isEmpty(), where() + a.what() + " delivered a message");
            assertEquals(before, snapshot(), where() + a.what() + " was refused but changed the machine");
        }
    }

    /**
     * Every donate, lend or share (as {@code type}) of {@code constituents} from {@code from} to
     * each of {@code receivers}, with every value of the access, type, cacheability and
     * shareability fields: 128 messages per receiver.
     */
    static List<Attempt> everyAttributeCombination(ShareType type, int from, List<Integer> receivers,
            Constituent... constituents) {
        List<Attempt> attempts = new ArrayList<>();
        for (int to : receivers) {
            for (MemoryAccess access : MemoryAccess.values()) {
                for (boolean normal : new boolean[] {true, false}) {
                    for (int cacheability = 0; cacheability < 4; cacheability++) {
                        for (int shareability = 0; shareability < 4; shareability++) {
                            int attributes = MemoryAttributes.of(access, normal, cacheability, shareability).value();
                            attempts.add(new Attempt(from, to, message(type, to, attributes, 0, constituents),
                                    type.traceName() + " " + List.of(constituents) + " from VM " + from + " to VM " + to
                                            + " with attributes 0x" + Integer.toHexString(attributes)));
                        }
                    }
                }
            }
        }
        return attempts;
    }

    /** A relinquish of {@code constituents} between every ordered pair of VMs except those in {@code allowed}. */
    static List<Attempt> everyRelinquishExcept(List<List<Integer>> allowed, Constituent... constituents) {
        List<Attempt> attempts = new ArrayList<>();
        for (int from : ALL_VMS) {
            for (int to : ALL_VMS) {
                if (!allowed.contains(List.of(from, to))) {
                    attempts.add(new Attempt(from, to, relinquishMessage(to, constituents),
                            "relinquish " + List.of(constituents) + " from VM " + from + " to VM " + to));
                }
            }
        }
        return attempts;
    }

    // ------------------------------------------------------------------------------ memory as VMs see it

    /** Eight copies of the byte {@code c}: a word of a buffer memset to {@code c}. */
    static long repeated(char c) {
        return (c & 0xffL) * 0x0101_0101_0101_0101L;
    }

    /** {@code word} with each of its eight bytes incremented by one on its own (no carries). */
    static long eachByteIncremented(long word) {
        long out = 0;
        for (int b = 0; b < 8; b++) {
            long next = ((word >>> (8 * b)) + 1) & 0xff;
            out |= next << (8 * b);
        }
        return out;
    }

    /** Writes {@code word} to every word of the pages as {@code vm}, asserting no write faults. */
    void fill(int vm, long address, long pages, long word) {
        for (long a = address; a < address + pages * PAGE_SIZE; a += 8) {
            assertTrue(hypervisor.write(vm, a, word), where() + "VM " + vm + " faulted writing 0x" + Long.toHexString(a));
        }
    }

    /** Increments every byte of the pages as {@code vm}, as the services' loops do; asserts no fault. */
    void incrementEachByte(int vm, long address, long pages) {
        for (long a = address; a < address + pages * PAGE_SIZE; a += 8) {
            OptionalLong value = hypervisor.read(vm, a);
            assertTrue(value.isPresent(), where() + "VM " + vm + " faulted reading 0x" + Long.toHexString(a));
            assertTrue(hypervisor.write(vm, a, eachByteIncremented(value.getAsLong())),
                    where() + "VM " + vm + " faulted writing 0x" + Long.toHexString(a));
        }
    }

    /** Asserts every word of the pages reads as {@code word} through {@code vm}'s translation. */
    void assertHolds(int vm, long address, long pages, long word) {
        for (long a = address; a < address + pages * PAGE_SIZE; a += 8) {
            OptionalLong value = hypervisor.read(vm, a);
            assertTrue(value.isPresent(), where() + "VM " + vm + " faulted reading 0x" + Long.toHexString(a));
            if (value.getAsLong() != word) {
                fail(where() + "VM " + vm + " read 0x" + Long.toHexString(value.getAsLong()) + " at 0x"
                        + Long.toHexString(a) + ", expected 0x" + Long.toHexString(word));
            }
        }
    }

    /** Asserts {@code vm}'s write of {@code value} at {@code address} faults and leaves memory as it was. */
    void assertWriteFaults(int vm, long address, long value) {
        long before = physical(address);
        assertFalse(hypervisor.write(vm, address, value), where() + "VM " + vm + " wrote 0x" + Long.toHexString(address));
        assertEquals(before, physical(address), where() + "a faulting write changed 0x" + Long.toHexString(address));
    }

    /** Asserts {@code vm}'s read at {@code address} faults. */
    void assertReadFaults(int vm, long address) {
        assertTrue(hypervisor.read(vm, address).isEmpty(), where() + "VM " + vm + " read 0x" + Long.toHexString(address));
    }

    /** The word at {@code address} as the hardware holds it, whoever may see it. */
    long physical(long address) {
        return machine.memory().read64(PhysicalAddress.of(address));
    }

    // ------------------------------------------------------------------------------ who can touch what

    /**
     * Asserts what {@code vm} may do to every page of the range: {@code rwx} is three characters,
     * {@code R} or {@code -}, {@code W} or {@code -}, {@code X} or {@code -}. Checks the translation's
     * answer for each access, and that a read and a write succeed or fault accordingly (a write
     * that succeeds writes back the value it found; one that faults must change nothing).
     */
    void assertAccess(int vm, long address, long pages, String rwx) {
        assertEquals(3, rwx.length(), "access is spelled like \"RW-\"");
        boolean r = rwx.charAt(0) == 'R';
        boolean w = rwx.charAt(1) == 'W';
        boolean x = rwx.charAt(2) == 'X';
        for (long page = address; page < address + pages * PAGE_SIZE; page += PAGE_SIZE) {
            for (long a : new long[] {page, page + PAGE_SIZE / 2, page + PAGE_SIZE - 8}) {
                String at = where() + "VM " + vm + " at 0x" + Long.toHexString(a) + " (expected " + rwx + ", mode "
                        + describeMode(vm, a) + "): ";
                assertEquals(r, hypervisor.canAccess(vm, a, Access.READ), at + "read permission");
                assertEquals(w, hypervisor.canAccess(vm, a, Access.WRITE), at + "write permission");
                assertEquals(x, hypervisor.canAccess(vm, a, Access.EXECUTE), at + "execute permission");
                long held = physical(a);
                OptionalLong read = hypervisor.read(vm, a);
                if (r) {
                    assertEquals(OptionalLong.of(held), read, at + "read");
                } else {
                    assertTrue(read.isEmpty(), at + "read should fault");
                }
                if (w) {
                    assertTrue(hypervisor.write(vm, a, held), at + "write should succeed");
                } else {
                    assertFalse(hypervisor.write(vm, a, ~held), at + "write should fault");
                }
                assertEquals(held, physical(a), at + "memory changed");
            }
        }
    }

    /** Asserts the access each of the three VMs has to every page of the range (see {@link #assertAccess}). */
    void assertWhoCanTouch(long address, long pages, String primary, String service1, String service2) {
        assertAccess(PRIMARY, address, pages, primary);
        assertAccess(SERVICE1, address, pages, service1);
        assertAccess(SERVICE2, address, pages, service2);
    }

    /**
     * Asserts {@code vm}'s stage-2 mode over the whole range is {@code expected}. For
     * {@link #NOT_MAPPED} only the state bits are compared: what the other bits of an absent entry
     * read as is the arch's business (aarch64 reads X|D from a zero entry, as Hafnium does).
     */
    void assertMode(int vm, long address, long pages, int expected) {
        OptionalInt mode = mode(vm, address, pages);
        assertTrue(mode.isPresent(), where() + "VM " + vm + " maps 0x" + Long.toHexString(address) + " + " + pages
                + " pages with more than one mode");
        int actual = mode.getAsInt();
        if (expected == NOT_MAPPED) {
            actual &= NOT_MAPPED;
        }
        assertEquals(Mode.describe(expected), Mode.describe(actual),
                where() + "VM " + vm + "'s mode at 0x" + Long.toHexString(address) + " (read as "
                        + Mode.describe(mode.getAsInt()) + ")");
    }

    /** Asserts {@code vm} has nothing mapped over the range: state INVALID|UNOWNED|SHARED. */
    void assertNotMapped(int vm, long address, long pages) {
        assertMode(vm, address, pages, NOT_MAPPED);
    }

    OptionalInt mode(int vm, long address, long pages) {
        Vm target = vm(vm);
        target.lock().lock();
        try {
            return target.table().mode(IntermediatePhysicalAddress.of(address),
                    IntermediatePhysicalAddress.of(address + pages * PAGE_SIZE));
        } finally {
            target.lock().unlock();
        }
    }

    private String describeMode(int vm, long address) {
        OptionalInt mode = mode(vm, address, 1);
        return mode.isPresent() ? Mode.describe(mode.getAsInt()) : "mixed";
    }

    /**
     * Asserts the hypervisor's own stage-1 table holds no valid mapping over any of the pages
     * (clearing maps memory there only while it zeroes it).
     */
    void assertHypervisorMapsNoneOf(long address, long pages) {
        long end = address + pages * PAGE_SIZE;
        PageTable stage1 = machine.hypervisorTable();
        List<String> overlapping = new ArrayList<>();
        machine.stage1Lock().lock();
        try {
            stage1.visit((level, begin, pte, kind) -> {
                long size = PAGE_SIZE << (9 * level);
                if (kind == EntryVisitor.Kind.BLOCK && stage1.format().isValid(pte, level)
                        && begin < end && address < begin + size) {
                    overlapping.add("level " + level + " entry at 0x" + Long.toHexString(begin));
                }
            });
        } finally {
            machine.stage1Lock().unlock();
        }
        assertEquals(List.of(), overlapping, where() + "the hypervisor's stage-1 mappings of 0x"
                + Long.toHexString(address) + " + " + pages + " pages");
    }

    // ------------------------------------------------------------------------------ snapshots

    /** Everything a refused send must leave alone. */
    record State(List<List<Long>> tables, long freePages, List<Long> words) {
    }

    /** The entries of every table, the pool's free count and the watched memory words. */
    State snapshot() {
        List<List<Long>> tables = new ArrayList<>();
        for (int id : ALL_VMS) {
            Vm vm = vm(id);
            vm.lock().lock();
            try {
                tables.add(entries(vm.table()));
            } finally {
                vm.lock().unlock();
            }
        }
        machine.stage1Lock().lock();
        try {
            tables.add(entries(machine.hypervisorTable()));
        } finally {
            machine.stage1Lock().unlock();
        }
        List<Long> words = new ArrayList<>();
        for (long page = RAM; page < RAM + 16 * PAGE_SIZE; page += PAGE_SIZE) {
            words.add(physical(page));
            words.add(physical(page + PAGE_SIZE - 8));
        }
        words.add(physical(DEVICE));
        words.add(physical(SERVICE_OWN));
        return new State(tables, machine.pool().freeCount(), words);
    }

    private static List<Long> entries(PageTable table) {
        List<Long> out = new ArrayList<>();
        table.visit((level, address, pte, kind) -> {
            out.add((long) level);
            out.add(address);
            out.add(pte);
            out.add((long) kind.ordinal());
        });
        return out;
    }

    // ------------------------------------------------------------------------------ misc

    Vm vm(int id) {
        return machine.vm(id).orElseThrow(() -> new AssertionError("no VM " + id));
    }

    /** A prefix for assertion messages naming the arch. */
    String where() {
        return "[" + arch + "] ";
    }
}
