package org.memshare.engine.ffa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.memshare.engine.ffa.FfaFixture.BASE;
import static org.memshare.engine.ffa.FfaFixture.BLOCK;
import static org.memshare.engine.ffa.FfaFixture.PAGE;
import static org.memshare.engine.ffa.FfaFixture.c;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.memshare.api.ffa.FfaConstituent;
import org.memshare.api.ffa.FfaError;
import org.memshare.api.ffa.FfaShareKind;
import org.memshare.api.ffa.Relinquish;
import org.memshare.api.ffa.TransactionFlags;
import org.memshare.api.pool.PagePool;

/**
 * An FF-A step that runs out of pool while updating a table says where, in the sharing core's
 * words (the same as SPCI's): whose table (its role in the step and its VM), for which
 * constituent, what the pool had and what the prepare needed; or which constituent the clear ran
 * out on. Every number of free pages from none up to enough is tried, on the fake arch.
 */
class FfaNoMemoryReasonTest {
    private static final Pattern PREPARE = Pattern.compile("the page pool ran out preparing the (\\w+)'s table"
            + " \\(VM (\\d)\\) for constituent (\\d) \\(0x[0-9a-f]+, \\d pages?\\): the page pool had (no free pages|\\d+ free"
            + " pages?), the prepare needs (\\d+) new tables?; nothing changed");
    private static final Pattern CLEAR = Pattern.compile("the page pool ran out clearing constituent (\\d) \\(0x[0-9a-f]+,"
            + " \\d pages?\\), mapping it into the hypervisor's stage-1 table: the page pool had .*, the map needs \\d+ new"
            + " tables?(; the constituents before it stay cleared)?; (.*)");

    /** Constituents that split VM 1's block and a page 1 GiB away from any stage-1 table. */
    private static final List<FfaConstituent> REGION = List.of(c(BLOCK + 8 * PAGE, 3), c(0x4000_0000L, 1));

    /**
     * Runs {@code scenario}'s step with 0, 1, 2... free pages until it succeeds; answers the place
     * each shortage was reported: "ROLE VM n" for a prepare, "clear n" for a clear, or the check.
     */
    private static List<String> places(Function<FfaFixture, Supplier<FfaOutcome>> scenario, String kept) {
        List<String> places = new ArrayList<>();
        for (long free = 0; ; free++) {
            FfaFixture f = FfaFixture.boot(FfaFixture.Arch.FAKE);
            f.map(1, 0x4000_0000L, 1, FfaFixture.RWX);
            Supplier<FfaOutcome> step = scenario.apply(f);
            PagePool pool = f.machine.pool();
            while (pool.freeCount() > free) {
                pool.alloc();
            }
            FfaOutcome outcome = step.get();
            if (!outcome.isRefused()) {
                return places;
            }
            assertEquals(FfaError.NO_MEMORY, outcome.result().error(), outcome::toString);
            Matcher prepare = PREPARE.matcher(outcome.reason());
            Matcher clear = CLEAR.matcher(outcome.reason());
            if (prepare.matches()) {
                assertTrue(outcome.check().orElseThrow().name().endsWith("_PREPARE_NO_MEMORY"), outcome::toString);
                places.add(prepare.group(1) + " " + prepare.group(2) + " " + prepare.group(3));
            } else if (clear.matches()) {
                assertTrue(outcome.check().orElseThrow().name().endsWith("_CLEAR_NO_MEMORY"), outcome::toString);
                assertEquals(kept, clear.group(3));
                places.add("clear " + clear.group(1));
            } else {
                places.add(outcome.check().orElseThrow().name());
            }
            assertTrue(free < 64, "the step never succeeded");
        }
    }

    @Test
    void aSendWithClearRunsOutCopyingTheDescriptorThenSplittingTheSendersBlockThenInStageOne() {
        // The descriptor copy takes a page first; the sender's block is split for constituent 0;
        // the clear maps each constituent into stage 1 (a level-1 and a level-0 table each).
        assertEquals(List.of("SEND_COPY_NO_MEMORY", "sender 1 0", "clear 0", "clear 0", "clear 1", "clear 1"),
                places(f -> () -> f.send(FfaShareKind.LEND, 1, REGION, TransactionFlags.CLEAR, 2),
                        "the sender keeps its memory, and no mode changed"));
    }

    @Test
    void aRetrieveNamesTheBorrowerOrForADonateTheReceiver() {
        // VM 2 needs a level-1 and a level-0 table for constituent 0, and a second level-1 table
        // (the next 1 GiB) and level-0 table for constituent 1.
        assertEquals(List.of("borrower 2 0", "borrower 2 1", "borrower 2 1"), places(f -> {
            long handle = f.sendOk(FfaShareKind.LEND, 1, REGION, 0, 2);
            return () -> f.retrieve(2, handle, 1, FfaShareKind.LEND, 0, 2);
        }, ""));
        assertEquals(List.of("receiver 2 0", "receiver 2 1", "receiver 2 1"), places(f -> {
            long handle = f.sendOk(FfaShareKind.DONATE, 1, REGION, 0, 2);
            return () -> f.retrieve(2, handle, 1, FfaShareKind.DONATE, 0, 2);
        }, ""));
    }

    @Test
    void aRelinquishWithClearPutsTheBorrowerBack() {
        // The borrower's tables stay (its pages become absent, the entries around them remain),
        // so only the clear needs pages.
        assertEquals(List.of("clear 0", "clear 0", "clear 1", "clear 1"), places(f -> {
            long handle = f.sendOk(FfaShareKind.LEND, 1, REGION, 0, 2);
            f.retrieveOk(2, handle, 1, FfaShareKind.LEND, 2);
            return () -> f.relinquish(2, handle, Relinquish.FLAG_CLEAR);
        }, "the borrower keeps its memory, and no mode changed"));
    }

    @Test
    void aReclaimWithClearClearsBeforeAnyCommit() {
        // A lender's lent pages are still invalid entries in its table: nothing to prepare.
        assertEquals(List.of("clear 0", "clear 0", "clear 1", "clear 1"), places(f -> {
            long handle = f.sendOk(FfaShareKind.LEND, 1, REGION, 0, 2);
            return () -> f.reclaim(1, handle, 1);
        }, "no mode changed"));
        // A donor's donated page 1 GiB away lost its tables to the defrag: the sender prepares them again.
        assertEquals(List.of("sender 1 1", "sender 1 1", "clear 0", "clear 0", "clear 1", "clear 1"), places(f -> {
            long handle = f.sendOk(FfaShareKind.DONATE, 1, REGION, 0, 2);
            return () -> f.reclaim(1, handle, 1);
        }, "no mode changed"));
    }
}
