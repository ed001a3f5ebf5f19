package org.memshare.engine.ffa;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.memshare.api.ffa.CompositeRegion;
import org.memshare.api.ffa.EndpointAccess;
import org.memshare.api.ffa.FfaConstituent;
import org.memshare.api.ffa.FfaError;
import org.memshare.api.ffa.FfaResult;
import org.memshare.api.ffa.FfaShareKind;
import org.memshare.api.ffa.FfaVersion;
import org.memshare.api.ffa.Handle;
import org.memshare.api.ffa.HeaderReserved;
import org.memshare.api.ffa.MemoryAttributes;
import org.memshare.api.ffa.MemoryPermissions;
import org.memshare.api.ffa.MemoryTransaction;
import org.memshare.api.ffa.TransactionFlags;
import org.memshare.api.mode.Mode;
import org.memshare.api.policy.FfaRequest;
import org.memshare.engine.machine.Vm;
import org.memshare.engine.sharing.ConstituentList;
import org.memshare.engine.sharing.ModeScan;
import org.memshare.engine.sharing.TableUpdate;

/**
 * FFA_MEM_DONATE, FFA_MEM_LEND and FFA_MEM_SHARE ({@code api_ffa_mem_send},
 * {@code ffa_memory_send}), FFA_MEM_FRAG_TX ({@code api_ffa_mem_frag_tx},
 * {@code ffa_memory_send_continue}) and the completion of a send once its last fragment has
 * arrived ({@code ffa_memory_send_complete}). The checks run in Hafnium's order; see
 * {@link FfaCheck}. The caller holds the sender's lock and the share-state lock.
 */
final class SendFlow {
    private static final long U32 = 0xffff_ffffL;

    private final Context ctx;

    SendFlow(Context ctx) {
        this.ctx = ctx;
    }

    /** A send's first fragment: {@code tx} as the sender wrote it to its TX buffer. */
    FfaOutcome send(Vm caller, FfaVersion version, FfaShareKind kind, byte[] tx, long totalLength) {
        long fragment = tx.length;
        if (fragment > totalLength) {
            return refuse(FfaCheck.SEND_FRAGMENT_LONGER_THAN_TOTAL, "fragment length %d > total length %d",
                    fragment, totalLength);
        }
        if (fragment > Context.MAILBOX_SIZE) {
            return refuse(FfaCheck.SEND_FRAGMENT_LONGER_THAN_TX_BUFFER, "fragment length %d > the %d-byte TX buffer",
                    fragment, Context.MAILBOX_SIZE);
        }
        // Hafnium copies the fragment into its heap, which is the page tables' pool: a v1.0
        // sender's copy is a whole page (its conversion may grow), others' the fragment rounded up.
        int copyPages = version.usesV1_0Layout() ? 1 : (int) ((fragment + Context.MAILBOX_SIZE - 1) / Context.MAILBOX_SIZE);
        Optional<List<Long>> pages = ctx.allocate(copyPages);
        if (pages.isEmpty()) {
            return refuse(FfaCheck.SEND_COPY_NO_MEMORY, "no pool page for the %d-byte descriptor copy", fragment);
        }
        Held held = new Held(pages.get());
        try {
            return sendCopied(caller, version, kind, tx, totalLength, held);
        } finally {
            ctx.free(held.pages);
        }
    }

    /** Pages a call holds until a share state takes them (then the list is emptied). */
    private static final class Held {
        final List<Long> pages;

        Held(List<Long> pages) {
            this.pages = new ArrayList<>(pages);
        }
    }

