package org.memshare.trace;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.memshare.api.spci.ShareType;

/**
 * An operation's arguments as named fields, under the keys a trace spells them with
 * ({@code --json}'s {@code args}, docs/json.md). VM ids and counts are numbers; addresses, modes,
 * flags, attributes, tags and values are {@code 0x} hex strings, as the canonical output prints
 * numbers. An operation this class does not list (a newer one) gets its record's components.
 */
final class Arguments {
    private Arguments() {
    }

    static Map<String, Object> of(Operation operation) {
        Map<String, Object> args = new LinkedHashMap<>();
        if (operation instanceof Operation.Init init) {
            args.put("arch", init.arch());
            args.put("pa_bits", init.paBits());
            args.put("pool_pages", init.poolPages());
            args.put("vms", init.vms());
            args.put("properties", new LinkedHashMap<String, Object>(init.properties()));
            args.put("policies", new ArrayList<Object>(init.policies()));
            List<Object> versions = new ArrayList<>();
            init.ffaVersions().forEach(v -> versions.add(v.toString()));
            args.put("ffa", versions);
        } else if (operation instanceof Operation.MapRange map) {
            args.put("vm", map.vm());
            args.put("begin", hex(map.begin()));
            args.put("end", hex(map.end()));
            args.put("mode", hex(map.mode()));
        } else if (operation instanceof Operation.Unmap unmap) {
            args.put("vm", unmap.vm());
            args.put("begin", hex(unmap.begin()));
            args.put("end", hex(unmap.end()));
        } else if (operation instanceof Operation.Defrag defrag) {
            args.put("vm", defrag.vm());
        } else if (operation instanceof Operation.ModeQuery query) {
            args.put("vm", query.vm());
            args.put("begin", hex(query.begin()));
            args.put("end", hex(query.end()));
        } else if (operation instanceof Operation.Dump dump) {
            args.put("vm", dump.vm() == Operation.Dump.STAGE1 ? "s1" : (Object) dump.vm());
        } else if (operation instanceof Operation.Pool) {
            // no arguments
        } else if (operation instanceof Operation.Share share) {
            args.put("type", type(share.type()));
            args.put("from", share.from());
            args.put("to", share.to());
            args.put("flags", hex(Integer.toUnsignedLong(share.flags())));
            args.put("attrs", hex(share.attrs()));
            args.put("tag", hex(Integer.toUnsignedLong(share.tag())));
            List<Object> constituents = new ArrayList<>();
            for (Operation.ConstituentArg c : share.constituents()) {
                Map<String, Object> constituent = new LinkedHashMap<>();
                constituent.put("address", hex(c.address()));
                constituent.put("pages", c.pages());
                constituents.add(constituent);
            }
            args.put("c", constituents);
        } else if (operation instanceof Operation.ShareBytes bytes) {
            args.put("type", type(bytes.type()));
            args.put("from", bytes.from());
            args.put("to", bytes.to());
            args.put("hex", HexFormat.of().formatHex(bytes.region()));
        } else if (operation instanceof Operation.Access access) {
            args.put("vm", access.vm());
            args.put("addr", hex(access.address()));
            args.put("op", access.kind().name().toLowerCase(java.util.Locale.ROOT));
        } else if (operation instanceof Operation.Read read) {
            args.put("vm", read.vm());
            args.put("addr", hex(read.address()));
        } else if (operation instanceof Operation.Write write) {
            args.put("vm", write.vm());
            args.put("addr", hex(write.address()));
            args.put("value", hex(write.value()));
        } else if (operation instanceof Operation.FfaCall call) {
            FfaArguments.put(call, args);
        } else if (operation instanceof Record record) {
            components(record, args);
        }
        return args;
    }

    /** A share type by its trace name, or its number when it names none. */
    private static Object type(int code) {
        return ShareType.fromCode(code).map(t -> (Object) t.traceName()).orElse(code);
    }

    /** A record's components by name: numbers as they are, everything else as its string. */
    static void components(Record record, Map<String, Object> args) {
        for (RecordComponent component : record.getClass().getRecordComponents()) {
            Object value;
            try {
                value = component.getAccessor().invoke(record);
            } catch (ReflectiveOperationException | RuntimeException e) {
                value = null;
            }
            args.put(component.getName(), value == null || value instanceof Number || value instanceof Boolean
                    ? value : value.toString());
        }
    }

    private static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }
}
