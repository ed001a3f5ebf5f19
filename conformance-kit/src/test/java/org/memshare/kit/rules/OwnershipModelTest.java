package org.memshare.kit.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.memshare.api.mode.Mode;
import org.memshare.api.spci.ShareType;
import org.memshare.kit.fixture.Message;
import org.memshare.kit.model.OwnershipModel;

/** The kit's ownership model on hand-worked transitions, and the MODEL rules' random scenarios it drives. */
class OwnershipModelTest {
    /** aarch64's absent entry reads as X|D|INVALID|UNOWNED|SHARED. */
    private static final int ABSENT = 0x7c;
    private static final int RWX = Mode.R | Mode.W | Mode.X;

    private final OwnershipModel model = new OwnershipModel(0x200000, 8, 3, ABSENT);

    OwnershipModelTest() {
        model.map(1, 0, 4, RWX);
    }

    @Test
    void lendThenRelinquish() {
        assertTrue(model.share(ShareType.LEND, 1, 2, Mode.R, new int[] {0, 2}));
        assertEquals(Mode.INVALID | RWX, model.mode(1, 0)); // O-NA keeps its permissions
        assertEquals(Mode.UNOWNED | Mode.R, model.mode(2, 1)); // !O-EA with the requested access
        assertEquals(Optional.of(1), model.owner(0));
        assertTrue(model.share(ShareType.RELINQUISH, 2, 1, 0, new int[] {0, 2}));
        assertEquals(RWX, model.mode(1, 0)); // relinquish gives R|W|X back
        assertEquals(ABSENT, model.mode(2, 0)); // I|U|S|R is an unmap: the entry is absent again
    }

    @Test
    void donateMovesOwnership() {
        assertTrue(model.share(ShareType.DONATE, 1, 3, Mode.R | Mode.W, new int[] {2, 1}));
        assertEquals(ABSENT, model.mode(1, 2));
        assertEquals(Mode.R | Mode.W, model.mode(3, 2));
        assertEquals(Optional.of(3), model.owner(2));
    }

    @Test
    void shareKeepsTheOwnersAccess() {
        assertTrue(model.share(ShareType.SHARE, 1, 2, Mode.R | Mode.X, new int[] {3, 1}));
        assertEquals(Mode.SHARED | RWX, model.mode(1, 3));
        assertEquals(Mode.UNOWNED | Mode.SHARED | Mode.R | Mode.X, model.mode(2, 3));
        // The owner cannot lend what it shares, nor donate it to a third VM.
        assertFalse(model.share(ShareType.LEND, 1, 3, Mode.R, new int[] {3, 1}));
        assertFalse(model.share(ShareType.DONATE, 1, 3, Mode.R, new int[] {3, 1}));
        // It may donate it to the VM it shares with (row 3).
        assertTrue(model.share(ShareType.DONATE, 1, 2, Mode.R, new int[] {3, 1}));
        assertEquals(Mode.R, model.mode(2, 3));
    }

    @Test
    void refusals() {
        assertFalse(model.share(ShareType.LEND, 1, 2, Mode.R, new int[] {0, 2, 1, 1})); // overlap
        assertFalse(model.share(ShareType.LEND, 1, 2, Mode.R, new int[] {3, 2})); // page 4 is not VM 1's
        assertFalse(model.share(ShareType.LEND, 2, 1, Mode.R, new int[] {0, 1})); // VM 2 owns nothing
        assertFalse(model.share(ShareType.RELINQUISH, 1, 2, 0, new int[] {0, 1})); // nothing was lent
        model.map(1, 5, 1, Mode.R | Mode.D);
        assertFalse(model.share(ShareType.SHARE, 1, 2, Mode.R, new int[] {5, 1})); // device memory
        assertEquals(RWX, model.mode(1, 0));
        assertEquals(ABSENT, model.mode(2, 0));
    }

    /* The random scenarios accept about half their operations (a third at least), of every type. */
    @Test
    void scenariosExerciseEveryShareType() {
        for (long seed : new long[] {1, 20191205, 42}) {
            OwnershipModel m = new OwnershipModel(0x200000, 12, 3, ABSENT);
            m.map(1, 0, 6, RWX);
            m.map(2, 6, 3, Mode.R | Mode.W);
            m.map(3, 9, 2, Mode.R | Mode.X);
            int accepted = 0;
            Set<ShareType> types = EnumSet.noneOf(ShareType.class);
            for (org.memshare.kit.model.AimedShares.Share op : ModelRules.scenario(seed)) {
                if (m.share(op.type(), op.from(), op.to(), Message.accessOfCode(op.accessCode()).mode(), op.constituents())) {
                    accepted++;
                    types.add(op.type());
                }
            }
            assertTrue(accepted >= 100, "seed " + seed + ": only " + accepted + " of " + ModelRules.OPERATIONS + " accepted");
            assertEquals(EnumSet.allOf(ShareType.class), types, "seed " + seed);
        }
    }
}
