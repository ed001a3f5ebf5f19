package org.memshare.trace;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.memshare.api.ffa.CompositeRegion;
import org.memshare.api.ffa.EndpointAccess;
import org.memshare.api.ffa.FfaConstituent;
import org.memshare.api.ffa.FfaDescriptorCodec;
import org.memshare.api.ffa.FfaResult;
import org.memshare.api.ffa.FfaShareKind;
import org.memshare.api.ffa.FfaVersion;
import org.memshare.api.ffa.MemoryAttributes;
import org.memshare.api.ffa.MemoryPermissions;
import org.memshare.api.ffa.MemoryTransaction;
import org.memshare.api.ffa.Relinquish;
import org.memshare.api.ffa.TransactionFlags;
import org.memshare.engine.ffa.FfaCheck;
import org.memshare.engine.ffa.FfaMemory;
import org.memshare.engine.ffa.FfaOutcome;


/**
 * Runs the FF-A lines of a trace on one machine's {@link FfaMemory} and words their outcomes as
 * docs/traces.md says. Builders lay their descriptors out in the caller's FF-A version at the
 * moment of the call; a builder send with {@code fragment=} keeps the rest of its descriptor for
 * the VM's next {@code mem_frag_tx} without bytes. What cannot become a call (a descriptor that
 * does not fit the TX buffer, more bytes than were kept back) is a {@link LineFailure}, which the
 * replayer prints as {@code N: error <reason>}; every protocol refusal is an outcome. A replay
 * that explains ({@code --explain}, {@code --json}) also gets each refusal's check and reason and
 * the line's bytes decoded ({@link FfaDescriptor}); one that does not builds neither.
 */
final class FfaReplay {
    /** The TX buffer every VM has. */
    private static final int TX_SIZE = FfaParsing.TX_SIZE;
    /** The attributes a builder uses by default where the memory type must be given: normal, write-back, inner. */
    private static final int NORMAL_WB_INNER = 0x2f;

    /** Why a line could not become a call; no stack trace, the message is for the user. */
    static final class LineFailure extends Exception {
        private static final long serialVersionUID = 1L;

        LineFailure(String message) {
            super(message, null, false, false);
        }
    }

    private final FfaMemory ffa;
    /** Whether lines carry reasons and descriptors ({@code --explain}, {@code --json}); not on the canonical path. */
    private final boolean explain;
    /** Per VM: what its last builder send kept back for FRAG_TX. */
    private final Map<Integer, byte[]> keptBack = new HashMap<>();

    /** The FF-A lines of {@code ffa}'s machine; {@code explain}: whether lines carry reasons and descriptors. */
    FfaReplay(FfaMemory ffa, boolean explain) {
        this.ffa = requireNonNull(ffa, "ffa is null");
        this.explain = explain;
    }

    /** {@code init ... ffa=}: each VM's version before it runs (VM i + 1 gets {@code versions.get(i)}). */
    void setVersions(List<FfaVersion> versions) {
        for (int i = 0; i < versions.size(); i++) {
            ffa.setVersion(i + 1, versions.get(i));
        }
    }

    /**
     * One FF-A line's output: its canonical text and, when the replay explains, the check that
     * refused the call (with the engine's reason, as {@code --explain} prints it) and the decoded
     * descriptor of the bytes the line sent or received (null when not explaining or none).
     *
     * @param text the canonical text after {@code N: }
     * @param check the refusing check's name, or null
     * @param reason {@code CHECK (what it refuses): the engine's finding}, or null
     * @param descriptor the bytes decoded, or null
     */
    record Line(String text, String check, String reason, Descriptor descriptor) {
    }

