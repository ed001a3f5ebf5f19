package org.memshare.kit.rules;

import static org.junit.jupiter.api.Assertions.fail;
import static org.memshare.api.ffa.FfaShareKind.DONATE;
import static org.memshare.api.ffa.FfaShareKind.LEND;
import static org.memshare.api.ffa.FfaShareKind.SHARE;
import static org.memshare.api.mode.Mode.D;
import static org.memshare.api.mode.Mode.INVALID;
import static org.memshare.api.mode.Mode.R;
import static org.memshare.api.mode.Mode.SHARED;
import static org.memshare.api.mode.Mode.UNOWNED;
import static org.memshare.api.mode.Mode.W;
import static org.memshare.api.mode.Mode.X;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.memshare.api.arch.ArchFeature;
import org.memshare.api.ffa.FfaConstituent;
import org.memshare.api.ffa.FfaDescriptorCodec;
import org.memshare.api.ffa.FfaError;
import org.memshare.api.ffa.FfaResult;
import org.memshare.api.ffa.FfaShareKind;
import org.memshare.api.ffa.FfaVersion;
import org.memshare.api.ffa.Handle;
import org.memshare.api.ffa.MemoryAttributes;
import org.memshare.api.ffa.MemoryPermissions;
import org.memshare.api.ffa.MemoryTransaction;
import org.memshare.api.ffa.Relinquish;
import org.memshare.api.ffa.TransactionFlags;
import org.memshare.kit.ArchUnderTest;
import org.memshare.kit.ConformanceRule;
import org.memshare.kit.Level;
import org.memshare.kit.RuleDisplayNames;
import org.memshare.kit.fixture.FfaMachine;
import org.memshare.kit.fixture.KitMachine;
import org.memshare.engine.mm.EntryVisitor;
import org.memshare.kit.fixture.Snapshot;
import org.memshare.kit.model.FfaModes;

/**
 * FFA rules: FF-A memory management (donate, lend, share, retrieve, relinquish, reclaim, the
 * fragment ABIs) through the engine's public FF-A calls ({@code Hypervisor.ffa()}), on a machine of
 * the arch under test laid out by {@link FfaLayout}. The expectations are the kit's own
 * ({@link FfaModes}, and Hafnium's error codes as the issue-12 digest lists them), not the
 * engine's. Each rule runs all its scenarios and reports every failing one, naming the step as a
 * trace line.
 *
 * <p>The parties' state is read through the plugin: each VM's mode as its format reads it back
 * (compared as the format's canonical mode; INVALID with UNOWNED reads as an absent entry) and its
 * access through the hypervisor (FFA-1), or the plugin's own hardware walk (FFA-2).
 */
@DisplayNameGeneration(RuleDisplayNames.class)
public class FfaRules {
    private static final int VM1 = 1;
    private static final int VM2 = 2;
    private static final int VM3 = 3;
    private static final int RWX = KitMachine.RWX;
    private static final int NONE = FfaModes.UNMAPPED;
    private static final long PAGE = FfaLayout.PAGE;
    private static final int MAX_REPORTED = 25;

    // ====================================================================== FFA-1 and FFA-2: lifecycles

    /** One life of a handle, run on a fresh layout. */
    private record Lifecycle(String name, Consumer<FfaRun> steps) {
    }

    private static List<Lifecycle> lifecycles() {
        return List.of(
                new Lifecycle("donate, retrieve, donate back", FfaRules::donateAndBack),
                new Lifecycle("lend of three constituents (a block's first page, three pages, the address space's last "
                        + "page but one), retrieve, relinquish, reclaim", FfaRules::lendThree),
                new Lifecycle("share read-write, retrieve, relinquish, reclaim", r -> share(r, MemoryPermissions.RW, true)),
                new Lifecycle("share read-only, retrieve, relinquish, reclaim", r -> share(r, MemoryPermissions.RO, false)),
                new Lifecycle("lend of read-only memory", FfaRules::lendReadOnly),
                new Lifecycle("lend of device memory to one borrower", FfaRules::lendDevice),
                new Lifecycle("lend retrieved executable", FfaRules::lendExecutable),
                new Lifecycle("donate, lend and share reclaimed without a retrieve", FfaRules::reclaimUnretrieved),
                new Lifecycle("a borrower's own lend to a third VM", FfaRules::secondSender));
    }

    private static void donateAndBack(FfaRun r) {
        long p = r.l.page(1);
        long h = r.send(r.f.send(DONATE, VM1).to(VM2).pages(p, 1));
        r.expect("the donate", p, 1, NONE, NONE, NONE);
        MemoryTransaction resp = r.retrieve(r.f.retrieve(VM2, h, VM1));
        r.response("the retrieve", resp, h, DONATE, VM1, VM2, MemoryPermissions.RW_NX, List.of(FfaConstituent.of(p, 1)), false);
        r.expect("the retrieve", p, 1, NONE, R | W, NONE);
        r.reads("the retrieve", VM2, p, KitMachine.pattern(p));
        r.writes("the retrieve", VM2, p + 8, 0x1111);
        r.refused("mem_reclaim vm=1 of the donated handle, fully retrieved", FfaError.INVALID_PARAMETERS,
                () -> r.f.reclaim(VM1, h, 0), VM1, VM2);
        long back = r.send(r.f.send(DONATE, VM2).to(VM1).pages(p, 1));
        r.expect("the donate back", p, 1, NONE, NONE, NONE);
        r.retrieve(r.f.retrieve(VM1, back, VM2));
        r.expect("VM 1's retrieve of the donation back", p, 1, R | W, NONE, NONE);
        r.reads("the donation back", VM1, p + 8, 0x1111);
    }

    private static void lendThree(FfaRun r) {
        long first = r.l.page(0);
        long three = r.l.page(5);
        long last = r.l.last() - PAGE;
        FfaMachine.Send send = r.f.send(LEND, VM1).to(VM2).pages(first, 1).pages(three, 3).pages(last, 1);
        long h = r.send(send);
        long[][] ranges = {{first, 1}, {three, 3}, {last, 1}};
        for (long[] range : ranges) {
            r.expect("the lend", range[0], range[1], INVALID | RWX, NONE, NONE);
        }
        MemoryTransaction resp = r.retrieve(r.f.retrieve(VM2, h, VM1));
        r.response("the retrieve", resp, h, LEND, VM1, VM2, MemoryPermissions.RW_NX, send.constituents(), false);
        for (long[] range : ranges) {
            r.expect("the retrieve", range[0], range[1], INVALID | RWX, UNOWNED | R | W, NONE);
            r.reads("the retrieve", VM2, range[0], KitMachine.pattern(range[0]));
            r.writes("the retrieve", VM2, range[0] + 16, range[0] ^ 0x2222);
        }
        r.relinquish(VM2, h, 0);
        for (long[] range : ranges) {
            r.expect("the relinquish", range[0], range[1], INVALID | RWX, NONE, NONE);
        }
        r.reclaim(VM1, h, 0);
        for (long[] range : ranges) {
            r.expect("the reclaim", range[0], range[1], RWX, NONE, NONE);
            r.reads("the reclaim", VM1, range[0] + 16, range[0] ^ 0x2222);
        }
        // A block split by the lend is whole again to the owner, and its next page was never touched.
        r.expect("the reclaim", r.l.page(1), 4, RWX, NONE, NONE);
    }

    private static void share(FfaRun r, MemoryPermissions access, boolean write) {
        long p = r.l.page(8);
        long h = r.send(r.f.send(SHARE, VM1).to(VM2, access).pages(p, 2));
        r.expect("the share", p, 2, SHARED | RWX, NONE, NONE);
        MemoryTransaction resp = r.retrieve(r.f.retrieve(VM2, h, VM1).as(access));
        MemoryPermissions granted = MemoryPermissions.of(access.dataAccess(), MemoryPermissions.InstructionAccess.NX);
        r.response("the retrieve", resp, h, SHARE, VM1, VM2, granted, List.of(FfaConstituent.of(p, 2)), false);
        int borrower = FfaModes.retriever(SHARE, write, false, RWX);
        r.expect("the retrieve", p, 2, SHARED | RWX, borrower, NONE);
        r.writes("the retrieve", VM1, p + 24, 0x3333);
        r.reads("the retrieve", VM2, p + 24, 0x3333);
        if (write) {
            r.writes("the retrieve", VM2, p + PAGE + 24, 0x4444);
            r.reads("the retrieve", VM1, p + PAGE + 24, 0x4444);
        }
        r.relinquish(VM2, h, 0);
        r.expect("the relinquish", p, 2, SHARED | RWX, NONE, NONE);
        r.reclaim(VM1, h, 0);
        r.expect("the reclaim", p, 2, RWX, NONE, NONE);
    }

