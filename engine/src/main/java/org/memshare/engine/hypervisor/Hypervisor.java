package org.memshare.engine.hypervisor;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.memshare.api.addr.IntermediatePhysicalAddress;
import org.memshare.api.addr.PhysicalAddress;
import org.memshare.api.mode.Mode;
import org.memshare.api.spci.MemoryRegionCodec;
import org.memshare.api.spci.SpciError;
import org.memshare.engine.ffa.FfaMemory;
import org.memshare.engine.machine.Machine;
import org.memshare.engine.machine.Mailbox;
import org.memshare.engine.machine.Vm;
import org.memshare.engine.sharing.VmLocks;
import org.memshare.engine.spci.MemorySharing;
import org.memshare.engine.spci.SpciResult;

/**
 * The calls a VM makes of the hypervisor: send an architected memory message, receive and
 * release it, and touch memory through its own stage-2 translation. Every call checks its
 * input and answers with an SPCI error or a fault; none throws on bad input or changes anything
 * when it fails.
 */
public final class Hypervisor {
    /** What a VM may try to do to a byte of memory. */
    public enum Access {
        READ(Mode.R, "read"), WRITE(Mode.W, "write"), EXECUTE(Mode.X, "execute");

        private final int modeBit;
        private final String word;

        Access(int modeBit, String word) {
            this.modeBit = modeBit;
            this.word = word;
        }
    }

    private final Machine machine;
    private final MemorySharing sharing;
    private final FfaMemory ffa;

    /** A hypervisor for {@code machine}, sharing memory as the machine's policies allow. */
    public Hypervisor(Machine machine) {
        this(machine, new MemorySharing(requireNonNull(machine, "machine is null"), machine.policies()));
    }

    /**
     * A hypervisor for {@code machine} that shares memory through {@code sharing}, which must have
     * been made for the same machine, and has FF-A memory management of its own.
     */
    public Hypervisor(Machine machine, MemorySharing sharing) {
        this(machine, sharing, new FfaMemory(requireNonNull(machine, "machine is null")));
    }

    /**
     * A hypervisor for {@code machine} with its SPCI sharing and its FF-A memory management, both
     * made for the same machine (the machine's injector builds all three this way).
     */
    public Hypervisor(Machine machine, MemorySharing sharing, FfaMemory ffa) {
        this.machine = requireNonNull(machine, "machine is null");
        this.sharing = requireNonNull(sharing, "sharing is null");
        this.ffa = requireNonNull(ffa, "ffa is null");
    }

    /**
     * The machine's FF-A memory management (FFA_VERSION, MEM_DONATE/LEND/SHARE, FRAG_TX,
     * RETRIEVE_REQ, FRAG_RX, RX_RELEASE, RELINQUISH, RECLAIM); one per machine. A VM's RX buffer is
     * its mailbox, so an SPCI message waiting there makes a retrieve BUSY, and a retrieve response
     * waiting there makes an SPCI send to the VM BUSY.
     */
    public FfaMemory ffa() {
        return ffa;
    }

    public Machine machine() {
        return machine;
    }

    /**
     * Sends the first {@code size} bytes of the sender's send buffer to {@code receiverId} as an
     * architected memory message (Hafnium's {@code api_spci_msg_send} with the legacy memory
     * attribute). The message is copied out of the buffer once and validated on that copy (a
     * buffer the hypervisor reuses). On success it is delivered to the receiver's mailbox, which
     * stays busy until released.
     */
    public SpciResult send(int senderId, int receiverId, int size) {
        return sendFromBuffer(senderId, receiverId, size, null);
    }

    /**
     * Writes {@code message} into the sender's send buffer and sends it, as one step under both
     * VMs' locks, so no other sender can change the buffer in between. Nothing is written when
     * the send is refused before the buffer would be read: an unknown VM, a send to itself, a
     * message too long for the mailbox or shorter than its header, or a busy receiver (BUSY).
     */
    public SpciResult send(int senderId, int receiverId, byte[] message) {
        requireNonNull(message, "message is null");
        return sendFromBuffer(senderId, receiverId, message.length, message);
    }

    /**
     * {@link #send(int, int, byte[])} of the first {@code length} bytes of {@code buffer}: the
     * same checks, the same result, as if those bytes were the message, so a caller that sends
     * many messages can build each in one buffer of its own.
     *
     * @throws IllegalArgumentException if {@code length} is negative or beyond the buffer
     */
    public SpciResult send(int senderId, int receiverId, byte[] buffer, int length) {
        requireNonNull(buffer, "buffer is null");
        if (length < 0 || length > buffer.length) {
            throw new IllegalArgumentException("length " + length + " is not within the " + buffer.length
                    + "-byte buffer");
        }
        return sendFromBuffer(senderId, receiverId, length, buffer);
    }

