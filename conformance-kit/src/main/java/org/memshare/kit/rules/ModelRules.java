package org.memshare.kit.rules;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.memshare.api.addr.Addresses;
import org.memshare.api.addr.IntermediatePhysicalAddress;
import org.memshare.api.addr.PhysicalAddress;
import org.memshare.api.arch.PageTableFormat;
import org.memshare.api.arch.Stage;
import org.memshare.api.mode.Mode;
import org.memshare.api.spci.SpciError;
import org.memshare.engine.hypervisor.Hypervisor;
import org.memshare.engine.machine.Machine;
import org.memshare.engine.machine.Vm;
import org.memshare.engine.mm.PageTable;
import org.memshare.engine.spci.SpciResult;
import org.memshare.kit.ArchUnderTest;
import org.memshare.kit.ConformanceRule;
import org.memshare.kit.RuleDisplayNames;
import org.memshare.kit.fixture.Message;
import org.memshare.kit.model.AimedShares;
import org.memshare.kit.model.AimedShares.Share;
import org.memshare.kit.model.OwnershipModel;
import org.memshare.kit.translation.TranslationModel;

/**
 * MODEL rules: an abstract ownership model kept beside the engine agrees with it after every
 * operation of seeded random scenarios. Each scenario boots three VMs that own parts of a small
 * window of pages and then runs {@value #OPERATIONS} random donates, lends, shares and
 * relinquishes of one to four constituents (many of them refused: overlapping constituents,
 * mixed modes, no transition); the model ({@link OwnershipModel}) follows the kit's own reading
 * of the SPCI rules, not the engine's code. All are required.
 *
 * <p>On a failure the message gives the seed ({@code memshare.seed}) and the shortest failing
 * scenario the kit found (a prefix of the random one, then with every operation it could drop
 * dropped) as a trace to replay with {@code memshare replay}, and what differed. Look first at
 * the lower families' failures; if there are none, replay the trace and compare each VM's
 * {@code mode} of the named page with the model's.
 */
@DisplayNameGeneration(RuleDisplayNames.class)
public class ModelRules {
    static final int OPERATIONS = 300;
    private static final int VMS = 3;
    private static final int WINDOW_PAGES = 12;
    private static final int POOL_PAGES = 256;
    /**
     * The maps before the random part, as (VM, first page, page count, mode): VM 1 owns pages 0-5
     * (read-write-execute), VM 2 pages 6-8 (read-write), VM 3 pages 9-10 (read-execute); page 11
     * belongs to nobody.
     */
    private static final List<int[]> SETUP = List.of(new int[] {1, 0, 6, Mode.R | Mode.W | Mode.X},
            new int[] {2, 6, 3, Mode.R | Mode.W}, new int[] {3, 9, 2, Mode.R | Mode.X});
    /** How many replays the shrinking may spend. */
    private static final int SHRINK_BUDGET = 400;
    private static final int ACCESS_BITS = Mode.R | Mode.W | Mode.X | Mode.D;

    /** One random operation: a share of window pages (pairs of first page and count). */
    /** One blind share in four; one constituent in eight on any page; runs of up to two pages. */
    private static final AimedShares SHARES = new AimedShares(4, 8, 2);

    /** What a check found wrong after an operation. */
    @FunctionalInterface
    interface Check {
        Optional<String> after(Run run);
    }

    /** One replay of a scenario on a fresh machine, with the model beside it. */
    static final class Run {
        final ArchUnderTest under;
        final Machine machine;
        final Hypervisor hypervisor;
        final OwnershipModel model;
        final List<TranslationModel> translations = new ArrayList<>();
        final List<String> setup = new ArrayList<>();

