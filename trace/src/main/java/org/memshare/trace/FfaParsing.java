package org.memshare.trace;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import org.memshare.api.ffa.FfaShareKind;
import org.memshare.api.ffa.FfaVersion;
import org.memshare.api.ffa.MemoryPermissions;
import org.memshare.trace.TraceParser.Args;
import org.memshare.trace.TraceParser.LineError;

/**
 * The FF-A lines of the trace language (docs/traces.md, "FF-A"), parsed into
 * {@link Operation.FfaCall}s. Only the syntax is checked here: what the descriptors mean, and
 * every refusal, is the engine's (an outcome, never a trace error).
 */
final class FfaParsing {
    /** The TX buffer every VM has: a fragment written to it cannot be longer. */
    static final int TX_SIZE = 4096;

    private static final Set<String> NAMES = Set.of("ffa_version", "mem_donate", "mem_lend", "mem_share", "mem_send",
            "mem_frag_tx", "mem_retrieve", "mem_frag_rx", "rx_release", "mem_relinquish", "mem_reclaim");

    private FfaParsing() {
    }

    /** Whether {@code name} is an FF-A operation. */
    static boolean handles(String name) {
        return NAMES.contains(name);
    }

    /** Parses an FF-A line; {@code tokens[0]} is {@code name}. */
    static Operation.FfaCall operation(String name, String[] tokens) throws LineError {
        switch (name) {
            case "ffa_version": {
                Args args = Args.of(name, tokens, List.of(), Set.of("vm", "version"));
                return new Operation.FfaVersionCall(args.vm(), version(args.string("version")));
            }
            case "mem_donate":
            case "mem_lend":
            case "mem_share": {
                Args args = Args.of(name, tokens, List.of(),
                        Set.of("from", "to", "attrs", "flags", "tag", "handle", "c", "fragment"));
                FfaShareKind kind = FfaShareKind.valueOf(name.substring("mem_".length()).toUpperCase(Locale.ROOT));
                return new Operation.MemSend(kind, caller(args, "from"), receivers(args.string("to"), "to"),
                        optionalU16(args, "attrs"), u32(args, "flags"), args.u64("tag", 0), args.u64("handle", 0),
                        TraceParser.constituents(args.string("c")),
                        args.has("fragment") ? OptionalLong.of(Integer.toUnsignedLong(args.u32("fragment")))
                                : OptionalLong.empty());
            }
            case "mem_send": {
                Args args = Args.of(name, tokens, List.of(), Set.of("type", "vm", "hex", "total"));
                return new Operation.MemSendBytes(kind(args.string("type")), args.vm(), tx(args, name),
                        args.has("total") ? OptionalLong.of(Integer.toUnsignedLong(args.u32("total")))
                                : OptionalLong.empty());
            }
            case "mem_frag_tx": {
                Args args = Args.of(name, tokens, List.of(), Set.of("vm", "handle", "hex", "length", "sender"));
                if (args.has("hex") && args.has("length")) {
                    throw new LineError("'mem_frag_tx' takes hex= or length=, not both");
                }
                int vm = args.vm();
                long handle = args.number("handle");
                int sender = optionalU16(args, "sender").orElse(0);
                if (args.has("hex")) {
                    return new Operation.MemFragTx(vm, handle, tx(args, name), sender);
                }
                return new Operation.MemFragTxNext(vm, handle,
                        args.has("length") ? OptionalLong.of(Integer.toUnsignedLong(args.u32("length")))
                                : OptionalLong.empty(), sender);
            }
            case "mem_retrieve": {
                Args args = Args.of(name, tokens, List.of(),
                        Set.of("vm", "hex", "handle", "from", "type", "to", "attrs", "flags", "tag"));
                if (args.has("hex")) {
                    onlyVmBeside(args, name);
                    return new Operation.MemRetrieveBytes(args.vm(), tx(args, name));
                }
                return new Operation.MemRetrieve(args.vm(), args.number("handle"), args.u16("from"),
                        args.has("type") ? Optional.of(kind(args.string("type"))) : Optional.empty(),
                        args.has("to") ? receivers(args.string("to"), "to") : List.of(), optionalU16(args, "attrs"),
                        u32(args, "flags"), args.u64("tag", 0));
            }
            case "mem_frag_rx": {
                Args args = Args.of(name, tokens, List.of(), Set.of("vm", "handle", "offset", "sender"));
                return new Operation.MemFragRx(args.vm(), args.number("handle"), args.u32("offset"),
                        optionalU16(args, "sender").orElse(0));
            }
            case "rx_release": {
                Args args = Args.of(name, tokens, List.of(), Set.of("vm"));
                return new Operation.RxRelease(args.vm());
            }
            case "mem_relinquish": {
                Args args = Args.of(name, tokens, List.of(), Set.of("vm", "hex", "handle", "flags", "endpoints"));
                if (args.has("hex")) {
                    onlyVmBeside(args, name);
                    return new Operation.MemRelinquishBytes(args.vm(), tx(args, name));
                }
                return new Operation.MemRelinquish(args.vm(), args.number("handle"), u32(args, "flags"),
                        args.has("endpoints") ? endpoints(args.string("endpoints")) : List.of());
            }
            case "mem_reclaim": {
                Args args = Args.of(name, tokens, List.of(), Set.of("vm", "handle", "flags"));
                return new Operation.MemReclaim(args.vm(), args.number("handle"), u32(args, "flags"));
            }
            default:
                throw new LineError("unknown operation '" + name + "'");
        }
    }