    private FfaOutcome sendCopied(Vm caller, FfaVersion version, FfaShareKind kind, byte[] tx, long totalLength,
            Held held) {
        long fragment = tx.length;
        TxView view = new TxView(new Bytes(tx), version);
        Optional<FfaOutcome> insane = Sanity.check(view, version, fragment, true);
        if (insane.isPresent()) {
            return insane.get();
        }
        long newFragment = fragment;
        long newTotal = totalLength;
        int delta = 0;
        if (version.usesV1_0Layout()) {
            long count = view.receiverCount();
            long constituentBytes = fragment - view.compositeOffset(0) - CompositeRegion.HEADER_SIZE;
            newFragment = TxView.V1_1_HEADER + TxView.SMALL_DESCRIPTOR * count + CompositeRegion.HEADER_SIZE
                    + constituentBytes;
            if (newFragment > Context.MAILBOX_SIZE) {
                return refuse(FfaCheck.SEND_V1_0_TOO_LARGE, "the first fragment is %d bytes in the v1.1 layout, "
                        + "more than %d", newFragment, Context.MAILBOX_SIZE);
            }
            Optional<List<Long>> scratch = ctx.allocate(1);
            if (scratch.isEmpty()) {
                return refuse(FfaCheck.SEND_V1_0_SCRATCH_NO_MEMORY, "no pool page for the v1.0 conversion");
            }
            ctx.free(scratch.get());
            newTotal = (totalLength - fragment + newFragment) & U32;
            delta = (int) (newFragment - fragment);
        }
        MemoryTransaction stored = storedForm(view, fragment);
        List<FfaConstituent> first = stored.constituents();
        int flags = stored.flags().value();
        if ((kind == FfaShareKind.SHARE && (flags & TransactionFlags.CLEAR) != 0)
                || (flags & ~(TransactionFlags.CLEAR | TransactionFlags.TIME_SLICE)) != 0) {
            return refuse(FfaCheck.SEND_FLAGS, "flags 0x%x for a %s", flags, kind);
        }
        if (kind == FfaShareKind.DONATE && stored.receiverCount() != 1) {
            return refuse(FfaCheck.SEND_DONATE_RECEIVER_COUNT, "a donate to %d receivers", stored.receiverCount());
        }
        for (EndpointAccess r : stored.receivers()) {
            if (!ctx.isVm(r.receiver()) || r.receiver() == caller.id()) {
                return refuse(FfaCheck.SEND_RECEIVER_NOT_A_VM_OR_SELF, "receiver 0x%x is %s", r.receiver(),
                        r.receiver() == caller.id() ? "the sender" : "not a VM of this machine");
            }
        }
        Optional<FfaOutcome> invalid = validate(caller, kind, stored, newFragment, newTotal);
        if (invalid.isPresent()) {
            return invalid.get();
        }
        MemoryTransaction typed = stored.withFlags(stored.flags().withTransactionType(kind));
        int offsetDelta = delta;
        Optional<ShareState> state = ctx.table.allocate(slot -> {
            long handle = Handle.ofHypervisorSlot(slot);
            return new ShareState(slot, handle, kind, typed.withHandle(handle), offsetDelta);
        });
        if (state.isEmpty()) {
            return refuse(FfaCheck.SEND_SHARE_STATES_FULL, "all %d share states are in use", ShareStateTable.CAPACITY);
        }
        ShareState s = state.get();
        s.fragments.add(first);
        s.pages.addAll(held.pages);
        held.pages.clear();
        if (newFragment == newTotal) {
            return complete(caller, s, flags);
        }
        return FfaOutcome.ok(FfaResult.memFragRx(s.handle, (int) (newFragment - delta), 0));
    }