    private static void lendReadOnly(FfaRun r) {
        long p = r.l.readOnly();
        long h = r.send(r.f.send(LEND, VM1).to(VM2, MemoryPermissions.RO).pages(p, 1));
        r.expect("the lend", p, 1, INVALID | R, NONE, NONE);
        MemoryTransaction resp = r.retrieve(r.f.retrieve(VM2, h, VM1).as(MemoryPermissions.RO_NX));
        r.response("the retrieve", resp, h, LEND, VM1, VM2, MemoryPermissions.RO_NX, List.of(FfaConstituent.of(p, 1)), false);
        r.expect("the retrieve", p, 1, INVALID | R, UNOWNED | R, NONE);
        r.relinquish(VM2, h, 0);
        r.reclaim(VM1, h, 0);
        r.expect("the reclaim", p, 1, R, NONE, NONE);
    }

    private static void lendDevice(FfaRun r) {
        long p = r.l.device();
        int held = r.f.settled(R | W | D);
        if ((held & INVALID) != 0) {
            // The format cannot map device memory validly: the owner holds it invalid, so it cannot send it.
            r.refused("a lend of device memory the format holds as " + KitMachine.named(held), FfaError.DENIED,
                    () -> r.f.send(LEND, VM1).to(VM2).pages(p, 1).call(), VM2);
            return;
        }
        long h = r.send(r.f.send(LEND, VM1).to(VM2).pages(p, 1));
        r.expect("the lend", p, 1, INVALID | R | W | D, NONE, NONE);
        MemoryTransaction resp = r.retrieve(r.f.retrieve(VM2, h, VM1).attributes(MemoryAttributes.DEVICE_NGNRNE_INNER));
        r.response("the retrieve as device memory", resp, h, LEND, VM1, VM2, MemoryPermissions.RW_NX,
                List.of(FfaConstituent.of(p, 1)), false);
        r.expect("the retrieve as device memory", p, 1, INVALID | R | W | D, UNOWNED | R | W | D, NONE);
        r.relinquish(VM2, h, 0);
        r.reclaim(VM1, h, 0);
        r.expect("the reclaim", p, 1, R | W | D, NONE, NONE);
    }

    private static void lendExecutable(FfaRun r) {
        long p = r.l.page(11);
        long h = r.send(r.f.send(LEND, VM1).to(VM2).pages(p, 1));
        MemoryPermissions rwx = MemoryPermissions.of(MemoryPermissions.DataAccess.RW, MemoryPermissions.InstructionAccess.X);
        MemoryTransaction resp = r.retrieve(r.f.retrieve(VM2, h, VM1).as(rwx));
        r.response("the retrieve", resp, h, LEND, VM1, VM2, rwx, List.of(FfaConstituent.of(p, 1)), false);
        r.expect("the retrieve", p, 1, INVALID | RWX, UNOWNED | RWX, NONE);
        r.relinquish(VM2, h, 0);
        r.reclaim(VM1, h, 0);
        r.expect("the reclaim", p, 1, RWX, NONE, NONE);
    }

    private static void reclaimUnretrieved(FfaRun r) {
        int i = 12;
        for (FfaShareKind kind : FfaShareKind.values()) {
            long p = r.l.page(i++);
            long h = r.send(r.f.send(kind, VM1).to(VM2).pages(p, 1));
            r.expect("the " + kind, p, 1, FfaModes.senderAfterSend(kind, RWX), NONE, NONE);
            r.reclaim(VM1, h, 0);
            r.expect("the reclaim of the unretrieved " + kind, p, 1, RWX, NONE, NONE);
            r.reads("the reclaim of the unretrieved " + kind, VM1, p, KitMachine.pattern(p));
        }
    }

    private static void secondSender(FfaRun r) {
        long p = r.l.vm2Pages();
        long h = r.send(r.f.send(LEND, VM2).to(VM3).pages(p, 2));
        r.expect("VM 2's lend", p, 2, NONE, INVALID | R | W, NONE);
        MemoryTransaction resp = r.retrieve(r.f.retrieve(VM3, h, VM2));
        r.response("VM 3's retrieve", resp, h, LEND, VM2, VM3, MemoryPermissions.RW_NX, List.of(FfaConstituent.of(p, 2)), false);
        r.expect("VM 3's retrieve", p, 2, NONE, INVALID | R | W, UNOWNED | R | W);
        r.relinquish(VM3, h, 0);
        r.reclaim(VM2, h, 0);
        r.expect("VM 2's reclaim", p, 2, NONE, R | W, NONE);
    }

    /**
     * The life of a handle for each kind: a donate retrieved and donated back; a lend of three
     * constituents (one a 2 MiB block's first page, so a block splits, and one the address space's
     * last page) retrieved, written, relinquished and reclaimed; shares retrieved read-write and
     * read-only; a lend of read-only memory, of device memory (retrieved as device memory; where
     * the format holds device memory invalid, its canonical mode of R|W|D having INVALID, the lend is
     * DENIED and changes nothing) and one retrieved executable; a donate, a lend and a share reclaimed without a retrieve; and a lend by
     * VM 2 to VM 3. After each step every VM's mode of every page of the transaction must be what
     * FF-A says (the sender's state bits INVALID|UNOWNED, INVALID or SHARED after a send, R/W/X/D
     * kept; the retriever's R, R|W and X as granted, the sender's D, and no state, UNOWNED or
     * UNOWNED|SHARED; unmapped after a relinquish; exactly the original mode after a reclaim), its
     * access what that mode promises, and what the VMs read and write must be the memory's; each
     * retrieve response must carry the handle, the sender, the transaction type, the caller alone
     * with the granted permissions and the constituents sent.
     *
     * <p>When it fails: the message names the lifecycle, the step (as a trace line) and the party.
     * A wrong mode after a send or a reclaim points at how the format keeps R, W, X and D beside
     * INVALID; a wrong borrower mode at UNOWNED and SHARED together with permissions; a wrong
     * access at the valid and permission bits; a wrong reclaim at restoring a mode exactly.
     */
    @ConformanceRule(id = "FFA-1", title = "every party's mode and access after each step of the life of a donated, lent and shared handle")
    void ffa1Lifecycles(ArchUnderTest under) {
        runLifecycles(under, FfaRun.Check.MODES);
    }

    /**
     * The lifecycles of FFA-1, with the plugin's hardware walk: after each step, at three addresses
     * of every page of the transaction and of the pages on either side of it, in every VM, what the
     * walk grants equals what the engine's mode promises (a mode with INVALID faults; any other is
     * granted at the same address with exactly its R, W, X and D).
     *
     * <p>When it fails: as HW-2; a failure here but not there points at a mode only FF-A gives,
     * such as a borrower's UNOWNED with D, or an owner's SHARED with R|W|X.
     */
    @ConformanceRule(id = "FFA-2", level = Level.OPTIONAL, requires = ArchFeature.HARDWARE_WALK,
            title = "the hardware walk grants what the modes promise after each step of the FF-A lifecycles")
    void ffa2LifecyclesHardwareWalk(ArchUnderTest under) {
        runLifecycles(under, FfaRun.Check.WALK);
    }

    private static void runLifecycles(ArchUnderTest under, FfaRun.Check check) {
        List<String> failures = new ArrayList<>();
        List<Lifecycle> all = lifecycles();
        for (Lifecycle life : all) {
            FfaRun run = new FfaRun(FfaLayout.boot(under), life.name(), check);
            try {
                life.steps().accept(run);
            } catch (AssertionError e) {
                failures.add(e.getMessage());
            }
        }
        report(under, "lifecycles", all.size(), failures);
    }

