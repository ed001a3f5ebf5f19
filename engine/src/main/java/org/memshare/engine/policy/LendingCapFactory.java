package org.memshare.engine.policy;

import java.util.List;
import java.util.Locale;
import org.memshare.api.policy.SharePolicy;
import org.memshare.api.policy.SharePolicyFactory;

/** {@code lend-cap[:SIZE]}: a fresh {@link LendingCapPolicy} per machine; SIZE defaults to 16M. */
public final class LendingCapFactory implements SharePolicyFactory {
    /** The default cap: 16 MiB. */
    public static final long DEFAULT_CAP_BYTES = 16L << 20;
    private static final long PAGE = 4096;

    @Override
    public String name() {
        return "lend-cap";
    }

    @Override
    public String description() {
        return "refuses a lend or share that would leave its sender with more than the cap lent or shared out at once";
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(new Parameter("size", "the cap per VM in bytes, a multiple of 4 KiB, with an optional K, M or G"
                + " (KiB, MiB, GiB): lend-cap:16M, lend-cap:64K", "16M"));
    }

    @Override
    public SharePolicy create(String args) {
        long bytes = args.isEmpty() ? DEFAULT_CAP_BYTES : parse(args);
        return new LendingCapPolicy(bytes / PAGE);
    }

    private static long parse(String args) {
        String text = args.toUpperCase(Locale.ROOT);
        int shift = 0;
        if (text.endsWith("K") || text.endsWith("M") || text.endsWith("G")) {
            shift = switch (text.charAt(text.length() - 1)) {
                case 'K' -> 10;
                case 'M' -> 20;
                default -> 30;
            };
            text = text.substring(0, text.length() - 1);
        }
        if (!text.matches("[0-9]{1,12}")) {
            throw new IllegalArgumentException("expected a size in bytes with an optional K, M or G, as lend-cap:16M"
                    + " or lend-cap:65536; got '" + args + "'");
        }
        long bytes = Long.parseLong(text) << shift;
        if (bytes % PAGE != 0) {
            throw new IllegalArgumentException("expected a size that is a multiple of 4 KiB, as lend-cap:16M; got '"
                    + args + "'");
        }
        return bytes;
    }

    /** {@code pages} as a size for people: {@code 16M}, {@code 64K} or bytes. */
    static String size(long pages) {
        long bytes = pages * PAGE;
        if (bytes != 0 && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + " GiB";
        }
        if (bytes != 0 && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + " MiB";
        }
        return (bytes >> 10) + " KiB";
    }
}
