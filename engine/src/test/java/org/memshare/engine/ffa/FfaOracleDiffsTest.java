package org.memshare.engine.ffa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.memshare.engine.ffa.FfaFixture.BASE;
import static org.memshare.engine.ffa.FfaFixture.c;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.memshare.api.ffa.FfaError;
import org.memshare.api.ffa.FfaShareKind;
import org.memshare.api.ffa.TransactionFlags;
import org.memshare.api.mode.Mode;

/**
 * The differences the differential against Hafnium main built natively found in the engine
 * (/work/notes/ffa-diffs.md, section B, and the lead's decisions in its section D), each pinned
 * to what Hafnium itself answered for the trace in the comment.
 */
class FfaOracleDiffsTest {

    /**
     * B1: a retrieve request with any bit of the address-range hint (flag bits 8-5) is refused.
     * Hafnium ({@code ffa_memory_retrieve_validate}, "Bits 8-5 must be zero") for
     * <pre>
     * init arch=fake pool_pages=64 vms=2
     * map 1 0x200000 0x201000 0x7
     * mem_lend from=1 to=2 c=0x200000:1
     * mem_retrieve vm=2 handle=0x8000000000000000 from=1 type=lend flags=0x20   -> INVALID_PARAMETERS
     * </pre>
     * and the same for flags 0x40, 0x80, 0x100, 0x120 and 0x1e0; then the retrieve without a hint
     * succeeds (the refusals changed nothing).
     */
    @ParameterizedTest
    @EnumSource(FfaFixture.Arch.class)
    void b1EveryNonZeroAddressRangeHintIsRefused(FfaFixture.Arch arch) {
        FfaFixture f = FfaFixture.boot(arch);
        long handle = f.sendOk(FfaShareKind.LEND, 1, List.of(c(BASE, 1)), 0, 2);
        FfaFixture.Snapshot before = f.snapshot();
        for (int hint = 1; hint <= 15; hint++) {
            int flags = TransactionFlags.NONE.withTransactionType(FfaShareKind.LEND).value() | hint << 5;
            FfaOutcome outcome = f.retrieve(2, handle, 1, FfaShareKind.LEND, flags, 2);
            FfaFixture.assertRefused(FfaCheck.RETRIEVE_HINT, outcome);
            assertEquals(FfaError.INVALID_PARAMETERS, outcome.result().error());
            assertEquals(before, f.snapshot(), "hint " + hint + " changed something");
        }
        f.retrieveOk(2, handle, 1, FfaShareKind.LEND, 2);
        f.assertMapped("retrieved without a hint", BASE, 1, 2, Mode.R | Mode.W | Mode.UNOWNED);
    }
}