    // ====================================================================== FFA-3: several borrowers

    /**
     * Several borrowers: a lend to VM 2 (read-write) and VM 3 (read-only), each retrieving with a
     * request that lists both (in either order); VM 2's second retrieve while it holds the memory
     * is DENIED; the reclaim is DENIED while any borrower holds it, and nothing changes; after VM 2
     * relinquishes it may retrieve again; after both relinquish the reclaim restores the owner. A
     * share to VM 2 and VM 3, retrieved by VM 2 alone with the bypass-borrowers flag and by VM 3
     * listing both: all three read each other's writes. A request listing a borrower with a wrong
     * permission (X in a multi-borrower lend) is refused for the caller (INVALID_PARAMETERS).
     * Borrowers' modes: R|W|UNOWNED and R|UNOWNED for the lend, R|W|UNOWNED|SHARED for the share.
     *
     * <p>When it fails: the message names the step; a mode failure for one borrower but not the
     * other points at the format's handling of UNOWNED with or without W.
     */
    @ConformanceRule(id = "FFA-3", title = "several borrowers each retrieve, hold and relinquish on their own; reclaim waits for all")
    void ffa3SeveralBorrowers(ArchUnderTest under) {
        List<String> failures = new ArrayList<>();
        run(under, "a lend to two borrowers", failures, FfaRules::lendToTwo);
        run(under, "a share to two borrowers", failures, FfaRules::shareToTwo);
        report(under, "multi-borrower scenarios", 2, failures);
    }

    private static void run(ArchUnderTest under, String name, List<String> failures, Consumer<FfaRun> steps) {
        try {
            steps.accept(new FfaRun(FfaLayout.boot(under), name, FfaRun.Check.MODES));
        } catch (AssertionError e) {
            failures.add(e.getMessage());
        }
    }

    private static void lendToTwo(FfaRun r) {
        long p = r.l.page(20);
        long h = r.send(r.f.send(LEND, VM1).to(VM2, MemoryPermissions.RW).to(VM3, MemoryPermissions.RO).pages(p, 2));
        r.expect("the lend", p, 2, INVALID | RWX, NONE, NONE);
        MemoryPermissions rx = MemoryPermissions.of(MemoryPermissions.DataAccess.RO, MemoryPermissions.InstructionAccess.X);
        r.refused("VM 2's retrieve listing VM 3 with X", FfaError.INVALID_PARAMETERS,
                () -> r.f.retrieve(VM2, h, VM1).as(MemoryPermissions.RW).listing(VM3, rx).call(), VM2);
        MemoryTransaction resp = r.retrieve(r.f.retrieve(VM2, h, VM1).as(MemoryPermissions.RW).listing(VM3, MemoryPermissions.RO));
        r.response("VM 2's retrieve", resp, h, LEND, VM1, VM2, MemoryPermissions.RW_NX, List.of(FfaConstituent.of(p, 2)), false);
        r.expect("VM 2's retrieve", p, 2, INVALID | RWX, UNOWNED | R | W, NONE);
        r.refused("VM 2's second retrieve while it holds the memory", FfaError.DENIED,
                () -> r.f.retrieve(VM2, h, VM1).as(MemoryPermissions.RW).listing(VM3, MemoryPermissions.RO).call(), VM2);
        MemoryTransaction resp3 = r.retrieve(r.f.retrieve(VM3, h, VM1).as(MemoryPermissions.RO)
                .listing(VM2, MemoryPermissions.RW).othersFirst());
        r.response("VM 3's retrieve", resp3, h, LEND, VM1, VM3, MemoryPermissions.RO_NX, List.of(FfaConstituent.of(p, 2)), false);
        r.expect("VM 3's retrieve", p, 2, INVALID | RWX, UNOWNED | R | W, UNOWNED | R);
        r.writes("both retrieved", VM2, p + 8, 0x5555);
        r.reads("both retrieved", VM3, p + 8, 0x5555);
        r.refused("mem_reclaim vm=1 while both hold it", FfaError.DENIED, () -> r.f.reclaim(VM1, h, 0));
        r.relinquish(VM2, h, 0);
        r.expect("VM 2's relinquish", p, 2, INVALID | RWX, NONE, UNOWNED | R);
        r.refused("mem_reclaim vm=1 while VM 3 holds it", FfaError.DENIED, () -> r.f.reclaim(VM1, h, 0));
        r.retrieve(r.f.retrieve(VM2, h, VM1).as(MemoryPermissions.RW).listing(VM3, MemoryPermissions.RO));
        r.expect("VM 2's retrieve after its relinquish", p, 2, INVALID | RWX, UNOWNED | R | W, UNOWNED | R);
        r.relinquish(VM3, h, 0);
        r.relinquish(VM2, h, 0);
        r.expect("both relinquishes", p, 2, INVALID | RWX, NONE, NONE);
        r.reclaim(VM1, h, 0);
        r.expect("the reclaim", p, 2, RWX, NONE, NONE);
        r.reads("the reclaim", VM1, p + 8, 0x5555);
    }

    private static void shareToTwo(FfaRun r) {
        long p = r.l.page(24);
        long h = r.send(r.f.send(SHARE, VM1).to(VM2, MemoryPermissions.RW).to(VM3, MemoryPermissions.RW).pages(p, 1));
        r.expect("the share", p, 1, SHARED | RWX, NONE, NONE);
        r.retrieve(r.f.retrieve(VM2, h, VM1).as(MemoryPermissions.RW).flags(TransactionFlags.BYPASS_BORROWERS_CHECK));
        r.expect("VM 2's retrieve with the bypass flag", p, 1, SHARED | RWX, UNOWNED | SHARED | R | W, NONE);
        r.retrieve(r.f.retrieve(VM3, h, VM1).as(MemoryPermissions.RW).listing(VM2, MemoryPermissions.RW).othersFirst());
        int borrower = UNOWNED | SHARED | R | W;
        r.expect("VM 3's retrieve", p, 1, SHARED | RWX, borrower, borrower);
        r.writes("both retrieved", VM3, p + 8, 0x6666);
        r.reads("both retrieved", VM2, p + 8, 0x6666);
        r.reads("both retrieved", VM1, p + 8, 0x6666);
        r.relinquish(VM2, h, 0);
        r.relinquish(VM3, h, 0);
        r.reclaim(VM1, h, 0);
        r.expect("the reclaim", p, 1, RWX, NONE, NONE);
    }

    // ====================================================================== FFA-4: fragments

    /** Every other page of VM 1's 2 MiB range: 256 one-page constituents, more than a 4 KiB buffer holds. */
    private static final int SPREAD = 256;

    /**
     * Fragments: a lend of 256 one-page constituents (every other page of a 2 MiB range: more than
     * a 4096-byte buffer holds) sent in three fragments. The first two answer MEM_FRAG_RX with the
     * handle and the bytes sent so far (w4 0); until the last, nothing changes in any table and
     * the handle can be neither retrieved nor reclaimed (INVALID_PARAMETERS); the last answers
     * SUCCESS with the handle. VM 2's retrieve answers MEM_RETRIEVE_RESP with the total length and
     * a first fragment of at most 4096 bytes; MEM_FRAG_RX at the bytes received so far (after
     * releasing the RX buffer each time) gives MEM_FRAG_TX with the next ones, until the
     * constituents received are exactly the ones sent. Afterwards every lent page is VM 1's
     * INVALID|R|W|X and VM 2's UNOWNED|R|W, every page between them still VM 1's R|W|X; relinquish
     * and reclaim restore everything.
     *
     * <p>When it fails: the step is named; a mode failure after the retrieve on many pages points
     * at a 2 MiB block split into pages (the plugin's table entries at level 0).
     */
    @ConformanceRule(id = "FFA-4", title = "a send and a retrieve in fragments move exactly the memory of every fragment")
    void ffa4Fragments(ArchUnderTest under) {
        List<String> failures = new ArrayList<>();
        run(under, "a lend in three fragments", failures, FfaRules::fragments);
        report(under, "fragment scenarios", 1, failures);
    }

