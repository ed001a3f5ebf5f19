package org.memshare.engine.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.memshare.api.addr.Addresses;
import org.memshare.api.arch.PageTableFormat;
import org.memshare.api.arch.Stage;
import org.memshare.api.mode.Mode;
import org.memshare.arch.aarch64.Aarch64ArchPlugin;
import org.memshare.arch.fake.FakeArchPlugin;

/** {@link UpdateStep#decideWhole}, the loop over pages' shortcut, against {@link UpdateStep#decide}. */
class UpdateStepPropertyTest {

    private static final int[] MODES = {Mode.R | Mode.W | Mode.X, Mode.R, Mode.R | Mode.INVALID, Mode.UNMAPPED_MASK};

    private enum Arch {
        FAKE(FakeArchPlugin.format()),
        AARCH64(Aarch64ArchPlugin.format(40));

        final PageTableFormat format;

        Arch(PageTableFormat format) {
            this.format = format;
        }
    }

    /** For an entry a range covers whole, from its start to its end or beyond, both decide alike. */
    @Property(tries = 500)
    void decideWholeIsDecideForAnEntryCoveredWhole(@ForAll Arch arch, @ForAll @IntRange(min = 0, max = 2) int level,
            @ForAll("kinds") int kind, @ForAll @IntRange(min = 0, max = 3) int entryMode,
            @ForAll @IntRange(min = 0, max = 3) int wantedMode, @ForAll @IntRange(min = 1, max = 3) int entries) {
        PageTableFormat format = arch.format;
        Geometry geometry = new Geometry(format, Stage.STAGE2);
        long size = Addresses.entrySize(level);
        long address = 5 * Addresses.entrySize(level + 1) + 7 * size;
        long pte = switch (kind) {
            case 0 -> format.absentPte(level);
            case 1 -> format.blockPte(level, address, format.modeToStage2Attrs(MODES[entryMode]));
            default -> format.tablePte(level, 0x8000_0000L);
        };
        long attrs = format.modeToStage2Attrs(MODES[wantedMode]);
        boolean unmap = Mode.isUnmapped(MODES[wantedMode]);
        assertEquals(UpdateStep.decide(format, geometry, pte, level, address, address + entries * size, attrs, unmap),
                UpdateStep.decideWhole(format, pte, level, attrs, unmap));
    }

    @Provide
    Arbitrary<Integer> kinds() {
        return Arbitraries.integers().between(0, 2);
    }
}
