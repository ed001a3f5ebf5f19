package org.memshare.engine.ffa;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import org.memshare.api.ffa.FfaResult;
import org.memshare.api.ffa.FfaShareKind;
import org.memshare.api.ffa.FfaVersion;
import org.memshare.engine.machine.Machine;
import org.memshare.engine.machine.Vm;
import org.memshare.engine.sharing.ModeScan;

/**
 * FF-A memory management for one machine, as Hafnium main implements it when it is the
 * hypervisor and every party is a VM: FFA_VERSION per VM, FFA_MEM_DONATE, FFA_MEM_LEND and
 * FFA_MEM_SHARE returning a handle, FFA_MEM_FRAG_TX, FFA_MEM_RETRIEVE_REQ answered with
 * FFA_MEM_RETRIEVE_RESP, FFA_MEM_FRAG_RX, FFA_RX_RELEASE, FFA_MEM_RELINQUISH and FFA_MEM_RECLAIM.
 * Get it from {@code Hypervisor.ffa()}.
 *
 * <p>What is modelled: VMs 1 to K (VM 1 is the primary, which may retrieve memory it has mapped,
 * as in Hafnium), each with a 4 KiB TX buffer (the {@code tx} arguments are what the VM wrote there)
 * and a 4 KiB RX buffer (the VM's mailbox, shared with SPCI delivery: a full one answers BUSY until
 * released); each with an FF-A version deciding its descriptor layouts (v1.0, v1.1, v1.2+), set
 * with {@link #setVersion} before the VM runs or by FFA_VERSION until its first other FF-A call; a
 * share-state table of 100 transactions (handle {@code 0x8000000000000000 + slot}, lowest free
 * slot first, NO_MEMORY when full) of up to 20 fragments and 2 borrowers. Descriptor copies take
 * pages of the machine's pool while their transaction lives, as Hafnium's heap copies do.
 *
 * <p>Every call checks its input in Hafnium's order ({@link FfaCheck} lists the checks) and
 * answers Hafnium's error code; a refusal changes nothing (but where Hafnium itself frees a
 * partial send: a FRAG_TX past 20 fragments, or a last fragment whose send fails). Each step
 * changes only the caller's table, atomically (prepare, commit, clear, revert on failure). The
 * machine's policies are asked after every protocol check of a send (when its last fragment has
 * arrived), retrieve, relinquish and reclaim; a refusal answers DENIED. Nothing throws on any
 * input but a null array; a caller that is not a VM answers INVALID_PARAMETERS.
 *
 * <p>Thread-safe: a call holds its caller's lock, then the share-state lock, as Hafnium does.
 */
public final class FfaMemory {
    private final Context ctx;
    private final ReentrantLock shareStates = new ReentrantLock();
    private final SendFlow send;
    private final RetrieveFlow retrieve;
    private final ReturnFlow giveBack;
    private final Explaining explaining = new Explaining();

    /** FF-A for {@code machine}; its policies are the machine's. One per machine. */
    public FfaMemory(Machine machine) {
        this(machine, ModeScan.Rule.EVERY_RUN);
    }

    /**
     * FF-A for {@code machine} judging mixed constituent modes by {@code rule}: memshare's
     * {@link ModeScan.Rule#EVERY_RUN}, or Hafnium main's {@link ModeScan.Rule#FIRST_FRAGMENT_UNCOMPARED}
     * (for comparing with the reference; see docs/ffa.md).
     */
    FfaMemory(Machine machine, ModeScan.Rule rule) {
        this.ctx = new Context(requireNonNull(machine, "machine is null"), requireNonNull(rule, "rule is null"));
        this.send = new SendFlow(ctx);
        this.retrieve = new RetrieveFlow(ctx);
        this.giveBack = new ReturnFlow(ctx);
    }

