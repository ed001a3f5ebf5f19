package org.memshare.engine.ffa;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.memshare.api.ffa.EndpointAccess;
import org.memshare.api.ffa.FfaError;
import org.memshare.api.ffa.FfaResult;
import org.memshare.api.ffa.FfaShareKind;
import org.memshare.api.ffa.Handle;
import org.memshare.api.ffa.MemoryPermissions;
import org.memshare.api.mode.Mode;
import org.memshare.api.policy.FfaRequest;
import org.memshare.engine.machine.Vm;
import org.memshare.engine.sharing.ModeScan;
import org.memshare.engine.sharing.TableUpdate;

/**
 * Giving memory back: FFA_MEM_RELINQUISH by a borrower ({@code api_ffa_mem_relinquish},
 * {@code ffa_memory_relinquish}) and FFA_MEM_RECLAIM by the sender ({@code ffa_memory_reclaim}).
 * The checks run in Hafnium's order; see {@link FfaCheck}. The caller holds its own lock and the
 * share-state lock.
 */
final class ReturnFlow {
    private final Context ctx;

    ReturnFlow(Context ctx) {
        this.ctx = ctx;
    }

    /** {@code tx}: the relinquish descriptor as the borrower wrote it (bytes beyond it read as zero). */
    FfaOutcome relinquish(Vm caller, byte[] tx) {
        Bytes bytes = new Bytes(tx);
        long count = bytes.u32(12);
        if (count != 1) {
            return refuse(FfaCheck.RELINQUISH_ENDPOINT_COUNT, "endpoint count %d", count);
        }
        int endpoint = bytes.u16(16);
        if (endpoint != caller.id()) {
            return refuse(FfaCheck.RELINQUISH_NOT_CALLER, "endpoint 0x%x is not the caller VM %d", endpoint, caller.id());
        }
        long handle = bytes.u64(0);
        Optional<ShareState> found = ctx.table.get(handle);
        if (found.isEmpty()) {
            return refuse(FfaCheck.RELINQUISH_UNKNOWN_HANDLE, "handle %s", Handle.toString(handle));
        }
        ShareState s = found.get();
        if (!s.sendingComplete) {
            return refuse(FfaCheck.RELINQUISH_NOT_FULLY_SENT, "%s is not fully sent", Handle.toString(handle));
        }
        OptionalInt index = s.stored.receiverIndex(endpoint);
        if (index.isEmpty()) {
            return refuse(FfaCheck.RELINQUISH_NOT_BORROWER, "VM %d is not a receiver of %s", caller.id(),
                    Handle.toString(handle));
        }
        int borrower = index.getAsInt();
        if (s.retrieved[borrower] != s.fragmentCount()) {
            return refuse(FfaCheck.RELINQUISH_NOT_RETRIEVED, "VM %d has retrieved %d of %d fragments", caller.id(),
                    s.retrieved[borrower], s.fragmentCount());
        }
        // Clear only when no other borrower still holds the memory; otherwise the flag is dropped,
        // as Hafnium drops it. The caller's permissions are those the sender gave it.
        MemoryPermissions permissions = MemoryPermissions.UNSPECIFIED;
        boolean othersHold = false;
        for (int i = 0; i < s.stored.receiverCount(); i++) {
            EndpointAccess r = s.stored.receivers().get(i);
            if (r.receiver() == caller.id()) {
                permissions = r.permissions();
                continue;
            }
            if (s.retrieved[i] != 0) {
                othersHold = true;
                break;
            }
        }
        int flags = (int) bytes.u32(8);
        boolean clear = !othersHold && (flags & 1) != 0;
        if (clear && s.kind == FfaShareKind.SHARE) {
            return refuse(FfaCheck.RELINQUISH_CLEAR_SHARE, "clear asked of a share");
        }
        if (clear && permissions.dataAccess() == MemoryPermissions.DataAccess.RO) {
            return refuse(FfaCheck.RELINQUISH_CLEAR_READ_ONLY, "clear asked of memory sent RO");
        }
        ModeScan.Result scan = ModeScan.scan(List.of(caller.table()), s.runs(), ctx.modeRule, false,
                OptionalLong.empty());
        if (!scan.ok()) {
            return refuse(scan.failure() == ModeScan.Failure.MIXED ? FfaCheck.RELINQUISH_MIXED_MODES
                    : FfaCheck.RELINQUISH_NOT_ONE_MODE, "constituent %d (%s)", scan.run(), s.runs().get(scan.run()));
        }
        int current = scan.mode(0);
        if ((current & Permissions.STATE & ~Mode.SHARED) != Mode.UNOWNED) {
            return refuse(FfaCheck.RELINQUISH_NOT_BORROWER_STATE, "VM %d's mode is 0x%x (%s)", caller.id(), current,
                    Mode.describe(current));
        }
        int newMode = (current & ~Permissions.STATE) | Mode.UNMAPPED_MASK;
        FfaRequest request = new FfaRequest(FfaRequest.Operation.RELINQUISH, s.kind, caller.id(), handle,
                s.stored.sender(), Requests.receivers(s.stored), s.allConstituents(), flags, current, newMode,
                s.senderOriginalMode);
        Optional<PolicyHook.Refusal> refusal = ctx.policies.ask(request);
        if (refusal.isPresent()) {
            ctx.policies.failed(refusal.get().allowed(), request, FfaError.DENIED, refusal.get().reason());
            return FfaOutcome.refused(FfaCheck.RELINQUISH_POLICY, refusal.get().reason());
        }
        TableUpdate.Outcome updated = ctx.update.apply(
                TableUpdate.single(new TableUpdate.Party(caller.table(), current, newMode)), s.runs().runs(), clear,
                OptionalLong.empty());
        if (updated != TableUpdate.Outcome.DONE) {
            FfaOutcome failed = updated == TableUpdate.Outcome.NO_MEMORY_CLEARING
                    ? FfaOutcome.refused(FfaCheck.RELINQUISH_CLEAR_NO_MEMORY, "the pool ran out clearing the memory")
                    : FfaOutcome.refused(FfaCheck.RELINQUISH_PREPARE_NO_MEMORY,
                            "the pool ran out preparing VM " + caller.id() + "'s table");
            ctx.policies.failed(ctx.policies.all(), request, FfaError.NO_MEMORY, failed.reason());
            return failed;
        }
        s.retrieved[borrower] = 0;
        ctx.policies.committed(request);
        return FfaOutcome.ok(FfaResult.success());
    }

