package org.memshare.trace;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.memshare.api.ffa.FfaShareKind;

/**
 * The arguments of the FF-A lines as {@code --json}'s {@code args} (docs/json.md): the keys a trace
 * spells them with, VM ids, lengths and offsets as numbers, handles, flags, attributes, tags and
 * permissions as {@code 0x} hex strings, {@code hex=} as the hex digits; an argument the line left
 * out is null (its default is the replayer's to choose).
 */
final class FfaArguments {
    private FfaArguments() {
    }

    static void put(Operation.FfaCall call, Map<String, Object> args) {
        if (call instanceof Operation.FfaVersionCall v) {
            args.put("vm", v.vm());
            args.put("version", hex(Integer.toUnsignedLong(v.requested())));
        } else if (call instanceof Operation.MemSend send) {
            args.put("from", send.vm());
            args.put("to", receivers(send.receivers()));
            args.put("attrs", optional(send.attributes()));
            args.put("flags", hex(Integer.toUnsignedLong(send.flags())));
            args.put("tag", hex(send.tag()));
            args.put("handle", hex(send.handle()));
            List<Object> constituents = new ArrayList<>();
            for (Operation.ConstituentArg c : send.constituents()) {
                Map<String, Object> constituent = new LinkedHashMap<>();
                constituent.put("address", hex(c.address()));
                constituent.put("pages", c.pages());
                constituents.add(constituent);
            }
            args.put("c", constituents);
            args.put("fragment", optional(send.fragment()));
        } else if (call instanceof Operation.MemSendBytes send) {
            args.put("type", kind(send.kind()));
            args.put("vm", send.vm());
            args.put("hex", HexFormat.of().formatHex(send.tx()));
            args.put("total", optional(send.total()));
        } else if (call instanceof Operation.MemFragTx frag) {
            args.put("vm", frag.vm());
            args.put("handle", hex(frag.handle()));
            args.put("hex", HexFormat.of().formatHex(frag.tx()));
            args.put("length", null);
            args.put("sender", frag.sender());
        } else if (call instanceof Operation.MemFragTxNext next) {
            args.put("vm", next.vm());
            args.put("handle", hex(next.handle()));
            args.put("hex", null);
            args.put("length", optional(next.length()));
            args.put("sender", next.sender());
        } else if (call instanceof Operation.MemRetrieve retrieve) {
            args.put("vm", retrieve.vm());
            args.put("handle", hex(retrieve.handle()));
            args.put("from", retrieve.sender());
            args.put("type", retrieve.type().map(FfaArguments::kind).orElse(null));
            args.put("to", retrieve.receivers().isEmpty() ? null : receivers(retrieve.receivers()));
            args.put("attrs", optional(retrieve.attributes()));
            args.put("flags", hex(Integer.toUnsignedLong(retrieve.flags())));
            args.put("tag", hex(retrieve.tag()));
        } else if (call instanceof Operation.MemRetrieveBytes retrieve) {
            args.put("vm", retrieve.vm());
            args.put("hex", HexFormat.of().formatHex(retrieve.tx()));
        } else if (call instanceof Operation.MemFragRx frag) {
            args.put("vm", frag.vm());
            args.put("handle", hex(frag.handle()));
            args.put("offset", Integer.toUnsignedLong(frag.offset()));
            args.put("sender", frag.sender());
        } else if (call instanceof Operation.RxRelease release) {
            args.put("vm", release.vm());
        } else if (call instanceof Operation.MemRelinquish relinquish) {
            args.put("vm", relinquish.vm());
            args.put("handle", hex(relinquish.handle()));
            args.put("flags", hex(Integer.toUnsignedLong(relinquish.flags())));
            args.put("endpoints",
                    relinquish.endpoints().isEmpty() ? null : new ArrayList<Object>(relinquish.endpoints()));
        } else if (call instanceof Operation.MemRelinquishBytes relinquish) {
            args.put("vm", relinquish.vm());
            args.put("hex", HexFormat.of().formatHex(relinquish.tx()));
        } else if (call instanceof Operation.MemReclaim reclaim) {
            args.put("vm", reclaim.vm());
            args.put("handle", hex(reclaim.handle()));
            args.put("flags", hex(Integer.toUnsignedLong(reclaim.flags())));
        } else if (call instanceof Record record) {
            Arguments.components(record, args);
        }
    }

    /** {@code [{vm, permissions}]}: permissions null when the line gave none. */
    private static List<Object> receivers(List<Operation.ReceiverArg> receivers) {
        List<Object> list = new ArrayList<>();
        for (Operation.ReceiverArg r : receivers) {
            Map<String, Object> receiver = new LinkedHashMap<>();
            receiver.put("vm", r.id());
            receiver.put("permissions", optional(r.permissions()));
            list.add(receiver);
        }
        return list;
    }

    private static String kind(FfaShareKind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    private static String optional(OptionalInt value) {
        return value.isPresent() ? hex(value.getAsInt()) : null;
    }

    private static Object optional(OptionalLong value) {
        return value.isPresent() ? (Object) value.getAsLong() : null;
    }

    private static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }
}
