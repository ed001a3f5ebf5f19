package org.memshare.engine.ffa;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.memshare.api.ffa.CompositeRegion;
import org.memshare.api.ffa.EndpointAccess;
import org.memshare.api.ffa.FfaConstituent;
import org.memshare.api.ffa.FfaDescriptorCodec;
import org.memshare.api.ffa.FfaError;
import org.memshare.api.ffa.FfaResult;
import org.memshare.api.ffa.FfaShareKind;
import org.memshare.api.ffa.FfaVersion;
import org.memshare.api.ffa.Handle;
import org.memshare.api.ffa.MemoryAttributes;
import org.memshare.api.ffa.MemoryPermissions;
import org.memshare.api.ffa.MemoryTransaction;
import org.memshare.api.ffa.TransactionFlags;
import org.memshare.api.mode.Mode;
import org.memshare.api.policy.FfaRequest;
import org.memshare.engine.machine.Vm;
import org.memshare.engine.sharing.ModeScan;
import org.memshare.engine.sharing.TableUpdate;

/**
 * FFA_MEM_RETRIEVE_REQ ({@code api_ffa_mem_retrieve_req}, {@code ffa_memory_retrieve},
 * {@code ffa_partition_retrieve_request}) and FFA_MEM_FRAG_RX ({@code api_ffa_mem_frag_rx},
 * {@code ffa_memory_retrieve_continue}). The checks run in Hafnium's order; see {@link FfaCheck}.
 * The caller holds the retriever's lock and the share-state lock.
 */
final class RetrieveFlow {
    private static final long U32 = 0xffff_ffffL;
    private static final int CLEAR_FLAGS = TransactionFlags.CLEAR | TransactionFlags.CLEAR_ON_RELINQUISH;

    private final Context ctx;

    RetrieveFlow(Context ctx) {
        this.ctx = ctx;
    }

    /** A retrieve request's fields after Hafnium's v1.0 conversion: what the checks read. */
    private record Request(long length, int sender, int attributes, int flags, long handle, long tag, long descriptorSize,
            long receiversOffset, List<EndpointAccess> receivers) {
    }

    FfaOutcome retrieve(Vm caller, FfaVersion version, byte[] tx, long totalLength) {
        long fragment = tx.length;
        if (fragment != totalLength) {
            return refuse(FfaCheck.RETRIEVE_FRAGMENTED, "fragment length %d, total length %d", fragment, totalLength);
        }
        if (totalLength > Context.MAILBOX_SIZE) {
            return refuse(FfaCheck.RETRIEVE_TOO_LONG, "length %d > the %d-byte mailbox", totalLength,
                    Context.MAILBOX_SIZE);
        }
        if (caller.mailbox().isBusy()) {
            return refuse(FfaCheck.RETRIEVE_RX_BUSY, "VM %d's RX buffer is full", caller.id());
        }
        TxView view = new TxView(new Bytes(tx), version);
        boolean hypervisorRequest = view.receiverCount() == 0;
        Request request = null;
        if (!hypervisorRequest) {
            Optional<FfaOutcome> insane = Sanity.check(view, version, fragment, false);
            if (insane.isPresent()) {
                return insane.get();
            }
            if (version.usesV1_0Layout()) {
                Optional<List<Long>> scratch = ctx.allocate(1);
                if (scratch.isEmpty()) {
                    return refuse(FfaCheck.RETRIEVE_V1_0_SCRATCH_NO_MEMORY, "no pool page for the v1.0 conversion");
                }
                ctx.free(scratch.get());
            }
            request = request(view, fragment);
        } else if (!hypervisorRequestValid(view)) {
            return refuse(FfaCheck.RETRIEVE_HYPERVISOR_REQUEST_FIELDS, "a request without receivers must have only a "
                    + "hypervisor handle set (sender 0x%x, attributes 0x%x, flags 0x%x, tag 0x%x, handle %s)",
                    view.sender(), view.attributes(), view.flags(), view.tag(), Handle.toString(view.handle()));
        }
        long handle = view.handle();
        if (!Handle.isHypervisorAllocated(handle)) {
            return refuse(FfaCheck.RETRIEVE_OTHER_WORLD_HANDLE, "handle %s", Handle.toString(handle));
        }
        Optional<ShareState> found = ctx.table.get(handle);
        if (found.isEmpty()) {
            return refuse(FfaCheck.RETRIEVE_UNKNOWN_HANDLE, "handle %s", Handle.toString(handle));
        }
        if (hypervisorRequest) {
            return refuse(FfaCheck.RETRIEVE_HYPERVISOR_REQUEST, "only the hypervisor may retrieve without receivers");
        }
        return retrieve(caller, version, found.get(), request);
    }

