package org.memshare.reliability;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.memshare.api.mode.Mode;
import org.memshare.api.spci.ShareType;
import org.memshare.api.spci.SpciError;
import org.memshare.engine.hypervisor.Hypervisor.Access;
import org.memshare.engine.spci.SpciResult;
import org.memshare.kit.fixture.KitMachine;
import org.memshare.kit.fixture.Message;
import org.memshare.kit.model.AimedShares;
import org.memshare.kit.model.OwnershipModel;

/**
 * The kit's ownership model ({@link OwnershipModel}, the MODEL rules' model) after EVERY operation
 * of long seeded random runs, on fake and on aarch64 at PA 40 and 32. Each run boots four VMs
 * owning all of a 64-page window and sends random donates, lends, shares and relinquishes of one
 * to four constituents (most aimed at what the current state allows, the others blind and mostly
 * refused). After each operation:
 * <ul>
 *   <li>the engine's answer is the model's (SUCCESS, or INVALID_PARAMETERS for a refusal);</li>
 *   <li>for every page of the operation's constituents (the only pages it may change), every
 *       VM's mode in its table is the model's, access through each VM's stage-2 translation
 *       ({@code Hypervisor.canAccess}, R, W and X, at the page's first and last word) is what
 *       that mode allows, and the page's modes form a state of the model at rest (one owner, the
 *       owner's state agreeing with the borrowers');</li>
 *   <li>every {@value #FULL_CHECK_EVERY} operations and at the end of a run, the same for every
 *       page of the window, plus the kit's {@link OwnershipModel#violations} (nothing outside the
 *       window owned or mapped, the hypervisor's stage 1 mapping nothing).</li>
 * </ul>
 * The short run ({@value #SHORT_OPERATIONS} operations per configuration) is in {@code ./mvnw verify};
 * the long one (at least 1,000,000 operations in all) is tagged {@code heavy}
 * ({@code ./mvnw verify -Pheavy}). Each run prints its seed; a failure names the seed, the
 * operation's number and its trace line (the run is deterministic: rerun with the seed).
 */
class LongModelRunTest {
    static final int SHORT_OPERATIONS = 2_000;
    /** Operations of one seeded run on a fresh machine. */
    static final int RUN_LENGTH = 50_000;
    static final int HEAVY_TOTAL = 1_000_000;
    static final int FULL_CHECK_EVERY = 100;
    private static final int VMS = 4;
    /** As the MODEL rules draw, a little blinder: one share in five unaimed, one page in ten anywhere, runs of up to three. */
    private static final AimedShares SHARES = new AimedShares(5, 10, 3);
    private static final int WINDOW = 64;
    private static final int POOL_PAGES = 1024;
    private static final long BASE = 0x4000_0000L;
    /** Setup maps: VM, first page, page count, mode; together they cover the window. */
    private static final int[][] SETUP = {
        {1, 0, 20, Mode.R | Mode.W | Mode.X},
        {2, 20, 16, Mode.R | Mode.W},
        {3, 36, 16, Mode.R | Mode.X},
        {4, 52, 12, Mode.R | Mode.W | Mode.X},
    };
    /** The configurations: arch and PA bits. */
    private static final Object[][] CONFIGS = {{"fake", 40}, {"aarch64", 40}, {"aarch64", 32}};

    @Test
    void shortRunChecksTheModelAfterEveryOperation() {
        long checked = 0;
        for (Object[] config : CONFIGS) {
            checked += run((String) config[0], (Integer) config[1], 0x5EED_0001L, SHORT_OPERATIONS);
        }
        assertTrue(checked >= CONFIGS.length * SHORT_OPERATIONS);
    }

    @Test
    @Tag("heavy")
    void aMillionOperationsModelChecked() {
        long started = System.nanoTime();
        int perConfig = (HEAVY_TOTAL + CONFIGS.length - 1) / CONFIGS.length;
        long checked = 0;
        for (Object[] config : CONFIGS) {
            for (int done = 0, seed = 1; done < perConfig; done += RUN_LENGTH, seed++) {
                checked += run((String) config[0], (Integer) config[1], 0x5EED_0000L + seed,
                        Math.min(RUN_LENGTH, perConfig - done));
            }
        }
        System.out.printf("LongModelRunTest: %,d operations model-checked in %.1f s%n", checked,
                (System.nanoTime() - started) / 1e9);
        assertTrue(checked >= HEAVY_TOTAL);
    }

    /** One seeded run; returns the number of operations model-checked. */
    static long run(String arch, int paBits, long seed, int operations) {
        long started = System.nanoTime();
        Run run = new Run(KitMachine.boot(arch, paBits, POOL_PAGES, VMS), seed);
        run.fullCheck(-1, null);
        int accepted = 0;
        for (int i = 0; i < operations; i++) {
            Message message = run.next();
            if (run.apply(i, message)) {
                accepted++;
            }
            if ((i + 1) % FULL_CHECK_EVERY == 0 || i == operations - 1) {
                run.fullCheck(i, message);
            }
        }
        System.out.printf("model run %s pa_bits=%d seed=0x%x: %,d operations (%,d accepted) checked in %.2f s%n", arch,
                paBits, seed, operations, accepted, (System.nanoTime() - started) / 1e9);
        return operations;
    }