    /**
     * Sets {@code vm}'s FF-A version as its manifest would, before it makes any call (the trace's
     * {@code init ... ffa=}); not an FF-A call, so the version stays negotiable.
     *
     * @return false, changing nothing, if {@code vm} is not a VM or the version is not 1.0 to 1.3
     */
    public boolean setVersion(int vm, FfaVersion version) {
        requireNonNull(version, "version is null");
        Optional<Vm> found = ctx.vm(vm);
        if (found.isEmpty() || !version.isModelled()) {
            return false;
        }
        found.get().lock().lock();
        try {
            ctx.state(found.get()).version = version;
            return true;
        } finally {
            found.get().lock().unlock();
        }
    }

    /** {@code vm}'s FF-A version now, if it is a VM. */
    public Optional<FfaVersion> version(int vm) {
        Optional<Vm> found = ctx.vm(vm);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        found.get().lock().lock();
        try {
            return Optional.of(ctx.state(found.get()).version);
        } finally {
            found.get().lock().unlock();
        }
    }

    /** How many share states are in use (sent, being sent, or retrieved and not reclaimed). */
    public int shareStatesInUse() {
        shareStates.lock();
        try {
            return ctx.table.used();
        } finally {
            shareStates.unlock();
        }
    }

    /**
     * FFA_VERSION: {@code requestedVersion} in the register encoding. Answers the compiled version
     * (1.3) and makes the request {@code vm}'s version; NOT_SUPPORTED (in w0) for bit 31, a version
     * not compatible with 1.3, or a change after the VM's first other FF-A call.
     */
    public FfaResult version(int vm, int requestedVersion) {
        return explaining.version(vm, requestedVersion).result();
    }

    /** FFA_MEM_DONATE, FFA_MEM_LEND or FFA_MEM_SHARE of the first {@code tx.length} bytes of a {@code totalLength}-byte descriptor. */
    public FfaResult memSend(int vm, FfaShareKind kind, byte[] tx, int totalLength) {
        return explaining.memSend(vm, kind, tx, totalLength).result();
    }

    /** FFA_MEM_FRAG_TX: the next {@code tx.length} bytes of constituents of the send {@code handle}. */
    public FfaResult fragTx(int vm, long handle, byte[] tx, int senderId) {
        return explaining.fragTx(vm, handle, tx, senderId).result();
    }

    /** FFA_MEM_RETRIEVE_REQ with the request {@code tx} ({@code totalLength} must equal its length). */
    public FfaResult retrieveRequest(int vm, byte[] tx, int totalLength) {
        return explaining.retrieveRequest(vm, tx, totalLength).result();
    }

    /** FFA_MEM_FRAG_RX: the retrieve response of {@code handle} from {@code offset}. */
    public FfaResult fragRx(int vm, long handle, int offset, int senderId) {
        return explaining.fragRx(vm, handle, offset, senderId).result();
    }

    /** FFA_RX_RELEASE: frees {@code vm}'s RX buffer; DENIED when it holds nothing. */
    public FfaResult rxRelease(int vm) {
        return explaining.rxRelease(vm).result();
    }

    /** FFA_MEM_RELINQUISH with the relinquish descriptor {@code tx}. */
    public FfaResult relinquish(int vm, byte[] tx) {
        return explaining.relinquish(vm, tx).result();
    }

    /** FFA_MEM_RECLAIM of {@code handle}; flag bit 0 clears the memory first. */
    public FfaResult reclaim(int vm, long handle, int flags) {
        return explaining.reclaim(vm, handle, flags).result();
    }

    /** The same calls answering also which check refused and why (for {@code --explain} and tests). */
    public Explaining explaining() {
        return explaining;
    }

    /** The calls of {@link FfaMemory}, each answering an {@link FfaOutcome}. */
    public final class Explaining {
        private Explaining() {
        }