    /** Runs {@code call} (its VM exists) and returns its output line. */
    Line run(Operation.FfaCall call) throws LineFailure {
        FfaMemory.Explaining calls = ffa.explaining();
        if (call instanceof Operation.FfaVersionCall v) {
            FfaOutcome o = calls.version(v.vm(), v.requested());
            FfaResult r = o.result();
            return line(r.isError() ? "NOT_SUPPORTED" : "version 0x" + Integer.toHexString(r.w0()), o, null);
        }
        if (call instanceof Operation.MemSend send) {
            return memSend(send);
        }
        if (call instanceof Operation.MemSendBytes send) {
            byte[] tx = send.tx();
            int total = (int) send.total().orElse(tx.length);
            FfaVersion version = explain ? version(send.vm()) : null;
            FfaOutcome o = calls.memSend(send.vm(), send.kind(), tx, total);
            return line(sendOutcome(o.result(), tx), o,
                    explain ? FfaDescriptor.send(send.kind(), send.vm(), version, tx, Integer.toUnsignedLong(total))
                            : null);
        }
        if (call instanceof Operation.MemFragTx frag) {
            return fragTx(frag.vm(), frag.handle(), frag.tx(), frag.sender());
        }
        if (call instanceof Operation.MemFragTxNext next) {
            return fragTx(next.vm(), next.handle(), takeKeptBack(next), next.sender());
        }
        if (call instanceof Operation.MemRetrieve retrieve) {
            return retrieve(retrieve.vm(), retrieveRequest(retrieve));
        }
        if (call instanceof Operation.MemRetrieveBytes retrieve) {
            return retrieve(retrieve.vm(), retrieve.tx());
        }
        if (call instanceof Operation.MemFragRx frag) {
            FfaVersion version = explain ? version(frag.vm()) : null;
            FfaOutcome o = calls.fragRx(frag.vm(), frag.handle(), frag.offset(), frag.sender());
            FfaResult r = o.result();
            if (r.function() == FfaResult.Function.MEM_FRAG_TX) {
                byte[] rx = r.rxBytes();
                return line("MEM_FRAG_TX handle=" + handle(r) + " length=0x" + Integer.toHexString(r.w3()) + " bytes="
                        + HexFormat.of().formatHex(rx), o, explain
                                ? FfaDescriptor.retrieveFragment(frag.vm(), version, rx, Integer.toUnsignedLong(frag.offset()))
                                : null);
            }
            return line(plain(r), o, null);
        }
        if (call instanceof Operation.RxRelease release) {
            FfaOutcome o = calls.rxRelease(release.vm());
            return line(plain(o.result()), o, null);
        }
        if (call instanceof Operation.MemRelinquish relinquish) {
            List<Integer> endpoints = relinquish.endpoints().isEmpty() ? List.of(relinquish.vm()) : relinquish.endpoints();
            FfaVersion version = version(relinquish.vm());
            byte[] tx = FfaDescriptorCodec.encode(new Relinquish(relinquish.handle(), relinquish.flags(), endpoints),
                    version);
            return relinquish(relinquish.vm(), version, tx);
        }
        if (call instanceof Operation.MemRelinquishBytes relinquish) {
            return relinquish(relinquish.vm(), explain ? version(relinquish.vm()) : null, relinquish.tx());
        }
        if (call instanceof Operation.MemReclaim reclaim) {
            FfaOutcome o = calls.reclaim(reclaim.vm(), reclaim.handle(), reclaim.flags());
            return line(plain(o.result()), o, null);
        }
        throw new LineFailure("operation '" + call.name() + "' is not supported yet");
    }

    /**
     * The line of {@code outcome}: with the refusing check and its reason, and {@code descriptor},
     * only when the replay explains (the canonical path builds neither).
     */
    private Line line(String text, FfaOutcome outcome, Descriptor descriptor) {
        if (!explain || outcome.check().isEmpty()) {
            return new Line(text, null, null, descriptor);
        }
        FfaCheck check = outcome.check().get();
        String reason = check.name() + " (" + check.description() + ")"
                + (outcome.reason().isEmpty() ? "" : ": " + outcome.reason());
        return new Line(text, check.name(), reason, descriptor);
    }

    private Line fragTx(int vm, long handle, byte[] tx, int sender) {
        FfaVersion version = explain ? version(vm) : null;
        FfaOutcome o = ffa.explaining().fragTx(vm, handle, tx, sender);
        return line(fragTxOutcome(o.result()), o, explain ? FfaDescriptor.sendFragment(vm, version, tx) : null);
    }

