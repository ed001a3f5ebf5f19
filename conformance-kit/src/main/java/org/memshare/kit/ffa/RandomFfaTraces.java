package org.memshare.kit.ffa;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random FF-A traces in the trace language of docs/traces.md, seeded and reproducible: the same
 * seed and settings give the same text, line for line. Most operations are aimed at what an
 * optimistic model of the machine expects to succeed (sends of owned pages, retrieves by the
 * named borrowers with fitting permissions, relinquishes, reclaims, fragments sent and received
 * at the right offsets); some are mutated (wrong permissions, flags, tags, types, handles,
 * offsets, hostile descriptor bytes) so that refusals are exercised too. After every FF-A step a
 * {@code mode} line exposes the state of each party's pages.
 *
 * <p>The model never sees an outcome: it assumes aimed operations succeed and mutated ones fail,
 * and drifts when they do not, which only makes later operations less aimed.
 *
 * <p>Inputs that make Hafnium itself crash are never generated (see {@link Settings#crashFree}):
 * a retrieve request with receiver count 0 (Hafnium's hypervisor retrieve request, which asserts
 * when a VM sends it); a send whose first fragment is empty (Hafnium allocates 0 bytes and writes
 * through a null chunk); and a first fragment of a one-borrower send with 16-byte descriptors
 * (v1.0, v1.1) so full that the retrieve response of a v1.2 borrower, whose descriptor is 32
 * bytes, cannot hold it (Hafnium CHECKs that it can and panics); and a v1.1+ descriptor whose
 * receivers offset is within 64 of 2^32 (Hafnium's bounds check adds it to the receivers' size in
 * 32 bits, the sum wraps, and it reads a receiver 4 GiB past the descriptor).
 */
public final class RandomFfaTraces {

    /**
     * What a trace may hold.
     *
     * @param steps FF-A operations per trace (mode lines come on top)
     * @param mutateOneIn one operation in this many is mutated (1: all of them)
     * @param hostileOneIn one mutation in this many sends hostile bytes instead of a builder line
     * @param mixedModesOneIn one send in this many takes constituents in different modes (Hafnium
     *     judges only the last constituent of the first fragment; a deliberate difference), 0: never
     * @param poolLines whether to print {@code pool} now and then
     * @param crashFree whether to keep away from inputs that crash Hafnium (see the class doc)
     */
    public record Settings(int steps, int mutateOneIn, int hostileOneIn, int mixedModesOneIn, boolean poolLines,
            boolean crashFree) {
        public Settings {
            if (steps < 1 || mutateOneIn < 1 || hostileOneIn < 1 || mixedModesOneIn < 0) {
                throw new IllegalArgumentException("steps, mutateOneIn and hostileOneIn must be at least 1, "
                        + "mixedModesOneIn at least 0");
            }
        }

        /** The differential's default: 40 steps, one in 5 mutated, one in 4 of those hostile bytes. */
        public static Settings standard() {
            return new Settings(40, 5, 4, 0, false, true);
        }
    }

    private final Settings settings;

    public RandomFfaTraces(Settings settings) {
        this.settings = requireNonNull(settings, "settings is null");
    }

    /** The trace of {@code seed}: one {@code init} and what follows it, one line per element. */
    public List<String> trace(long seed) {
        return new FfaScenario(new SplittableRandom(seed), settings, seed).run();
    }

    /**
     * Writes {@code count} traces, seeds {@code firstSeed} on, as {@code DIR/ffa-SEED.trace}; the
     * optional arguments override {@link Settings#standard()}'s steps, mutateOneIn and
     * hostileOneIn.
     *
     * <pre>
     * java -cp memshare-conformance-tests-*-cli.jar org.memshare.kit.ffa.RandomFfaTraces DIR FIRST_SEED COUNT [STEPS [MUTATE_ONE_IN [HOSTILE_ONE_IN]]]
     * </pre>
     */
    public static void main(String[] args) {
        if (args.length < 3 || args.length > 6) {
            System.err.println("usage: RandomFfaTraces DIR FIRST_SEED COUNT [STEPS [MUTATE_ONE_IN [HOSTILE_ONE_IN]]]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        long first = Long.parseLong(args[1]);
        int count = Integer.parseInt(args[2]);
        Settings standard = Settings.standard();
        Settings settings = new Settings(args.length > 3 ? Integer.parseInt(args[3]) : standard.steps(),
                args.length > 4 ? Integer.parseInt(args[4]) : standard.mutateOneIn(),
                args.length > 5 ? Integer.parseInt(args[5]) : standard.hostileOneIn(), standard.mixedModesOneIn(),
                standard.poolLines(), standard.crashFree());
        RandomFfaTraces traces = new RandomFfaTraces(settings);
        try {
            Files.createDirectories(dir);
            for (long seed = first; seed < first + count; seed++) {
                Files.write(dir.resolve("ffa-" + seed + ".trace"), traces.trace(seed));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
