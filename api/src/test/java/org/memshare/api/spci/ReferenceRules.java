package org.memshare.api.spci;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A second, deliberately naive reading of the structural rules of DESIGN.md section 4: exact
 * arithmetic with BigInteger and a quadratic overlap check, to compare the codec with. Also maps
 * the codec's rejection reasons back to rule names.
 */
final class ReferenceRules {

    /** A phrase of each rule's rejection reason, by rule name, in the order the rules apply. */
    static final Map<String, String> PHRASES = new LinkedHashMap<>();

    static {
        PHRASES.put("slice", "does not lie inside the");
        PHRASES.put("message_short", "shorter than its 8-byte header");
        PHRASES.put("short", "shorter than its 24-byte header");
        PHRASES.put("align", "is not a multiple of 8");
        PHRASES.put("offset", "is less than 24 + 4 * attribute_count");
        PHRASES.put("size", "bytes, not constituent_offset");
        PHRASES.put("attribute_count", "not 1: exactly one receiver");
        PHRASES.put("no_constituents", "constituent_count is 0");
        PHRASES.put("empty", "is empty: 0 pages");
        PHRASES.put("unaligned", "is not aligned to 4096 bytes");
        PHRASES.put("wrap", "ends past 2^64");
        PHRASES.put("overlap", "overlaps constituent");
        PHRASES.put("page_count", "but the constituents' page counts add up to");
    }

    private static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);
    private static final BigInteger PAGE = BigInteger.valueOf(4096);

    private ReferenceRules() {
    }

    /** The rule name for what the codec answered: "ok", or the rule its reason names. */
    static String verdictOf(Decoded decoded) {
        if (decoded instanceof Decoded.Ok) {
            return "ok";
        }
        String reason = ((Decoded.Rejected) decoded).reason();
        for (Map.Entry<String, String> e : PHRASES.entrySet()) {
            if (reason.contains(e.getValue())) {
                return e.getKey();
            }
        }
        return "unknown: " + reason;
    }

    /** The first rule {@code region} breaks, or "ok". */
    static String verdict(byte[] region) {
        if (region.length < 24) {
            return "short";
        }
        ByteBuffer b = ByteBuffer.wrap(region).order(ByteOrder.LITTLE_ENDIAN);
        BigInteger pageCount = u32(b, 8);
        BigInteger count = u32(b, 12);
        BigInteger offset = u32(b, 16);
        BigInteger attributeCount = u32(b, 20);
        if (offset.mod(BigInteger.valueOf(8)).signum() != 0) {
            return "align";
        }
        if (offset.compareTo(BigInteger.valueOf(24).add(attributeCount.multiply(BigInteger.valueOf(4)))) < 0) {
            return "offset";
        }
        if (!BigInteger.valueOf(region.length).equals(offset.add(count.multiply(BigInteger.valueOf(16))))) {
            return "size";
        }
        if (!attributeCount.equals(BigInteger.ONE)) {
            return "attribute_count";
        }
        int n = count.intValueExact();
        if (n == 0) {
            return "no_constituents";
        }
        BigInteger[] starts = new BigInteger[n];
        BigInteger[] ends = new BigInteger[n];
        BigInteger sum = BigInteger.ZERO;
        for (int i = 0; i < n; i++) {
            int at = offset.intValueExact() + 16 * i;
            BigInteger address = new BigInteger(Long.toUnsignedString(b.getLong(at)));
            BigInteger pages = u32(b, at + 8);
            if (pages.signum() == 0) {
                return "empty";
            }
            if (address.mod(PAGE).signum() != 0) {
                return "unaligned";
            }
            BigInteger end = address.add(pages.multiply(PAGE));
            if (end.compareTo(TWO_TO_64) >= 0) {
                return "wrap";
            }
            starts[i] = address;
            ends[i] = end;
            sum = sum.add(pages);
        }
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (starts[i].compareTo(ends[j]) < 0 && starts[j].compareTo(ends[i]) < 0) {
                    return "overlap";
                }
            }
        }
        return sum.equals(pageCount) ? "ok" : "page_count";
    }

    private static BigInteger u32(ByteBuffer b, int at) {
        return BigInteger.valueOf(Integer.toUnsignedLong(b.getInt(at)));
    }
}
