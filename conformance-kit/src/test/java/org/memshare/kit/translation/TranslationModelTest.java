package org.memshare.kit.translation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.memshare.api.addr.IntermediatePhysicalAddress;
import org.memshare.api.arch.PageTableFormat;
import org.memshare.api.arch.Stage;
import org.memshare.api.arch.TlbObserver;
import org.memshare.api.mode.Mode;
import org.memshare.arch.aarch64.Aarch64ArchPlugin;
import org.memshare.arch.aarch64.Aarch64Tlb;

/**
 * A 40-bit machine (stage 2: root at level 2, 2 concatenated root tables at 0x10_0000 and
 * 0x10_1000) with hand-built tables.
 */
class TranslationModelTest {
    private static final int VM = 1;
    private static final long ROOT = 0x10_0000L;
    private static final long L1_TABLE = 0x20_0000L;
    private static final long L0_TABLE = 0x21_0000L;

    private final PageTableFormat format = Aarch64ArchPlugin.format(40);
    private final Map<Long, long[]> memory = new HashMap<>();
    private final Aarch64Tlb tlb = new Aarch64Tlb();
    private final TranslationModel model =
            new TranslationModel(format, pa -> memory.computeIfAbsent(pa, p -> new long[512]), ROOT, VM);

    private final long rw = format.modeToStage2Attrs(Mode.R | Mode.W);
    private final long ro = format.modeToStage2Attrs(Mode.R);

    TranslationModelTest() {
        tlb.addObserver(model);
        // Root entry 0 (IPA 0 - 1 GiB) -> level-1 table; its entry 1 (IPA 2 MiB - 4 MiB) -> level-0 table.
        table(ROOT)[0] = format.tablePte(2, L1_TABLE);
        table(L1_TABLE)[1] = format.tablePte(1, L0_TABLE);
        // IPA 0x20_3000 -> page at PA 0x8000_3000, read-write.
        table(L0_TABLE)[3] = format.blockPte(0, 0x8000_3000L, rw);
        // Level-1 entry 2 (IPA 4 MiB - 6 MiB) -> 2 MiB block at PA 0x9000_0000, read-only.
        table(L1_TABLE)[2] = format.blockPte(1, 0x9000_0000L, ro);
        // The second concatenated root table: root index 512 + 3 (IPA 515 GiB) -> 1 GiB block.
        table(ROOT + 0x1000)[3] = format.blockPte(2, 0x40_0000_0000L, rw);
    }

    private long[] table(long pa) {
        return memory.computeIfAbsent(pa, p -> new long[512]);
    }

    private static IntermediatePhysicalAddress ipa(long value) {
        return IntermediatePhysicalAddress.of(value);
    }

    @Test
    void walksPagesBlocksAndConcatenatedRoots() {
        TranslationModel.Translation page = model.walk(0x20_3abcL).orElseThrow();
        assertEquals(0x8000_3abcL, page.pa());
        assertEquals(Mode.R | Mode.W, page.mode());
        assertEquals(0, page.level());

        TranslationModel.Translation block = model.walk(0x45_6789L).orElseThrow();
        assertEquals(0x9005_6789L, block.pa());
        assertEquals(Mode.R, block.mode());
        assertEquals(1, block.level());

        long ipa = (512L + 3) << 30 | 0x1234_5678L;
        TranslationModel.Translation huge = model.walk(ipa).orElseThrow();
        assertEquals(0x40_0000_0000L | 0x1234_5678L, huge.pa());
        assertEquals(2, huge.level());
    }

    @Test
    void faults() {
        assertEquals(Optional.empty(), model.walk(0x20_4000L)); // absent page
        assertEquals(Optional.empty(), model.walk(1L << 40)); // beyond the 2^40 address space
        table(L0_TABLE)[4] = format.blockPte(0, 0x8000_4000L, format.modeToStage2Attrs(Mode.R | Mode.INVALID));
        assertEquals(Optional.empty(), model.walk(0x20_4000L)); // owned but invalid
        table(L0_TABLE)[5] = 0x8000_5000L | rw; // valid, bit 1 clear at level 0: reserved
        assertEquals(Optional.empty(), model.walk(0x20_5000L));
        assertEquals(Optional.empty(), model.translate(0x20_5000L));
        assertEquals(0, model.cachedPages()); // faults are not cached
    }

    @Test
    void cachedTranslationGoesStaleUntilInvalidated() {
        assertEquals(0x8000_3000L, model.translate(0x20_3000L).orElseThrow().pa());
        assertTrue(model.isCached(0x20_3fffL));

        // Remap the page without maintenance: the TLB still answers with the old page.
        table(L0_TABLE)[3] = format.blockPte(0, 0x8800_3000L, rw);
        assertEquals(0x8000_3010L, model.translate(0x20_3010L).orElseThrow().pa());
        assertEquals(0x8800_3010L, model.walk(0x20_3010L).orElseThrow().pa());
        List<TranslationModel.Translation> stale = model.staleEntries();
        assertEquals(1, stale.size());
        assertEquals(0x20_3000L, stale.get(0).ipa());

        // Another VM's maintenance and stage-1 maintenance do not help.
        tlb.invalidateStage2(VM + 1, ipa(0x20_3000L), ipa(0x20_4000L));
        model.invalidatePage(Stage.STAGE1, TlbObserver.NO_VM, 0x20_3000L);
        assertEquals(0x8000_3000L, model.translate(0x20_3000L).orElseThrow().pa());

        // The VM's own invalidation of that page does.
        tlb.invalidateStage2(VM, ipa(0x20_3000L), ipa(0x20_4000L));
        assertFalse(model.isCached(0x20_3000L));
        assertEquals(0x8800_3000L, model.translate(0x20_3000L).orElseThrow().pa());
        assertEquals(List.of(), model.staleEntries());
    }

    /* A block is cached page by page: invalidating one page of it leaves the others stale. */
    @Test
    void blocksAreCachedPerPage() {
        model.translate(0x40_0000L);
        model.translate(0x40_1000L);
        assertEquals(2, model.cachedPages());
        table(L1_TABLE)[2] = format.absentPte(1); // unmap the 2 MiB block, no maintenance yet
        assertEquals(2, model.staleEntries().size());
        tlb.invalidateStage2(VM, ipa(0x40_0000L), ipa(0x40_1000L));
        assertEquals(1, model.cachedPages());
        assertTrue(model.translate(0x40_1000L).isPresent()); // still stale
        assertTrue(model.translate(0x40_0000L).isEmpty());
    }

    /* More than 512 pages: the whole VM goes. */
    @Test
    void largeInvalidationDropsEverything() {
        model.translate(0x20_3000L);
        model.translate(0x40_0000L);
        assertEquals(2, model.cachedPages());
        tlb.invalidateStage2(VM, ipa(0), ipa(0x40_0000_0000L));
        assertEquals(0, model.cachedPages());
    }

    /* Splitting a block into an equivalent table changes the level but not the translation: not stale. */
    @Test
    void equivalentRemapIsNotStale() {
        model.translate(0x40_0000L);
        long split = 0x30_0000L;
        for (int i = 0; i < 512; i++) {
            table(split)[i] = format.blockPte(0, 0x9000_0000L + i * 4096L, ro);
        }
        table(L1_TABLE)[2] = format.tablePte(1, split);
        assertEquals(0, model.walk(0x40_0000L).orElseThrow().level());
        assertEquals(List.of(), model.staleEntries());
    }
}
