package org.memshare.trace;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.memshare.api.ffa.CompositeRegion;
import org.memshare.api.ffa.EndpointAccess;
import org.memshare.api.ffa.FfaConstituent;
import org.memshare.api.ffa.FfaDecoded;
import org.memshare.api.ffa.FfaDescriptorCodec;
import org.memshare.api.ffa.FfaShareKind;
import org.memshare.api.ffa.FfaVersion;
import org.memshare.api.ffa.MemoryTransaction;
import org.memshare.api.ffa.Rejection;
import org.memshare.api.ffa.Relinquish;
import org.memshare.api.ffa.TransactionFlags;

/**
 * The FF-A descriptor bytes an FF-A line sent or received, decoded with {@link FfaDescriptorCodec}
 * in the layout of the calling VM's FF-A version: a send's first fragment (what {@code bytes=}
 * shows), a FRAG_TX fragment, a retrieve request (a refused retrieve's {@code bytes=}), a retrieve
 * response (what the borrower finds in its RX buffer), a FRAG_RX fragment of one, or a relinquish
 * descriptor. Bytes the codec cannot lay out keep its {@link Rejection} (field and offset) instead.
 * Decoding is layout only: whether the engine accepts the fields is the line's outcome and reason.
 *
 * @param kind what the bytes are
 * @param type the ABI of a send (donate, lend or share); empty for every other kind
 * @param vm the calling VM: the sender of a send or fragment, the retriever or relinquisher
 * @param version the calling VM's FF-A version, whose layout the bytes are read in
 * @param offset where these bytes start in the whole descriptor: 0 but for a FRAG_RX fragment
 *     (the offset asked for); empty for a FRAG_TX fragment, whose offset the line does not name
 * @param length how many bytes there are
 * @param totalLength the whole descriptor's length when the line knows it (a send's total length,
 *     a retrieve response's w1), else empty
 * @param decoded the bytes decoded: a {@link MemoryTransaction} for a send, retrieve request and
 *     retrieve response, a {@link Relinquish}, or a {@code List<FfaConstituent>} for a fragment;
 *     or the codec's rejection
 */
