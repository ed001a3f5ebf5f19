package org.memshare.api.policy;

import java.util.Optional;
import org.memshare.api.spci.SpciError;

/**
 * A custom rule that may refuse a share the page tables would allow, for example "no executable
 * memory to VM 3". Policies are consulted after every check of the protocol and before any page
 * table is touched; a refusal answers DENIED and changes nothing. Install one by binding it into
 * the engine's policy set with a Guice module (a {@code Multibinder<SharePolicy>}), or by name
 * through a {@link SharePolicyFactory}.
 *
 * <p><b>What a policy sees.</b> {@link #refusal} gets a {@link ShareRequest} whose four modes are
 * full memshare modes ({@code org.memshare.api.mode.Mode}): the access bits R, W, X and D, and
 * the ownership state bits:
 * <ul>
 *   <li>no state bit: the VM owns the memory and has exclusive access;</li>
 *   <li>{@code SHARED}: access is not exclusive (an owner that shared it, or, with
 *       {@code UNOWNED}, a borrower of shared memory);</li>
 *   <li>{@code UNOWNED}: the VM does not own the memory (a borrower, with access);</li>
 *   <li>{@code INVALID}: the VM cannot access the memory (an owner that lent it away has
 *       {@code INVALID}; {@code INVALID|UNOWNED}, or {@code INVALID|UNOWNED|SHARED} for memory
 *       never mapped, is memory unrelated to the VM).</li>
 * </ul>
 * The current modes are the same over every constituent (the protocol requires it); the new
 * modes are those the engine will write if the share goes ahead. A relinquish gives R|W|X back.
 *
 * <p><b>Keeping state.</b> A policy that keeps state (a ledger) overrides {@link #committed} and
 * {@link #failed}. The engine calls {@link #refusal} and then exactly one of the two for every
 * request this policy was asked about and allowed, all while it holds the locks of both the
 * sender and the receiver, in the order the engine commits. So between {@code refusal} and the
 * outcome no other share of either VM can run, and a state keyed by the sender or receiver and
 * read in {@code refusal} is exact under concurrency. A policy that refused is not told the
 * outcome (the answer is DENIED, nothing changed). Requests of different VM pairs run
 * concurrently: the policy's own data structures must be thread-safe.
 *
 * <p>Implementations must be thread-safe and must not call back into the engine.
 */
@FunctionalInterface
public interface SharePolicy {

    /**
     * Decides on {@code request}.
     *
     * @return empty to allow it, or the reason to refuse it (shown to users)
     */
    Optional<String> refusal(ShareRequest request);

    /**
     * {@code request}, which this policy allowed, has committed: both VMs' tables now have the new
     * modes over every constituent of {@code request.region()} (for a relinquish, these are the
     * constituents the borrower returned to the owner). Called with both VMs' locks held; must not
     * throw (an exception is ignored: the share has already happened). Does nothing by default.
     */
    default void committed(ShareRequest request) {
    }

    /**
     * {@code request}, which this policy allowed, did not happen and changed nothing: a later
     * policy refused it ({@link SpciError#DENIED}) or the engine ran out of memory
     * ({@link SpciError#NO_MEMORY}). Called with both VMs' locks held; must not throw (an exception
     * is ignored). Does nothing by default.
     *
     * @param reason the engine's or the refusing policy's reason
     */
    default void failed(ShareRequest request, SpciError error, String reason) {
    }
}
