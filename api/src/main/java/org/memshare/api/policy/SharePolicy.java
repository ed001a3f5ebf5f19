package org.memshare.api.policy;

import java.util.Optional;
import org.memshare.api.ffa.FfaError;
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
 * <p><b>FF-A.</b> The FF-A engine asks {@link #refusal(FfaRequest)} about every send (when its
 * last fragment has arrived), retrieve, relinquish and reclaim, after every check of the protocol
 * and before any page table or share state changes; a refusal answers DENIED. It then calls
 * {@link #committed(FfaRequest)} or {@link #failed(FfaRequest, FfaError, String)} exactly as for
 * SPCI, holding the caller's lock and the engine's share-state lock, so FF-A steps are told in
 * the order they commit. By default a policy allows every FF-A step and keeps no FF-A state, so
 * an SPCI policy keeps working unchanged.
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

    /**
     * Decides on an FF-A step. Allows everything by default.
     *
     * @return empty to allow it, or the reason to refuse it (shown to users); a refusal answers DENIED
     */
    default Optional<String> refusal(FfaRequest request) {
        return Optional.empty();
    }

    /**
     * {@code request}, which this policy allowed, has committed: the caller's table has the new
     * mode over every constituent and the share state has changed. Called with the caller's lock
     * and the share-state lock held; must not throw (an exception is ignored). Does nothing by
     * default.
     */
    default void committed(FfaRequest request) {
    }

    /**
     * {@code request}, which this policy allowed, did not happen and changed nothing: a later
     * policy refused it ({@link FfaError#DENIED}), or the engine ran out of memory
     * ({@link FfaError#NO_MEMORY}) or found a constituent beyond the PA range
     * ({@link FfaError#INVALID_PARAMETERS}) while preparing the tables. Called with the same locks
     * as {@link #committed(FfaRequest)}; must not throw. Does nothing by default.
     */
    default void failed(FfaRequest request, FfaError error, String reason) {
    }
}