    /** The sender takes {@code handle}'s memory back in its original mode; flag bit 0 clears it first. */
    FfaOutcome reclaim(Vm caller, long handle, int flags) {
        if (!Handle.isHypervisorAllocated(handle)) {
            return refuse(FfaCheck.RECLAIM_OTHER_WORLD_HANDLE, "handle %s", Handle.toString(handle));
        }
        Optional<ShareState> found = ctx.table.get(handle);
        if (found.isEmpty()) {
            return refuse(FfaCheck.RECLAIM_UNKNOWN_HANDLE, "handle %s", Handle.toString(handle));
        }
        ShareState s = found.get();
        if (!s.sendingComplete) {
            return refuse(FfaCheck.RECLAIM_NOT_FULLY_SENT, "%s is not fully sent", Handle.toString(handle));
        }
        if (s.stored.sender() != caller.id()) {
            return refuse(FfaCheck.RECLAIM_NOT_SENDER, "VM %d did not send %s (VM 0x%x did)", caller.id(),
                    Handle.toString(handle), s.stored.sender());
        }
        for (int i = 0; i < s.retrieved.length; i++) {
            if (s.retrieved[i] != 0) {
                return refuse(FfaCheck.RECLAIM_NOT_RELINQUISHED, "receiver 0x%x still holds %s",
                        s.stored.receivers().get(i).receiver(), Handle.toString(handle));
            }
        }
        int orig = s.senderOriginalMode;
        boolean clear = (flags & 1) != 0;
        if (clear && (orig & Mode.W) == 0) {
            return refuse(FfaCheck.RECLAIM_CLEAR_WITHOUT_WRITE, "the original mode 0x%x has no W", orig);
        }
        ModeScan.Result scan = ModeScan.scan(List.of(caller.table()), s.runs(), ctx.modeRule, false,
                OptionalLong.empty());
        if (!scan.ok()) {
            return refuse(scan.failure() == ModeScan.Failure.MIXED ? FfaCheck.RECLAIM_MIXED_MODES
                    : FfaCheck.RECLAIM_NOT_ONE_MODE, "constituent %d (%s)", scan.run(), s.runs().get(scan.run()));
        }
        int current = scan.mode(0);
        FfaRequest request = new FfaRequest(FfaRequest.Operation.RECLAIM, s.kind, caller.id(), handle,
                s.stored.sender(), Requests.receivers(s.stored), s.allConstituents(), flags, current, orig, orig);
        Optional<PolicyHook.Refusal> refusal = ctx.policies.ask(request);
        if (refusal.isPresent()) {
            ctx.policies.failed(refusal.get().allowed(), request, FfaError.DENIED, refusal.get().reason());
            return FfaOutcome.refused(FfaCheck.RECLAIM_POLICY, refusal.get().reason());
        }
        TableUpdate.Outcome updated = ctx.update.apply(
                TableUpdate.clearFirst(new TableUpdate.Party(caller.table(), current, orig)), s.runs().runs(), clear,
                OptionalLong.empty());
        if (updated != TableUpdate.Outcome.DONE) {
            FfaOutcome failed = updated == TableUpdate.Outcome.NO_MEMORY_CLEARING
                    ? FfaOutcome.refused(FfaCheck.RECLAIM_CLEAR_NO_MEMORY, "the pool ran out clearing the memory")
                    : FfaOutcome.refused(FfaCheck.RECLAIM_PREPARE_NO_MEMORY,
                            "the pool ran out preparing VM " + caller.id() + "'s table");
            ctx.policies.failed(ctx.policies.all(), request, FfaError.NO_MEMORY, failed.reason());
            return failed;
        }
        ctx.table.free(s);
        ctx.policies.committed(request);
        return FfaOutcome.ok(FfaResult.success());
    }

    private static FfaOutcome refuse(FfaCheck check, String format, Object... args) {
        return FfaOutcome.refused(check, String.format(format, args));
    }
}