        Run(ArchUnderTest under) {
            this.under = under;
            this.machine = under.boot(POOL_PAGES, VMS);
            this.hypervisor = new Hypervisor(machine);
            PageTableFormat format = machine.arch().format();
            long base = Addresses.entrySize(1);
            long end = PageTable.addressSpaceEnd(format, Stage.STAGE2);
            if (Long.compareUnsigned(base + WINDOW_PAGES * Addresses.PAGE_SIZE, end) > 0) {
                throw new IllegalStateException(under + ": stage-2 address space ends at 0x" + Long.toHexString(end));
            }
            // What an entry never written reads as: the absent entry's attributes as a mode.
            int absent = format.stage2AttrsToMode(format.attrs(format.absentPte(0), 0));
            model = new OwnershipModel(base, WINDOW_PAGES, VMS, absent);
            for (Vm vm : machine.vms()) {
                translations.add(TranslationModel.of(machine, vm));
            }
            SETUP.forEach(m -> map(m[0], m[1], m[2], m[3]));
        }

        private void map(int vm, int first, int count, int mode) {
            long begin = model.address(first);
            long end = model.address(first + count);
            setup.add("map " + vm + " 0x" + Long.toHexString(begin) + " 0x" + Long.toHexString(end) + " 0x"
                    + Integer.toHexString(mode));
            if (!machine.vm(vm).orElseThrow().table().map(PhysicalAddress.of(begin), PhysicalAddress.of(end), mode,
                    machine.pool())) {
                throw new IllegalStateException(under + ": the pool ran out mapping " + setup.get(setup.size() - 1));
            }
            model.map(vm, first, count, mode);
        }

        /** Applies {@code op} to the engine and the model; returns a mismatch of their answers, if any. */
        Optional<String> apply(Share op) {
            boolean accepted = model.share(op.type(), op.from(), op.to(),
                    Message.accessOfCode(op.accessCode()).mode(), op.constituents());
            SpciResult result = message(op).sendAndRelease(hypervisor);
            if (accepted && !result.isSuccess()) {
                return Optional.of("the engine refused it (" + result + ") but the model accepts it");
            }
            if (!accepted && result.isSuccess()) {
                return Optional.of("the engine accepted it but the model refuses it");
            }
            if (!accepted && result.error().orElseThrow() != SpciError.INVALID_PARAMETERS) {
                return Optional.of("the engine refused it with " + result + "; the model expects INVALID_PARAMETERS");
            }
            return Optional.empty();
        }

        long[] addresses(Share op) {
            long[] pairs = new long[op.constituents().length];
            for (int i = 0; i < pairs.length; i += 2) {
                pairs[i] = model.address(op.constituents()[i]);
                pairs[i + 1] = op.constituents()[i + 1];
            }
            return pairs;
        }

        Message message(Share op) {
            return Message.of(op.type(), op.from(), op.to()).accessCode(op.accessCode()).pagePairs(addresses(op));
        }

        String traceLine(Share op) {
            return message(op).traceLine();
        }

        String initLine() {
            return "init arch=" + under.name() + " pa_bits=" + under.config().paBits() + " pool_pages=" + POOL_PAGES
                    + " vms=" + VMS;
        }
    }

    /**
     * The random scenario of a seed. Most operations are aimed: a page is picked and a share
     * its current state allows is built around it (the owner lends, shares or donates it, a
     * borrower relinquishes it), over neighbouring pages in one or more constituents, which may
     * still be refused when the pages' modes differ; the others are blind, mostly refused. The
     * generator follows its own copy of the model so that its aim follows the scenario.
     */
    static List<Share> scenario(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        OwnershipModel aim = new OwnershipModel(0, WINDOW_PAGES, VMS, OwnershipModel.STATE);
        SETUP.forEach(m -> aim.map(m[0], m[1], m[2], m[3]));
        List<Share> ops = new ArrayList<>(OPERATIONS);
        for (int i = 0; i < OPERATIONS; i++) {
            Share op = SHARES.next(random, aim);
            aim.share(op.type(), op.from(), op.to(), Message.accessOfCode(op.accessCode()).mode(), op.constituents());
            ops.add(op);
        }
        return ops;
    }

