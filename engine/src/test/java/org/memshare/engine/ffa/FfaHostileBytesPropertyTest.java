package org.memshare.engine.ffa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.memshare.engine.ffa.FfaFixture.BASE;
import static org.memshare.engine.ffa.FfaFixture.c;
import static org.memshare.engine.ffa.FfaFixture.to;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.memshare.api.ffa.FfaResult;
import org.memshare.api.ffa.FfaShareKind;
import org.memshare.api.ffa.FfaVersion;
import org.memshare.api.ffa.MemoryPermissions;

/**
 * Hostile descriptors: valid ones with bytes overwritten at random, cut short or grown, sent,
 * retrieved and relinquished by VMs of every version. No call throws, and a refused call changes
 * nothing (every table, the pool, the share states, the RX buffers, memory).
 */
class FfaHostileBytesPropertyTest {
    private static final List<FfaVersion> VERSIONS = List.of(FfaVersion.V1_0, FfaVersion.V1_1, FfaVersion.V1_2,
            FfaVersion.V1_3);

    /** Overwrites {@code count} bytes of {@code base} chosen by {@code seed}, then sets its length. */
    private static byte[] mutate(byte[] base, long seed, int count, int length) {
        Random random = new Random(seed);
        byte[] bytes = Arrays.copyOf(base, length);
        for (int i = 0; i < count && length > 0; i++) {
            int at = random.nextInt(Math.min(length, 160));
            bytes[at] = (byte) (random.nextInt(4) == 0 ? random.nextInt(256) : bytes[at] ^ (1 << random.nextInt(8)));
        }
        return bytes;
    }

    @Provide
    Arbitrary<Integer> lengths() {
        return Arbitraries.oneOf(Arbitraries.integers().between(0, 200), Arbitraries.of(112, 128, 144, 96, 80, 64, 48));
    }

    @Property(tries = 300)
    void aHostileSendNeverThrowsAndARefusalChangesNothing(@ForAll FfaFixture.Arch arch,
            @ForAll @IntRange(min = 0, max = 3) int senderVersion, @ForAll FfaShareKind kind, @ForAll long seed,
            @ForAll @IntRange(min = 0, max = 6) int flips, @ForAll("lengths") int length,
            @ForAll @IntRange(min = -32, max = 64) int totalDelta) {
        FfaFixture f = FfaFixture.boot(arch);
        FfaVersion version = VERSIONS.get(senderVersion);
        f.ffa.setVersion(1, version);
        byte[] valid = FfaFixture.sendTx(version, 1, 0, FfaFixture.attributesFor(kind, 1), 0,
                List.of(to(2, FfaFixture.sendPermissions(kind))), List.of(c(BASE, 2), c(BASE + 0x4000, 1)));
        byte[] tx = mutate(valid, seed, flips, length);
        FfaFixture.Snapshot before = f.snapshot();
        FfaOutcome outcome = f.ffa.explaining().memSend(1, kind, tx, tx.length + totalDelta);
        if (outcome.isRefused()) {
            assertEquals(before, f.snapshot(), outcome::toString);
        }
    }

    @Property(tries = 300)
    void aHostileRetrieveOrRelinquishNeverThrowsAndARefusalChangesNothing(@ForAll FfaFixture.Arch arch,
            @ForAll @IntRange(min = 0, max = 3) int retrieverVersion, @ForAll long seed,
            @ForAll @IntRange(min = 0, max = 6) int flips, @ForAll("lengths") int length, @ForAll boolean relinquish) {
        FfaFixture f = FfaFixture.boot(arch);
        long handle = f.sendOk(FfaShareKind.SHARE, 1, List.of(c(BASE, 2)), 0, 2, 3);
        FfaVersion version = VERSIONS.get(retrieverVersion);
        f.ffa.setVersion(2, version);
        byte[] tx;
        if (relinquish) {
            f.retrieveOk(2, handle, 1, FfaShareKind.SHARE, 2, 3);
            tx = mutate(FfaFixture.relinquishTx(handle, 0, 2), seed, flips, Math.min(length, 40));
        } else {
            tx = mutate(FfaFixture.retrieveTx(version, 1, handle, 0, FfaFixture.attributesFor(FfaShareKind.SHARE, 2), 0,
                    List.of(to(2, MemoryPermissions.RW), to(3, MemoryPermissions.RW))), seed, flips, length);
        }
        FfaFixture.Snapshot before = f.snapshot();
        FfaOutcome outcome = relinquish ? f.ffa.explaining().relinquish(2, tx)
                : f.ffa.explaining().retrieveRequest(2, tx, tx.length);
        if (outcome.isRefused()) {
            assertEquals(before, f.snapshot(), outcome::toString);
        } else if (!relinquish) {
            assertEquals(FfaResult.Function.MEM_RETRIEVE_RESP, outcome.result().function());
        }
    }

    @Property(tries = 150)
    void hostileRegisterArgumentsNeverThrow(@ForAll FfaFixture.Arch arch, @ForAll int vm, @ForAll long handle,
            @ForAll int offset, @ForAll int senderId, @ForAll int flags, @ForAll int version) {
        FfaFixture f = FfaFixture.boot(arch);
        f.sendOk(FfaShareKind.LEND, 1, List.of(c(BASE, 1)), 0, 2);
        int caller = Math.floorMod(vm, 6);
        f.ffa.fragRx(caller, handle, offset, senderId);
        f.ffa.fragTx(caller, handle, new byte[Math.floorMod(offset, 48)], senderId);
        f.ffa.reclaim(caller, handle, flags);
        f.ffa.version(caller, version);
        f.ffa.rxRelease(caller);
    }
}