    /** A machine, the model beside it, and the random generator of one seed. */
    private static final class Run {
        final KitMachine m;
        final long seed;
        final SplittableRandom random;
        final OwnershipModel model;
        final List<Long> window = new ArrayList<>();
        private int[] lastPages = new int[0];
        private ShareType lastType;
        private int lastAccessCode;

        Run(KitMachine m, long seed) {
            this.m = m;
            this.seed = seed;
            this.random = new SplittableRandom(seed);
            this.model = new OwnershipModel(BASE, WINDOW, VMS, m.absentMode());
            for (int[] map : SETUP) {
                m.mapPages(map[0], model.address(map[1]), map[2], map[3]);
                model.map(map[0], map[1], map[2], map[3]);
            }
            LongStream.range(0, WINDOW).forEach(page -> window.add(model.address((int) page)));
        }

        /**
         * The next operation, aimed like the MODEL rules' scenarios: mostly a share the picked
         * page's state allows, over pages in the same state, now and then any page or any type.
         */
        Message next() {
            AimedShares.Share share = SHARES.next(random, model);
            ShareType type = share.type();
            int from = share.from();
            int to = share.to();
            int[] constituents = share.constituents();
            lastPages = constituents;
            long[] addresses = new long[constituents.length];
            for (int i = 0; i < constituents.length; i += 2) {
                addresses[i] = model.address(constituents[i]);
                addresses[i + 1] = constituents[i + 1];
            }
            lastType = type;
            lastAccessCode = share.accessCode();
            return Message.of(type, from, to).accessCode(lastAccessCode).pagePairs(addresses);
        }

        /** Sends {@code message} and checks the model on its constituents; returns whether it was accepted. */
        boolean apply(int index, Message message) {
            int access = Message.accessOfCode(lastAccessCode).mode();
            boolean accepted = model.share(lastType, message.from(), message.to(), access, lastPages);
            SpciResult result = message.sendAndRelease(m.hypervisor());
            if (accepted != result.isSuccess()
                    || (!accepted && result.error().orElseThrow() != SpciError.INVALID_PARAMETERS)) {
                failAt(index, message, "the engine answered " + result + "; the model "
                        + (accepted ? "accepts it" : "refuses it (INVALID_PARAMETERS)"));
            }
            for (int i = 0; i < lastPages.length; i += 2) {
                for (int page = lastPages[i]; page < lastPages[i] + lastPages[i + 1]; page++) {
                    checkPage(index, message, page);
                }
            }
            return accepted;
        }

        /** Every VM's mode of {@code page} is the model's, access agrees with it, the page is at rest. */
        void checkPage(int index, Message message, int page) {
            long address = model.address(page);
            int[] modes = new int[VMS];
            for (int vm = 1; vm <= VMS; vm++) {
                int expected = model.mode(vm, page);
                OptionalInt actual = m.mode(vm, address, 1);
                if (actual.isEmpty() || actual.getAsInt() != expected) {
                    failAt(index, message, "page 0x" + Long.toHexString(address) + " VM " + vm + ": the model says "
                            + describe(expected) + ", the table holds "
                            + (actual.isEmpty() ? "no single mode" : describe(actual.getAsInt())));
                }
                modes[vm - 1] = expected;
                boolean valid = (expected & Mode.INVALID) == 0;
                for (Access kind : Access.values()) {
                    int bit = kind == Access.READ ? Mode.R : kind == Access.WRITE ? Mode.W : Mode.X;
                    boolean allowed = valid && (expected & bit) != 0;
                    for (long at : new long[] {address, address + KitMachine.PAGE - 8}) {
                        if (m.hypervisor().canAccess(vm, at, kind) != allowed) {
                            failAt(index, message, "VM " + vm + " with mode " + describe(expected)
                                    + (allowed ? " cannot " : " can ") + kind + " 0x" + Long.toHexString(at));
                        }
                    }
                }
            }
            Optional<String> violation = OwnershipModel.pageViolation(modes);
            violation.ifPresent(v -> failAt(index, message, "page 0x" + Long.toHexString(address) + ": " + v));
        }

        void fullCheck(int index, Message message) {
            for (int page = 0; page < WINDOW; page++) {
                checkPage(index, message, page);
            }
            List<String> violations = OwnershipModel.violations(m, window, 5, address -> false);
            if (!violations.isEmpty()) {
                failAt(index, message, String.join("; ", violations));
            }
        }

        private void failAt(int index, Message message, String what) {
            fail(m.where() + "seed 0x" + Long.toHexString(seed) + ", "
                    + (index < 0 ? "after the setup" : "operation " + (index + 1) + " (" + message.traceLine() + ")")
                    + ": " + what);
        }
    }

    private static String describe(int mode) {
        return Mode.describe(mode) + " (0x" + Integer.toHexString(mode) + ")";
    }
}