public record FfaDescriptor(Kind kind, Optional<FfaShareKind> type, int vm, FfaVersion version, OptionalLong offset,
        int length, OptionalLong totalLength, FfaDecoded<?> decoded) implements Descriptor {
    /** Constituents per line of {@link #describe()}. */
    private static final int PER_LINE = 4;

    /** What the bytes are. */
    public enum Kind {
        /** The first (or only) fragment of a donate, lend or share. */
        SEND("send"),
        /** A FRAG_TX fragment of a send: constituents only. */
        SEND_FRAGMENT("sendFragment"),
        /** A retrieve request. */
        RETRIEVE_REQUEST("retrieveRequest"),
        /** A retrieve response, or its first fragment: what MEM_RETRIEVE_RESP wrote to RX. */
        RETRIEVE_RESPONSE("retrieveResponse"),
        /** A later fragment of a retrieve response: what MEM_FRAG_TX wrote to RX, constituents only. */
        RETRIEVE_FRAGMENT("retrieveFragment"),
        /** A relinquish descriptor. */
        RELINQUISH("relinquish");

        private final String jsonName;

        Kind(String jsonName) {
            this.jsonName = jsonName;
        }

        /** The name {@code --json} writes as {@code kind}. */
        public String jsonName() {
            return jsonName;
        }
    }

    public FfaDescriptor {
        requireNonNull(kind, "kind is null");
        requireNonNull(type, "type is null");
        requireNonNull(version, "version is null");
        requireNonNull(offset, "offset is null");
        requireNonNull(totalLength, "totalLength is null");
        requireNonNull(decoded, "decoded is null");
    }

    /** A send's first fragment {@code tx}, of a {@code total}-byte descriptor. */
    static FfaDescriptor send(FfaShareKind type, int vm, FfaVersion version, byte[] tx, long total) {
        return new FfaDescriptor(Kind.SEND, Optional.of(type), vm, version, OptionalLong.of(0), tx.length,
                OptionalLong.of(total), FfaDescriptorCodec.decodeTransaction(tx, tx.length, version));
    }

    /** A FRAG_TX fragment. */
    static FfaDescriptor sendFragment(int vm, FfaVersion version, byte[] tx) {
        return new FfaDescriptor(Kind.SEND_FRAGMENT, Optional.empty(), vm, version, OptionalLong.empty(), tx.length,
                OptionalLong.empty(), FfaDescriptorCodec.decodeConstituents(tx, tx.length));
    }

    /** A retrieve request. */
    static FfaDescriptor retrieveRequest(int vm, FfaVersion version, byte[] tx) {
        return new FfaDescriptor(Kind.RETRIEVE_REQUEST, Optional.empty(), vm, version, OptionalLong.of(0), tx.length,
                OptionalLong.of(tx.length), FfaDescriptorCodec.decodeRetrieveRequest(tx, tx.length, version));
    }

    /** A retrieve response's first fragment {@code rx} of a {@code total}-byte response. */
    static FfaDescriptor retrieveResponse(int vm, FfaVersion version, byte[] rx, long total) {
        return new FfaDescriptor(Kind.RETRIEVE_RESPONSE, Optional.empty(), vm, version, OptionalLong.of(0), rx.length,
                OptionalLong.of(total), FfaDescriptorCodec.decodeRetrieveResponse(rx, rx.length, version));
    }

    /** A FRAG_RX fragment {@code rx} of a retrieve response, from {@code offset}. */
    static FfaDescriptor retrieveFragment(int vm, FfaVersion version, byte[] rx, long offset) {
        return new FfaDescriptor(Kind.RETRIEVE_FRAGMENT, Optional.empty(), vm, version, OptionalLong.of(offset),
                rx.length, OptionalLong.empty(), FfaDescriptorCodec.decodeConstituents(rx, rx.length));
    }

    /** A relinquish descriptor. */
    static FfaDescriptor relinquish(int vm, FfaVersion version, byte[] tx) {
        return new FfaDescriptor(Kind.RELINQUISH, Optional.empty(), vm, version, OptionalLong.of(0), tx.length,
                OptionalLong.of(tx.length), FfaDescriptorCodec.decodeRelinquish(tx, tx.length, version));
    }

    /** The transaction descriptor, for a send, retrieve request or response that decoded. */
    public Optional<MemoryTransaction> transaction() {
        return decoded.accepted().filter(MemoryTransaction.class::isInstance).map(MemoryTransaction.class::cast);
    }

    /** The relinquish descriptor, if these bytes are one and decoded. */
    public Optional<Relinquish> relinquishDescriptor() {
        return decoded.accepted().filter(Relinquish.class::isInstance).map(Relinquish.class::cast);
    }

    /**
     * The constituents present: a transaction's composite's, or a fragment's; none for a
     * relinquish, a transaction without a composite, or bytes that do not decode.
     */
    public List<FfaConstituent> constituents() {
        Optional<?> value = decoded.accepted();
        if (value.isEmpty()) {
            return List.of();
        }
        if (value.get() instanceof MemoryTransaction tx) {
            return tx.constituents();
        }
        if (value.get() instanceof List<?> list) {
            List<FfaConstituent> constituents = new ArrayList<>(list.size());
            for (Object c : list) {
                constituents.add((FfaConstituent) c);
            }
            return constituents;
        }
        return List.of();
    }

    /** The codec's rejection, when the bytes do not decode. */
    public Optional<Rejection> rejection() {
        return decoded.rejected();
    }

    /**
     * The first line says what the bytes are, whose they are, the FF-A version and the lengths; a
     * transaction then has its header fields (flags and attributes by name), the receivers' layout,
     * one line per receiver and the composite, each starting with its offset, and its constituents
     * 4 to a line ({@code ADDRESS+PAGES}); a fragment has its constituents; a relinquish is one
     * line. Bytes that do not decode have one line ending in the codec's rejection.
     */
    @Override
    public List<String> describe() {
        StringBuilder head = new StringBuilder(title());
        if (decoded.rejected().isPresent()) {
            return List.of(head.append(": ").append(lengths()).append(", does not decode: ")
                    .append(decoded.rejected().get().message()).toString());
        }
        Object value = decoded.accepted().orElseThrow();
        if (value instanceof Relinquish r) {
            return List.of(head.append(": handle ").append(hex(r.handle())).append(", flags 0x")
                    .append(Integer.toHexString(r.flags())).append(r.clear() ? " (CLEAR)" : "").append(", endpoints ")
                    .append(endpoints(r.endpoints())).toString());
        }
        List<String> lines = new ArrayList<>();
        if (value instanceof MemoryTransaction tx) {
            lines.add(head.append(": ").append(lengths()).toString());
            transaction(tx, lines);
            return lines;
        }
        List<FfaConstituent> constituents = constituents();
        head.append(": ").append(lengths()).append(", ").append(count(constituents.size(), "constituent"));
        int trailing = length % FfaConstituent.SIZE;
        if (trailing != 0) {
            head.append(" (").append(trailing).append(" trailing bytes make no constituent)");
        }
        lines.add(head.toString());
        constituentLines(constituents, offset, lines);
        return lines;
    }

    /** {@code lend from VM 1, v1.2}, {@code retrieve response to VM 3, v1.1}, ... */
    private String title() {
        String what = switch (kind) {
            case SEND -> type.map(t -> t.name().toLowerCase(Locale.ROOT)).orElse("send") + " from VM " + vm;
            case SEND_FRAGMENT -> "fragment from VM " + vm;
            case RETRIEVE_REQUEST -> "retrieve request from VM " + vm;
            case RETRIEVE_RESPONSE -> "retrieve response to VM " + vm;
            case RETRIEVE_FRAGMENT -> "retrieve response fragment to VM " + vm;
            case RELINQUISH -> "relinquish from VM " + vm;
        };
        return what + ", v" + version;
    }

    /** {@code 0x60 bytes}, {@code first fragment, 0x70 of 0xb0 bytes}, {@code 0x20 bytes at offset 0x1000}. */
    private String lengths() {
        StringBuilder s = new StringBuilder();
        long total = totalLength.orElse(length);
        if (total != length) {
            s.append(kind == Kind.SEND ? "first fragment, " : "").append(hex(length)).append(" of ").append(hex(total));
        } else {
            s.append(hex(length));
        }
        s.append(" bytes");
        if (kind == Kind.RETRIEVE_FRAGMENT) {
            s.append(" from offset ").append(hex(offset.orElse(0)));
        }
        return s.toString();
    }

    private void transaction(MemoryTransaction tx, List<String> lines) {
        boolean v1_0 = version.usesV1_0Layout();
        StringBuilder header = new StringBuilder();
        header.append("sender ").append(tx.sender())
                .append(", attributes ").append(hex(v1_0 ? tx.attributes().toV1_0() : tx.attributes().value()))
                .append(" (").append(tx.attributes()).append(')')
                .append(", flags ").append(hex(Integer.toUnsignedLong(tx.flags().value())))
                .append(tx.flags().value() != 0 ? " (" + tx.flags() + ")" : "")
                .append(", handle ").append(hex(tx.handle()))
                .append(", tag ").append(hex(tx.tag()));
        if (!tx.reserved().isZero()) {
            header.append(", reserved ").append(tx.reserved());
        }
        lines.add(header.toString());
        lines.add(v1_0 ? "v1.0 layout: 32-byte header, " + count(tx.receiverCount(), "receiver")
                + " at 0x20, 16 bytes each"
                : "48-byte header, " + count(tx.receiverCount(), "receiver") + " at " + hex(tx.receiversOffset()) + ", "
                        + tx.accessDescriptorSize() + " bytes each");
        for (int i = 0; i < tx.receiverCount(); i++) {
            EndpointAccess r = tx.receivers().get(i);
            StringBuilder line = new StringBuilder();
            line.append(hex(tx.receiversOffset() + tx.accessDescriptorSize() * i)).append(" receiver[").append(i)
                    .append("]: VM ").append(r.receiver()).append(", permissions ").append(r.permissions()).append(" (")
                    .append(hex(r.permissions().value())).append("), flags ").append(hex(r.flags()))
                    .append(", composite offset ").append(hex(r.compositeOffset()));
            if (!r.impdef().isZero()) {
                line.append(", impdef ").append(r.impdef());
            }
            if (r.reserved() != 0) {
                line.append(", reserved ").append(hex(r.reserved()));
            }
            lines.add(line.toString());
        }
        if (tx.composite().isEmpty()) {
            if (kind != Kind.RETRIEVE_REQUEST) {
                lines.add("no composite (receiver 0's composite offset is 0)");
            }
            return;
        }
        CompositeRegion c = tx.composite().get();
        StringBuilder line = new StringBuilder();
        line.append(hex(tx.compositeOffset())).append(" composite: ").append(count(c.totalPageCount(), "page"))
                .append(", ").append(count(c.constituentCount(), "constituent"));
        if (c.constituents().size() != c.constituentCount()) {
            line.append(" (").append(c.constituents().size()).append(" in these bytes)");
        }
        if (c.reserved() != 0) {
            line.append(", reserved ").append(hex(c.reserved()));
        }
        lines.add(line.toString());
        constituentLines(c.constituents(), OptionalLong.of(tx.compositeOffset() + CompositeRegion.HEADER_SIZE), lines);
    }

    /** Constituents 4 to a line, each line starting with the first one's offset when it is known. */
    private static void constituentLines(List<FfaConstituent> constituents, OptionalLong at, List<String> lines) {
        for (int i = 0; i < constituents.size(); i += PER_LINE) {
            int end = Math.min(constituents.size(), i + PER_LINE);
            StringBuilder line = new StringBuilder();
            if (at.isPresent()) {
                line.append(hex(at.getAsLong() + (long) FfaConstituent.SIZE * i)).append(' ');
            }
            line.append(end - i == 1 ? "constituent[" + i + "]: " : "constituents[" + i + ".." + (end - 1) + "]: ");
            for (int j = i; j < end; j++) {
                FfaConstituent c = constituents.get(j);
                line.append(j > i ? ", " : "").append(hex(c.address())).append('+').append(c.pageCount());
                if (c.reserved() != 0) {
                    line.append(" (reserved ").append(hex(Integer.toUnsignedLong(c.reserved()))).append(')');
                }
            }
            lines.add(line.toString());
        }
    }

    /**
     * The fields of docs/json.md's FF-A descriptor table, every one present, in this order:
     * {@code protocol} ({@code ffa}), {@code kind}, {@code type}, {@code vm}, {@code version},
     * {@code offset}, {@code length}, {@code totalLength}, {@code decoded}, {@code rejection}, then
     * the decoded fields ({@code sender}, {@code attributes}, {@code memory}, {@code flags},
     * {@code flagNames}, {@code handle}, {@code tag}, {@code accessDescriptorSize},
     * {@code receiversOffset}, {@code reserved}, {@code receivers}, {@code composite},
     * {@code constituents}, {@code endpoints}), null where they do not apply.
     */
    @Override
    public Map<String, Object> fields() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("protocol", "ffa");
        fields.put("kind", kind.jsonName());
        fields.put("type", type.map(t -> t.name().toLowerCase(Locale.ROOT)).orElse(null));
        fields.put("vm", vm);
        fields.put("version", version.toString());
        fields.put("offset", offset.isPresent() ? (Object) offset.getAsLong() : null);
        fields.put("length", length);
        fields.put("totalLength", totalLength.isPresent() ? (Object) totalLength.getAsLong() : null);
        fields.put("decoded", decoded.isOk());
        fields.put("rejection", decoded.rejected().map(FfaDescriptor::rejectionFields).orElse(null));
        Object value = decoded.accepted().orElse(null);
        MemoryTransaction tx = value instanceof MemoryTransaction t ? t : null;
        Relinquish relinquish = value instanceof Relinquish r ? r : null;
        boolean v1_0 = version.usesV1_0Layout();
        fields.put("sender", tx != null ? (Object) tx.sender() : null);
        fields.put("attributes", tx != null ? hex(v1_0 ? tx.attributes().toV1_0() : tx.attributes().value()) : null);
        fields.put("memory", tx != null ? tx.attributes().toString() : null);
        int flags = tx != null ? tx.flags().value() : relinquish != null ? relinquish.flags() : 0;
        boolean hasFlags = tx != null || relinquish != null;
        fields.put("flags", hasFlags ? hex(Integer.toUnsignedLong(flags)) : null);
        fields.put("flagNames", tx != null ? flagNames(tx.flags())
                : relinquish != null ? (relinquish.clear() ? List.of("CLEAR") : List.of()) : null);
        fields.put("handle", tx != null ? hex(tx.handle()) : relinquish != null ? hex(relinquish.handle()) : null);
        fields.put("tag", tx != null ? hex(tx.tag()) : null);
        fields.put("accessDescriptorSize", tx != null ? (Object) tx.accessDescriptorSize() : null);
        fields.put("receiversOffset", tx != null ? (Object) tx.receiversOffset() : null);
        fields.put("reserved", tx != null ? List.of(hex(Integer.toUnsignedLong(tx.reserved().first())),
                hex(Integer.toUnsignedLong(tx.reserved().second())), hex(Integer.toUnsignedLong(tx.reserved().third())))
                : null);
        fields.put("receivers", tx != null ? receivers(tx) : null);
        fields.put("composite", tx != null ? tx.composite().map(c -> composite(tx, c)).orElse(null) : null);
        List<Object> constituents = new ArrayList<>();
        for (FfaConstituent c : constituents()) {
            Map<String, Object> constituent = new LinkedHashMap<>();
            constituent.put("address", hex(c.address()));
            constituent.put("pages", c.pageCount());
            constituents.add(constituent);
        }
        fields.put("constituents", value == null || relinquish != null ? null : constituents);
        if (relinquish != null) {
            List<Object> endpoints = new ArrayList<>(relinquish.endpoints());
            fields.put("endpoints", endpoints);
        } else {
            fields.put("endpoints", null);
        }
        return fields;
    }

    private static Map<String, Object> rejectionFields(Rejection rejection) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("error", rejection.error().name());
        fields.put("field", rejection.field());
        fields.put("offset", rejection.offset());
        fields.put("reason", rejection.reason());
        return fields;
    }

    private static List<Object> flagNames(TransactionFlags flags) {
        String names = flags.toString();
        return names.equals("0") ? List.of() : List.of((Object[]) names.split("\\|"));
    }

    private static List<Object> receivers(MemoryTransaction tx) {
        List<Object> receivers = new ArrayList<>();
        for (EndpointAccess r : tx.receivers()) {
            Map<String, Object> receiver = new LinkedHashMap<>();
            receiver.put("vm", r.receiver());
            receiver.put("permissions", hex(r.permissions().value()));
            receiver.put("access", r.permissions().toString());
            receiver.put("flags", hex(r.flags()));
            receiver.put("compositeOffset", r.compositeOffset());
            receiver.put("impdef", List.of(hex(r.impdef().first()), hex(r.impdef().second())));
            receiver.put("reserved", hex(r.reserved()));
            receivers.add(receiver);
        }
        return receivers;
    }

    private static Map<String, Object> composite(MemoryTransaction tx, CompositeRegion c) {
        Map<String, Object> composite = new LinkedHashMap<>();
        composite.put("offset", tx.compositeOffset());
        composite.put("pageCount", c.totalPageCount());
        composite.put("constituentCount", c.constituentCount());
        composite.put("reserved", hex(c.reserved()));
        return composite;
    }

    private static String endpoints(List<Integer> endpoints) {
        if (endpoints.isEmpty()) {
            return "none";
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < endpoints.size(); i++) {
            s.append(i == 0 ? "" : ",").append(endpoints.get(i));
        }
        return s.toString();
    }

    private static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }
}
