package org.memshare.engine.policy;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.memshare.api.ffa.FfaShareKind;
import org.memshare.api.mode.Mode;
import org.memshare.api.policy.FfaRequest;
import org.memshare.api.policy.SharePolicy;
import org.memshare.api.policy.ShareRequest;
import org.memshare.api.spci.Constituent;
import org.memshare.api.spci.ShareType;

/**
 * No VM has more than a cap of its memory lent or shared out at once. The policy keeps a ledger
 * of pages per owner, fed by the engine's {@link #committed} callbacks (under both VMs' locks,
 * in commit order), so it is exact under concurrency:
 * <ul>
 *   <li>a lend or share that would take the sender's ledger above the cap is refused (DENIED);
 *       one that commits adds its pages to the sender's ledger;</li>
 *   <li>a relinquish that commits subtracts the pages it returned from the receiver's (the
 *       owner's) ledger;</li>
 *   <li>a donate moves ownership: a donate of memory the sender had lent or shared out (its mode
 *       was {@code INVALID} or {@code SHARED}, to the borrower) subtracts those pages from the
 *       sender's ledger, since the sender no longer owns them and the new owner has them
 *       exclusively; a donate of memory the sender owned exclusively changes no ledger. A
 *       donate is never refused by this policy.</li>
 * </ul>
 * FF-A counts the same ledger: an FFA_MEM_LEND or FFA_MEM_SHARE that would take the sender above
 * the cap is refused when its last fragment has arrived, one that commits adds its pages, and the
 * reclaim of a lend or share that commits subtracts them (a relinquish only ends one borrower's
 * access: the sender has still lent the memory until it reclaims it). A donate is never refused.
 * A share that is refused or fails changes no ledger. A ledger never goes below zero: memory a
 * trace lent by mapping modes directly, not by a share, was never counted, and its relinquish
 * subtracts at most what is there. Every ledger entry is only changed while its VM's lock is
 * held, so it can be read in {@link #refusal} without a race.
 *
 * <p>One instance belongs to one machine: get a fresh one per machine from
 * {@link LendingCapFactory} ({@code lend-cap:16M}). Thread-safe.
 */
public final class LendingCapPolicy implements SharePolicy {
    private final long capPages;
    private final Map<Integer, Long> lent = new ConcurrentHashMap<>();

    /** A policy allowing at most {@code capPages} pages lent or shared out per VM. */
    public LendingCapPolicy(long capPages) {
        if (capPages < 0) {
            throw new IllegalArgumentException("the cap must not be negative, was " + capPages + " pages");
        }
        this.capPages = capPages;
    }

    /** The cap, in pages of 4 KiB. */
    public long capPages() {
        return capPages;
    }

    /** The pages {@code vm} has lent or shared out now, by this policy's ledger. */
    public long lentPages(int vm) {
        return lent.getOrDefault(vm, 0L);
    }

    @Override
    public Optional<String> refusal(ShareRequest request) {
        requireNonNull(request, "request is null");
        if (request.type() != ShareType.LEND && request.type() != ShareType.SHARE) {
            return Optional.empty();
        }
        long pages = pages(request);
        long now = lentPages(request.sender());
        if (now + pages > capPages) {
            return Optional.of("VM " + request.sender() + " may lend or share out at most " + capPages
                    + " pages (" + LendingCapFactory.size(capPages) + ") at once: it has " + now
                    + " out and this " + request.type().traceName() + " asks for " + pages + " more");
        }
        return Optional.empty();
    }

    @Override
    public void committed(ShareRequest request) {
        long pages = pages(request);
        int state = Mode.STATE_MASK;
        switch (request.type()) {
            case LEND, SHARE -> lent.merge(request.sender(), pages, Long::sum);
            case RELINQUISH -> subtract(request.receiver(), pages);
            case DONATE -> {
                int senderState = request.senderMode() & state;
                if (senderState == Mode.INVALID || senderState == Mode.SHARED) {
                    subtract(request.sender(), pages);
                }
            }
        }
    }

    @Override
    public Optional<String> refusal(FfaRequest request) {
        requireNonNull(request, "request is null");
        if (request.operation() != FfaRequest.Operation.SEND_LEND
                && request.operation() != FfaRequest.Operation.SEND_SHARE) {
            return Optional.empty();
        }
        long pages = request.pageCount();
        long now = lentPages(request.sender());
        if (now + pages > capPages) {
            return Optional.of("VM " + request.sender() + " may lend or share out at most " + capPages
                    + " pages (" + LendingCapFactory.size(capPages) + ") at once: it has " + now
                    + " out and this " + (request.operation() == FfaRequest.Operation.SEND_LEND ? "lend" : "share")
                    + " asks for " + pages + " more");
        }
        return Optional.empty();
    }

    @Override
    public void committed(FfaRequest request) {
        boolean lentKind = request.kind() == FfaShareKind.LEND || request.kind() == FfaShareKind.SHARE;
        switch (request.operation()) {
            case SEND_LEND, SEND_SHARE -> lent.merge(request.sender(), request.pageCount(), Long::sum);
            case RECLAIM -> {
                if (lentKind) {
                    subtract(request.sender(), request.pageCount());
                }
            }
            default -> {
                // A donate, a retrieve or a relinquish changes no owner's ledger.
            }
        }
    }

    private void subtract(int vm, long pages) {
        lent.computeIfPresent(vm, (id, had) -> had <= pages ? null : had - pages);
    }

    private static long pages(ShareRequest request) {
        long pages = 0;
        for (Constituent c : request.region().constituents()) {
            pages += c.pageCount();
        }
        return pages;
    }

    @Override
    public String toString() {
        return "LendingCapPolicy[" + capPages + " pages]";
    }
}