        public FfaOutcome version(int vm, int requestedVersion) {
            Optional<Vm> found = ctx.vm(vm);
            if (found.isEmpty()) {
                return notAVm(vm);
            }
            Vm caller = found.get();
            caller.lock().lock();
            try {
                Context.VmState state = ctx.state(caller);
                Optional<FfaVersion> requested = FfaVersion.fromEncoded(requestedVersion);
                if (requested.isEmpty()) {
                    return FfaOutcome.refused(FfaCheck.VERSION_BIT31,
                            String.format("version 0x%x has bit 31 set", requestedVersion));
                }
                if (!requested.get().isModelled()) {
                    return FfaOutcome.refused(FfaCheck.VERSION_INCOMPATIBLE,
                            "version " + requested.get() + " is not compatible with " + FfaVersion.COMPILED);
                }
                if (state.negotiated && !requested.get().equals(state.version)) {
                    return FfaOutcome.refused(FfaCheck.VERSION_LOCKED, "VM " + vm + " has made FF-A calls at version "
                            + state.version + " and cannot change to " + requested.get());
                }
                state.version = requested.get();
                return FfaOutcome.ok(FfaResult.version(FfaVersion.COMPILED));
            } finally {
                caller.lock().unlock();
            }
        }

        public FfaOutcome memSend(int vm, FfaShareKind kind, byte[] tx, int totalLength) {
            requireNonNull(kind, "kind is null");
            requireNonNull(tx, "tx is null");
            return call(vm, (caller, version) -> send.send(caller, version, kind, tx.clone(),
                    Integer.toUnsignedLong(totalLength)));
        }

        public FfaOutcome fragTx(int vm, long handle, byte[] tx, int senderId) {
            requireNonNull(tx, "tx is null");
            return call(vm, (caller, version) -> send.fragTx(caller, handle, tx.clone(), senderId));
        }

        public FfaOutcome retrieveRequest(int vm, byte[] tx, int totalLength) {
            requireNonNull(tx, "tx is null");
            return call(vm, (caller, version) -> retrieve.retrieve(caller, version, tx.clone(),
                    Integer.toUnsignedLong(totalLength)));
        }

        public FfaOutcome fragRx(int vm, long handle, int offset, int senderId) {
            return call(vm, (caller, version) -> retrieve.fragRx(caller, version, handle,
                    Integer.toUnsignedLong(offset), senderId));
        }

        public FfaOutcome rxRelease(int vm) {
            return call(vm, (caller, version) -> caller.mailbox().release().isPresent()
                    ? FfaOutcome.ok(FfaResult.success())
                    : FfaOutcome.refused(FfaCheck.RX_RELEASE_EMPTY, "VM " + vm + "'s RX buffer holds nothing"));
        }

        public FfaOutcome relinquish(int vm, byte[] tx) {
            requireNonNull(tx, "tx is null");
            return call(vm, (caller, version) -> giveBack.relinquish(caller, tx.clone()));
        }

        public FfaOutcome reclaim(int vm, long handle, int flags) {
            return call(vm, (caller, version) -> giveBack.reclaim(caller, handle, flags));
        }

        /**
         * Runs an FF-A call other than FFA_VERSION for VM {@code vm}: under its lock, marking its
         * version negotiated (Hafnium does so for every such call, whatever its outcome), then
         * under the share-state lock.
         */
        private FfaOutcome call(int vm, BiFunction<Vm, FfaVersion, FfaOutcome> body) {
            Optional<Vm> found = ctx.vm(vm);
            if (found.isEmpty()) {
                return notAVm(vm);
            }
            Vm caller = found.get();
            caller.lock().lock();
            try {
                Context.VmState state = ctx.state(caller);
                state.negotiated = true;
                shareStates.lock();
                try {
                    return body.apply(caller, state.version);
                } finally {
                    shareStates.unlock();
                }
            } finally {
                caller.lock().unlock();
            }
        }

        private FfaOutcome notAVm(int vm) {
            return FfaOutcome.refused(FfaCheck.NOT_A_VM, "no VM " + vm + " (VMs are 1 to " + ctx.machine.vms().size() + ")");
        }
    }

    @Override
    public String toString() {
        return "FfaMemory[" + ctx.machine + "]";
    }
}
