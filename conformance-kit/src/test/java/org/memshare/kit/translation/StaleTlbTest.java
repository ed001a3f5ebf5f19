package org.memshare.kit.translation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.memshare.api.addr.PhysicalAddress;
import org.memshare.api.arch.PageTableFormat;
import org.memshare.api.arch.Stage;
import org.memshare.api.arch.TlbMaintenance;
import org.memshare.api.mode.Mode;
import org.memshare.arch.aarch64.Aarch64ArchPlugin;
import org.memshare.arch.aarch64.Aarch64Tlb;
import org.memshare.engine.mm.PageTable;
import org.memshare.engine.mm.TableMemory;
import org.memshare.engine.pool.DefaultPagePool;

/**
 * The aarch64 TLB model keeps a translation until it is invalidated, so a hypervisor that forgets
 * an invalidation is caught: the VM still reaches memory it no longer maps.
 */
class StaleTlbTest {
    private static final int VM = 1;
    private static final long PAGE = 0x4020_0000L;

    private final PageTableFormat format = Aarch64ArchPlugin.format(40);
    private final TableMemory memory = new TableMemory();
    private final DefaultPagePool pool = DefaultPagePool.create(4096);
    private final Aarch64Tlb tlb = new Aarch64Tlb();

    StaleTlbTest() {
        pool.addChunk(0x8000_0000L, 64 * 4096);
    }

    private TranslationModel modelOf(PageTable table) {
        TranslationModel model = new TranslationModel(format, memory::table, table.rootAddress(), VM);
        tlb.addObserver(model);
        return model;
    }

    @Test
    void anAccessAfterAnUnmapThatWasNotInvalidatedStillSucceedsThroughTheTlb() {
        // A table whose maintenance goes nowhere: the unmap below is never invalidated.
        PageTable table = PageTable.create(format, Stage.STAGE2, memory, TlbMaintenance.NONE, VM, pool).orElseThrow();
        TranslationModel model = modelOf(table);
        assertTrue(table.map(PhysicalAddress.of(PAGE), PhysicalAddress.of(PAGE + 4096), Mode.R | Mode.W, pool));
        assertEquals(Optional.of(PAGE + 8), model.translate(PAGE + 8).map(TranslationModel.Translation::pa));

        assertTrue(table.unmap(PhysicalAddress.of(PAGE), PhysicalAddress.of(PAGE + 4096), pool));

        assertTrue(model.walk(PAGE + 8).isEmpty(), "the table no longer maps the page");
        assertEquals(Optional.of(PAGE + 8), model.translate(PAGE + 8).map(TranslationModel.Translation::pa),
                "the stale TLB entry still translates");
        assertEquals(1, model.staleEntries().size());
    }

    @Test
    void theEnginesNormalUnmapInvalidatesSoTheAccessFaults() {
        PageTable table = PageTable.create(format, Stage.STAGE2, memory, tlb, VM, pool).orElseThrow();
        TranslationModel model = modelOf(table);
        assertTrue(table.map(PhysicalAddress.of(PAGE), PhysicalAddress.of(PAGE + 4096), Mode.R | Mode.W, pool));
        assertTrue(model.translate(PAGE + 8).isPresent());

        assertTrue(table.unmap(PhysicalAddress.of(PAGE), PhysicalAddress.of(PAGE + 4096), pool));

        assertTrue(model.translate(PAGE + 8).isEmpty(), "the unmap invalidated the page, so the access faults");
        assertTrue(model.staleEntries().isEmpty());
    }

    @Test
    void breakBeforeMakeInvalidatesTheWholeBlockItSplits() {
        // Map a 2 MiB block, touch its first page, then change one page in the middle: the block
        // is split, and the TLB must forget the block's first page too.
        PageTable table = PageTable.create(format, Stage.STAGE2, memory, tlb, VM, pool).orElseThrow();
        TranslationModel model = modelOf(table);
        long block = 0x4000_0000L;
        assertTrue(table.map(PhysicalAddress.of(block), PhysicalAddress.of(block + 0x20_0000), Mode.R | Mode.W, pool));
        assertTrue(model.translate(block).isPresent());
        assertTrue(table.map(PhysicalAddress.of(block + 0x5000), PhysicalAddress.of(block + 0x6000), Mode.R, pool));
        assertTrue(model.staleEntries().isEmpty(), "stale after the split: " + model.staleEntries());
    }
}
