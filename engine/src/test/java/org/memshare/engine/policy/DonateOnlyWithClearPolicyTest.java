package org.memshare.engine.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.memshare.engine.policy.Requests.request;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.memshare.api.mode.Mode;
import org.memshare.api.policy.ShareRequest;
import org.memshare.api.spci.MemoryAccess;
import org.memshare.api.spci.MemoryRegion;
import org.memshare.api.spci.ShareType;

class DonateOnlyWithClearPolicyTest {
    private static final int RECEIVER_MODE = Mode.R | Mode.W;

    private final DonateOnlyWithClearPolicy policy = DonateOnlyWithClearPolicy.create();

    @ParameterizedTest
    @ValueSource(ints = {0, 2, 0x8000_0000, 0xffff_fffe})
    void refusesADonateWithoutTheClearFlag(int flags) {
        Optional<String> refusal = policy.refusal(request(ShareType.DONATE, 1, 2, MemoryAccess.RW_NX, flags,
                RECEIVER_MODE));

        assertTrue(refusal.isPresent(), "flags 0x" + Integer.toHexString(flags));
        assertTrue(refusal.get().contains("clear"), refusal.get());
        assertTrue(refusal.get().contains("VM 1") && refusal.get().contains("VM 2"), refusal.get());
    }

    @ParameterizedTest
    @ValueSource(ints = {MemoryRegion.FLAG_CLEAR, 3, 0xffff_ffff})
    void allowsADonateWithTheClearFlag(int flags) {
        assertEquals(Optional.empty(), policy.refusal(request(ShareType.DONATE, 1, 2, MemoryAccess.RW_X, flags,
                RECEIVER_MODE)));
    }

    @ParameterizedTest
    @EnumSource(value = ShareType.class, names = {"LEND", "SHARE", "RELINQUISH"})
    void ignoresEverythingButDonate(ShareType type) {
        assertEquals(Optional.empty(), policy.refusal(request(type, 2, 1, MemoryAccess.RW_NX, 0, RECEIVER_MODE)));
    }

    @Test
    void refusesANullRequest() {
        assertThrows(NullPointerException.class, () -> policy.refusal((ShareRequest) null));
    }
}
