package org.memshare.api.spci;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Builds descriptor bytes field by field, so a test can break exactly one rule. Starts as a valid
 * region: one receiver, the given constituents, page_count their sum, constituent_offset 32.
 */
final class RawRegion {

    long tag;
    long flags;
    long pageCount;
    long constituentCount;
    long constituentOffset = 32;
    long attributeCount = 1;
    int receiver = 2;
    int attributes = 0x60;
    final List<long[]> constituents = new ArrayList<>();
    /** The region's length in bytes; -1 for constituentOffset + 16 * constituents. */
    int length = -1;
    /** Where the constituents are written; -1 for constituentOffset (set it when that is huge). */
    int constituentsAt = -1;
    byte padding;

    static RawRegion valid(long... addressPagePairs) {
        RawRegion raw = new RawRegion();
        for (int i = 0; i < addressPagePairs.length; i += 2) {
            raw.constituents.add(new long[] {addressPagePairs[i], addressPagePairs[i + 1], 0});
            raw.pageCount += addressPagePairs[i + 1];
        }
        raw.constituentCount = raw.constituents.size();
        return raw;
    }

    RawRegion set(java.util.function.Consumer<RawRegion> change) {
        change.accept(this);
        return this;
    }

    byte[] bytes() {
        int start = constituentsAt >= 0 ? constituentsAt : (int) constituentOffset;
        int natural = start + 16 * constituents.size();
        int size = length >= 0 ? length : natural;
        ByteBuffer buffer = ByteBuffer.allocate(Math.max(size, Math.max(natural, 28))).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(0, (int) tag).putInt(4, (int) flags).putInt(8, (int) pageCount)
                .putInt(12, (int) constituentCount).putInt(16, (int) constituentOffset)
                .putInt(20, (int) attributeCount)
                .putShort(24, (short) receiver).putShort(26, (short) attributes);
        for (int p = 28; p < start; p++) {
            buffer.put(p, padding);
        }
        int at = start;
        for (long[] c : constituents) {
            buffer.putLong(at, c[0]).putInt(at + 8, (int) c[1]).putInt(at + 12, (int) c[2]);
            at += 16;
        }
        byte[] all = buffer.array();
        return size == all.length ? all : java.util.Arrays.copyOf(all, size);
    }

    static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
