package org.memshare.api.ffa;

import static org.memshare.api.ffa.FfaDescriptorCodec.A_COMPOSITE;
import static org.memshare.api.ffa.FfaDescriptorCodec.A_FLAGS;
import static org.memshare.api.ffa.FfaDescriptorCodec.A_IMPDEF;
import static org.memshare.api.ffa.FfaDescriptorCodec.A_PERMISSIONS;
import static org.memshare.api.ffa.FfaDescriptorCodec.A_RECEIVER;
import static org.memshare.api.ffa.FfaDescriptorCodec.A_RESERVED_16;
import static org.memshare.api.ffa.FfaDescriptorCodec.A_RESERVED_32;
import static org.memshare.api.ffa.FfaDescriptorCodec.ATTRIBUTES;
import static org.memshare.api.ffa.FfaDescriptorCodec.DESC_SIZE;
import static org.memshare.api.ffa.FfaDescriptorCodec.FLAGS;
import static org.memshare.api.ffa.FfaDescriptorCodec.HANDLE;
import static org.memshare.api.ffa.FfaDescriptorCodec.RECEIVERS_OFFSET;
import static org.memshare.api.ffa.FfaDescriptorCodec.RECEIVER_COUNT;
import static org.memshare.api.ffa.FfaDescriptorCodec.RESERVED_V1_0_BYTE;
import static org.memshare.api.ffa.FfaDescriptorCodec.RESERVED_V1_1;
import static org.memshare.api.ffa.FfaDescriptorCodec.SENDER;
import static org.memshare.api.ffa.FfaDescriptorCodec.TAG;
import static org.memshare.api.ffa.FfaDescriptorCodec.i32;
import static org.memshare.api.ffa.FfaDescriptorCodec.put16;
import static org.memshare.api.ffa.FfaDescriptorCodec.put32;
import static org.memshare.api.ffa.FfaDescriptorCodec.put64;
import static org.memshare.api.ffa.FfaDescriptorCodec.put8;
import static org.memshare.api.ffa.FfaDescriptorCodec.reject;
import static org.memshare.api.ffa.FfaDescriptorCodec.u16;
import static org.memshare.api.ffa.FfaDescriptorCodec.u32;
import static org.memshare.api.ffa.FfaDescriptorCodec.u64;
import static org.memshare.api.ffa.FfaDescriptorCodec.u8;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The transaction descriptor's byte layout, both directions; see {@link FfaDescriptorCodec}. */
final class TransactionLayout {

    private TransactionLayout() {
    }

    /** Reads a transaction; never throws. {@code withComposite}: read the composite receiver 0 names. */
    static FfaDecoded<MemoryTransaction> read(byte[] bytes, int length, FfaVersion version, boolean withComposite) {
        Optional<Rejection> bad = FfaDescriptorCodec.checkInput(bytes, length, version);
        if (bad.isPresent()) {
            return new FfaDecoded.Rejected<>(bad.get());
        }
        boolean v1_0 = version.usesV1_0Layout();
        int headerSize = version.headerSize();
        if (length < headerSize) {
            return reject("header", 0, "the descriptor is %d bytes, shorter than its %d-byte v%s header",
                    length, headerSize, version);
        }
        int sender = u16(bytes, SENDER);
        MemoryAttributes attributes;
        HeaderReserved reserved;
        long descSize;
        long receiversOffset;
        if (v1_0) {
            attributes = MemoryAttributes.fromV1_0(u8(bytes, ATTRIBUTES));
            reserved = new HeaderReserved(u8(bytes, RESERVED_V1_0_BYTE), i32(bytes, DESC_SIZE), 0);
            descSize = FfaVersion.ACCESS_DESCRIPTOR_SIZE_V1_0;
            receiversOffset = FfaVersion.HEADER_SIZE_V1_0;
        } else {
            attributes = new MemoryAttributes(u16(bytes, ATTRIBUTES));
            reserved = new HeaderReserved(i32(bytes, RESERVED_V1_1), i32(bytes, RESERVED_V1_1 + 4),
                    i32(bytes, RESERVED_V1_1 + 8));
            descSize = u32(bytes, DESC_SIZE);
            receiversOffset = u32(bytes, RECEIVERS_OFFSET);
        }
        long count = u32(bytes, RECEIVER_COUNT);
        List<EndpointAccess> receivers = new ArrayList<>();
        Optional<CompositeRegion> composite = Optional.empty();
        if (count > 0) {
            if (descSize != FfaVersion.ACCESS_DESCRIPTOR_SIZE_V1_0 && descSize != FfaVersion.ACCESS_DESCRIPTOR_SIZE_V1_2) {
                return reject("accessDescriptorSize", DESC_SIZE,
                        "is %d; with %d receivers it must be 16 or 32", descSize, count);
            }
            // At most 2^32 + 32 * 2^32: no overflow in 64 bits.
            long end = receiversOffset + descSize * count;
            if (receiversOffset + descSize > length) {
                return reject(v1_0 ? "receiverCount" : "receiversOffset", v1_0 ? RECEIVER_COUNT : RECEIVERS_OFFSET,
                        "the first %d-byte receiver at %d ends at %d, beyond the length %d",
                        descSize, receiversOffset, receiversOffset + descSize, length);
            }
            if (end > length) {
                return reject("receiverCount", RECEIVER_COUNT,
                        "%d receivers of %d bytes from offset %d end at %d, beyond the length %d",
                        count, descSize, receiversOffset, end, length);
            }
            for (int i = 0; i < count; i++) {
                receivers.add(readAccess(bytes, (int) (receiversOffset + descSize * i), (int) descSize));
            }
            long compositeOffset = receivers.get(0).compositeOffset();
            if (withComposite && compositeOffset != 0) {
                if (compositeOffset + CompositeRegion.HEADER_SIZE > length) {
                    return reject("compositeOffset", receiversOffset + A_COMPOSITE,
                            "receiver 0's composite at %d ends at %d, beyond the length %d",
                            compositeOffset, compositeOffset + CompositeRegion.HEADER_SIZE, length);
                }
                int at = (int) compositeOffset;
                int present = (int) ((length - compositeOffset - CompositeRegion.HEADER_SIZE) / FfaConstituent.SIZE);
                composite = Optional.of(new CompositeRegion(u32(bytes, at), u32(bytes, at + 4), u64(bytes, at + 8),
                        readConstituents(bytes, at + CompositeRegion.HEADER_SIZE, present)));
            }
        }
        return new FfaDecoded.Ok<>(new MemoryTransaction(sender, attributes, new TransactionFlags(i32(bytes, FLAGS)),
                u64(bytes, HANDLE), u64(bytes, TAG), descSize, receiversOffset, reserved, receivers, composite));
    }

