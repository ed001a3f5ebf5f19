package org.memshare.engine.spci;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.memshare.api.mode.Mode;
import org.memshare.api.policy.SharePolicy;
import org.memshare.api.policy.ShareRequest;
import org.memshare.api.spci.Decoded;
import org.memshare.api.spci.MemoryAttributes;
import org.memshare.api.spci.MemoryRegion;
import org.memshare.api.spci.MemoryRegionCodec;
import org.memshare.api.spci.RegionView;
import org.memshare.api.spci.ShareType;
import org.memshare.api.spci.SpciError;
import org.memshare.engine.machine.Machine;
import org.memshare.engine.machine.Vm;
import org.memshare.engine.sharing.ConstituentList;
import org.memshare.engine.sharing.MemoryClearing;
import org.memshare.engine.sharing.ModeScan;
import org.memshare.engine.sharing.TableUpdate;

/**
 * Donate, lend, share and relinquish of a memory region, all or nothing, as Hafnium's
 * {@code api_spci_share_memory} does it:
 * <ol>
 *   <li>check the request (receiver, constituents inside the address space, one mode per VM
 *       over every constituent, no device memory, a transition row), then ask the policies;</li>
 *   <li>prepare both tables for every constituent (NO_MEMORY, nothing changed, if the pool runs
 *       out);</li>
 *   <li>commit the sender, into a local pool so the tables it frees stay available;</li>
 *   <li>if asked, clear every constituent through the hypervisor's stage-1 table; on failure
 *       commit the sender's old mode back from the local pool (which cannot fail) and answer
 *       NO_MEMORY;</li>
 *   <li>commit the receiver; hand the local pool back; defrag both tables, success or not.</li>
 * </ol>
 * The checks, the update and the clearing come from the protocol-neutral core
 * ({@code org.memshare.engine.sharing}); this class keeps SPCI's rules and error mapping (every
 * refusal is INVALID_PARAMETERS). The caller holds both VMs' locks.
 */
public final class MemorySharing {
    private final TableUpdate update;
    private final List<SharePolicy> policies;

    /** @param policies asked in this order; the first refusal wins */
    public MemorySharing(Machine machine, List<SharePolicy> policies) {
        requireNonNull(machine, "machine is null");
        this.policies = List.copyOf(requireNonNull(policies, "policies is null"));
        this.update = new TableUpdate(machine.pool(), MemoryClearing.of(machine, MemoryClearing.Stage1.DEFRAGMENTED));
    }

    /**
     * What one share works with: the message read in place, its constituents as the core's runs,
     * and the modes the checks found. Each thread keeps one and reuses it for every share, so a
     * share builds no region, constituent or run objects; a share started while the thread's one
     * is in use (a policy that sends) gets a fresh one.
     */
    private static final class Scratch {
        private static final ThreadLocal<Scratch> PER_THREAD = ThreadLocal.withInitial(Scratch::new);

        final RegionView view = new RegionView();
        final ConstituentList runs = ConstituentList.reusable();
        boolean inUse;
        int senderMode;
        int receiverMode;
        int newSenderMode;
        int newReceiverMode;

        static Scratch take() {
            Scratch scratch = PER_THREAD.get();
            if (scratch.inUse) {
                scratch = new Scratch();
            }
            scratch.inUse = true;
            return scratch;
        }

        void release() {
            inUse = false;
        }
    }

    /**
     * Moves {@code region} from {@code from} to {@code to} as {@code type} says, or changes
     * nothing and says why not. Both VMs' locks must be held.
     */
    public SpciResult share(Vm from, Vm to, ShareType type, MemoryRegion region) {
        requireNonNull(from, "from is null");
        requireNonNull(to, "to is null");
        requireNonNull(type, "type is null");
        requireNonNull(region, "region is null");
        Scratch scratch = Scratch.take();
        try {
            // A region built in code, not decoded from a message, must pass the decoder's rules too.
            byte[] encoded = MemoryRegionCodec.encode(region);
            Optional<Decoded.Rejected> rejected = scratch.view.read(encoded, 0, encoded.length);
            if (rejected.isPresent()) {
                return SpciResult.error(rejected.get().error(), rejected.get().reason());
            }
            return shareWellFormed(from, to, type, region, scratch);
        } finally {
            scratch.release();
        }
    }

