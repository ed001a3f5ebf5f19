package org.memshare.engine.ffa;

import static java.util.Objects.requireNonNull;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.memshare.engine.ffa.FfaSteps.P;
import static org.memshare.engine.ffa.FfaSteps.PAGE;
import static org.memshare.engine.ffa.FfaSteps.PAGES;
import static org.memshare.engine.ffa.FfaSteps.RW;
import static org.memshare.engine.ffa.FfaSteps.RW_NX;
import static org.memshare.engine.ffa.FfaSteps.S1;
import static org.memshare.engine.ffa.FfaSteps.c;
import static org.memshare.engine.ffa.FfaSteps.region;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import com.google.inject.multibindings.Multibinder;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.memshare.api.ffa.FfaConstituent;
import org.memshare.api.ffa.FfaDescriptorCodec;
import org.memshare.api.ffa.FfaResult;
import org.memshare.api.ffa.FfaShareKind;
import org.memshare.api.policy.FfaRequest;
import org.memshare.api.policy.ShareRequest;
import org.memshare.api.policy.SharePolicy;

/**
 * One validation check of the FF-A engine reproduced: the machine, the steps that lead to the
 * refused call, and the call. {@link #run} asserts the call is refused by that check with its
 * Hafnium error code and that nothing changed: every VM's table, the pool, the share states, the
 * RX buffers and the memory. Where Hafnium itself frees a partial send on the refusal (a FRAG_TX
 * past 20 fragments, a send completed by a FRAG_TX that then fails), the case says so and the
 * share state and the pages its copies held are the only change.
 */
final class FfaCheckCase {
    /** Two constituents, three pages, as memory_sharing.c's tests send them. */
    static final List<FfaConstituent> TWO_AND_ONE = region(c(PAGES, 2), c(PAGES + 3 * PAGE, 1));
    /** The primary's 2 MiB block (one block entry where the arch has them). */
    static final long BLOCK = 0x6000_0000L;

    private final FfaCheck check;
    private final String how;
    private final Function<FfaFixture.Arch, FfaSteps> machine;
    private final Function<FfaSteps, Supplier<FfaOutcome>> arrange;
    private final Set<FfaFixture.Arch> arches;
    private final boolean freesShareState;
    private final Consumer<FfaSteps> alsoUnchanged;

    private FfaCheckCase(FfaCheck check, String how, Function<FfaFixture.Arch, FfaSteps> machine,
            Function<FfaSteps, Supplier<FfaOutcome>> arrange, Set<FfaFixture.Arch> arches, boolean freesShareState,
            Consumer<FfaSteps> alsoUnchanged) {
        this.check = requireNonNull(check);
        this.how = requireNonNull(how);
        this.machine = requireNonNull(machine);
        this.arrange = requireNonNull(arrange);
        this.arches = arches;
        this.freesShareState = freesShareState;
        this.alsoUnchanged = requireNonNull(alsoUnchanged);
    }

    /** A case on the usual machine (every VM at FF-A 1.3); {@code arrange} takes the steps and answers the refused call. */
    static FfaCheckCase of(FfaCheck check, String how, Function<FfaSteps, Supplier<FfaOutcome>> arrange) {
        return new FfaCheckCase(check, how, FfaSteps::setUp, arrange, EnumSet.allOf(FfaFixture.Arch.class), false,
                steps -> {
                });
    }

    /** The same case on a machine whose policies refuse {@code operation}. */
    FfaCheckCase refusing(FfaRequest.Operation operation) {
        return new FfaCheckCase(check, how, arch -> FfaSteps.setUp(arch, refusingPolicy(operation)), arrange, arches,
                freesShareState, alsoUnchanged);
    }

    /** The same case on a machine made by {@code make}. */
    FfaCheckCase on(Function<FfaFixture.Arch, FfaSteps> make) {
        return new FfaCheckCase(check, how, make, arrange, arches, freesShareState, alsoUnchanged);
    }

    /** The same case on {@code arch} only (the reason is in the case's description). */
    FfaCheckCase only(FfaFixture.Arch arch) {
        return new FfaCheckCase(check, how, machine, arrange, EnumSet.of(arch), freesShareState, alsoUnchanged);
    }