    /** Hafnium's {@code api_ffa_memory_hypervisor_retrieve_request_validate}. */
    private static boolean hypervisorRequestValid(TxView view) {
        boolean fields = view.sender() == 0 && (view.attributes() & 0xff) == 0 && view.flags() == 0 && view.tag() == 0;
        if (!view.isV1_0()) {
            fields = fields && view.descriptorSize() == 0 && view.receiversOffset() == 0;
        }
        return fields && Handle.isHypervisorAllocated(view.handle());
    }

    /** The request's fields, converted as Hafnium converts a v1.0 request (receivers at 48, length exact). */
    private static Request request(TxView view, long fragment) {
        long count = view.receiverCount();
        long size = view.descriptorSize();
        List<EndpointAccess> receivers = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
            EndpointAccess.Impdef impdef = size == TxView.LARGE_DESCRIPTOR
                    ? new EndpointAccess.Impdef(view.impdef(i, 0), view.impdef(i, 1))
                    : EndpointAccess.Impdef.ZERO;
            receivers.add(new EndpointAccess(view.receiverId(i), new MemoryPermissions(view.permissions(i)),
                    view.receiverFlags(i), view.compositeOffset(i), impdef, 0));
        }
        if (view.isV1_0()) {
            return new Request(TxView.V1_1_HEADER + TxView.SMALL_DESCRIPTOR * count, view.sender(), view.attributes(),
                    view.flags(), view.handle(), view.tag(), TxView.SMALL_DESCRIPTOR, TxView.V1_1_HEADER, receivers);
        }
        return new Request(fragment, view.sender(), view.attributes(), view.flags(), view.handle(), view.tag(), size,
                view.receiversOffset(), receivers);
    }

    private FfaOutcome retrieve(Vm caller, FfaVersion version, ShareState s, Request r) {
        if (!s.sendingComplete) {
            return refuse(FfaCheck.RETRIEVE_NOT_FULLY_SENT, "%s is not fully sent", Handle.toString(s.handle));
        }
        MemoryTransaction stored = s.stored;
        long expected = (r.receiversOffset() + ((r.receivers().size() * r.descriptorSize()) & U32)) & U32;
        if (r.length() != expected) {
            return refuse(FfaCheck.RETRIEVE_LENGTH, "length %d, not %d", r.length(), expected);
        }
        if (r.sender() != stored.sender()) {
            return refuse(FfaCheck.RETRIEVE_SENDER_MISMATCH, "the request names sender 0x%x, the send was from 0x%x",
                    r.sender(), stored.sender());
        }
        TransactionFlags flags = new TransactionFlags(r.flags());
        int type = flags.transactionTypeBits();
        if (type != 0 && type != stored.flags().transactionTypeBits()) {
            return refuse(FfaCheck.RETRIEVE_TRANSACTION_TYPE, "transaction type %d, the send was %s", type, s.kind);
        }
        if (r.tag() != stored.tag()) {
            return refuse(FfaCheck.RETRIEVE_TAG, "tag 0x%x, the send's is 0x%x", r.tag(), stored.tag());
        }
        OptionalInt index = stored.receiverIndex(caller.id());
        if (index.isEmpty()) {
            return refuse(FfaCheck.RETRIEVE_CALLER_NOT_BORROWER, "VM %d is not a receiver of %s", caller.id(),
                    Handle.toString(s.handle));
        }
        if ((r.flags() & TransactionFlags.HINT_VALID) != 0) {
            return refuse(FfaCheck.RETRIEVE_HINT_VALID, "flags 0x%x", r.flags());
        }
        if ((r.flags() & TransactionFlags.ADDRESS_RANGE_HINT_MASK) != 0) {
            return refuse(FfaCheck.RETRIEVE_HINT, "flags 0x%x", r.flags());
        }
        if (flags.mbzBits() != 0) {
            return refuse(FfaCheck.RETRIEVE_FLAGS_MBZ, "flags 0x%x", r.flags());
        }
        if (s.kind == FfaShareKind.SHARE && (r.flags() & CLEAR_FLAGS) != 0) {
            return refuse(FfaCheck.RETRIEVE_CLEAR_ON_SHARE, "flags 0x%x on a share", r.flags());
        }
        if (flags.clear() && !stored.flags().clear()) {
            return refuse(FfaCheck.RETRIEVE_CLEAR_NOT_SENT, "clear asked, the sender did not clear");
        }
        MemoryAttributes attributes = new MemoryAttributes(r.attributes());
        if ((r.attributes() & Permissions.SECURITY_FIELD) != 0) {
            return refuse(FfaCheck.RETRIEVE_SECURITY_STATE, "attributes 0x%x", r.attributes());
        }
        if (attributes.type() != MemoryAttributes.MemoryType.NOT_SPECIFIED
                && !Permissions.attributesAcceptable(attributes)) {
            return refuse(FfaCheck.RETRIEVE_ATTRIBUTES, "attributes %s", attributes);
        }
        // The memory access list (ffa_memory_retrieve_validate_memory_access_list).
        boolean bypass = flags.bypassBorrowersCheck();
        if (!bypass && r.receivers().size() != stored.receiverCount()) {
            return refuse(FfaCheck.RETRIEVE_RECEIVER_COUNT_MISMATCH, "%d receivers, the send has %d",
                    r.receivers().size(), stored.receiverCount());
        }
        if (bypass && r.receivers().size() != 1) {
            return refuse(FfaCheck.RETRIEVE_BYPASS_RECEIVER_COUNT, "%d receivers with the bypass flag",
                    r.receivers().size());
        }
        if (bypass && stored.receiverCount() == 1) {
            return refuse(FfaCheck.RETRIEVE_BYPASS_SINGLE_BORROWER, "the bypass flag on a single-borrower %s", s.kind);
        }
        MemoryPermissions granted = MemoryPermissions.UNSPECIFIED;
        EndpointAccess callerEntry = null;
        boolean multiple = stored.receiverCount() > 1;
        for (EndpointAccess requested : r.receivers()) {
            boolean isCaller = requested.receiver() == caller.id();
            if (bypass && !isCaller) {
                continue;
            }
            OptionalInt sentIndex = stored.receiverIndex(requested.receiver());
            if (sentIndex.isEmpty()) {
                return refuse(FfaCheck.RETRIEVE_RECEIVER_NOT_BORROWER, "receiver 0x%x was not sent %s",
                        requested.receiver(), Handle.toString(s.handle));
            }
            EndpointAccess sent = stored.receivers().get(sentIndex.getAsInt());
            if (isCaller) {
                callerEntry = sent;
            }
            Permissions.Grant grant = Permissions.grant(s.kind, multiple, sent.permissions(), requested.permissions());
            if (grant.refusal() != null) {
                return refuse(grant.refusal(), "receiver 0x%x asks %s, the sender gave %s", requested.receiver(),
                        requested.permissions(), sent.permissions());
            }
            if (isCaller) {
                granted = grant.granted();
                if (granted.dataAccess() == MemoryPermissions.DataAccess.RO && (r.flags() & CLEAR_FLAGS) != 0) {
                    return refuse(FfaCheck.RETRIEVE_CLEAR_READ_ONLY, "clear flags 0x%x with RO", r.flags() & CLEAR_FLAGS);
                }
            }
            if (stored.accessDescriptorSize() == TxView.LARGE_DESCRIPTOR
                    && r.descriptorSize() == TxView.LARGE_DESCRIPTOR && !sent.impdef().equals(requested.impdef())) {
                return refuse(FfaCheck.RETRIEVE_IMPDEF, "receiver 0x%x's impdef %s, the send's %s", requested.receiver(),
                        requested.impdef(), sent.impdef());
            }
        }
        if (callerEntry == null) {
            return refuse(FfaCheck.RETRIEVE_CALLER_NOT_IN_REQUEST, "the request does not list VM %d", caller.id());
        }
        int orig = s.senderOriginalMode;
        int memoryMode = Permissions.toMode(granted, orig);
        if (attributes.type() == MemoryAttributes.MemoryType.NORMAL
                && ((orig & Mode.D) != 0 || stored.attributes().type() == MemoryAttributes.MemoryType.DEVICE)) {
            return refuse(FfaCheck.RETRIEVE_DEVICE_AS_NORMAL, "device memory asked as normal memory");
        }
        ModeScan.Result scan = ModeScan.scan(List.of(caller.table()), s.runs(), ctx.modeRule, false,
                OptionalLong.empty());
        if (!scan.ok()) {
            return refuse(scan.failure() == ModeScan.Failure.MIXED ? FfaCheck.RETRIEVE_MIXED_MODES
                    : FfaCheck.RETRIEVE_NOT_ONE_MODE, "constituent %d (%s)", scan.run(), s.runs().get(scan.run()));
        }
        int current = scan.mode(0);
        if (caller.id() != Context.PRIMARY_VM && (current & Mode.UNMAPPED_MASK) != Mode.UNMAPPED_MASK) {
            return refuse(FfaCheck.RETRIEVE_NOT_UNMAPPED, "VM %d's mode is 0x%x (%s)", caller.id(), current,
                    Mode.describe(current));
        }
        // Hafnium would update the table and then panic building this response; memshare refuses first.
        Packing packing = pack(s, 0, constituentsOffset(version));
        if (packing.fragments() == 0) {
            return refuse(FfaCheck.RETRIEVE_RESPONSE_TOO_LARGE, "the first fragment's %d constituents do not fit a v%s "
                    + "response", s.fragments.get(0).size(), version);
        }
        int newMode = memoryMode | Permissions.borrowerState(s.kind);
        FfaRequest policyRequest = new FfaRequest(FfaRequest.Operation.RETRIEVE, s.kind, caller.id(), s.handle,
                stored.sender(), Requests.receivers(stored), s.allConstituents(), r.flags(), current, newMode, orig);
        Optional<PolicyHook.Refusal> refusal = ctx.policies.ask(policyRequest);
        if (refusal.isPresent()) {
            ctx.policies.failed(refusal.get().allowed(), policyRequest, FfaError.DENIED, refusal.get().reason());
            return FfaOutcome.refused(FfaCheck.RETRIEVE_POLICY, refusal.get().reason());
        }
        TableUpdate.Outcome updated = ctx.update.apply(
                TableUpdate.single(new TableUpdate.Party(caller.table(), current, newMode)), s.runs().runs(), false,
                OptionalLong.empty());
        if (updated != TableUpdate.Outcome.DONE) {
            String reason = "the pool ran out preparing VM " + caller.id() + "'s table";
            ctx.policies.failed(ctx.policies.all(), policyRequest, FfaError.NO_MEMORY, reason);
            return FfaOutcome.refused(FfaCheck.RETRIEVE_PREPARE_NO_MEMORY, reason);
        }
        byte[] rx = response(version, s, callerEntry, granted, packing);
        int borrower = index.getAsInt();
        s.retrieved[borrower] = packing.fragments();
        caller.mailbox().deliver(0, rx);
        if (s.retrieved[borrower] == s.fragmentCount() && s.kind == FfaShareKind.DONATE) {
            ctx.table.free(s);
        }
        ctx.policies.committed(policyRequest);
        long total = (constituentsOffset(version)
                + FfaConstituent.SIZE * stored.composite().orElseThrow().constituentCount()) & U32;
        return FfaOutcome.ok(FfaResult.retrieveResp((int) total, rx.length, rx));
    }

    /** Where a response's constituents start in {@code version}'s layout: one receiver, the composite right after. */
    static long constituentsOffset(FfaVersion version) {
        return version.headerSize() + version.accessDescriptorSize() + CompositeRegion.HEADER_SIZE;
    }

    /** Whole stored fragments from {@code from} that fit the RX buffer after {@code offset} bytes. */
    private record Packing(int fragments, List<FfaConstituent> constituents) {
    }

    private static Packing pack(ShareState s, int from, long offset) {
        long room = (Context.MAILBOX_SIZE - offset) / FfaConstituent.SIZE;
        List<FfaConstituent> packed = new ArrayList<>();
        int f = from;
        while (f < s.fragmentCount() && packed.size() + s.fragments.get(f).size() <= room) {
            packed.addAll(s.fragments.get(f));
            f++;
        }
        return new Packing(f - from, packed);
    }

    /**
     * The retrieve response in the retriever's layout ({@code ffa_partition_retrieve_response_init}):
     * the stored header (tag 0), one access descriptor for the caller with the granted permissions,
     * the composite with the whole transaction's counts and the packed constituents.
     */
    private static byte[] response(FfaVersion version, ShareState s, EndpointAccess callerEntry,
            MemoryPermissions granted, Packing packing) {
        MemoryTransaction stored = s.stored;
        // A v1.2 response carries the sender's impdef when the sender's descriptors had one; Hafnium
        // reads it from a 16-byte descriptor too (other fields' bytes), memshare answers zeros.
        EndpointAccess.Impdef impdef = version.accessDescriptorSize() == TxView.LARGE_DESCRIPTOR
                && stored.accessDescriptorSize() == TxView.LARGE_DESCRIPTOR ? callerEntry.impdef() : EndpointAccess.Impdef.ZERO;
        EndpointAccess entry = new EndpointAccess(callerEntry.receiver(), granted, callerEntry.flags(), 0, impdef, 0);
        CompositeRegion storedComposite = stored.composite().orElseThrow();
        CompositeRegion composite = new CompositeRegion(storedComposite.totalPageCount(),
                storedComposite.constituentCount(), 0, packing.constituents());
        MemoryAttributes attributes = version.usesV1_0Layout()
                ? new MemoryAttributes(stored.attributes().toV1_0()) : stored.attributes();
        MemoryTransaction response = MemoryTransaction.laidOut(version, stored.sender(), attributes, stored.flags(),
                stored.handle(), 0, List.of(entry), Optional.of(composite));
        return FfaDescriptorCodec.encode(response, version);
    }

    /** The next fragment of a retrieve response, from {@code offset} in the caller's response. */
    FfaOutcome fragRx(Vm caller, FfaVersion version, long handle, long offset, int senderId) {
        if (senderId != 0) {
            return refuse(FfaCheck.FRAG_RX_SENDER_ID, "sender id 0x%x", senderId);
        }
        if (caller.mailbox().isBusy()) {
            return refuse(FfaCheck.FRAG_RX_RX_BUSY, "VM %d's RX buffer is full", caller.id());
        }
        Optional<ShareState> found = ctx.table.get(handle);
        if (found.isEmpty()) {
            return refuse(FfaCheck.FRAG_RX_UNKNOWN_HANDLE, "handle %s", Handle.toString(handle));
        }
        ShareState s = found.get();
        if (!s.sendingComplete) {
            return refuse(FfaCheck.FRAG_RX_NOT_FULLY_SENT, "%s is not fully sent", Handle.toString(handle));
        }
        OptionalInt index = s.stored.receiverIndex(caller.id());
        if (index.isEmpty()) {
            return refuse(FfaCheck.FRAG_RX_NOT_BORROWER, "VM %d is not a receiver of %s", caller.id(),
                    Handle.toString(handle));
        }
        int done = s.retrieved[index.getAsInt()];
        if (done == 0 || done >= s.fragmentCount()) {
            return refuse(FfaCheck.FRAG_RX_NOT_IN_PROGRESS, "VM %d has retrieved %d of %d fragments", caller.id(), done,
                    s.fragmentCount());
        }
        long before = 0;
        for (int f = 0; f < done; f++) {
            before += s.fragments.get(f).size();
        }
        // Where the caller's own response stopped; Hafnium's formula uses the stored layout (see docs/ffa.md).
        long expected = (constituentsOffset(version) + FfaConstituent.SIZE * before) & U32;
        if (offset != expected) {
            return refuse(FfaCheck.FRAG_RX_OFFSET, "offset %d, expected %d", offset, expected);
        }
        Packing packing = pack(s, done, 0);
        byte[] rx = FfaDescriptorCodec.encodeConstituents(packing.constituents());
        caller.mailbox().deliver(0, rx);
        s.retrieved[index.getAsInt()] += packing.fragments();
        if (s.retrieved[index.getAsInt()] == s.fragmentCount() && s.kind == FfaShareKind.DONATE) {
            ctx.table.free(s);
        }
        return FfaOutcome.ok(FfaResult.memFragTx(handle, rx.length, 0, rx));
    }

    private static FfaOutcome refuse(FfaCheck check, String format, Object... args) {
        return FfaOutcome.refused(check, String.format(format, args));
    }
}