    private static void fragments(FfaRun r) {
        FfaMachine.Send send = r.f.send(LEND, VM1).to(VM2);
        for (int i = 0; i < SPREAD; i++) {
            send.pages(r.l.page(2 * i), 1);
        }
        byte[] whole = send.encoded();
        int header = whole.length - SPREAD * FfaConstituent.SIZE;
        int[] cuts = {header + 100 * FfaConstituent.SIZE, header + 200 * FfaConstituent.SIZE, whole.length};
        Snapshot before = r.l.m().snapshot();
        String step = send + " (first fragment of " + cuts[0] + " bytes, total " + whole.length + ")";
        // The share state keeps a copy of the fragment, from the same pool as page tables (as
        // Hafnium), so only the pool's free count may change before the last fragment.
        FfaResult first = r.f.memSend(VM1, LEND, Arrays.copyOf(whole, cuts[0]), whole.length);
        if (first.function() != FfaResult.Function.MEM_FRAG_RX || first.handle().isEmpty() || first.w3() != cuts[0]
                || first.w4() != 0) {
            throw r.failure(step, "answered " + first + r.f.why() + ", expected MEM_FRAG_RX with the handle, w3 = " + cuts[0] + ", w4 = 0");
        }
        long h = first.handle().getAsLong();
        Snapshot after = r.l.m().snapshot();
        String unchanged = new Snapshot(after.tables(), before.freePages(), after.residentPages(), after.memory(),
                after.mailboxes()).diff(before);
        if (!unchanged.isEmpty()) {
            throw r.failure(step, "an incomplete send changed the machine: " + unchanged.replace('\n', ';'));
        }
        r.refused("a retrieve of the incomplete send", FfaError.INVALID_PARAMETERS, () -> r.f.retrieve(VM2, h, VM1).call(), VM2);
        r.refused("a reclaim of the incomplete send", FfaError.INVALID_PARAMETERS, () -> r.f.reclaim(VM1, h, 0));
        FfaResult second = r.f.fragTx(VM1, h, Arrays.copyOfRange(whole, cuts[0], cuts[1]), 0);
        if (second.function() != FfaResult.Function.MEM_FRAG_RX || second.w3() != cuts[1]
                || second.handle().orElse(~h) != h) {
            throw r.failure("mem_frag_tx vm=1 handle=" + Handle.toString(h) + " (second fragment)",
                    "answered " + second + r.f.why() + ", expected MEM_FRAG_RX with w3 = " + cuts[1]);
        }
        FfaResult third = r.f.fragTx(VM1, h, Arrays.copyOfRange(whole, cuts[1], cuts[2]), 0);
        if (third.function() != FfaResult.Function.SUCCESS || third.handle().orElse(~h) != h) {
            throw r.failure("mem_frag_tx vm=1 handle=" + Handle.toString(h) + " (last fragment)",
                    "answered " + third + r.f.why() + ", expected SUCCESS with the handle");
        }
        for (int i = 0; i < SPREAD; i++) {
            r.expect("the last fragment", r.l.page(2 * i), 1, INVALID | RWX, NONE, NONE);
            r.expect("the last fragment", r.l.page(2 * i + 1), 1, RWX, NONE, NONE);
        }
        List<FfaConstituent> received = retrieveInFragments(r, h);
        if (!received.equals(send.constituents())) {
            throw r.failure("the fragmented retrieve", "received " + received.size() + " constituents "
                    + (received.size() <= 8 ? received : "") + ", not the " + SPREAD + " sent");
        }
        for (int i = 0; i < SPREAD; i++) {
            r.expect("the fragmented retrieve", r.l.page(2 * i), 1, INVALID | RWX, UNOWNED | R | W, NONE);
            r.expect("the fragmented retrieve", r.l.page(2 * i + 1), 1, RWX, NONE, NONE);
        }
        r.relinquish(VM2, h, 0);
        r.reclaim(VM1, h, 0);
        r.expect("the reclaim", r.l.block(), 2 * SPREAD, RWX, NONE, NONE);
    }