    private Line retrieve(int vm, byte[] request) {
        FfaVersion version = explain ? version(vm) : null;
        FfaOutcome o = ffa.explaining().retrieveRequest(vm, request, request.length);
        FfaResult r = o.result();
        if (r.function() == FfaResult.Function.MEM_RETRIEVE_RESP) {
            byte[] rx = r.rxBytes();
            return line("MEM_RETRIEVE_RESP total=0x" + Integer.toHexString(r.w1()) + " fragment=0x"
                    + Integer.toHexString(r.w2()) + " bytes=" + HexFormat.of().formatHex(rx), o,
                    explain ? FfaDescriptor.retrieveResponse(vm, version, rx, Integer.toUnsignedLong(r.w1())) : null);
        }
        return line(withBytes(plain(r), request), o,
                explain ? FfaDescriptor.retrieveRequest(vm, version, request) : null);
    }

    private Line relinquish(int vm, FfaVersion version, byte[] tx) {
        FfaOutcome o = ffa.explaining().relinquish(vm, tx);
        return line(withBytes(plain(o.result()), tx), o, explain ? FfaDescriptor.relinquish(vm, version, tx) : null);
    }

    private FfaVersion version(int vm) {
        return ffa.version(vm).orElse(FfaVersion.DEFAULT);
    }

    /** A builder send: lay the descriptor out, keep back what does not go in the first fragment, send. */
    private Line memSend(Operation.MemSend send) throws LineFailure {
        FfaVersion version = version(send.vm());
        boolean oneWay = send.kind() == FfaShareKind.DONATE
                || send.kind() == FfaShareKind.LEND && send.receivers().size() == 1;
        List<EndpointAccess> receivers = new ArrayList<>();
        for (Operation.ReceiverArg r : send.receivers()) {
            int perm = r.permissions().orElse(send.kind() == FfaShareKind.DONATE ? 0 : MemoryPermissions.RW.value());
            receivers.add(EndpointAccess.of(r.id(), new MemoryPermissions(perm)));
        }
        List<FfaConstituent> constituents = new ArrayList<>();
        for (Operation.ConstituentArg c : send.constituents()) {
            constituents.add(FfaConstituent.of(c.address(), c.pages()));
        }
        int attrs = send.attributes().orElse(oneWay ? 0 : NORMAL_WB_INNER);
        byte[] descriptor = encode(send.vm(), version, MemoryTransaction.laidOut(version, send.vm(),
                attributes(attrs, version, send.vm()), new TransactionFlags(send.flags()), send.handle(), send.tag(),
                receivers, Optional.of(CompositeRegion.of(constituents))));
        long fragment = send.fragment().orElse(descriptor.length);
        if (fragment > descriptor.length) {
            throw new LineFailure("fragment=" + fragment + " is more than the descriptor's " + descriptor.length
                    + " bytes");
        }
        if (fragment > TX_SIZE) {
            throw new LineFailure(send.fragment().isPresent()
                    ? "fragment=" + fragment + " does not fit the " + TX_SIZE + "-byte TX buffer"
                    : "the descriptor is " + descriptor.length + " bytes, more than the " + TX_SIZE
                            + "-byte TX buffer holds; send its first fragment with fragment=");
        }
        byte[] tx = Arrays.copyOf(descriptor, (int) fragment);
        keptBack.put(send.vm(), Arrays.copyOfRange(descriptor, (int) fragment, descriptor.length));
        FfaOutcome o = ffa.explaining().memSend(send.vm(), send.kind(), tx, descriptor.length);
        return line(sendOutcome(o.result(), tx), o,
                explain ? FfaDescriptor.send(send.kind(), send.vm(), version, tx, descriptor.length) : null);
    }

    /** The next {@code length} bytes (all when absent) of what the VM's last builder send kept back. */
    private byte[] takeKeptBack(Operation.MemFragTxNext next) throws LineFailure {
        byte[] rest = keptBack.getOrDefault(next.vm(), new byte[0]);
        long length = next.length().orElse(rest.length);
        if (length > rest.length) {
            throw new LineFailure("length=" + length + " but " + rest.length + " bytes of VM " + next.vm()
                    + "'s descriptor are left to send");
        }
        if (length > TX_SIZE) {
            throw new LineFailure(length + " bytes do not fit the " + TX_SIZE + "-byte TX buffer; give length=");
        }
        keptBack.put(next.vm(), Arrays.copyOfRange(rest, (int) length, rest.length));
        return Arrays.copyOf(rest, (int) length);
    }