    /** The first failure of {@code ops} replayed on a fresh machine: its operation index and message. */
    private record Failure(int index, String message) {
    }

    private static Optional<Failure> replay(ArchUnderTest under, List<Share> ops, Check check) {
        Run run = new Run(under);
        Optional<String> initial = check.after(run);
        if (initial.isPresent()) {
            return Optional.of(new Failure(-1, initial.get()));
        }
        for (int i = 0; i < ops.size(); i++) {
            Optional<String> answer = run.apply(ops.get(i));
            Optional<String> problem = answer.isPresent() ? answer : check.after(run);
            if (problem.isPresent()) {
                return Optional.of(new Failure(i, problem.get()));
            }
        }
        return Optional.empty();
    }

    /** Runs the seed's scenario; on a failure, shrinks it and fails with the seed and the trace. */
    static void runScenario(ArchUnderTest under, String what, Check check) {
        List<Share> ops = scenario(under.seed());
        Optional<Failure> failure = replay(under, ops, check);
        if (failure.isEmpty()) {
            return;
        }
        // The shortest failing prefix ends at the first failure; then drop single operations
        // before it as long as the rest still fails, pass after pass (an operation needed at
        // first may become a no-op once earlier ones are gone), within a budget of replays.
        List<Share> shortest = new ArrayList<>(ops.subList(0, failure.get().index() + 1));
        Failure last = failure.get();
        int budget = SHRINK_BUDGET;
        boolean dropped = true;
        while (dropped && budget > 0) {
            dropped = false;
            for (int i = shortest.size() - 2; i >= 0 && budget > 0; i--, budget--) {
                List<Share> candidate = new ArrayList<>(shortest);
                candidate.remove(i);
                Optional<Failure> still = replay(under, candidate, check);
                if (still.isPresent()) {
                    shortest = new ArrayList<>(candidate.subList(0, still.get().index() + 1));
                    last = still.get();
                    i = Math.min(i, shortest.size() - 1);
                    dropped = true;
                }
            }
        }
        Run printer = new Run(under);
        StringBuilder trace = new StringBuilder(printer.initLine()).append('\n');
        printer.setup.forEach(line -> trace.append(line).append('\n'));
        for (Share op : shortest) {
            trace.append(printer.traceLine(op)).append('\n');
        }
        String at = last.index() < 0 ? "after the setup" : "after operation " + (last.index() + 1) + " ("
                + printer.traceLine(shortest.get(last.index())) + ")";
        fail(under + ": " + what + " disagrees with the ownership model " + at + ": " + last.message()
                + "\nseed " + under.seed() + " (operation " + (failure.get().index() + 1) + " of the random scenario);"
                + " shortest failing trace:\n" + trace);
    }

    /** Every VM's mode of every window page equals the model's. */
    private static Optional<String> tablesMatch(Run run) {
        for (Vm vm : run.machine.vms()) {
            for (int page = 0; page < run.model.pages(); page++) {
                long address = run.model.address(page);
                OptionalInt mode = vm.table().mode(IntermediatePhysicalAddress.of(address),
                        IntermediatePhysicalAddress.of(address + Addresses.PAGE_SIZE));
                int expected = run.model.mode(vm.id(), page);
                if (mode.isEmpty() || mode.getAsInt() != expected) {
                    return Optional.of("VM " + vm.id() + " page 0x" + Long.toHexString(address) + " has mode "
                            + (mode.isEmpty() ? "none" : Mode.describe(mode.getAsInt()) + " (0x"
                                    + Integer.toHexString(mode.getAsInt()) + ")")
                            + " in its table; the model says " + Mode.describe(expected) + " (0x"
                            + Integer.toHexString(expected) + ")" + ownership(run, page));
                }
            }
        }
        return Optional.empty();
    }