    /** VM 2's retrieve of {@code h} through MEM_RETRIEVE_RESP and MEM_FRAG_RX until every constituent arrived. */
    private static List<FfaConstituent> retrieveInFragments(FfaRun r, long h) {
        FfaMachine.Retrieve retrieve = r.f.retrieve(VM2, h, VM1);
        FfaResult answer = retrieve.call();
        if (answer.function() != FfaResult.Function.MEM_RETRIEVE_RESP || answer.w2() > 4096
                || Integer.compareUnsigned(answer.w2(), answer.w1()) >= 0) {
            throw r.failure(retrieve.toString(), "answered " + answer + r.f.why() + ", expected MEM_RETRIEVE_RESP with a first "
                    + "fragment (w2) of at most 4096 bytes, shorter than the total (w1)");
        }
        int total = answer.w1();
        MemoryTransaction head = r.f.decodeResponse(VM2, answer, retrieve.toString());
        List<FfaConstituent> received = new ArrayList<>(head.constituents());
        int offset = answer.w2();
        r.f.release(VM2);
        for (int round = 0; offset < total && round < SPREAD; round++) {
            FfaResult next = r.f.fragRx(VM2, h, offset, 0);
            String step = "mem_frag_rx vm=2 handle=" + Handle.toString(h) + " offset=0x" + Integer.toHexString(offset);
            if (next.function() != FfaResult.Function.MEM_FRAG_TX || next.w3() <= 0 || next.w3() % FfaConstituent.SIZE != 0
                    || next.w3() > 4096 || next.rxBytes().length < next.w3()) {
                throw r.failure(step, "answered " + next + r.f.why() + ", expected MEM_FRAG_TX with a whole number of constituents");
            }
            byte[] bytes = next.rxBytes();
            for (int at = 0; at < next.w3(); at += FfaConstituent.SIZE) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes, at, FfaConstituent.SIZE).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                received.add(FfaConstituent.of(b.getLong(), Integer.toUnsignedLong(b.getInt())));
            }
            offset += next.w3();
            r.f.release(VM2);
        }
        if (offset != total) {
            throw r.failure("the fragmented retrieve", "received 0x" + Integer.toHexString(offset) + " bytes of 0x"
                    + Integer.toHexString(total));
        }
        return received;
    }

    // ====================================================================== FFA-5: versions

    private static final FfaVersion[] VERSIONS = {FfaVersion.V1_0, FfaVersion.V1_1, FfaVersion.V1_2, FfaVersion.V1_3};

    /**
     * Version interop: senders speaking FF-A 1.0, 1.1, 1.2 and 1.3 (VMs 1 to 4, each in its own
     * layout: the 32-byte v1.0 header and 16-byte access descriptors, the 48-byte header with 16-
     * or 32-byte descriptors) each lend a page to retrievers speaking each version (VMs 5 to 8):
     * every retrieve succeeds, its response decodes in the retriever's layout (its header and
     * descriptor size) with the right sender, handle, receiver, permissions and constituent, the
     * borrower's mode is R|W|UNOWNED, and relinquish and reclaim succeed. A v1.1 share to a v1.0
     * and a v1.2 borrower is retrieved by both.
     *
     * <p>When it fails: the pair of versions is named; the engine's conversion of the descriptor
     * between layouts is at fault, not the plugin, unless every pair fails the same way.
     */
    @ConformanceRule(id = "FFA-5", title = "senders and retrievers of every FF-A version understand each other")
    void ffa5VersionInterop(ArchUnderTest under) {
        List<String> failures = new ArrayList<>();
        FfaVersion[] eight = new FfaVersion[8];
        for (int i = 0; i < 4; i++) {
            eight[i] = VERSIONS[i];
            eight[i + 4] = VERSIONS[i];
        }
        FfaLayout l = FfaLayout.boot(under, eight);
        KitMachine m = l.m();
        long[] own = new long[5];
        own[1] = l.page(64);
        own[2] = l.vm2Pages();
        own[3] = l.vm2Pages() + 0x40_000;
        own[4] = l.vm2Pages() + 0x50_000;
        m.mapPages(3, own[3], 16, R | W);
        m.mapPages(4, own[4], 16, R | W);
        int rows = 0;
        for (int s = 1; s <= 4; s++) {
            int ownerMode = s == 1 ? RWX : R | W;
            for (int t = 5; t <= 8; t++) {
                rows++;
                long p = own[s] + (t - 5) * PAGE;
                String name = "v" + l.f().version(s) + " VM " + s + " lending to v" + l.f().version(t) + " VM " + t;
                FfaRun r = new FfaRun(l, name, FfaRun.Check.MODES);
                try {
                    long h = r.send(r.f.send(LEND, s).to(t).pages(p, 1));
                    MemoryTransaction resp = r.retrieve(r.f.retrieve(t, h, s));
                    r.response("the retrieve", resp, h, LEND, s, t, MemoryPermissions.RW_NX, List.of(FfaConstituent.of(p, 1)), false);
                    layoutProblem(resp, l.f().version(t)).ifPresent(problem -> {
                        throw r.failure("the retrieve", problem);
                    });
                    if (r.f.kit().mode(t, p, 1).orElse(-1) != r.f.settled(UNOWNED | R | W)) {
                        throw r.failure("the retrieve", "VM " + t + " has " + r.f.kit().describeMode(t, p) + ", expected "
                                + KitMachine.named(r.f.settled(UNOWNED | R | W)));
                    }
                    r.relinquish(t, h, 0);
                    r.reclaim(s, h, 0);
                    if (r.f.kit().mode(s, p, 1).orElse(-1) != r.f.settled(ownerMode)) {
                        throw r.failure("the reclaim", "VM " + s + " has " + r.f.kit().describeMode(s, p));
                    }
                } catch (AssertionError e) {
                    failures.add(e.getMessage());
                    l = FfaLayout.boot(under, eight);
                    m = l.m();
                    m.mapPages(3, own[3], 16, R | W);
                    m.mapPages(4, own[4], 16, R | W);
                }
            }
        }
        rows++;
        FfaRun r = new FfaRun(l, "a v1.1 share to a v1.0 and a v1.2 borrower", FfaRun.Check.MODES);
        try {
            long p = own[2] + 8 * PAGE;
            long h = r.send(r.f.send(SHARE, 2).to(5, MemoryPermissions.RW).to(7, MemoryPermissions.RW).pages(p, 1));
            for (int t : new int[] {5, 7}) {
                MemoryTransaction resp = r.retrieve(r.f.retrieve(t, h, 2).as(MemoryPermissions.RW)
                        .listing(t == 5 ? 7 : 5, MemoryPermissions.RW));
                r.response("VM " + t + "'s retrieve", resp, h, SHARE, 2, t, MemoryPermissions.RW_NX,
                        List.of(FfaConstituent.of(p, 1)), false);
                layoutProblem(resp, l.f().version(t)).ifPresent(problem -> {
                    throw r.failure("VM " + t + "'s retrieve", problem);
                });
            }
            r.relinquish(5, h, 0);
            r.relinquish(7, h, 0);
            r.reclaim(2, h, 0);
        } catch (AssertionError e) {
            failures.add(e.getMessage());
        }
        report(under, "version pairs", rows, failures);
    }

    /** What is wrong with a response's layout for a retriever of {@code version}, if anything. */
    private static java.util.Optional<String> layoutProblem(MemoryTransaction response, FfaVersion version) {
        if (response.receiversOffset() != version.headerSize() || response.accessDescriptorSize() != version.accessDescriptorSize()) {
            return java.util.Optional.of("the response is laid out with receivers at " + response.receiversOffset()
                    + " and " + response.accessDescriptorSize() + "-byte descriptors, not as v" + version + " ("
                    + version.headerSize() + ", " + version.accessDescriptorSize() + ")");
        }
        return java.util.Optional.empty();
    }

    // ====================================================================== FFA-6: clear

    /**
     * Clearing: a donate and a lend with the clear flag give the borrower pages that read zero
     * (every word checked, the retrieve response's flag bit 0 set), and leave the memory next to
     * the constituents and the hypervisor's stage-1 table as they were; without the flag the
     * borrower reads the old contents (flag bit 0 clear). A share with the clear flag is refused
     * (INVALID_PARAMETERS) with the memory intact. A borrower's relinquish with the clear flag, and
     * a reclaim with the clear flag, zero the memory the owner gets back; a retrieve asking for a
     * clear of memory the sender cleared succeeds.
     *
     * <p>When it fails: memory not zeroed, or zeroed next to a constituent, points at the clearing
     * (the hypervisor's stage-1 mapping of the memory, the plugin's data-cache maintenance); a
     * stage-1 entry left behind at the stage-1 encoding of an unmap.
     */
    @ConformanceRule(id = "FFA-6", title = "the clear flags zero exactly the memory of the transaction, at send, relinquish and reclaim")
    void ffa6Clear(ArchUnderTest under) {
        List<String> failures = new ArrayList<>();
        for (FfaShareKind kind : List.of(DONATE, LEND)) {
            for (boolean clear : new boolean[] {true, false}) {
                run(under, kind + (clear ? " with" : " without") + " the clear flag", failures, r -> clearAtSend(r, kind, clear));
            }
        }
        run(under, "a share with the clear flag", failures, FfaRules::shareWithClear);
        run(under, "a relinquish with the clear flag", failures, r -> clearLater(r, true));
        run(under, "a reclaim with the clear flag", failures, r -> clearLater(r, false));
        report(under, "clear scenarios", 7, failures);
    }

    private static void clearAtSend(FfaRun r, FfaShareKind kind, boolean clear) {
        long p = r.l.page(2);
        KitMachine m = r.l.m();
        Snapshot before = m.snapshot();
        long h = r.send(r.f.send(kind, VM1).to(VM2).pages(p, 2).flags(clear ? TransactionFlags.CLEAR : 0));
        MemoryTransaction resp = r.retrieve(r.f.retrieve(VM2, h, VM1).flags(clear ? TransactionFlags.CLEAR : 0));
        r.response("the retrieve", resp, h, kind, VM1, VM2, MemoryPermissions.RW_NX, List.of(FfaConstituent.of(p, 2)), clear);
        for (long a = p; a != p + 2 * PAGE; a += 8) {
            long want = clear ? 0 : before.word(a);
            if (m.peek(a) != want || (a % PAGE == 0 || a % PAGE == PAGE - 8)) {
                r.reads("the retrieve", VM2, a, want);
            }
        }
        for (long a : new long[] {p - 8, p - PAGE, p + 2 * PAGE, p + 3 * PAGE - 8}) {
            if (m.peek(a) != before.word(a)) {
                throw r.failure("the retrieve", "memory next to the constituents changed at 0x" + Long.toHexString(a));
            }
        }
        // Hafnium main leaves the tables a clear made in stage 1 (it never defragments stage 1),
        // so only a mapping left behind is wrong: the memory must not stay mapped there.
        List<Snapshot.Entry> mapped = m.snapshot().stage1().stream()
                .filter(e -> e.kind() != EntryVisitor.Kind.TABLE && !before.stage1().contains(e)).toList();
        if (!mapped.isEmpty()) {
            throw r.failure("the retrieve", "the hypervisor's stage-1 table keeps a mapping after the clear: " + mapped);
        }
    }

    private static void shareWithClear(FfaRun r) {
        long p = r.l.page(2);
        r.refused("a share with the clear flag", FfaError.INVALID_PARAMETERS,
                () -> r.f.send(SHARE, VM1).to(VM2).pages(p, 1).flags(TransactionFlags.CLEAR).call());
        r.reads("the refused share", VM1, p, KitMachine.pattern(p));
    }

    private static void clearLater(FfaRun r, boolean atRelinquish) {
        long p = r.l.page(4);
        long h = r.send(r.f.send(LEND, VM1).to(VM2).pages(p, 1));
        r.retrieve(r.f.retrieve(VM2, h, VM1));
        r.writes("the retrieve", VM2, p + 40, 0x7777);
        r.relinquish(VM2, h, atRelinquish ? Relinquish.FLAG_CLEAR : 0);
        r.reclaim(VM1, h, atRelinquish ? 0 : 1);
        for (long a : new long[] {p, p + 40, p + PAGE - 8}) {
            r.reads("the reclaim", VM1, a, 0);
        }
        r.reads("the reclaim", VM1, p + PAGE, KitMachine.pattern(p + PAGE));
    }

    // ====================================================================== FFA-7: refusals

    /** One refused call: what it is, its expected answer, and the VMs whose RX must stay empty. */
    private record Refusal(String what, FfaError error, java.util.function.Function<Live, FfaResult> call, boolean device) {
        Refusal(String what, FfaError error, java.util.function.Function<Live, FfaResult> call) {
            this(what, error, call, false);
        }

        /** A refusal that needs device memory lent: run only where the plugin maps device memory validly. */
        static Refusal ofDevice(String what, FfaError error, java.util.function.Function<Live, FfaResult> call) {
            return new Refusal(what, error, call, true);
        }
    }

    /**
     * A machine with transactions in every state the refusals need: {@code lent} lent to VM 2 and
     * retrieved; {@code idle} lent to VM 2, not retrieved; {@code shared} shared read-only to VMs 2
     * and 3, not retrieved; {@code device} the device page lent to VM 2, not retrieved (where the
     * plugin maps device memory validly, else -1); {@code sharedHeld} shared read-write to VM 2 and
     * retrieved; {@code lentRo} lent read-only to VM 2 and retrieved; {@code roOriginal} a
     * read-only page of VM 1 lent to VM 2, not retrieved.
     */
    private record Live(FfaLayout l, FfaMachine f, long lent, long idle, long shared, long device, long sharedHeld,
            long lentRo, long roOriginal) {
        static final int FRESH = 40;

        static Live boot(ArchUnderTest under) {
            FfaLayout l = FfaLayout.boot(under);
            FfaMachine f = l.f();
            l.m().mapPages(VM1, l.page(35), 1, R);
            l.m().mapPages(VM1, l.page(36), 1, R | W | D);
            long lent = f.send(LEND, VM1).to(VM2).pages(l.page(30), 1).handle();
            f.retrieve(VM2, lent, VM1).response();
            long shared = f.send(SHARE, VM1).to(VM2, MemoryPermissions.RO).to(VM3, MemoryPermissions.RO).pages(l.page(31), 1).handle();
            long device = FfaLayout.deviceValid(under) ? f.send(LEND, VM1).to(VM2).pages(l.device(), 1).handle() : -1;
            long sharedHeld = f.send(SHARE, VM1).to(VM2).pages(l.page(32), 1).handle();
            f.retrieve(VM2, sharedHeld, VM1).as(MemoryPermissions.RW).response();
            long lentRo = f.send(LEND, VM1).to(VM2, MemoryPermissions.RO).pages(l.page(33), 1).handle();
            f.retrieve(VM2, lentRo, VM1).as(MemoryPermissions.RO_NX).response();
            long roOriginal = f.send(LEND, VM1).to(VM2, MemoryPermissions.RO).pages(l.page(35), 1).handle();
            long idle = f.send(LEND, VM1).to(VM2).pages(l.page(37), 1).handle();
            return new Live(l, f, lent, idle, shared, device, sharedHeld, lentRo, roOriginal);
        }

        FfaMachine.Send lend() {
            return f.send(LEND, VM1).to(VM2).pages(l.page(FRESH), 1);
        }

        FfaMachine.Send share() {
            return f.send(SHARE, VM1).to(VM2).pages(l.page(FRESH), 1);
        }

        FfaMachine.Send donate() {
            return f.send(DONATE, VM1).to(VM2).pages(l.page(FRESH), 1);
        }

        FfaMachine.Retrieve retrieveShared(int vm) {
            return f.retrieve(vm, shared, VM1).as(MemoryPermissions.RO).listing(vm == VM2 ? VM3 : VM2, MemoryPermissions.RO);
        }
    }

    private static final MemoryPermissions RO_X = MemoryPermissions.of(MemoryPermissions.DataAccess.RO,
            MemoryPermissions.InstructionAccess.X);
    private static final MemoryPermissions RW_X = MemoryPermissions.of(MemoryPermissions.DataAccess.RW,
            MemoryPermissions.InstructionAccess.X);

    private static List<Refusal> refusals() {
        FfaError inval = FfaError.INVALID_PARAMETERS;
        FfaError denied = FfaError.DENIED;
        List<Refusal> all = new ArrayList<>();
        // ---- sends
        all.add(new Refusal("a lend whose total length is 16 more than its descriptor", inval,
                v -> v.lend().totalLength(v.lend().encoded().length + 16).call()));
        all.add(new Refusal("a lend whose total length is 16 less than its fragment", inval,
                v -> v.lend().totalLength(v.lend().encoded().length - 16).call()));
        all.add(new Refusal("a lend whose sender field names VM 3", denied, v -> v.lend().sender(VM3).call()));
        all.add(new Refusal("a lend with receiver count 0", inval,
                v -> v.lend().bytes("receiver count 0", Descriptors::noReceivers).call()));
        all.add(new Refusal("a lend whose receiver's composite offset is 0", inval,
                v -> v.lend().bytes("composite offset 0", Descriptors::noCompositeOffset).call()));
        all.add(new Refusal("a lend to three receivers", inval, v -> v.f.send(LEND, VM1).to(VM2).to(VM3).to(VM2)
                .pages(v.l.page(Live.FRESH), 1).call()));
        all.add(new Refusal("a lend to the sender", inval, v -> v.f.send(LEND, VM1).to(VM1).pages(v.l.page(Live.FRESH), 1).call()));
        for (int nobody : new int[] {0, 4}) {
            all.add(new Refusal("a lend to 0x" + Integer.toHexString(nobody) + ", no VM", inval,
                    v -> v.f.send(LEND, VM1).to(nobody).pages(v.l.page(Live.FRESH), 1).call()));
        }
        all.add(new Refusal("a share to VM 2 twice", inval, v -> v.f.send(SHARE, VM1).to(VM2).to(VM2)
                .pages(v.l.page(Live.FRESH), 1).call()));
        all.add(new Refusal("a donate to two receivers", inval, v -> v.f.send(DONATE, VM1).to(VM2).to(VM3)
                .pages(v.l.page(Live.FRESH), 1).call()));
        all.add(new Refusal("a donate specifying data access", inval, v -> v.f.send(DONATE, VM1).to(VM2, MemoryPermissions.RW)
                .pages(v.l.page(Live.FRESH), 1).call()));
        all.add(new Refusal("a donate specifying instruction access", inval, v -> v.f.send(DONATE, VM1)
                .to(VM2, MemoryPermissions.of(MemoryPermissions.DataAccess.NOT_SPECIFIED, MemoryPermissions.InstructionAccess.X))
                .pages(v.l.page(Live.FRESH), 1).call()));
        all.add(new Refusal("a lend specifying instruction access", inval, v -> v.f.send(LEND, VM1).to(VM2, MemoryPermissions.RW_NX)
                .pages(v.l.page(Live.FRESH), 1).call()));
        all.add(new Refusal("a share specifying instruction access", inval, v -> v.f.send(SHARE, VM1).to(VM2, RW_X)
                .pages(v.l.page(Live.FRESH), 1).call()));
        all.add(new Refusal("a lend not specifying data access", inval, v -> v.f.send(LEND, VM1).to(VM2, MemoryPermissions.UNSPECIFIED)
                .pages(v.l.page(Live.FRESH), 1).call()));
        all.add(new Refusal("a share not specifying data access", inval, v -> v.f.send(SHARE, VM1).to(VM2, MemoryPermissions.UNSPECIFIED)
                .pages(v.l.page(Live.FRESH), 1).call()));
        all.add(new Refusal("a lend with the reserved data access 3", inval, v -> v.f.send(LEND, VM1).to(VM2, new MemoryPermissions(3))
                .pages(v.l.page(Live.FRESH), 1).call()));
        all.add(new Refusal("a share with the clear flag", inval, v -> v.share().flags(TransactionFlags.CLEAR).call()));
        all.add(new Refusal("a lend with the time-slice flag", inval, v -> v.lend().flags(TransactionFlags.TIME_SLICE).call()));
        all.add(new Refusal("a lend with flag bit 5", inval, v -> v.lend().flags(1 << 5).call()));
        all.add(new Refusal("a lend with the non-secure attribute bit", inval,
                v -> v.lend().attributes(new MemoryAttributes(MemoryAttributes.SECURITY_BIT)).call()));
        all.add(new Refusal("a donate with normal memory attributes", inval,
                v -> v.donate().attributes(MemoryAttributes.NORMAL_WRITE_BACK_INNER).call()));
        all.add(new Refusal("a lend to one borrower with normal memory attributes", inval,
                v -> v.lend().attributes(MemoryAttributes.NORMAL_WRITE_BACK_INNER).call()));
        all.add(new Refusal("a share of non-cacheable memory", denied, v -> v.share()
                .attributes(MemoryAttributes.normal(MemoryAttributes.NON_CACHEABLE, MemoryAttributes.Shareability.INNER)).call()));
        all.add(new Refusal("a share of outer-shareable memory", denied, v -> v.share()
                .attributes(MemoryAttributes.normal(MemoryAttributes.WRITE_BACK, MemoryAttributes.Shareability.OUTER)).call()));
        all.add(new Refusal("two overlapping constituents", inval,
                v -> v.f.send(LEND, VM1).to(VM2).pages(v.l.page(Live.FRESH), 2).pages(v.l.page(Live.FRESH + 1), 1).call()));
        all.add(new Refusal("a total page count of 5 for 2 pages", inval, v -> v.f.send(LEND, VM1).to(VM2)
                .pages(v.l.page(Live.FRESH), 2).edit("total page count 5", t -> t.withComposite(t.composite()
                        .map(c -> new org.memshare.api.ffa.CompositeRegion(5, c.constituentCount(), 0, c.constituents())))).call()));
        all.add(new Refusal("an unaligned constituent", inval,
                v -> v.f.send(LEND, VM1).to(VM2).pages(v.l.page(Live.FRESH) + 0x800, 1).call()));
        all.add(new Refusal("no constituent", inval, v -> v.f.send(LEND, VM1).to(VM2).call()));
        all.add(new Refusal("a lend of the address space's last page (Hafnium takes its end, the PA range's end, as beyond it)",
                inval, v -> v.f.send(LEND, VM1).to(VM2).pages(v.l.last(), 1).call()));
        all.add(new Refusal("a constituent beyond the address space", denied,
                v -> v.f.send(LEND, VM1).to(VM2).pages(v.l.m().addressSpaceEnd(), 1).call()));
        all.add(new Refusal("memory VM 1 does not have (VM 2's)", denied,
                v -> v.f.send(LEND, VM1).to(VM3).pages(v.l.vm2Pages(), 1).call()));
        all.add(new Refusal("memory VM 1 has lent", denied, v -> v.f.send(LEND, VM1).to(VM3).pages(v.l.page(30), 1).call()));
        all.add(new Refusal("memory VM 1 has shared, donated", denied, v -> v.f.send(DONATE, VM1).to(VM3).pages(v.l.page(31), 1).call()));
        all.add(new Refusal("device memory shared", denied, v -> v.f.send(SHARE, VM1).to(VM2)
                .attributes(MemoryAttributes.DEVICE_NGNRNE_INNER).pages(v.l.page(36), 1).call()));
        all.add(new Refusal("device memory donated", denied, v -> v.f.send(DONATE, VM1).to(VM2).pages(v.l.page(36), 1).call()));
        all.add(new Refusal("device memory lent to two borrowers", denied, v -> v.f.send(LEND, VM1).to(VM2).to(VM3)
                .attributes(MemoryAttributes.DEVICE_NGNRNE_INNER).pages(v.l.page(36), 1).call()));
        all.add(new Refusal("a borrower lending on what it borrowed", denied,
                v -> v.f.send(LEND, VM2).to(VM3).pages(v.l.page(30), 1).call()));
        all.add(new Refusal("a clear of read-only memory", denied, v -> v.f.send(LEND, VM1).to(VM2, MemoryPermissions.RO)
                .pages(v.l.readOnly(), 1).flags(TransactionFlags.CLEAR).call()));
        all.add(new Refusal("a read-write share of read-only memory", denied,
                v -> v.f.send(SHARE, VM1).to(VM2, MemoryPermissions.RW).pages(v.l.readOnly(), 1).call()));
        // ---- retrieves
        all.add(new Refusal("a retrieve of a handle never given", inval, v -> v.f.retrieve(VM2, Handle.ofHypervisorSlot(77), VM1).call()));
        all.add(new Refusal("a retrieve of a handle without the allocator bit", inval,
                v -> v.f.retrieve(VM2, Handle.index(v.lent), VM1).call()));
        all.add(new Refusal("a retrieve with the wrong tag", inval, v -> v.retrieveShared(VM2).tag(5).call()));
        all.add(new Refusal("a retrieve naming the wrong sender", denied, v -> v.retrieveShared(VM2).sender(VM3).call()));
        all.add(new Refusal("a retrieve by a VM that is no borrower", inval, v -> v.f.retrieve(VM3, v.idle, VM1).call()));
        all.add(new Refusal("a retrieve of a share as a lend (flag bits 4-3)", inval,
                v -> v.retrieveShared(VM2).flags(LEND.transactionType() << 3).call()));
        all.add(new Refusal("a retrieve with the address-range hint", inval,
                v -> v.retrieveShared(VM2).flags(TransactionFlags.HINT_VALID | 1 << 5).call()));
        all.add(new Refusal("a read-write retrieve of a read-only share", denied,
                v -> v.f.retrieve(VM2, v.shared, VM1).as(MemoryPermissions.RW).listing(VM3, MemoryPermissions.RO).call()));
        all.add(new Refusal("an executable retrieve of a share", inval,
                v -> v.f.retrieve(VM2, v.shared, VM1).as(RO_X).listing(VM3, MemoryPermissions.RO).call()));
        all.add(new Refusal("a retrieve with the non-secure attribute bit", inval,
                v -> v.retrieveShared(VM2).attributes(MemoryAttributes.NORMAL_WRITE_BACK_INNER.withNonSecure(true)).call()));
        all.add(new Refusal("a retrieve whose length is 16 more than its descriptor", inval,
                v -> v.retrieveShared(VM2).bytes("16 bytes more", b -> Arrays.copyOf(b, b.length + 16)).call()));
        all.add(new Refusal("a retrieve with a composite offset", inval, v -> v.retrieveShared(VM2)
                .edit("composite offset 0x80", t -> t.withReceivers(t.receivers().stream().map(e -> e.withCompositeOffset(0x80)).toList()))
                .call()));
        all.add(new Refusal("a retrieve listing one of two borrowers without the bypass flag", inval,
                v -> v.f.retrieve(VM2, v.shared, VM1).as(MemoryPermissions.RO).call()));
        all.add(new Refusal("a second retrieve by a borrower that holds the memory", denied,
                v -> v.f.retrieve(VM2, v.lent, VM1).call()));
        all.add(new Refusal("a retrieve of a share asking for a clear", inval,
                v -> v.retrieveShared(VM2).flags(TransactionFlags.CLEAR).call()));
        all.add(new Refusal("a retrieve asking for a clear the sender did not ask for", denied,
                v -> v.f.retrieve(VM2, v.idle, VM1).flags(TransactionFlags.CLEAR).call()));
        all.add(Refusal.ofDevice("a retrieve of device memory as normal memory", denied,
                v -> v.f.retrieve(VM2, v.device, VM1).call()));
        // ---- relinquishes
        all.add(new Refusal("a relinquish by a VM that is no borrower", inval, v -> v.f.relinquish(VM3, v.lent, 0)));
        all.add(new Refusal("a relinquish of memory not retrieved", inval, v -> v.f.relinquish(VM3, v.shared, 0)));
        all.add(new Refusal("a relinquish naming two endpoints", inval, v -> v.f.relinquish(VM2,
                FfaDescriptorCodec.encode(new Relinquish(v.lent, 0, List.of(VM2, VM3)), FfaVersion.DEFAULT))));
        all.add(new Refusal("a relinquish naming no endpoint", inval, v -> v.f.relinquish(VM2,
                FfaDescriptorCodec.encode(new Relinquish(v.lent, 0, List.of()), FfaVersion.DEFAULT))));
        all.add(new Refusal("a relinquish naming another endpoint", inval, v -> v.f.relinquish(VM2,
                FfaDescriptorCodec.encode(Relinquish.of(v.lent, 0, VM3), FfaVersion.DEFAULT))));
        all.add(new Refusal("a relinquish of a handle never given", inval, v -> v.f.relinquish(VM2, Handle.ofHypervisorSlot(77), 0)));
        all.add(new Refusal("a relinquish with the clear flag of a share", inval,
                v -> v.f.relinquish(VM2, v.sharedHeld, Relinquish.FLAG_CLEAR)));
        all.add(new Refusal("a relinquish with the clear flag of read-only memory", denied,
                v -> v.f.relinquish(VM2, v.lentRo, Relinquish.FLAG_CLEAR)));
        // ---- reclaims
        all.add(new Refusal("a reclaim by a VM that is not the sender", inval, v -> v.f.reclaim(VM2, v.shared, 0)));
        all.add(new Refusal("a reclaim of a handle never given", inval, v -> v.f.reclaim(VM1, Handle.ofHypervisorSlot(77), 0)));
        all.add(new Refusal("a reclaim while a borrower holds the memory", denied, v -> v.f.reclaim(VM1, v.lent, 0)));
        all.add(new Refusal("a reclaim with the clear flag of memory the owner had read-only", denied,
                v -> v.f.reclaim(VM1, v.roOriginal, 1)));
        // ---- fragments
        all.add(new Refusal("a MEM_FRAG_TX for a handle never given", inval, v -> v.f.fragTx(VM1, Handle.ofHypervisorSlot(77),
                FfaDescriptorCodec.encodeConstituents(List.of(FfaConstituent.of(v.l.page(Live.FRESH), 1))), 0)));
        all.add(new Refusal("a MEM_FRAG_TX of a complete send", inval, v -> v.f.fragTx(VM1, v.shared,
                FfaDescriptorCodec.encodeConstituents(List.of(FfaConstituent.of(v.l.page(Live.FRESH), 1))), 0)));
        all.add(new Refusal("a MEM_FRAG_RX with no retrieve in progress", inval, v -> v.f.fragRx(VM3, v.shared, 0, 0)));
        return all;
    }

    /**
     * Refusals change nothing: on a machine holding transactions in every state (lent and
     * retrieved, shared and not yet retrieved, device memory lent, ...), each of 73 bad calls (sends
     * with bad lengths, counts, receivers, permissions, flags, attributes and constituents, of
     * memory the sender does not own exclusively, of device memory shared; retrieves with a bad
     * handle, tag, sender, type, hint, permission, length or layout, or by a VM that may not;
     * relinquishes and reclaims by the wrong VM, of the wrong handle, too early or with a clear
     * that may not be; fragment calls out of turn) answers the error Hafnium answers
     * (INVALID_PARAMETERS for what is malformed or names the wrong handle or endpoint, DENIED for
     * what the memory's state or attributes forbid), and changes no table, pool page, watched
     * memory or RX buffer. Afterwards every transaction still completes, and the next send gets the
     * lowest free handle; with 100 transactions live the next send is refused with NO_MEMORY and
     * changes nothing, and a reclaimed handle is the next one given.
     *
     * <p>When it fails: the row names the call and what it answered or changed. A refusal that
     * changed a table means a check ran after the table was prepared; a handle out of order means a
     * refused send left a share-state slot taken.
     */
    @ConformanceRule(id = "FFA-7", title = "every refused FF-A call answers Hafnium's error and changes nothing")
    void ffa7RefusalsChangeNothing(ArchUnderTest under) {
        List<String> failures = new ArrayList<>();
        boolean device = FfaLayout.deviceValid(under);
        List<Refusal> all = refusals().stream().filter(refusal -> device || !refusal.device()).toList();
        Live live = Live.boot(under);
        for (Refusal refusal : all) {
            Live current = live;
            FfaRun r = new FfaRun(current.l(), "on a machine with live transactions", FfaRun.Check.MODES);
            try {
                r.refused(refusal.what(), refusal.error(), () -> refusal.call().apply(current), VM2, VM3);
            } catch (AssertionError e) {
                failures.add(e.getMessage());
                live = Live.boot(under);
            }
        }
        Live last = live;
        try {
            afterRefusals(last);
        } catch (AssertionError e) {
            failures.add(e.getMessage());
        }
        run(under, "the share-state table", failures, FfaRules::capacity);
        report(under, "refusals", all.size() + 2, failures);
    }

    /**
     * On the machine the refusals ran on: a retrieve while the RX buffer holds a response is BUSY
     * (and so is a MEM_FRAG_RX), then every live transaction completes, and the next send gets the
     * lowest free handle.
     */
    private static void afterRefusals(Live v) {
        FfaRun r = new FfaRun(v.l(), "after the refusals", FfaRun.Check.MODES);
        FfaResult held = v.retrieveShared(VM3).call();
        if (held.function() != FfaResult.Function.MEM_RETRIEVE_RESP) {
            throw r.failure("VM 3's retrieve of the share", "answered " + held + r.f.why() + ", expected MEM_RETRIEVE_RESP");
        }
        r.refused("a retrieve while VM 3's RX buffer holds the last response", FfaError.BUSY,
                () -> v.f().retrieve(VM3, v.lent(), VM1).call(), VM2);
        r.refused("a MEM_FRAG_RX while VM 3's RX buffer holds the last response", FfaError.BUSY,
                () -> v.f().fragRx(VM3, v.shared(), 0, 0), VM2);
        v.f().release(VM3);
        r.relinquish(VM2, v.lent(), 0);
        r.reclaim(VM1, v.lent(), 0);
        r.relinquish(VM3, v.shared(), 0);
        r.reclaim(VM1, v.shared(), 0);
        if (v.device() != -1) {
            r.retrieve(v.f().retrieve(VM2, v.device(), VM1).attributes(MemoryAttributes.DEVICE_NGNRNE_INNER));
            r.relinquish(VM2, v.device(), 0);
            r.reclaim(VM1, v.device(), 0);
        }
        r.reclaim(VM1, v.idle(), 0);
        r.expect("every reclaim", v.l().page(30), 2, RWX, NONE, NONE);
        long next = r.send(v.lend());
        if (next != v.lent()) {
            throw r.failure("the next send", "got handle " + Handle.toString(next) + ", expected the lowest free one, "
                    + Handle.toString(v.lent()) + ": a refused send kept a share state");
        }
    }

    private static void capacity(FfaRun r) {
        long[] handles = new long[100];
        for (int i = 0; i < handles.length; i++) {
            handles[i] = r.send(r.f.send(LEND, VM1).to(VM2).pages(r.l.page(100 + i), 1));
            if (handles[i] != Handle.ofHypervisorSlot(i)) {
                throw r.failure("send " + (i + 1), "got handle " + Handle.toString(handles[i]) + ", expected "
                        + Handle.toString(Handle.ofHypervisorSlot(i)) + " (slot numbers from 0, bit 63 set)");
            }
        }
        r.refused("the 101st live send", FfaError.NO_MEMORY,
                () -> r.f.send(LEND, VM1).to(VM2).pages(r.l.page(300), 1).call(), VM2);
        r.reclaim(VM1, handles[5], 0);
        long again = r.send(r.f.send(LEND, VM1).to(VM2).pages(r.l.page(300), 1));
        if (again != handles[5]) {
            throw r.failure("the send after reclaiming slot 5", "got handle " + Handle.toString(again) + ", expected "
                    + Handle.toString(handles[5]));
        }
    }

    // ====================================================================== helpers

    private static void report(ArchUnderTest under, String what, int total, List<String> failures) {
        if (failures.isEmpty()) {
            return;
        }
        StringBuilder text = new StringBuilder(under.toString()).append(": ").append(failures.size()).append(" of ")
                .append(total).append(' ').append(what).append(" fail:");
        failures.stream().limit(MAX_REPORTED).forEach(f -> text.append("\n  ").append(f));
        if (failures.size() > MAX_REPORTED) {
            text.append("\n  ... and ").append(failures.size() - MAX_REPORTED).append(" more");
        }
        fail(text.toString());
    }
}