    /** The send of {@code size} bytes of the sender's buffer, after {@code message} (if not null) is written into it. */
    private SpciResult sendFromBuffer(int senderId, int receiverId, int size, byte[] message) {
        Optional<Vm> from = machine.vm(senderId);
        if (from.isEmpty()) {
            return SpciResult.error(SpciError.INVALID_PARAMETERS, "no VM " + senderId);
        }
        if (receiverId == senderId) {
            return SpciResult.error(SpciError.INVALID_PARAMETERS, "a VM cannot send to itself");
        }
        if (size < 0 || size > Mailbox.SIZE) {
            return SpciResult.error(SpciError.INVALID_PARAMETERS,
                    "a message of " + size + " bytes does not fit the " + Mailbox.SIZE + "-byte mailbox");
        }
        Optional<Vm> to = machine.vm(receiverId);
        if (to.isEmpty()) {
            return SpciResult.error(SpciError.INVALID_PARAMETERS, "no VM " + receiverId);
        }
        Vm sender = from.get();
        Vm receiver = to.get();
        try (VmLocks held = VmLocks.lock(sender, receiver)) {
            // Both refusals come before the buffer would be read, so they leave it as it was.
            if (receiver.mailbox().isBusy()) {
                return SpciResult.error(SpciError.BUSY, "VM " + receiverId + "'s mailbox is full");
            }
            if (size < MemoryRegionCodec.HEADER_SIZE) {
                return SpciResult.error(SpciError.INVALID_PARAMETERS,
                        "a message of " + size + " bytes is shorter than its header");
            }
            if (message != null) {
                sender.mailbox().writeSendBuffer(message, size);
            }
            MessageCopy copy = MessageCopy.take();
            try {
                sender.mailbox().copySendBuffer(copy.bytes, size);
                SpciResult result = sharing.shareMessage(sender, receiver, copy.bytes, size);
                if (result.isSuccess()) {
                    receiver.mailbox().deliver(senderId, copy.bytes, size);
                }
                return result;
            } finally {
                copy.inUse = false;
            }
        }
    }

    /**
     * The hypervisor's copy of a message being sent: validated, shared and delivered from there,
     * so nothing the sender's buffer undergoes meanwhile (a policy that sends again) changes it.
     * One per thread, reused; a send made while the thread's copy is in use gets a fresh one.
     */
    private static final class MessageCopy {
        private static final ThreadLocal<MessageCopy> PER_THREAD = ThreadLocal.withInitial(MessageCopy::new);

        final byte[] bytes = new byte[Mailbox.SIZE];
        boolean inUse;

        static MessageCopy take() {
            MessageCopy copy = PER_THREAD.get();
            if (copy.inUse) {
                copy = new MessageCopy();
            }
            copy.inUse = true;
            return copy;
        }
    }

    /** The message waiting in {@code vmId}'s mailbox, if any. */
    public Optional<Mailbox.Message> receive(int vmId) {
        return withVm(vmId, vm -> vm.mailbox().peek());
    }

    /** Releases {@code vmId}'s mailbox, returning the message it held. */
    public Optional<Mailbox.Message> release(int vmId) {
        return withVm(vmId, vm -> vm.mailbox().release());
    }

    /**
     * Releases {@code vmId}'s mailbox without handing out the message, so no copy of it is made
     * (a receiver that does not read it, as a trace replay); whether a message was waiting.
     */
    public boolean discard(int vmId) {
        Optional<Vm> vm = machine.vm(vmId);
        if (vm.isEmpty()) {
            return false;
        }
        vm.get().lock().lock();
        try {
            return vm.get().mailbox().discard();
        } finally {
            vm.get().lock().unlock();
        }
    }

    private <T> Optional<T> withVm(int vmId, java.util.function.Function<Vm, Optional<T>> action) {
        Optional<Vm> vm = machine.vm(vmId);
        if (vm.isEmpty()) {
            return Optional.empty();
        }
        vm.get().lock().lock();
        try {
            return action.apply(vm.get());
        } finally {
            vm.get().lock().unlock();
        }
    }