    /** A builder retrieve request in the retriever's layout. */
    private byte[] retrieveRequest(Operation.MemRetrieve retrieve) throws LineFailure {
        FfaVersion version = version(retrieve.vm());
        List<Operation.ReceiverArg> to = retrieve.receivers().isEmpty()
                ? List.of(new Operation.ReceiverArg(retrieve.vm(), OptionalInt.empty()))
                : retrieve.receivers();
        FfaShareKind type = retrieve.type().orElse(null);
        boolean oneWay = type == FfaShareKind.DONATE || type == FfaShareKind.LEND && to.size() == 1;
        List<EndpointAccess> receivers = new ArrayList<>();
        for (Operation.ReceiverArg r : to) {
            int perm = r.permissions().orElse((oneWay ? MemoryPermissions.RW_NX : MemoryPermissions.RW).value());
            receivers.add(EndpointAccess.of(r.id(), new MemoryPermissions(perm)));
        }
        TransactionFlags flags = new TransactionFlags(retrieve.flags());
        if (type != null) {
            flags = new TransactionFlags(retrieve.flags() | type.transactionType() << 3);
        }
        int attrs = retrieve.attributes().orElse(oneWay ? 0 : NORMAL_WB_INNER);
        return encode(retrieve.vm(), version, MemoryTransaction.laidOut(version, retrieve.sender(),
                attributes(attrs, version, retrieve.vm()), flags, retrieve.handle(), retrieve.tag(), receivers,
                Optional.empty()));
    }

    private static MemoryAttributes attributes(int attrs, FfaVersion version, int vm) throws LineFailure {
        if (version.usesV1_0Layout() && attrs > 0xff) {
            throw new LineFailure("attrs=0x" + Integer.toHexString(attrs) + " does not fit the 8-bit attributes of VM "
                    + vm + "'s v1.0 descriptor");
        }
        return new MemoryAttributes(attrs);
    }

    private static byte[] encode(int vm, FfaVersion version, MemoryTransaction tx) throws LineFailure {
        try {
            return FfaDescriptorCodec.encode(tx, version);
        } catch (IllegalArgumentException e) {
            throw new LineFailure("cannot lay out VM " + vm + "'s v" + version + " descriptor: " + e.getMessage());
        }
    }

    private static String sendOutcome(FfaResult r, byte[] tx) {
        String outcome = switch (r.function()) {
            case SUCCESS -> "SUCCESS handle=" + handle(r);
            case MEM_FRAG_RX -> "MEM_FRAG_RX handle=" + handle(r) + " offset=0x" + Integer.toHexString(r.w3());
            default -> plain(r);
        };
        return withBytes(outcome, tx);
    }

    private static String fragTxOutcome(FfaResult r) {
        return switch (r.function()) {
            case SUCCESS -> "SUCCESS handle=" + handle(r);
            case MEM_FRAG_RX -> "MEM_FRAG_RX handle=" + handle(r) + " offset=0x" + Integer.toHexString(r.w3());
            default -> plain(r);
        };
    }

    /** SUCCESS, the error's name, or (never expected) the function and registers as they are. */
    private static String plain(FfaResult r) {
        if (r.error() != null) {
            return r.error().name();
        }
        if (r.function() == FfaResult.Function.SUCCESS) {
            return "SUCCESS";
        }
        return "UNEXPECTED " + r;
    }

    /** The handle as the registers carry it: w2/w3 in FFA_SUCCESS, w1/w2 in FRAG_RX and FRAG_TX. */
    private static String handle(FfaResult r) {
        long low = r.function() == FfaResult.Function.SUCCESS ? r.w2() : r.w1();
        long high = r.function() == FfaResult.Function.SUCCESS ? r.w3() : r.w2();
        return "0x" + Long.toHexString(Integer.toUnsignedLong((int) low) | high << 32);
    }

    private static String withBytes(String outcome, byte[] bytes) {
        return outcome + " bytes=" + HexFormat.of().formatHex(bytes);
    }
}
