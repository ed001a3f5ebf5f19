package org.memshare.api.ffa;

import java.util.ArrayList;
import java.util.List;

/** Field-by-field listings of descriptors, with their offsets; see {@link FfaDescriptorCodec#explain}. */
final class Explainer {

    private Explainer() {
    }

    static List<String> transaction(MemoryTransaction tx, FfaVersion v) {
        List<String> lines = new ArrayList<>();
        boolean v1_0 = v.usesV1_0Layout();
        line(lines, 0, "sender", hex(tx.sender()));
        line(lines, 2, "attributes", hex(v1_0 ? tx.attributes().toV1_0() : tx.attributes().value()) + " (" + tx.attributes() + ")");
        if (v1_0) {
            line(lines, 3, "reserved", hex(tx.reserved().first()));
        }
        line(lines, 4, "flags", hex(tx.flags().value()) + " (" + tx.flags() + ")");
        line(lines, 8, "handle", Handle.toString(tx.handle()));
        line(lines, 16, "tag", "0x" + Long.toHexString(tx.tag()));
        if (v1_0) {
            line(lines, 24, "reserved", hex(tx.reserved().second()));
        } else {
            line(lines, 24, "access descriptor size", Long.toString(tx.accessDescriptorSize()));
        }
        line(lines, 28, "receiver count", Integer.toString(tx.receiverCount()));
        if (!v1_0) {
            line(lines, 32, "receivers offset", Long.toString(tx.receiversOffset()));
            line(lines, 36, "reserved", hex(tx.reserved().first()) + " " + hex(tx.reserved().second()) + " "
                    + hex(tx.reserved().third()));
        }
        for (int i = 0; i < tx.receiverCount(); i++) {
            EndpointAccess r = tx.receivers().get(i);
            long at = tx.receiversOffset() + tx.accessDescriptorSize() * i;
            line(lines, at, "receiver[" + i + "]", "id " + hex(r.receiver()) + ", permissions " + hex(r.permissions().value())
                    + " (" + r.permissions() + "), flags " + hex(r.flags()) + ", composite offset " + r.compositeOffset());
            if (tx.accessDescriptorSize() == FfaVersion.ACCESS_DESCRIPTOR_SIZE_V1_2) {
                line(lines, at + 8, "receiver[" + i + "] impdef", r.impdef().toString());
                line(lines, at + 24, "receiver[" + i + "] reserved", "0x" + Long.toHexString(r.reserved()));
            } else {
                line(lines, at + 8, "receiver[" + i + "] reserved", "0x" + Long.toHexString(r.reserved()));
            }
        }
        tx.composite().ifPresent(c -> {
            long at = tx.compositeOffset();
            line(lines, at, "composite", "total pages " + c.totalPageCount() + ", constituents " + c.constituentCount()
                    + (c.constituents().size() != c.constituentCount() ? " (" + c.constituents().size() + " here)" : "")
                    + ", reserved 0x" + Long.toHexString(c.reserved()));
            for (int i = 0; i < c.constituents().size(); i++) {
                line(lines, at + CompositeRegion.HEADER_SIZE + (long) FfaConstituent.SIZE * i, "constituent[" + i + "]",
                        c.constituents().get(i).toString());
            }
        });
        return lines;
    }

    static List<String> relinquish(Relinquish r) {
        List<String> lines = new ArrayList<>();
        line(lines, 0, "handle", Handle.toString(r.handle()));
        line(lines, 8, "flags", hex(r.flags()) + (r.clear() ? " (CLEAR)" : ""));
        line(lines, 12, "endpoint count", Integer.toString(r.endpoints().size()));
        for (int i = 0; i < r.endpoints().size(); i++) {
            line(lines, Relinquish.HEADER_SIZE + 2L * i, "endpoint[" + i + "]", hex(r.endpoints().get(i)));
        }
        return lines;
    }

    private static void line(List<String> lines, long offset, String name, String value) {
        lines.add(String.format("0x%04x %s: %s", offset, name, value));
    }

    private static String hex(int value) {
        return "0x" + Integer.toHexString(value);
    }
}