    private static EndpointAccess readAccess(byte[] b, int at, int size) {
        EndpointAccess.Impdef impdef = size == FfaVersion.ACCESS_DESCRIPTOR_SIZE_V1_2
                ? new EndpointAccess.Impdef(u64(b, at + A_IMPDEF), u64(b, at + A_IMPDEF + 8))
                : EndpointAccess.Impdef.ZERO;
        long reserved = u64(b, at + (size == FfaVersion.ACCESS_DESCRIPTOR_SIZE_V1_2 ? A_RESERVED_32 : A_RESERVED_16));
        return new EndpointAccess(u16(b, at + A_RECEIVER), new MemoryPermissions(u8(b, at + A_PERMISSIONS)),
                u8(b, at + A_FLAGS), u32(b, at + A_COMPOSITE), impdef, reserved);
    }

    static List<FfaConstituent> readConstituents(byte[] b, int at, int count) {
        List<FfaConstituent> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int c = at + FfaConstituent.SIZE * i;
            list.add(new FfaConstituent(u64(b, c), u32(b, c + 8), i32(b, c + 12)));
        }
        return list;
    }

    /** Writes {@code tx} into {@code out}, which is large enough; the codec checked it is encodable. */
    static void write(MemoryTransaction tx, FfaVersion version, byte[] out) {
        put16(out, SENDER, tx.sender());
        put32(out, FLAGS, tx.flags().value());
        put64(out, HANDLE, tx.handle());
        put64(out, TAG, tx.tag());
        put32(out, RECEIVER_COUNT, tx.receiverCount());
        if (version.usesV1_0Layout()) {
            put8(out, ATTRIBUTES, tx.attributes().toV1_0());
            put8(out, RESERVED_V1_0_BYTE, tx.reserved().first());
            put32(out, DESC_SIZE, tx.reserved().second());
        } else {
            put16(out, ATTRIBUTES, tx.attributes().value());
            put32(out, DESC_SIZE, tx.accessDescriptorSize());
            put32(out, RECEIVERS_OFFSET, tx.receiversOffset());
            put32(out, RESERVED_V1_1, tx.reserved().first());
            put32(out, RESERVED_V1_1 + 4, tx.reserved().second());
            put32(out, RESERVED_V1_1 + 8, tx.reserved().third());
        }
        for (int i = 0; i < tx.receiverCount(); i++) {
            writeAccess(tx.receivers().get(i), out, (int) (tx.receiversOffset() + tx.accessDescriptorSize() * i),
                    (int) tx.accessDescriptorSize());
        }
        if (tx.composite().isPresent()) {
            CompositeRegion c = tx.composite().get();
            int at = (int) tx.compositeOffset();
            put32(out, at, c.totalPageCount());
            put32(out, at + 4, c.constituentCount());
            put64(out, at + 8, c.reserved());
            for (int i = 0; i < c.constituents().size(); i++) {
                writeConstituent(c.constituents().get(i), out, at + CompositeRegion.HEADER_SIZE + FfaConstituent.SIZE * i);
            }
        }
    }

    private static void writeAccess(EndpointAccess a, byte[] out, int at, int size) {
        put16(out, at + A_RECEIVER, a.receiver());
        put8(out, at + A_PERMISSIONS, a.permissions().value());
        put8(out, at + A_FLAGS, a.flags());
        put32(out, at + A_COMPOSITE, a.compositeOffset());
        if (size == FfaVersion.ACCESS_DESCRIPTOR_SIZE_V1_2) {
            put64(out, at + A_IMPDEF, a.impdef().first());
            put64(out, at + A_IMPDEF + 8, a.impdef().second());
            put64(out, at + A_RESERVED_32, a.reserved());
        } else {
            put64(out, at + A_RESERVED_16, a.reserved());
        }
    }

    static void writeConstituent(FfaConstituent c, byte[] out, int at) {
        put64(out, at, c.address());
        put32(out, at + 8, c.pageCount());
        put32(out, at + 12, c.reserved());
    }
}
