package org.memshare.api.ffa;

import java.util.List;
import java.util.Objects;

/**
 * The FFA_MEM_RELINQUISH descriptor, the same in every version.
 *
 * <pre>
 * 0   uint64 handle
 * 8   uint32 flags            (bit 0: clear; Hafnium ignores the other bits)
 * 12  uint32 endpoint count   (Hafnium wants exactly 1)
 * 16  uint16 endpoints[count]
 * </pre>
 *
 * @param handle the handle to relinquish
 * @param flags the flags, raw
 * @param endpoints the endpoint ids (0 to 0xffff each), in order; copied
 */
public record Relinquish(long handle, int flags, List<Integer> endpoints) {

    /** Flag bit 0: clear the memory after relinquishing it. */
    public static final int FLAG_CLEAR = 1;
    /** The size of the header before the endpoint ids. */
    public static final int HEADER_SIZE = 16;

    public Relinquish {
        endpoints = List.copyOf(Objects.requireNonNull(endpoints, "endpoints is null"));
        for (int id : endpoints) {
            if (id < 0 || id > 0xffff) {
                throw new IllegalArgumentException("an endpoint id is a uint16 (0 to 0xffff), was " + id);
            }
        }
    }

    /** One endpoint relinquishing {@code handle}, with these flags. */
    public static Relinquish of(long handle, int flags, int endpoint) {
        return new Relinquish(handle, flags, List.of(endpoint));
    }

    /** Flag bit 0. */
    public boolean clear() {
        return (flags & FLAG_CLEAR) != 0;
    }

    /** The encoded size: 16 + 2 x the endpoint count. */
    public int sizeBytes() {
        return HEADER_SIZE + 2 * endpoints.size();
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("Relinquish[handle=").append(Handle.toString(handle))
                .append(" flags=0x").append(Integer.toHexString(flags)).append(" endpoints=");
        for (int i = 0; i < endpoints.size(); i++) {
            s.append(i == 0 ? "" : ",").append("0x").append(Integer.toHexString(endpoints.get(i)));
        }
        return s.append(']').toString();
    }
}