    /**
     * Whether {@code vmId}'s stage-2 translation allows {@code access} at {@code address}. The
     * answer comes from the mode the VM's table reads back there ({@code PageTable.mode}), not from
     * the mode that was asked for when it was mapped: a format that cannot represent a mode stores
     * and reads back its canonical mode ({@link org.memshare.api.arch.PageTableFormat#canonicalStage2Mode}),
     * which is what the hardware grants, so a VM mapped write-only on RISC-V (whose hardware has
     * no write without read) may not write here. The same holds for {@link #read} and
     * {@link #write}.
     */
    public boolean canAccess(int vmId, long address, Access access) {
        return accessResult(vmId, address, access).allowed();
    }

    /** {@link #canAccess}, answering why the access faults: the VM's mode there, or why it has none. */
    public AccessResult accessResult(int vmId, long address, Access access) {
        requireNonNull(access, "access is null");
        Optional<Vm> vm = machine.vm(vmId);
        if (vm.isEmpty()) {
            return AccessResult.faulted(noVm(vmId));
        }
        vm.get().lock().lock();
        try {
            return check(vm.get(), address, access);
        } finally {
            vm.get().lock().unlock();
        }
    }

    /** The check itself; the caller holds the VM's lock. */
    private static AccessResult check(Vm vm, long address, Access access) {
        IntermediatePhysicalAddress begin = IntermediatePhysicalAddress.of(address);
        IntermediatePhysicalAddress end = IntermediatePhysicalAddress.of(address + 1);
        OptionalInt mode = vm.table().mode(begin, end);
        if (mode.isEmpty()) {
            return AccessResult.faulted("VM " + vm.id() + " has no mode at 0x" + Long.toHexString(address) + ": "
                    + vm.table().modeResult(begin, end).reason());
        }
        int bits = mode.getAsInt();
        if ((bits & Mode.INVALID) != 0 || (bits & access.modeBit) == 0) {
            return AccessResult.faulted("VM " + vm.id() + " has no " + access.word + " access at 0x"
                    + Long.toHexString(address) + ": mode " + Mode.describe(bits) + " (0x" + Integer.toHexString(bits)
                    + ")" + ((bits & Mode.INVALID) != 0 ? ", not valid in its stage-2 table" : ""));
        }
        return AccessResult.ok();
    }

    /**
     * The 8 bytes at {@code address} (8-byte aligned) as VM {@code vmId} reads them, or empty on a
     * fault. The check and the read happen under the VM's lock, so no share can slip between.
     */
    public OptionalLong read(int vmId, long address) {
        AccessResult result = readResult(vmId, address);
        return result.allowed() ? OptionalLong.of(result.value()) : OptionalLong.empty();
    }

    /** {@link #read}, answering why it faults. */
    public AccessResult readResult(int vmId, long address) {
        Optional<Vm> vm = machine.vm(vmId);
        if (vm.isEmpty()) {
            return AccessResult.faulted(noVm(vmId));
        }
        if ((address & 7) != 0) {
            return AccessResult.faulted(unaligned(address));
        }
        vm.get().lock().lock();
        try {
            AccessResult check = check(vm.get(), address, Access.READ);
            return check.allowed() ? AccessResult.read(machine.memory().read64(PhysicalAddress.of(address))) : check;
        } finally {
            vm.get().lock().unlock();
        }
    }

    /** Writes 8 bytes at {@code address} (8-byte aligned) as VM {@code vmId}, checked and written under its lock; false on a fault. */
    public boolean write(int vmId, long address, long value) {
        return writeResult(vmId, address, value).allowed();
    }

    /** {@link #write}, answering why it faults. */
    public AccessResult writeResult(int vmId, long address, long value) {
        Optional<Vm> vm = machine.vm(vmId);
        if (vm.isEmpty()) {
            return AccessResult.faulted(noVm(vmId));
        }
        if ((address & 7) != 0) {
            return AccessResult.faulted(unaligned(address));
        }
        vm.get().lock().lock();
        try {
            AccessResult check = check(vm.get(), address, Access.WRITE);
            if (check.allowed()) {
                machine.memory().write64(PhysicalAddress.of(address), value);
            }
            return check;
        } finally {
            vm.get().lock().unlock();
        }
    }

    private String noVm(int vmId) {
        return "no VM " + vmId + " (this machine has VMs 1 to " + machine.vms().size() + ")";
    }

    private static String unaligned(long address) {
        return "0x" + Long.toHexString(address) + " is not 8-byte aligned";
    }
}
