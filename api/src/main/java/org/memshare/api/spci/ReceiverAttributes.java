package org.memshare.api.spci;

import static java.util.Objects.requireNonNull;

/**
 * One 4-byte entry of a memory region's attribute array: the VM that receives the memory and how
 * it asks for it to be mapped.
 *
 * <pre>
 * offset 0  uint16 receiver
 * offset 2  uint16 memory_attributes
 * </pre>
 *
 * @param receiver the receiving VM's id, 0 to 0xffff
 * @param attributes the requested memory attributes
 */
public record ReceiverAttributes(int receiver, MemoryAttributes attributes) {

    /** The size in bytes of one entry on the wire. */
    public static final int SIZE = 4;

    public ReceiverAttributes {
        if (receiver < 0 || receiver > 0xffff) {
            throw new IllegalArgumentException("receiver must be a uint16 (0 to 0xffff), was " + receiver);
        }
        requireNonNull(attributes, "attributes is null");
    }

    /** The entry for {@code receiver} with the raw 16-bit attributes {@code attributes}. */
    public static ReceiverAttributes of(int receiver, int attributes) {
        return new ReceiverAttributes(receiver, new MemoryAttributes(attributes));
    }
}
