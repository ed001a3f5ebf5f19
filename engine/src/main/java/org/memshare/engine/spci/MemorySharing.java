package org.memshare.engine.spci;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.memshare.api.mode.Mode;
import org.memshare.api.policy.SharePolicy;
import org.memshare.api.policy.ShareRequest;
import org.memshare.api.spci.Constituent;
import org.memshare.api.spci.Decoded;
import org.memshare.api.spci.MemoryRegion;
import org.memshare.api.spci.MemoryRegionCodec;
import org.memshare.api.spci.ShareType;
import org.memshare.api.spci.SpciError;
import org.memshare.engine.machine.Machine;
import org.memshare.engine.machine.Vm;
import org.memshare.engine.sharing.ConstituentList;
import org.memshare.engine.sharing.MemoryClearing;
import org.memshare.engine.sharing.ModeScan;
import org.memshare.engine.sharing.PageRun;
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

    /** What the checks conclude: a plan to apply, or a refusal. */
    private sealed interface Verdict {
    }

    /** The request passed the checks: its constituents as the core's runs, made once, and the modes to apply. */
    private record Plan(ConstituentList runs, int senderMode, int receiverMode, int newSenderMode, int newReceiverMode)
            implements Verdict {
    }

    /** The request breaks a rule of the protocol. */
    private record Refusal(SpciResult result) implements Verdict {
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
        // A region built in code, not decoded from a message, must pass the decoder's rules too.
        Decoded wellFormed = MemoryRegionCodec.decode(MemoryRegionCodec.encode(region));
        if (wellFormed instanceof Decoded.Rejected rejected) {
            return SpciResult.error(rejected.error(), rejected.reason());
        }
        return shareWellFormed(from, to, type, region);
    }

    /**
     * Handles an architected memory message (the 8-byte header, then the region), decoding it
     * once. Both VMs' locks must be held.
     */
    public SpciResult shareMessage(Vm from, Vm to, byte[] message) {
        requireNonNull(from, "from is null");
        requireNonNull(to, "to is null");
        requireNonNull(message, "message is null");
        Optional<Integer> typeCode = MemoryRegionCodec.messageType(message);
        if (typeCode.isEmpty()) {
            return SpciResult.error(SpciError.INVALID_PARAMETERS,
                    "a message of " + message.length + " bytes is shorter than its header");
        }
        Decoded decoded = MemoryRegionCodec.decode(message, MemoryRegionCodec.HEADER_SIZE,
                message.length - MemoryRegionCodec.HEADER_SIZE);
        if (decoded instanceof Decoded.Rejected rejected) {
            return SpciResult.error(rejected.error(), rejected.reason());
        }
        Optional<ShareType> type = ShareType.fromCode(typeCode.get());
        if (type.isEmpty()) {
            return SpciResult.error(SpciError.INVALID_PARAMETERS, "unknown memory message type " + typeCode.get());
        }
        return shareWellFormed(from, to, type.get(), ((Decoded.Ok) decoded).region());
    }

    /** The share of a region that passed the decoder's rules. */
    private SpciResult shareWellFormed(Vm from, Vm to, ShareType type, MemoryRegion region) {
        int receiverPermissions = type == ShareType.RELINQUISH
                ? Mode.R | Mode.W | Mode.X
                : region.attributes().get(0).attributes().receiverMode();
        Verdict verdict = check(from, to, type, region, receiverPermissions);
        if (verdict instanceof Refusal refusal) {
            return refusal.result();
        }
        Plan plan = (Plan) verdict;
        ShareRequest request = new ShareRequest(type, from.id(), to.id(), region, plan.senderMode(),
                plan.receiverMode(), plan.newSenderMode(), plan.newReceiverMode());
        for (int i = 0; i < policies.size(); i++) {
            SharePolicy policy = policies.get(i);
            Optional<String> refusal;
            try {
                refusal = requireNonNull(policy.refusal(request), "the policy answered null");
            } catch (RuntimeException e) {
                // A policy that fails refuses: the share must not go ahead on an unknown verdict.
                return tellFailed(i, request, SpciResult.error(SpciError.DENIED,
                        "policy " + policy.getClass().getName() + " failed: " + e));
            }
            if (refusal.isPresent()) {
                return tellFailed(i, request, SpciResult.error(SpciError.DENIED, refusal.get()));
            }
        }
        SpciResult result = apply(from, to, region, plan);
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

    /** Every check of the protocol, in the seed's order. */
    private Verdict check(Vm from, Vm to, ShareType type, MemoryRegion region, int receiverPermissions) {
        if (from == to) {
            return invalid("the sender is the receiver");
        }
        int named = region.attributes().get(0).receiver();
        if (named != to.id()) {
            return invalid("the region names receiver " + named + " but the message goes to VM " + to.id());
        }
        // The decoder has refused empty, unaligned, wrapping and overlapping constituents; what is
        // left is the address-space bound and one mode per VM over all of them, constituent by
        // constituent.
        long end = from.table().addressSpaceEnd();
        ConstituentList runs = runs(region);
        ModeScan.Result modes = ModeScan.scan(List.of(from.table(), to.table()), runs, ModeScan.Rule.EVERY_RUN,
                false, OptionalLong.of(end));
        if (!modes.ok()) {
            int i = modes.run();
            return switch (modes.failure()) {
                case BEYOND_BOUND -> invalid("constituent " + i + " ends at 0x" + Long.toHexString(runs.get(i).end())
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
        Optional<Transitions.Outcome> next = Transitions.next(type, senderMode, receiverMode, receiverPermissions);
        if (next.isEmpty()) {
            return invalid("no " + type.traceName() + " transition from sender mode " + describe(senderMode)
                    + " and receiver mode " + describe(receiverMode));
        }
        return new Plan(runs, senderMode, receiverMode, next.get().senderMode(), next.get().receiverMode());
    }

    /** {@code R|W|X|INVALID (0x17)}. */
    private static String describe(int mode) {
        return Mode.describe(mode) + " (0x" + Integer.toHexString(mode) + ")";
    }

    /** The region's constituents as the sharing core's runs, one fragment. */
    private static ConstituentList runs(MemoryRegion region) {
        List<PageRun> runs = new ArrayList<>(region.constituents().size());
        for (Constituent c : region.constituents()) {
            runs.add(new PageRun(c.address(), c.pageCount()));
        }
        return ConstituentList.of(runs);
    }

    private static Refusal invalid(String reason) {
        return new Refusal(SpciResult.error(SpciError.INVALID_PARAMETERS, reason));
    }

    /**
     * Prepares both tables, commits the sender, clears if asked (reverting the sender on failure),
     * commits the receiver and defragments both: the core's two-phase update with the sender
     * before the clear and the receiver after it.
     */
    private SpciResult apply(Vm from, Vm to, MemoryRegion region, Plan plan) {
        // The reasons name the party and constituent the pool ran out on, or the constituent the
        // clear stopped at, as the core words them.
        TableUpdate.Outcome outcome = update.apply(
                TableUpdate.clearBetween(TableUpdate.Party.of("sender", from, plan.senderMode(), plan.newSenderMode()))
                        .then(TableUpdate.Party.of("receiver", to, plan.receiverMode(), plan.newReceiverMode())),
                plan.runs().runs(), region.clearRequested(), OptionalLong.empty());
        // Without a bound, the update fails only for want of pool.
        return outcome.isDone() ? SpciResult.success() : SpciResult.error(SpciError.NO_MEMORY, outcome.reason());
    }
}
