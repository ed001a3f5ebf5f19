package org.memshare.kit.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.memshare.api.spci.Constituent;
import org.memshare.api.spci.MemoryAccess;
import org.memshare.api.spci.MemoryRegion;
import org.memshare.api.spci.MemoryRegionCodec;
import org.memshare.api.spci.ReceiverAttributes;
import org.memshare.api.spci.ShareType;
import org.memshare.engine.hypervisor.Hypervisor;
import org.memshare.engine.spci.SpciResult;

/**
 * Sends architected memory messages as a trace's {@code share} line does: one receiver entry,
 * the constituents given, tag and flags zero; a delivered message is released at once so the
 * receiver's mailbox never stays busy. Shared by the TLB, HW and MODEL rules.
 */
final class ShareCalls {
    /** Memory attributes for normal memory (bit 4) with the access code in bits 5-6. */
    static int attrs(int accessCode) {
        return (accessCode & 3) << 5 | 1 << 4;
    }

    /** The receiver's permissions an access code grants (R, R|X, R|W, R|W|X for 0 to 3). */
    static int attrsMode(int accessCode) {
        return MemoryAccess.fromCode(accessCode & 3).orElseThrow().mode();
    }

    private ShareCalls() {
    }

    /**
     * Sends {@code type} of {@code constituents} (pairs of address and page count) from VM
     * {@code from} to VM {@code to} with memory attributes {@code attrs}.
     */
    static SpciResult send(Hypervisor hypervisor, ShareType type, int from, int to, int attrs, long... constituents) {
        List<Constituent> list = new ArrayList<>();
        for (int i = 0; i < constituents.length; i += 2) {
            list.add(Constituent.of(constituents[i], constituents[i + 1]));
        }
        MemoryRegion region = MemoryRegion.of(0, 0, List.of(ReceiverAttributes.of(to, attrs)), list);
        SpciResult result = hypervisor.send(from, to, MemoryRegionCodec.encodeMessage(type, region));
        if (result.isSuccess()) {
            hypervisor.release(to);
        }
        return result;
    }

    /** The share as a trace line: {@code share type=lend from=1 to=2 attrs=0x50 c=0x400000:1,...}. */
    static String traceLine(ShareType type, int from, int to, int attrs, long... constituents) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < constituents.length; i += 2) {
            parts.add("0x" + Long.toHexString(constituents[i]) + ":" + constituents[i + 1]);
        }
        return "share type=" + type.traceName() + " from=" + from + " to=" + to + " attrs=0x"
                + Integer.toHexString(attrs) + " c=" + parts.stream().collect(Collectors.joining(","));
    }
}
