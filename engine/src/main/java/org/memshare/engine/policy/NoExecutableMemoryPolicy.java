package org.memshare.engine.policy;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.memshare.api.ffa.Handle;
import org.memshare.api.mode.Mode;
import org.memshare.api.policy.FfaRequest;
import org.memshare.api.policy.SharePolicy;
import org.memshare.api.policy.ShareRequest;
import org.memshare.engine.machine.MachineConfig;

/**
 * Refuses any share that would leave one of a set of VMs with executable memory: a donate, lend,
 * share or relinquish whose receiver is in the set and whose new receiver mode has {@link Mode#X}.
 * The mode is the one the share would give, so a lend with {@code RW_NX} access to such a VM is
 * allowed and one with {@code RW_X} is not.
 *
 * <p>A relinquish always gives R|W|X back to the owner, so memory that a protected VM lent or
 * shared can never be relinquished back to it while this policy is installed: it stays with the
 * borrower. Protect only VMs that receive memory, not VMs that lend theirs.
 *
 * <p>FF-A: a retrieve by a protected VM whose new mode has X (it asked for X of a lend or donate
 * to it alone) is refused; a send gives no VM anything yet, so it is not looked at.
 *
 * <p>Immutable and thread-safe. Install it with {@link NoExecutableMemoryModule}.
 */
public final class NoExecutableMemoryPolicy implements SharePolicy {
    private final Set<Integer> vmIds;

    NoExecutableMemoryPolicy(Set<Integer> vmIds) {
        this.vmIds = vmIds;
    }

    /**
     * The policy protecting {@code vmIds}.
     *
     * @throws IllegalArgumentException if the set is empty or an id is not a VM id (1 to
     *     {@value MachineConfig#MAX_VMS})
     */
    public static NoExecutableMemoryPolicy forVms(Collection<Integer> vmIds) {
        requireNonNull(vmIds, "vmIds is null");
        if (vmIds.isEmpty()) {
            throw new IllegalArgumentException("vmIds is empty: name at least one VM to protect");
        }
        Set<Integer> ids = new TreeSet<>();
        for (Integer id : vmIds) {
            requireNonNull(id, "vmIds contains null");
            if (id < 1 || id > MachineConfig.MAX_VMS) {
                throw new IllegalArgumentException("VM ids are 1 to " + MachineConfig.MAX_VMS + ", was " + id);
            }
            ids.add(id);
        }
        return new NoExecutableMemoryPolicy(Set.copyOf(ids));
    }

    /** The policy protecting the VMs {@code vmIds}; see {@link #forVms(Collection)}. */
    public static NoExecutableMemoryPolicy forVms(int... vmIds) {
        requireNonNull(vmIds, "vmIds is null");
        return forVms(Arrays.stream(vmIds).boxed().toList());
    }

    /** The protected VMs' ids. */
    public Set<Integer> vmIds() {
        return vmIds;
    }

    @Override
    public Optional<String> refusal(ShareRequest request) {
        requireNonNull(request, "request is null");
        int mode = request.newReceiverMode();
        if (vmIds.contains(request.receiver()) && (mode & Mode.X) != 0) {
            return Optional.of("VM " + request.receiver() + " may not receive executable memory: the "
                    + request.type().traceName() + " from VM " + request.sender() + " would give it mode 0x"
                    + Integer.toHexString(mode));
        }
        return Optional.empty();
    }

    @Override
    public Optional<String> refusal(FfaRequest request) {
        requireNonNull(request, "request is null");
        int mode = request.newCallerMode();
        if (request.operation() == FfaRequest.Operation.RETRIEVE && vmIds.contains(request.caller())
                && (mode & Mode.X) != 0) {
            return Optional.of("VM " + request.caller() + " may not receive executable memory: its retrieve of "
                    + Handle.toString(request.handle()) + " from VM " + request.sender()
                    + " would give it mode 0x" + Integer.toHexString(mode));
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "NoExecutableMemoryPolicy" + new TreeSet<>(vmIds);
    }
}