    /**
     * Handles an architected memory message (the 8-byte header, then the region), decoding it
     * once. Both VMs' locks must be held.
     */
    public SpciResult shareMessage(Vm from, Vm to, byte[] message) {
        requireNonNull(message, "message is null");
        return shareMessage(from, to, message, message.length);
    }

    /**
     * {@link #shareMessage(Vm, Vm, byte[])} of the message in {@code message[0, length)}, read in
     * place: the hypervisor validates a send in the sender's send buffer, which nobody can change
     * while it holds the sender's lock. The bytes are not kept after the call. Both VMs' locks
     * must be held.
     *
     * @throws IndexOutOfBoundsException if {@code length} is not 0 to {@code message.length}
     */
    public SpciResult shareMessage(Vm from, Vm to, byte[] message, int length) {
        requireNonNull(from, "from is null");
        requireNonNull(to, "to is null");
        requireNonNull(message, "message is null");
        Objects.checkFromIndexSize(0, length, message.length);
        if (length < MemoryRegionCodec.HEADER_SIZE) {
            return SpciResult.error(SpciError.INVALID_PARAMETERS,
                    "a message of " + length + " bytes is shorter than its header");
        }
        int typeCode = MemoryRegionCodec.messageTypeCode(message);
        Scratch scratch = Scratch.take();
        try {
            Optional<Decoded.Rejected> rejected = scratch.view.read(message, MemoryRegionCodec.HEADER_SIZE,
                    length - MemoryRegionCodec.HEADER_SIZE);
            if (rejected.isPresent()) {
                return SpciResult.error(rejected.get().error(), rejected.get().reason());
            }
            Optional<ShareType> type = ShareType.fromCode(typeCode);
            if (type.isEmpty()) {
                return SpciResult.error(SpciError.INVALID_PARAMETERS, "unknown memory message type " + typeCode);
            }
            return shareWellFormed(from, to, type.get(), null, scratch);
        } finally {
            scratch.release();
        }
    }

    /**
     * The share of the region in {@code scratch.view}, which passed the decoder's rules;
     * {@code region} is its objects when the caller has them, else they are built from the view
     * only if a policy is to be asked.
     */
    private SpciResult shareWellFormed(Vm from, Vm to, ShareType type, MemoryRegion region, Scratch scratch) {
        RegionView view = scratch.view;
        ConstituentList runs = scratch.runs;
        runs.reset();
        for (int i = 0, n = view.constituentCount(); i < n; i++) {
            runs.add(view.constituentAddress(i), view.constituentPageCount(i));
        }
        int receiverPermissions = type == ShareType.RELINQUISH
                ? Mode.R | Mode.W | Mode.X
                : new MemoryAttributes(view.receiverAttributes()).receiverMode();
        SpciResult refusal = check(from, to, type, view.receiver(), runs, receiverPermissions, scratch);
        if (refusal != null) {
            return refusal;
        }
        if (policies.isEmpty()) {
            return apply(from, to, runs, view.clearRequested(), scratch);
        }
        ShareRequest request = new ShareRequest(type, from.id(), to.id(), region != null ? region : view.toRegion(),
                scratch.senderMode, scratch.receiverMode, scratch.newSenderMode, scratch.newReceiverMode);
        for (int i = 0; i < policies.size(); i++) {
            SharePolicy policy = policies.get(i);
            Optional<String> policyRefusal;
            try {
                policyRefusal = requireNonNull(policy.refusal(request), "the policy answered null");
            } catch (RuntimeException e) {
                // A policy that fails refuses: the share must not go ahead on an unknown verdict.
                return tellFailed(i, request, SpciResult.error(SpciError.DENIED,
                        "policy " + policy.getClass().getName() + " failed: " + e));
            }
            if (policyRefusal.isPresent()) {
                return tellFailed(i, request, SpciResult.error(SpciError.DENIED, policyRefusal.get()));
            }
        }
        SpciResult result = apply(from, to, runs, view.clearRequested(), scratch);
        if (!result.isSuccess()) {
            return tellFailed(policies.size(), request, result);
        }
        // Still under both VMs' locks: the policies learn of the commit in the engine's order.
        for (SharePolicy policy : policies) {
            try {
                policy.committed(request);
            } catch (RuntimeException e) {
                // The share has happened; a policy's bookkeeping cannot undo it.
            }
        }
        return result;
    }

