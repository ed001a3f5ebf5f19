package org.memshare.engine.machine;

import java.util.Arrays;
import java.util.Optional;
import org.memshare.api.spci.MemoryRegionCodec;

/**
 * A VM's mailbox: a 4 KiB send buffer the VM writes its outgoing message into, and a 4 KiB
 * receive buffer the hypervisor delivers into. A delivered message stays until the VM releases
 * it; while it stays the mailbox is busy and further sends to the VM answer BUSY. Guarded by the
 * owning VM's lock.
 */
public final class Mailbox {
    /** The size of each buffer. */
    public static final int SIZE = MemoryRegionCodec.MAILBOX_SIZE;

    /** A delivered message: who sent it and its bytes. */
    public record Message(int sender, byte[] bytes) {
        public Message {
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }
    }

    private final byte[] send = new byte[SIZE];
    private Message received;

    /** Writes {@code message} at the start of the send buffer, as the VM itself would. */
    public void writeSendBuffer(byte[] message) {
        java.util.Objects.requireNonNull(message, "message is null");
        if (message.length > SIZE) {
            throw new IllegalArgumentException("a message of " + message.length + " bytes does not fit the "
                    + SIZE + "-byte send buffer");
        }
        System.arraycopy(message, 0, send, 0, message.length);
    }

    /** A copy of the first {@code size} bytes of the send buffer: what the hypervisor validates and delivers. */
    public byte[] copyOfSendBuffer(int size) {
        return Arrays.copyOf(send, size);
    }

    /** Whether a delivered message waits to be released. */
    public boolean isBusy() {
        return received != null;
    }

    /** Delivers {@code bytes} from {@code sender} (the hypervisor's side); the mailbox is busy until released. */
    public void deliver(int sender, byte[] bytes) {
        if (received != null) {
            throw new IllegalStateException("the mailbox is busy");
        }
        received = new Message(sender, bytes);
    }

    /** The delivered message, if any, without releasing it. */
    public Optional<Message> peek() {
        return Optional.ofNullable(received);
    }

    /** Releases the delivered message, freeing the mailbox; returns it. */
    public Optional<Message> release() {
        Optional<Message> message = Optional.ofNullable(received);
        received = null;
        return message;
    }
}
