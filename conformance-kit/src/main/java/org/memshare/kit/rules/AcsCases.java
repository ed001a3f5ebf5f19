package org.memshare.kit.rules;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.memshare.api.ffa.FfaError;
import org.memshare.api.ffa.FfaShareKind;
import org.memshare.api.ffa.MemoryPermissions;
import org.memshare.api.ffa.MemoryTransaction;
import org.memshare.kit.ArchUnderTest;
import org.memshare.kit.fixture.FfaMachine;
import org.memshare.kit.model.FfaModes;

/**
 * What the ACS rules share: each rule runs the tests of one Arm FF-A ACS memory-management test
 * family as {@link Case cases}, each on a fresh {@link FfaLayout} (VM 1 the ACS client, VM 2 its
 * server, VM 3 the third endpoint; FF-A 1.2 throughout, as the ACS's v1.2 build), and reports every
 * failing test with its step. The digest of what each ACS test asserts is in the repository notes
 * of issue 12 ({@code acs-digest.md}); where the ACS accepts any error, the case checks Hafnium's
 * error code and says so.
 */
final class AcsCases {
    static final int VM1 = 1;
    static final int VM2 = 2;
    static final int VM3 = 3;
    static final int NONE = FfaModes.UNMAPPED;
    private static final int MAX_REPORTED = 25;

    /** One ACS test: its name as the ACS spells it, and its steps. */
    record Case(String test, Consumer<FfaRun> steps) {
    }

    private AcsCases() {
    }

    static Case of(String test, Consumer<FfaRun> steps) {
        return new Case(test, steps);
    }

    /** Runs every case on its own layout and fails with every failing one. */
    static void run(ArchUnderTest under, String family, Case... cases) {
        List<String> failures = new ArrayList<>();
        for (Case c : cases) {
            try {
                c.steps().accept(new FfaRun(FfaLayout.boot(under), "ACS " + c.test(), FfaRun.Check.MODES));
            } catch (AssertionError e) {
                failures.add(e.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            StringBuilder text = new StringBuilder(under.toString()).append(": ").append(failures.size()).append(" of ")
                    .append(cases.length).append(" tests of the ACS family ").append(family).append(" fail:");
            failures.stream().limit(MAX_REPORTED).forEach(f -> text.append("\n  ").append(f));
            fail(text.toString());
        }
    }

    /** The body of an untested rule: the kit skips such a rule, so reaching this means the skip broke. */
    static void untested() {
        fail("an untested rule ran: the kit should have skipped it with its reason");
    }

    // ------------------------------------------------------------------ steps several families take

    /** The ACS's default retrieve of a transaction of {@code kind} with one borrower: RW, and NX unless a share. */
    static FfaMachine.Retrieve retrieve(FfaRun r, FfaShareKind kind, int vm, long handle, int sender) {
        FfaMachine.Retrieve request = r.f.retrieve(vm, handle, sender);
        return kind == FfaShareKind.SHARE ? request.as(MemoryPermissions.RW) : request;
    }

    /**
     * The ACS's way to give a donation back: VM {@code holder} (which retrieved it) donates the
     * pages to VM {@code owner}, which retrieves them; afterwards the owner has R|W and the holder nothing.
     */
    static void donateBack(FfaRun r, int holder, int owner, long address, long pages) {
        long back = r.send(r.f.send(FfaShareKind.DONATE, holder).to(owner).pages(address, pages));
        MemoryTransaction response = r.retrieve(r.f.retrieve(owner, back, holder));
        if (response.constituents().isEmpty()) {
            throw r.failure("the retrieve of the donation back", "no constituents in " + response);
        }
    }

    /** The borrower's attempts to pass on what it borrowed: a lend, a share and a donate to VM 3, each DENIED. */
    static void borrowerCannotPassOn(FfaRun r, int borrower, long address, FfaShareKind... kinds) {
        for (FfaShareKind kind : kinds) {
            FfaMachine.Send send = r.f.send(kind, borrower).to(VM3).pages(address, 1);
            r.refused("the borrower's " + send, FfaError.DENIED, send::call);
        }
    }
}