    /**
     * The descriptor in the form Hafnium stores: a v1.1+ one as it is, a v1.0 one converted (48-byte
     * header, receivers at 48, composite right after them); the composite holds the first
     * fragment's whole constituents.
     */
    private static MemoryTransaction storedForm(TxView view, long fragment) {
        long count = view.receiverCount();
        long size = view.descriptorSize();
        long composite0 = view.compositeOffset(0);
        long compositeOffset = view.isV1_0() ? TxView.V1_1_HEADER + TxView.SMALL_DESCRIPTOR * count : composite0;
        List<EndpointAccess> receivers = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
            EndpointAccess.Impdef impdef = size == TxView.LARGE_DESCRIPTOR
                    ? new EndpointAccess.Impdef(view.impdef(i, 0), view.impdef(i, 1))
                    : EndpointAccess.Impdef.ZERO;
            long reserved = view.receiverWord(i, size == TxView.LARGE_DESCRIPTOR ? 24 : 8);
            receivers.add(new EndpointAccess(view.receiverId(i), new MemoryPermissions(view.permissions(i)),
                    view.receiverFlags(i), view.isV1_0() ? compositeOffset : view.compositeOffset(i), impdef, reserved));
        }
        Bytes bytes = view.bytes();
        long present = (fragment - composite0 - CompositeRegion.HEADER_SIZE) / FfaConstituent.SIZE;
        List<FfaConstituent> constituents = new ArrayList<>((int) present);
        for (long i = 0; i < present; i++) {
            long at = composite0 + CompositeRegion.HEADER_SIZE + FfaConstituent.SIZE * i;
            constituents.add(new FfaConstituent(bytes.u64(at), bytes.u32(at + 8), (int) bytes.u32(at + 12)));
        }
        // Hafnium's conversion copies neither the composite's reserved word nor the header's.
        CompositeRegion composite = new CompositeRegion(bytes.u32(composite0), bytes.u32(composite0 + 4),
                view.isV1_0() ? 0 : bytes.u64(composite0 + 8), constituents);
        return new MemoryTransaction(view.sender(), new MemoryAttributes(view.attributes()),
                new TransactionFlags(view.flags()), view.handle(), view.tag(), size,
                view.isV1_0() ? TxView.V1_1_HEADER : view.receiversOffset(),
                view.isV1_0() ? HeaderReserved.ZERO
                        : new HeaderReserved((int) view.reserved(0), (int) view.reserved(1), (int) view.reserved(2)),
                receivers, Optional.of(composite));
    }

    /** {@code ffa_memory_send_validate}, on the stored form and the converted lengths. */
    private Optional<FfaOutcome> validate(Vm caller, FfaShareKind kind, MemoryTransaction tx, long fragment,
            long total) {
        long minimum = ((tx.receiversOffset() + tx.accessDescriptorSize()) & U32) + CompositeRegion.HEADER_SIZE;
        if (fragment < minimum) {
            return refused(FfaCheck.SEND_FIRST_FRAGMENT_TOO_SHORT, "fragment length %d < %d", fragment, minimum);
        }
        if (fragment % FfaConstituent.SIZE != 0 || total % FfaConstituent.SIZE != 0) {
            return refused(FfaCheck.SEND_LENGTHS_NOT_16_ALIGNED, "fragment length %d, total length %d", fragment, total);
        }
        if (fragment > total) {
            return refused(FfaCheck.SEND_CONVERTED_FRAGMENT_LONGER_THAN_TOTAL, "fragment length %d > total length %d",
                    fragment, total);
        }
        if (tx.sender() != caller.id()) {
            return refused(FfaCheck.SEND_SENDER_NOT_CALLER, "the descriptor's sender is 0x%x, the caller VM %d",
                    tx.sender(), caller.id());
        }
        long receiversEnd = tx.receiversEnd();
        if (receiversEnd + CompositeRegion.HEADER_SIZE + FfaConstituent.SIZE > total) {
            return refused(FfaCheck.SEND_TOTAL_TOO_SHORT, "total length %d < %d", total,
                    receiversEnd + CompositeRegion.HEADER_SIZE + FfaConstituent.SIZE);
        }
        long composite = tx.compositeOffset();
        if (composite < receiversEnd || composite % 16 != 0 || composite > fragment - CompositeRegion.HEADER_SIZE) {
            return refused(FfaCheck.SEND_COMPOSITE_OFFSET, "composite offset %d with receivers ending at %d in a "
                    + "%d-byte fragment", composite, receiversEnd, fragment);
        }
        long constituentBytes = (total - (composite + CompositeRegion.HEADER_SIZE)) & U32;
        long announced = tx.composite().orElseThrow().constituentCount();
        if (constituentBytes % FfaConstituent.SIZE != 0 || constituentBytes / FfaConstituent.SIZE != announced) {
            return refused(FfaCheck.SEND_CONSTITUENT_COUNT, "%d bytes of constituents for a count of %d",
                    constituentBytes, announced);
        }
        if ((tx.flags().value() & ~TransactionFlags.CLEAR) != 0) {
            return refused(FfaCheck.SEND_FLAGS_OTHER_THAN_CLEAR, "flags 0x%x", tx.flags().value());
        }
        List<EndpointAccess> receivers = tx.receivers();
        for (int i = 0; i < receivers.size(); i++) {
            EndpointAccess r = receivers.get(i);
            for (int j = i + 1; j < receivers.size(); j++) {
                if (receivers.get(j).receiver() == r.receiver()) {
                    return refused(FfaCheck.SEND_RECEIVER_REPEATED, "receiver 0x%x is listed twice", r.receiver());
                }
            }
            MemoryPermissions p = r.permissions();
            if (p.dataAccess() == MemoryPermissions.DataAccess.RESERVED
                    || p.instructionAccess() == MemoryPermissions.InstructionAccess.RESERVED) {
                return refused(FfaCheck.SEND_PERMISSIONS_RESERVED, "receiver 0x%x: permissions 0x%x", r.receiver(),
                        p.value());
            }
            if (p.instructionAccess() != MemoryPermissions.InstructionAccess.NOT_SPECIFIED) {
                return refused(FfaCheck.SEND_INSTRUCTION_ACCESS_SPECIFIED, "receiver 0x%x: %s", r.receiver(), p);
            }
            boolean dataGiven = p.dataAccess() != MemoryPermissions.DataAccess.NOT_SPECIFIED;
            if (kind == FfaShareKind.SHARE && !dataGiven) {
                return refused(FfaCheck.SEND_SHARE_DATA_ACCESS_UNSPECIFIED, "receiver 0x%x: %s", r.receiver(), p);
            }
            if (kind == FfaShareKind.LEND && !dataGiven) {
                return refused(FfaCheck.SEND_LEND_DATA_ACCESS_UNSPECIFIED, "receiver 0x%x: %s", r.receiver(), p);
            }
            if (kind == FfaShareKind.DONATE && dataGiven) {
                return refused(FfaCheck.SEND_DONATE_DATA_ACCESS_SPECIFIED, "receiver 0x%x: %s", r.receiver(), p);
            }
        }
        MemoryAttributes attributes = tx.attributes();
        if ((attributes.value() & Permissions.SECURITY_FIELD) != 0) {
            return refused(FfaCheck.SEND_SECURITY_STATE, "attributes 0x%x", attributes.value());
        }
        if (kind == FfaShareKind.DONATE || (kind == FfaShareKind.LEND && receivers.size() == 1)) {
            if (attributes.type() != MemoryAttributes.MemoryType.NOT_SPECIFIED) {
                return refused(FfaCheck.SEND_MEMORY_TYPE_SPECIFIED, "%s with memory type %s", kind, attributes.type());
            }
        } else if (!Permissions.attributesAcceptable(attributes)) {
            return refused(FfaCheck.SEND_ATTRIBUTES, "attributes %s", attributes);
        }
        return Optional.empty();
    }

    /** A later fragment of the send {@code handle}. */
    FfaOutcome fragTx(Vm caller, long handle, byte[] tx, int senderId) {
        if (senderId != 0) {
            return refuse(FfaCheck.FRAG_TX_SENDER_ID, "sender id 0x%x", senderId);
        }
        long length = tx.length;
        if (length > Context.MAILBOX_SIZE) {
            return refuse(FfaCheck.FRAG_TX_LONGER_THAN_TX_BUFFER, "fragment length %d > %d", length,
                    Context.MAILBOX_SIZE);
        }
        if (length < FfaConstituent.SIZE || length % FfaConstituent.SIZE != 0) {
            return refuse(FfaCheck.FRAG_TX_LENGTH, "fragment length %d", length);
        }
        Optional<List<Long>> pages = ctx.allocate((int) ((length + Context.MAILBOX_SIZE - 1) / Context.MAILBOX_SIZE));
        if (pages.isEmpty()) {
            return refuse(FfaCheck.FRAG_TX_COPY_NO_MEMORY, "no pool page for the %d-byte fragment copy", length);
        }
        Held held = new Held(pages.get());
        try {
            return fragTxCopied(caller, handle, tx, held);
        } finally {
            ctx.free(held.pages);
        }
    }

    private FfaOutcome fragTxCopied(Vm caller, long handle, byte[] tx, Held held) {
        if (!Handle.isHypervisorAllocated(handle)) {
            return refuse(FfaCheck.FRAG_TX_OTHER_WORLD_HANDLE, "handle %s", Handle.toString(handle));
        }
        Optional<ShareState> found = ctx.table.get(handle);
        if (found.isEmpty()) {
            return refuse(FfaCheck.FRAG_TX_UNKNOWN_HANDLE, "handle %s", Handle.toString(handle));
        }
        ShareState s = found.get();
        if (s.stored.sender() != caller.id()) {
            return refuse(FfaCheck.FRAG_TX_NOT_SENDER, "VM %d did not send %s (VM 0x%x did)", caller.id(),
                    Handle.toString(handle), s.stored.sender());
        }
        if (s.sendingComplete) {
            return refuse(FfaCheck.FRAG_TX_SEND_COMPLETE, "%s is fully sent", Handle.toString(handle));
        }
        if (s.fragmentCount() == Context.MAX_FRAGMENTS) {
            ctx.table.free(s);
            return refuse(FfaCheck.FRAG_TX_TOO_MANY_FRAGMENTS, "%s already has %d fragments; its share state is freed",
                    Handle.toString(handle), Context.MAX_FRAGMENTS);
        }
        Bytes bytes = new Bytes(tx);
        List<FfaConstituent> fragment = new ArrayList<>(tx.length / FfaConstituent.SIZE);
        for (int at = 0; at < tx.length; at += FfaConstituent.SIZE) {
            fragment.add(new FfaConstituent(bytes.u64(at), bytes.u32(at + 8), (int) bytes.u32(at + 12)));
        }
        s.fragments.add(fragment);
        s.pages.addAll(held.pages);
        held.pages.clear();
        if (s.allConstituentsReceived()) {
            int flags = s.stored.flags().without(TransactionFlags.TRANSACTION_TYPE_MASK).value();
            return complete(caller, s, flags);
        }
        long next = (s.stored.compositeOffset() + CompositeRegion.HEADER_SIZE
                + FfaConstituent.SIZE * s.constituentsReceived()) & U32;
        return FfaOutcome.ok(FfaResult.memFragRx(handle, (int) (next - s.fragmentOffsetDelta), 0));
    }

    /**
     * {@code ffa_memory_send_complete}: checks every constituent against the sender's table,
     * asks the policies, and updates the sender's table; on any failure the share state is freed,
     * as Hafnium does, so the sender must start again.
     *
     * @param flags the sender's flags, for the policies
     */
    private FfaOutcome complete(Vm caller, ShareState s, int flags) {
        FfaOutcome outcome = completeOrRefuse(caller, s, flags);
        if (outcome.isRefused()) {
            ctx.table.free(s);
        }
        return outcome;
    }

    private FfaOutcome completeOrRefuse(Vm caller, ShareState s, int flags) {
        ConstituentList runs = s.runs();
        Optional<int[]> overlap = runs.firstOverlap();
        if (overlap.isPresent()) {
            int[] pair = overlap.get();
            return refuse(FfaCheck.SEND_OVERLAP, "constituent %d (%s) overlaps constituent %d (%s)", pair[1],
                    runs.get(pair[1]), pair[0], runs.get(pair[0]));
        }
        CompositeRegion composite = s.stored.composite().orElseThrow();
        long sum = runs.pageSumU32();
        if (sum != composite.totalPageCount()) {
            return refuse(FfaCheck.SEND_PAGE_COUNT, "the constituents add up to %d pages (32-bit), the composite "
                    + "says %d", sum, composite.totalPageCount());
        }
        if (s.fragments.get(0).isEmpty()) {
            return refuse(FfaCheck.SEND_NO_CONSTITUENTS, "the first fragment holds no constituent");
        }
        ModeScan.Result scan = ModeScan.scan(List.of(caller.table()), runs, ctx.modeRule, true,
                OptionalLong.empty());
        if (!scan.ok()) {
            FfaCheck check = switch (scan.failure()) {
                case UNALIGNED, BEYOND_BOUND -> FfaCheck.SEND_UNALIGNED;
                case NOT_ONE_MODE -> FfaCheck.SEND_NOT_ONE_MODE;
                case MIXED -> FfaCheck.SEND_MIXED_MODES;
            };
            return refuse(check, "constituent %d (%s)", scan.run(), runs.get(scan.run()));
        }
        int orig = scan.mode(0);
        boolean device = (orig & Mode.D) != 0;
        if (s.stored.attributes().type() == MemoryAttributes.MemoryType.NORMAL && device) {
            return refuse(FfaCheck.SEND_DEVICE_AS_NORMAL, "the sender's mode 0x%x is device memory", orig);
        }
        if (device && !(s.kind == FfaShareKind.LEND && s.stored.receiverCount() == 1)) {
            return refuse(FfaCheck.SEND_DEVICE_NOT_SINGLE_LEND, "device memory (mode 0x%x) in a %s to %d receivers",
                    orig, s.kind, s.stored.receiverCount());
        }
        if ((orig & Permissions.STATE) != 0) {
            return refuse(FfaCheck.SEND_NOT_OWNER_EXCLUSIVE, "the sender's mode is 0x%x (%s)", orig, Mode.describe(orig));
        }
        boolean clear = s.stored.flags().clear();
        if (clear && (orig & Mode.W) == 0) {
            return refuse(FfaCheck.SEND_CLEAR_WITHOUT_WRITE, "the sender's mode 0x%x has no W", orig);
        }
        for (EndpointAccess r : s.stored.receivers()) {
            int required = Permissions.toMode(r.permissions(), orig);
            if ((orig & required) != required) {
                return refuse(FfaCheck.SEND_PERMISSIONS_EXCEED_SENDER, "receiver 0x%x's %s needs mode 0x%x, the sender "
                        + "has 0x%x", r.receiver(), r.permissions(), required, orig);
            }
        }
        int newMode = (orig & ~Permissions.STATE) | Permissions.senderState(s.kind);
        FfaRequest request = new FfaRequest(FfaRequest.Operation.send(s.kind), s.kind, caller.id(), Handle.INVALID,
                s.stored.sender(), Requests.receivers(s.stored), s.allConstituents(), flags, orig, newMode, orig);
        Optional<PolicyHook.Refusal> refusal = ctx.policies.ask(request);
        if (refusal.isPresent()) {
            ctx.policies.failed(refusal.get().allowed(), request, FfaError.DENIED, refusal.get().reason());
            return FfaOutcome.refused(FfaCheck.SEND_POLICY, refusal.get().reason());
        }
        TableUpdate.Outcome updated = ctx.update.apply(
                TableUpdate.single(new TableUpdate.Party(caller.table(), orig, newMode)), runs.runs(), clear,
                ctx.paLimit);
        if (updated != TableUpdate.Outcome.DONE) {
            FfaOutcome failed = switch (updated) {
                case BEYOND_BOUND -> FfaOutcome.refused(FfaCheck.SEND_BEYOND_PA_RANGE,
                        "a constituent reaches the PA range's end 0x" + Long.toHexString(ctx.paLimit.orElse(0)));
                case NO_MEMORY_CLEARING -> FfaOutcome.refused(FfaCheck.SEND_CLEAR_NO_MEMORY,
                        "the pool ran out clearing the memory");
                default -> FfaOutcome.refused(FfaCheck.SEND_PREPARE_NO_MEMORY,
                        "the pool ran out preparing the sender's table");
            };
            ctx.policies.failed(ctx.policies.all(), request, failed.check().orElseThrow().error(), failed.reason());
            return failed;
        }
        s.sendingComplete = true;
        s.senderOriginalMode = orig;
        ctx.policies.committed(request);
        return FfaOutcome.ok(FfaResult.successWithHandle(s.handle));
    }

    private static FfaOutcome refuse(FfaCheck check, String format, Object... args) {
        return FfaOutcome.refused(check, String.format(format, args));
    }

    private static Optional<FfaOutcome> refused(FfaCheck check, String format, Object... args) {
        return Optional.of(refuse(check, format, args));
    }
}