    /** Tells the first {@code allowed} policies (those that allowed the request) that it failed; returns {@code result}. */
    private SpciResult tellFailed(int allowed, ShareRequest request, SpciResult result) {
        for (int i = 0; i < allowed; i++) {
            try {
                policies.get(i).failed(request, result.error().orElseThrow(), result.reason());
            } catch (RuntimeException e) {
                // Nothing changed; a policy's bookkeeping cannot change that.
            }
        }
        return result;
    }

    /**
     * Every check of the protocol, in the seed's order: null if the request passes (the modes are
     * then in {@code scratch}), else the refusal.
     */
    private SpciResult check(Vm from, Vm to, ShareType type, int named, ConstituentList runs, int receiverPermissions,
            Scratch scratch) {
        if (from == to) {
            return invalid("the sender is the receiver");
        }
        if (named != to.id()) {
            return invalid("the region names receiver " + named + " but the message goes to VM " + to.id());
        }
        // The decoder has refused empty, unaligned, wrapping and overlapping constituents; what is
        // left is the address-space bound and one mode per VM over all of them, constituent by
        // constituent.
        long end = from.table().addressSpaceEnd();
        ModeScan.Result modes = ModeScan.scan(List.of(from.table(), to.table()), runs, ModeScan.Rule.EVERY_RUN,
                false, end);
        if (!modes.ok()) {
            int i = modes.run();
            return switch (modes.failure()) {
                case BEYOND_BOUND -> invalid("constituent " + i + " ends at 0x" + Long.toHexString(runs.end(i))
                        + ", beyond the address space (0x" + Long.toHexString(end) + ")");
                case NOT_ONE_MODE -> invalid("constituent " + i + " is not mapped with one mode in "
                        + (modes.table() == 0 ? "the sender" : "the receiver"));
                case MIXED, UNALIGNED -> invalid("constituent " + i + " has another mode than constituent 0");
            };
        }
        int senderMode = modes.mode(0);
        int receiverMode = modes.mode(1);
        if ((senderMode & Mode.D) != 0) {
            return invalid("the sender's memory is device memory");
        }
        Transitions.Row row = Transitions.match(type, senderMode, receiverMode);
        if (row == null) {
            return invalid("no " + type.traceName() + " transition from sender mode " + describe(senderMode)
                    + " and receiver mode " + describe(receiverMode));
        }
        scratch.senderMode = senderMode;
        scratch.receiverMode = receiverMode;
        scratch.newSenderMode = Transitions.senderAfter(row, senderMode);
        scratch.newReceiverMode = Transitions.receiverAfter(row, receiverPermissions);
        return null;
    }

    /** {@code R|W|X|INVALID (0x17)}. */
    private static String describe(int mode) {
        return Mode.describe(mode) + " (0x" + Integer.toHexString(mode) + ")";
    }

    private static SpciResult invalid(String reason) {
        return SpciResult.error(SpciError.INVALID_PARAMETERS, reason);
    }

    /**
     * Prepares both tables, commits the sender, clears if asked (reverting the sender on failure),
     * commits the receiver and defragments both: the core's two-phase update with the sender
     * before the clear and the receiver after it.
     */
    private SpciResult apply(Vm from, Vm to, ConstituentList runs, boolean clear, Scratch scratch) {
        // The reasons name the party and constituent the pool ran out on, or the constituent the
        // clear stopped at, as the core words them.
        TableUpdate.Outcome outcome = update.apply(
                TableUpdate.around(TableUpdate.Party.of("sender", from, scratch.senderMode, scratch.newSenderMode),
                        TableUpdate.Party.of("receiver", to, scratch.receiverMode, scratch.newReceiverMode)),
                runs, clear, OptionalLong.empty());
        // Without a bound, the update fails only for want of pool.
        return outcome.isDone() ? SpciResult.success() : SpciResult.error(SpciError.NO_MEMORY, outcome.reason());
    }
}
