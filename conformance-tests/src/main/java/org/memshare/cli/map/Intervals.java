package org.memshare.cli.map;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A union of half-open page ranges {@code [begin, end)}, kept merged. */
final class Intervals {
    private final TreeMap<Long, Long> ranges = new TreeMap<>();

    void add(long begin, long end) {
        if (begin >= end) {
            return;
        }
        Map.Entry<Long, Long> before = ranges.floorEntry(begin);
        if (before != null && before.getValue() >= begin) {
            if (before.getValue() >= end) {
                return;
            }
            begin = before.getKey();
        }
        // Swallow every range that starts inside the new one.
        for (Map.Entry<Long, Long> after; (after = ranges.ceilingEntry(begin)) != null && after.getKey() <= end; ) {
            end = Math.max(end, after.getValue());
            ranges.remove(after.getKey());
        }
        ranges.put(begin, end);
    }

    /** The ranges in order, as {begin, end} pairs. */
    List<long[]> ranges() {
        List<long[]> list = new ArrayList<>(ranges.size());
        ranges.forEach((begin, end) -> list.add(new long[] {begin, end}));
        return list;
    }

    boolean isEmpty() {
        return ranges.isEmpty();
    }
}