    /** Access through each VM's translation equals the model's: valid pages translate to themselves. */
    private static Optional<String> translationsMatch(Run run) {
        for (TranslationModel translation : run.translations) {
            int vm = translation.vmId();
            for (int page = 0; page < run.model.pages(); page++) {
                long address = run.model.address(page) + 0x18;
                int expected = run.model.mode(vm, page);
                Optional<TranslationModel.Translation> t = translation.walk(address);
                String got = t.map(x -> "PA 0x" + Long.toHexString(x.pa()) + " with " + Mode.describe(x.mode() & ACCESS_BITS))
                        .orElse("a fault");
                boolean ok = (expected & Mode.INVALID) != 0
                        ? t.isEmpty()
                        : t.isPresent() && t.get().pa() == address
                                && (t.get().mode() & ACCESS_BITS) == (expected & ACCESS_BITS);
                if (!ok) {
                    return Optional.of("VM " + vm + " translates 0x" + Long.toHexString(address) + " to " + got
                            + "; the model's mode " + Mode.describe(expected) + " (0x" + Integer.toHexString(expected)
                            + ") means " + ((expected & Mode.INVALID) != 0 ? "a fault"
                                    : "itself with " + Mode.describe(expected & ACCESS_BITS)) + ownership(run, page));
                }
            }
        }
        return Optional.empty();
    }

    /** Each page has at most one owner, and an exclusive accessor is the only one, by the engine's modes. */
    private static Optional<String> ownershipHolds(Run run) {
        for (int page = 0; page < run.model.pages(); page++) {
            long address = run.model.address(page);
            List<Integer> owners = new ArrayList<>();
            List<Integer> accessors = new ArrayList<>();
            boolean exclusive = false;
            StringBuilder modes = new StringBuilder();
            for (Vm vm : run.machine.vms()) {
                int mode = vm.table().mode(IntermediatePhysicalAddress.of(address),
                        IntermediatePhysicalAddress.of(address + Addresses.PAGE_SIZE)).orElse(-1);
                modes.append(" VM ").append(vm.id()).append(' ').append(mode < 0 ? "none" : Mode.describe(mode));
                if (mode < 0) {
                    continue;
                }
                if ((mode & Mode.UNOWNED) == 0) {
                    owners.add(vm.id());
                }
                if ((mode & Mode.INVALID) == 0) {
                    accessors.add(vm.id());
                    exclusive |= (mode & Mode.SHARED) == 0;
                }
            }
            // Every page but the last starts with an owner; ownership moves but never disappears.
            if (owners.size() > 1 || (page < WINDOW_PAGES - 1 && owners.isEmpty())) {
                return Optional.of("page 0x" + Long.toHexString(address) + " has owners " + owners
                        + " (exactly one expected):" + modes);
            }
            if (exclusive && accessors.size() > 1) {
                return Optional.of("page 0x" + Long.toHexString(address) + " is accessed exclusively yet by VMs "
                        + accessors + ":" + modes);
            }
        }
        return Optional.empty();
    }

    private static String ownership(Run run, int page) {
        return run.model.owner(page).map(o -> "; the model's owner of that page is VM " + o).orElse("");
    }

    @ConformanceRule(id = "MODEL-1", title = "after every random share, every VM's table holds the model's mode for every page")
    void model1TablesMatchTheModel(ArchUnderTest under) {
        runScenario(under, "a table", ModelRules::tablesMatch);
    }

    @ConformanceRule(id = "MODEL-2", title = "after every random share, access through translation is what the model allows")
    void model2TranslationMatchesTheModel(ArchUnderTest under) {
        runScenario(under, "access through translation", ModelRules::translationsMatch);
    }

    @ConformanceRule(id = "MODEL-3", title = "after every random share, each page has one owner and an exclusive accessor is alone")
    void model3OwnershipIsExclusive(ArchUnderTest under) {
        runScenario(under, "ownership in the tables", ModelRules::ownershipHolds);
    }
}
