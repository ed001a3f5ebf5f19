package org.memshare.api.ffa;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A memory transaction descriptor: what a send (donate, lend, share), a retrieve request and a
 * retrieve response carry. The record mirrors the v1.1+ layout, the form in which Hafnium stores
 * every transaction, and keeps every raw field so that nothing a check needs is normalised away.
 *
 * <pre>
 * v1.1+ (48-byte header)                      v1.0 (32-byte header)
 * 0   uint16 sender                            0   uint16 sender
 * 2   uint16 attributes                        2   uint8  attributes, 3 uint8 reserved
 * 4   uint32 flags                             4   uint32 flags
 * 8   uint64 handle                            8   uint64 handle
 * 16  uint64 tag                               16  uint64 tag
 * 24  uint32 access descriptor size            24  uint32 reserved
 * 28  uint32 receiver count                    28  uint32 receiver count
 * 32  uint32 receivers offset                  32  receivers, 16 bytes each
 * 36  uint32 reserved[3]
 * receivers offset: receivers, access descriptor size bytes each
 * receiver 0's composite offset: the composite and its constituents
 * </pre>
 *
 * <p>A value decoded from v1.0 bytes has access descriptor size 16, receivers offset 32, its
 * attribute byte widened and its reserved byte and word in {@link #reserved()};
 * {@link FfaDescriptorCodec#toV1_1Form(MemoryTransaction)} converts it into the stored form as
 * Hafnium does. Offsets are counted from the descriptor's start, as on the wire. The composite is
 * the one receiver 0's composite offset points at; empty when there are no receivers or that
 * offset is 0 (a retrieve request).
 *
 * @param sender the sender's endpoint id, 0 to 0xffff
 * @param attributes the memory region attributes
 * @param flags the transaction flags
 * @param handle the handle (0 in a send, where Hafnium allocates one)
 * @param tag the tag
 * @param accessDescriptorSize the endpoint access descriptor size field, 0 to 2^32-1 (16 or 32 when
 *     there are receivers)
 * @param receiversOffset the receivers offset field, 0 to 2^32-1
 * @param reserved the header's reserved fields, raw
 * @param receivers the endpoint access descriptors, in order; copied
 * @param composite the composite region, if there is one
 */
public record MemoryTransaction(int sender, MemoryAttributes attributes, TransactionFlags flags, long handle, long tag,
        long accessDescriptorSize, long receiversOffset, HeaderReserved reserved, List<EndpointAccess> receivers,
        Optional<CompositeRegion> composite) {

    public MemoryTransaction {
        if (sender < 0 || sender > 0xffff) {
            throw new IllegalArgumentException("sender must be a uint16 (0 to 0xffff), was " + sender);
        }
        requireNonNull(attributes, "attributes is null");
        requireNonNull(flags, "flags is null");
        CompositeRegion.checkU32("accessDescriptorSize", accessDescriptorSize);
        CompositeRegion.checkU32("receiversOffset", receiversOffset);
        requireNonNull(reserved, "reserved is null");
        receivers = List.copyOf(requireNonNull(receivers, "receivers is null"));
        requireNonNull(composite, "composite is null");
    }

    /**
     * A descriptor laid out as {@code version} writes it from scratch: the header, the receivers
     * right after it with the version's descriptor size, the composite (if any) right after the
     * receivers with every receiver's composite offset pointing at it (0 when there is none),
     * reserved fields zero. The receivers' other fields are kept.
     */
    public static MemoryTransaction laidOut(FfaVersion version, int sender, MemoryAttributes attributes,
            TransactionFlags flags, long handle, long tag, List<EndpointAccess> receivers,
            Optional<CompositeRegion> composite) {
        requireNonNull(version, "version is null");
        return new MemoryTransaction(sender, attributes, flags, handle, tag, version.accessDescriptorSize(),
                version.headerSize(), HeaderReserved.ZERO, receivers, composite).withLayoutOf(version);
    }

    /**
     * The same descriptor laid out as {@code version} writes it from scratch: receivers offset the
     * header size, the version's access descriptor size, composite offsets right after the
     * receivers (0 when there is no composite), header reserved fields zero. Every other field,
     * the receivers' impdef and reserved words included, is kept; encoding the result in a 16-byte
     * layout needs their impdef to be zero.
     */
    public MemoryTransaction withLayoutOf(FfaVersion version) {
        requireNonNull(version, "version is null");
        long size = version.accessDescriptorSize();
        long offset = version.headerSize();
        long compositeOffset = composite.isPresent() ? offset + size * receivers.size() : 0;
        List<EndpointAccess> moved = new ArrayList<>(receivers.size());
        for (EndpointAccess r : receivers) {
            moved.add(r.withCompositeOffset(compositeOffset));
        }
        return new MemoryTransaction(sender, attributes, flags, handle, tag, size, offset, HeaderReserved.ZERO, moved,
                composite);
    }

    /** The same descriptor with other receivers. */
    public MemoryTransaction withReceivers(List<EndpointAccess> newReceivers) {
        return new MemoryTransaction(sender, attributes, flags, handle, tag, accessDescriptorSize, receiversOffset,
                reserved, newReceivers, composite);
    }

    /** The same descriptor with another composite. */
    public MemoryTransaction withComposite(Optional<CompositeRegion> newComposite) {
        return new MemoryTransaction(sender, attributes, flags, handle, tag, accessDescriptorSize, receiversOffset,
                reserved, receivers, newComposite);
    }

    /** The same descriptor with other flags. */
    public MemoryTransaction withFlags(TransactionFlags newFlags) {
        return new MemoryTransaction(sender, attributes, newFlags, handle, tag, accessDescriptorSize, receiversOffset,
                reserved, receivers, composite);
    }

    /** The same descriptor with other attributes. */
    public MemoryTransaction withAttributes(MemoryAttributes newAttributes) {
        return new MemoryTransaction(sender, newAttributes, flags, handle, tag, accessDescriptorSize, receiversOffset,
                reserved, receivers, composite);
    }

    /** The same descriptor with another handle. */
    public MemoryTransaction withHandle(long newHandle) {
        return new MemoryTransaction(sender, attributes, flags, newHandle, tag, accessDescriptorSize, receiversOffset,
                reserved, receivers, composite);
    }

    /** The same descriptor with another tag. */
    public MemoryTransaction withTag(long newTag) {
        return new MemoryTransaction(sender, attributes, flags, handle, newTag, accessDescriptorSize, receiversOffset,
                reserved, receivers, composite);
    }

    /** The receiver count field: the number of access descriptors. */
    public int receiverCount() {
        return receivers.size();
    }

    /** Where the receivers end: receivers offset + descriptor size x count, in 64 bits. */
    public long receiversEnd() {
        return receiversOffset + accessDescriptorSize * receivers.size();
    }

    /** Receiver 0's composite offset, or 0 when there are no receivers. */
    public long compositeOffset() {
        return receivers.isEmpty() ? 0 : receivers.get(0).compositeOffset();
    }

    /** The index of the first receiver with this endpoint id, or empty. */
    public OptionalInt receiverIndex(int endpointId) {
        for (int i = 0; i < receivers.size(); i++) {
            if (receivers.get(i).receiver() == endpointId) {
                return OptionalInt.of(i);
            }
        }
        return OptionalInt.empty();
    }

    /** Whether this is a hypervisor retrieve request's shape: no receivers. */
    public boolean hasNoReceivers() {
        return receivers.isEmpty();
    }

    /** The constituents present, or none without a composite. */
    public List<FfaConstituent> constituents() {
        return composite.map(CompositeRegion::constituents).orElse(List.of());
    }

    /** One line per field group, for {@code --explain}-style output. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("MemoryTransaction[sender=0x").append(Integer.toHexString(sender))
                .append(" attributes=").append(attributes)
                .append(" flags=").append(flags)
                .append(" handle=").append(Handle.toString(handle))
                .append(" tag=0x").append(Long.toHexString(tag))
                .append(" descSize=").append(accessDescriptorSize)
                .append(" receiversOffset=").append(receiversOffset);
        if (!reserved.isZero()) {
            s.append(" reserved=").append(reserved);
        }
        s.append(" receivers=").append(receivers);
        composite.ifPresent(c -> s.append(" composite=[pages=").append(c.totalPageCount())
                .append(" count=").append(c.constituentCount())
                .append(c.reserved() != 0 ? " reserved=0x" + Long.toHexString(c.reserved()) : "")
                .append(" constituents=").append(c.constituents()).append(']'));
        return s.append(']').toString();
    }
}
