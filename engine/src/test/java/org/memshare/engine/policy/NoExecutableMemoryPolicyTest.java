package org.memshare.engine.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.memshare.engine.policy.Requests.request;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.memshare.api.mode.Mode;
import org.memshare.api.policy.ShareRequest;
import org.memshare.api.spci.MemoryAccess;
import org.memshare.api.spci.MemoryRegion;
import org.memshare.api.spci.ShareType;

class NoExecutableMemoryPolicyTest {
    private final NoExecutableMemoryPolicy policy = NoExecutableMemoryPolicy.forVms(3, 5);

    @ParameterizedTest
    @EnumSource(ShareType.class)
    void refusesExecutableMemoryToAProtectedVmWhateverTheShareType(ShareType type) {
        int mode = Mode.UNOWNED | Mode.R | Mode.X;
        Optional<String> refusal = policy.refusal(request(type, 1, 3, MemoryAccess.RO_X, 0, mode));

        assertTrue(refusal.isPresent(), type + " of executable memory to VM 3 must be refused");
        assertTrue(refusal.get().contains("VM 3"), refusal.get());
        assertTrue(refusal.get().contains(type.traceName()), refusal.get());
        assertTrue(refusal.get().contains("0x" + Integer.toHexString(mode)), refusal.get());
    }

    @Test
    void refusesEveryProtectedVm() {
        Optional<String> refusal = policy.refusal(request(ShareType.LEND, 1, 5, MemoryAccess.RW_X, 0,
                Mode.UNOWNED | Mode.R | Mode.W | Mode.X));
        assertTrue(refusal.orElseThrow().contains("VM 5"), refusal.get());
    }

    @ParameterizedTest
    @EnumSource(value = MemoryAccess.class, names = {"RO_NX", "RW_NX"})
    void allowsMemoryThatIsNotExecutableToAProtectedVm(MemoryAccess access) {
        assertEquals(Optional.empty(), policy.refusal(request(ShareType.LEND, 1, 3, access, 0,
                Mode.UNOWNED | access.mode())));
    }

    @Test
    void allowsExecutableMemoryToAnotherVm() {
        for (int receiver : new int[] {1, 2, 4, 6}) {
            assertEquals(Optional.empty(), policy.refusal(request(ShareType.SHARE, 3, receiver, MemoryAccess.RW_X, 0,
                    Mode.UNOWNED | Mode.SHARED | Mode.R | Mode.W | Mode.X)), "receiver VM " + receiver);
        }
    }

    @Test
    void looksAtTheNewReceiverModeNotAtTheRequestedAccess() {
        // A relinquish ignores the requested access and gives R|W|X back to the owner.
        assertTrue(policy.refusal(request(ShareType.RELINQUISH, 1, 3, MemoryAccess.RO_NX, 0,
                Mode.R | Mode.W | Mode.X)).isPresent());
        // The access asks for X, but the mode the share would give has none.
        assertEquals(Optional.empty(), policy.refusal(request(ShareType.LEND, 1, 3, MemoryAccess.RW_X, 0,
                Mode.UNOWNED | Mode.R | Mode.W)));
    }

    @Test
    void ignoresTheFlags() {
        assertTrue(policy.refusal(request(ShareType.DONATE, 1, 3, MemoryAccess.RW_X, MemoryRegion.FLAG_CLEAR,
                Mode.R | Mode.W | Mode.X)).isPresent());
    }

    @Test
    void keepsTheVmIdsItWasGivenOnce() {
        NoExecutableMemoryPolicy twice = NoExecutableMemoryPolicy.forVms(List.of(7, 2, 7));
        assertEquals(Set.of(2, 7), twice.vmIds());
        assertThrows(UnsupportedOperationException.class, () -> twice.vmIds().add(9));
        assertEquals("NoExecutableMemoryPolicy[2, 7]", twice.toString());
    }

    @Test
    void refusesIdsThatAreNotVmIds() {
        for (int bad : new int[] {0, -1, 0xffff, Integer.MAX_VALUE}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> NoExecutableMemoryPolicy.forVms(1, bad));
            assertTrue(e.getMessage().contains(String.valueOf(bad)), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> NoExecutableMemoryPolicy.forVms());
        assertThrows(IllegalArgumentException.class, () -> NoExecutableMemoryPolicy.forVms(List.of()));
        assertThrows(NullPointerException.class, () -> NoExecutableMemoryPolicy.forVms(Arrays.asList(1, null)));
        assertThrows(NullPointerException.class, () -> NoExecutableMemoryPolicy.forVms((List<Integer>) null));
        assertThrows(NullPointerException.class, () -> policy.refusal((ShareRequest) null));
    }
}
