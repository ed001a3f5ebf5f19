package org.memshare.trace;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.memshare.api.spci.Constituent;
import org.memshare.api.spci.MemoryAttributes;
import org.memshare.api.spci.MemoryRegion;
import org.memshare.api.spci.ReceiverAttributes;
import org.memshare.api.spci.ShareType;

/**
 * An SPCI memory message as a {@code share} or {@code sharebytes} line sent it: the header's type,
 * the sender and receiver, and the region's fields. A {@code share} line's region is the one it
 * built, whatever rules it breaks; a {@code sharebytes} line's is decoded from its bytes, and is
 * empty when the decoder rejects them (the share's reason then says why).
 *
 * @param type the header's type field (0 donate, 1 lend, 2 share, 3 relinquish, or another number)
 * @param from the sending VM
 * @param to the receiving VM
 * @param region the region's fields, or empty if its bytes do not decode
 */
public record SpciDescriptor(int type, int from, int to, Optional<MemoryRegion> region) implements Descriptor {
    /** Constituents per line of {@link #describe()}. */
    private static final int PER_LINE = 8;

    public SpciDescriptor {
        requireNonNull(region, "region is null");
    }

    /** The type's name ({@code lend}), or {@code type N} for a number that names no type. */
    public String typeName() {
        return ShareType.fromCode(type).map(ShareType::traceName).orElse("type " + type);
    }

    /**
     * {@code lend from 1 to 2 attrs RW_X(0x60) flags 0x0 tag 0x0 pages 3: 0x200000+1, 0x300000+2}:
     * each constituent is its address and page count. More than 8 constituents continue on
     * further lines, 8 to a line.
     */
    @Override
    public List<String> describe() {
        StringBuilder head = new StringBuilder();
        head.append(typeName()).append(" from ").append(from).append(" to ").append(to);
        if (region.isEmpty()) {
            return List.of(head.append(": the region does not decode").toString());
        }
        MemoryRegion r = region.get();
        for (ReceiverAttributes entry : r.attributes()) {
            if (entry.receiver() != to || r.attributes().size() > 1) {
                head.append(" receiver ").append(entry.receiver());
            }
            MemoryAttributes attributes = entry.attributes();
            head.append(" attrs ").append(attributes.access()).append("(0x")
                    .append(Integer.toHexString(attributes.value())).append(')');
        }
        head.append(" flags 0x").append(Integer.toHexString(r.flags()));
        if (r.clearRequested()) {
            head.append(" (clear)");
        }
        head.append(" tag 0x").append(Integer.toHexString(r.tag())).append(" pages ").append(r.pageCount());
        List<Constituent> constituents = r.constituents();
        if (constituents.isEmpty()) {
            return List.of(head.append(", no constituents").toString());
        }
        if (constituents.size() <= PER_LINE) {
            return List.of(head.append(": ").append(constituents(constituents, 0, constituents.size())).toString());
        }
        List<String> lines = new ArrayList<>();
        lines.add(head.append(" in ").append(constituents.size()).append(" constituents:").toString());
        for (int i = 0; i < constituents.size(); i += PER_LINE) {
            lines.add("  " + constituents(constituents, i, Math.min(constituents.size(), i + PER_LINE)));
        }
        return lines;
    }

    private static String constituents(List<Constituent> constituents, int from, int to) {
        StringBuilder text = new StringBuilder();
        for (int i = from; i < to; i++) {
            Constituent c = constituents.get(i);
            if (i > from) {
                text.append(", ");
            }
            text.append("0x").append(Long.toHexString(c.address())).append('+').append(c.pageCount());
        }
        return text.toString();
    }

    /**
     * {@code type}, {@code typeCode}, {@code from}, {@code to}, then, when the region decoded,
     * {@code tag}, {@code flags}, {@code clear}, {@code pageCount}, {@code receivers} (each
     * {@code vm}, {@code attrs}, {@code access}, {@code normal}, {@code cacheability},
     * {@code shareability}) and {@code constituents} (each {@code address}, {@code pages}); with
     * {@code decoded} saying which. Addresses, flags, tags and attributes are {@code 0x} hex strings.
     */
    @Override
    public Map<String, Object> fields() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("protocol", "spci");
        fields.put("type", typeName());
        fields.put("typeCode", type);
        fields.put("from", from);
        fields.put("to", to);
        fields.put("decoded", region.isPresent());
        if (region.isEmpty()) {
            return fields;
        }
        MemoryRegion r = region.get();
        fields.put("tag", hex(Integer.toUnsignedLong(r.tag())));
        fields.put("flags", hex(Integer.toUnsignedLong(r.flags())));
        fields.put("clear", r.clearRequested());
        fields.put("pageCount", r.pageCount());
        List<Object> receivers = new ArrayList<>();
        for (ReceiverAttributes entry : r.attributes()) {
            Map<String, Object> receiver = new LinkedHashMap<>();
            MemoryAttributes attributes = entry.attributes();
            receiver.put("vm", entry.receiver());
            receiver.put("attrs", hex(attributes.value()));
            receiver.put("access", attributes.access().name());
            receiver.put("normal", attributes.isNormalMemory());
            receiver.put("cacheability", attributes.cacheability());
            receiver.put("shareability", attributes.shareability());
            receivers.add(receiver);
        }
        fields.put("receivers", receivers);
        List<Object> constituents = new ArrayList<>();
        for (Constituent c : r.constituents()) {
            Map<String, Object> constituent = new LinkedHashMap<>();
            constituent.put("address", hex(c.address()));
            constituent.put("pages", c.pageCount());
            constituents.add(constituent);
        }
        fields.put("constituents", constituents);
        return fields;
    }

    private static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }
}