    /** The same case where the refusal frees a partial send, as Hafnium does. */
    FfaCheckCase freesShareState() {
        return new FfaCheckCase(check, how, machine, arrange, arches, true, alsoUnchanged);
    }

    /** The same case with {@code assertion} run after the refusal: for state the snapshot does not hold. */
    FfaCheckCase alsoUnchanged(Consumer<FfaSteps> assertion) {
        return new FfaCheckCase(check, how, machine, arrange, arches, freesShareState, assertion);
    }

    FfaCheck check() {
        return check;
    }

    Set<FfaFixture.Arch> arches() {
        return arches;
    }

    /** Arranges the machine, makes the call, and asserts the refusal and what it left alone. */
    void run(FfaFixture.Arch arch) {
        FfaSteps s = machine.apply(arch);
        Supplier<FfaOutcome> call = arrange.apply(s);
        FfaFixture.Snapshot before = s.f.snapshot();
        FfaOutcome outcome = call.get();
        FfaFixture.assertRefused(check, outcome);
        FfaFixture.Snapshot after = s.f.snapshot();
        alsoUnchanged.accept(s);
        if (!freesShareState) {
            assertEquals(before, after, check + " changed nothing");
            return;
        }
        assertEquals(before.tables(), after.tables(), "no table changed");
        assertEquals(before.mailboxes(), after.mailboxes(), "no RX buffer changed");
        assertEquals(before.memoryChecksum(), after.memoryChecksum(), "no memory changed");
        assertEquals(before.shareStates() - 1, after.shareStates(), "the partial send's share state is freed");
        assertTrue(after.freePages() > before.freePages(), "its descriptor copies go back to the pool");
    }

    /** Every (arch, case) pair the cases apply to, for a {@code @MethodSource}. */
    static Stream<Arguments> arguments(List<FfaCheckCase> cases) {
        List<Arguments> all = new ArrayList<>();
        for (FfaFixture.Arch arch : FfaFixture.Arch.values()) {
            for (FfaCheckCase c : cases) {
                if (c.arches.contains(arch)) {
                    all.add(Arguments.of(arch, c));
                }
            }
        }
        return all.stream();
    }

    @Override
    public String toString() {
        return check + " (" + check.error() + "): " + how;
    }

    // ---------------------------------------------------------------- common arrangements

    /** A policy module refusing every FF-A step of {@code operation}. */
    static Module refusingPolicy(FfaRequest.Operation operation) {
        SharePolicy policy = new SharePolicy() {
            @Override
            public Optional<String> refusal(ShareRequest request) {
                return Optional.empty();
            }

            @Override
            public Optional<String> refusal(FfaRequest request) {
                return request.operation() == operation ? Optional.of("no " + operation + " here")
                        : Optional.empty();
            }
        };
        return new AbstractModule() {
            @Override
            protected void configure() {
                Multibinder.newSetBinder(binder(), SharePolicy.class).addBinding().toInstance(policy);
            }
        };
    }

    /** The primary lends {@link #TWO_AND_ONE} RW to service1; answers the handle. */
    static long lent(FfaSteps s) {
        return s.send(FfaShareKind.LEND, P).to(S1, RW).of(TWO_AND_ONE).ok();
    }

    /** ... and service1 has retrieved it (RW, NX) and released its RX buffer. */
    static long retrieved(FfaSteps s) {
        long handle = lent(s);
        s.retrieve(S1, handle, P).to(S1, RW_NX).ok();
        return handle;
    }

    /** The primary has sent the first of two constituents of a lend to service1; answers the handle. */
    static long partlySent(FfaSteps s) {
        FfaSteps.Send send = s.send(FfaShareKind.LEND, P).to(S1, RW).of(c(PAGES, 1), c(PAGES + 2 * PAGE, 1));
        FfaOutcome first = send.firstFragment(send.bytes().length - FfaConstituent.SIZE);
        assertEquals(FfaResult.Function.MEM_FRAG_RX, first.result().function(), first::toString);
        return first.result().handle().orElseThrow();
    }

    /** The 16 bytes of a constituent, for a FRAG_TX. */
    static byte[] constituentBytes(long address, long pages) {
        return FfaDescriptorCodec.encodeConstituents(List.of(c(address, pages)));
    }
}