    /**
     * {@code init}'s {@code ffa=}: one version for every VM, or one per VM ({@code 1.0,1.2,...});
     * each is 1.0, 1.1, 1.2 or 1.3. The list has one version per VM.
     */
    static List<FfaVersion> versions(String text, int vms) throws LineError {
        if (text.isEmpty()) {
            throw new LineError("empty value for 'ffa' (want ffa=1.2 or one version per VM: ffa=1.0,1.2)");
        }
        List<FfaVersion> versions = new ArrayList<>();
        for (String item : text.split(",", -1)) {
            Optional<FfaVersion> version = item.indexOf('.') > 0 ? FfaVersion.parse(item) : Optional.empty();
            if (version.isEmpty() || !version.get().isModelled()) {
                throw new LineError("'ffa' must name FF-A versions 1.0, 1.1, 1.2 or 1.3, was '" + item + "'");
            }
            versions.add(version.get());
        }
        if (versions.size() == 1) {
            return Collections.nCopies(vms, versions.get(0));
        }
        if (versions.size() != vms) {
            throw new LineError("'ffa' names " + versions.size() + " versions for " + vms
                    + " VMs (want one for every VM, or one per VM)");
        }
        return versions;
    }

    /** FFA_VERSION's argument: MAJOR.MINOR, or the raw 32-bit register value (bit 31 included). */
    private static int version(String text) throws LineError {
        if (text.indexOf('.') >= 0) {
            Optional<FfaVersion> version = FfaVersion.parse(text);
            if (version.isEmpty() || !text.matches("[0-9]+\\.[0-9]+")) {
                throw new LineError("'version' must be MAJOR.MINOR (1.2) or a 32-bit number (0x10002), was '"
                        + text + "'");
            }
            return version.get().encoded();
        }
        long value = TraceParser.parseNumber("version", text);
        if (Long.compareUnsigned(value, 0xffff_ffffL) > 0) {
            throw new LineError("'version' must fit in 32 bits, was 0x" + Long.toHexString(value));
        }
        return (int) value;
    }

    private static FfaShareKind kind(String text) throws LineError {
        switch (text) {
            case "donate":
                return FfaShareKind.DONATE;
            case "lend":
                return FfaShareKind.LEND;
            case "share":
                return FfaShareKind.SHARE;
            default:
                throw new LineError("unknown FF-A transaction type '" + text + "' (donate, lend or share)");
        }
    }

    /** A calling VM named by {@code key}: 1 to 65535. */
    private static int caller(Args args, String key) throws LineError {
        long vm = args.number(key);
        if (vm == 0 || Long.compareUnsigned(vm, 0xffff) > 0) {
            throw new LineError("'" + key + "' must be a VM between 1 and 65535, was " + Long.toUnsignedString(vm));
        }
        return (int) vm;
    }

    /** {@code R[:PERM],...}: at least one receiver, in the order given. */
    private static List<Operation.ReceiverArg> receivers(String text, String key) throws LineError {
        List<Operation.ReceiverArg> list = new ArrayList<>();
        for (String item : text.split(",", -1)) {
            int colon = item.indexOf(':');
            String id = colon < 0 ? item : item.substring(0, colon);
            if (id.isEmpty()) {
                throw new LineError("'" + key + "' has an empty receiver (want R[:PERM],...)");
            }
            long receiver = TraceParser.parseNumber(key, id);
            if (Long.compareUnsigned(receiver, 0xffff) > 0) {
                throw new LineError("receiver " + id + " in '" + key + "' must fit in 16 bits");
            }
            OptionalInt permissions = OptionalInt.empty();
            if (colon >= 0) {
                String perm = item.substring(colon + 1);
                permissions = OptionalInt.of(MemoryPermissions.parse(perm).orElseThrow(() -> new LineError(
                        "bad permissions '" + perm + "' for receiver " + id
                                + " (a byte, -, ro or rw, optionally +x or +nx)")).value());
            }
            list.add(new Operation.ReceiverArg((int) receiver, permissions));
        }
        return list;
    }

    /** {@code ID,...}: at least one 16-bit endpoint id. */
    private static List<Integer> endpoints(String text) throws LineError {
        List<Integer> list = new ArrayList<>();
        for (String item : text.split(",", -1)) {
            if (item.isEmpty()) {
                throw new LineError("'endpoints' has an empty entry (want ID,...)");
            }
            long id = TraceParser.parseNumber("endpoints", item);
            if (Long.compareUnsigned(id, 0xffff) > 0) {
                throw new LineError("endpoint " + item + " must fit in 16 bits");
            }
            list.add((int) id);
        }
        if (16L + 2L * list.size() > TX_SIZE) {
            throw new LineError("" + list.size() + " endpoints do not fit the " + TX_SIZE + "-byte TX buffer");
        }
        return list;
    }

    /** The bytes of {@code hex=}, which must fit the TX buffer. */
    private static byte[] tx(Args args, String operation) throws LineError {
        String text = args.raw("hex");
        if (text == null) {
            throw new LineError("missing argument 'hex' to '" + operation + "'");
        }
        byte[] bytes = TraceParser.hexBytes(text);
        if (bytes.length > TX_SIZE) {
            throw new LineError("'hex' is " + bytes.length + " bytes; the TX buffer holds " + TX_SIZE);
        }
        return bytes;
    }

    private static void onlyVmBeside(Args args, String operation) throws LineError {
        if (args.size() != 2 || !args.has("vm")) {
            throw new LineError("'" + operation + " vm=V hex=HEX' takes no other argument");
        }
    }

    private static OptionalInt optionalU16(Args args, String key) throws LineError {
        return args.has(key) ? OptionalInt.of(args.u16(key)) : OptionalInt.empty();
    }

    private static int u32(Args args, String key) throws LineError {
        return args.has(key) ? args.u32(key) : 0;
    }
}
