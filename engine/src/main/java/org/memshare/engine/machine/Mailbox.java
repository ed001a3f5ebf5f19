package org.memshare.engine.machine;

import java.util.Arrays;
import java.util.Optional;
import org.memshare.api.spci.MemoryRegionCodec;

/**
 * A VM's mailbox: a 4 KiB send buffer the VM writes its outgoing message into, and a 4 KiB
 * receive buffer the hypervisor delivers into. A delivered message stays until the VM releases
 * it; while it stays the mailbox is busy and further sends to the VM answer BUSY. Guarded by the
 * owning VM's lock.
 *
 * <p>Delivery copies the message into the receive buffer (made at the first delivery and reused);
 * a {@link Message} is made from it only when someone asks ({@link #peek()}, {@link #release()}),
 * and is a snapshot: a later delivery does not change it. {@link #discard()} releases without
 * making one.
 */
public final class Mailbox {
    /** The size of each buffer. */
    public static final int SIZE = MemoryRegionCodec.MAILBOX_SIZE;

    /**
     * A delivered message: who sent it and its bytes, a snapshot of the receive buffer. (A final
     * class since the send path's allocation work, no longer a record, so that the snapshot is
     * copied once; the constructor and accessors are unchanged, {@link #bytes()} still gives a
     * fresh copy.)
     */
    public static final class Message {
        private final int sender;
        private final byte[] bytes;

        /** A message from {@code sender} with a copy of {@code bytes}. */
        public Message(int sender, byte[] bytes) {
            this(sender, bytes.clone(), true);
        }

        private Message(int sender, byte[] owned, boolean unused) {
            this.sender = sender;
            this.bytes = owned;
        }

        public int sender() {
            return sender;
        }

        /** A copy of the message's bytes. */
        public byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public String toString() {
            return "Message[sender=" + sender + ", " + bytes.length + " bytes]";
        }
    }

    private final byte[] send = new byte[SIZE];
    private byte[] receive;
    private int receivedSize;
    private int receivedSender;
    private boolean busy;
    /** The snapshot handed out for the waiting message, made at the first peek or release. */
    private Message received;

    /** Writes {@code message} at the start of the send buffer, as the VM itself would. */
    public void writeSendBuffer(byte[] message) {
        java.util.Objects.requireNonNull(message, "message is null");
        writeSendBuffer(message, message.length);
    }

    /** Writes the first {@code length} bytes of {@code message} at the start of the send buffer. */
    public void writeSendBuffer(byte[] message, int length) {
        java.util.Objects.requireNonNull(message, "message is null");
        if (length < 0 || length > message.length) {
            throw new IllegalArgumentException("length " + length + " is not within the " + message.length
                    + "-byte array");
        }
        if (length > SIZE) {
            throw new IllegalArgumentException("a message of " + length + " bytes does not fit the "
                    + SIZE + "-byte send buffer");
        }
        System.arraycopy(message, 0, send, 0, length);
    }

    /** A copy of the first {@code size} bytes of the send buffer: what the hypervisor validates and delivers. */
    public byte[] copyOfSendBuffer(int size) {
        return Arrays.copyOf(send, size);
    }

    /** Copies the first {@code size} bytes of the send buffer to the start of {@code into}, allocating nothing. */
    public void copySendBuffer(byte[] into, int size) {
        System.arraycopy(send, 0, into, 0, size);
    }

    /** Whether a delivered message waits to be released. */
    public boolean isBusy() {
        return busy;
    }

    /** Delivers {@code bytes} from {@code sender} (the hypervisor's side); the mailbox is busy until released. */
    public void deliver(int sender, byte[] bytes) {
        deliver(sender, bytes, bytes.length);
    }

    /**
     * Delivers the first {@code size} bytes of {@code bytes} from {@code sender}, copied into the
     * receive buffer (so the caller may reuse {@code bytes}); the mailbox is busy until released.
     */
    public void deliver(int sender, byte[] bytes, int size) {
        if (busy) {
            throw new IllegalStateException("the mailbox is busy");
        }
        java.util.Objects.checkFromIndexSize(0, size, bytes.length);
        if (receive == null || receive.length < size) {
            // The hypervisor never delivers more than SIZE bytes; a larger delivery (from code
            // that builds its own) is kept whole, as it always was.
            receive = new byte[Math.max(SIZE, size)];
        }
        System.arraycopy(bytes, 0, receive, 0, size);
        receivedSize = size;
        receivedSender = sender;
        received = null;
        busy = true;
    }

    /** The delivered message, if any, without releasing it. */
    public Optional<Message> peek() {
        return Optional.ofNullable(message());
    }

    /** Releases the delivered message, freeing the mailbox; returns it. */
    public Optional<Message> release() {
        Optional<Message> message = Optional.ofNullable(message());
        discard();
        return message;
    }

    /**
     * Releases the delivered message without making a {@link Message} of it (a receiver that has
     * no use for its bytes); answers whether one was waiting.
     */
    public boolean discard() {
        boolean was = busy;
        busy = false;
        received = null;
        return was;
    }

    private Message message() {
        if (busy && received == null) {
            received = new Message(receivedSender, Arrays.copyOf(receive, receivedSize), true);
        }
        return received;
    }
}
