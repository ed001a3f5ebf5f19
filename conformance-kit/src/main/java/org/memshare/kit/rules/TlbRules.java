package org.memshare.kit.rules;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.memshare.api.addr.Addresses;
import org.memshare.api.arch.ArchFeature;
import org.memshare.api.mode.Mode;
import org.memshare.api.spci.ShareType;
import org.memshare.engine.machine.Vm;
import org.memshare.kit.ArchUnderTest;
import org.memshare.kit.ConformanceRule;
import org.memshare.kit.Level;
import org.memshare.kit.RuleDisplayNames;
import org.memshare.kit.translation.TranslationModel;

/**
 * TLB rules: after every committed change no stale translation survives. A booted machine is
 * driven through operations while a {@link TranslationModel} observes every VM's stage-2 TLB
 * maintenance (through the api's {@link org.memshare.api.arch.TlbObserver}); before each change
 * every VM translates, and so caches, the pages of interest; after it, every cached translation
 * must still be what a fresh walk gives. Optional: they need {@link ArchFeature#TLB_MODEL}.
 *
 * <p>A failure names the operation, the VM, the IPA, and the cached and fresh translations in
 * hex. Look at the arch's {@code TlbMaintenance}: does it report (and perform) an invalidation
 * for every page of the range the engine asks for, for the right VM, and everything of the VM for
 * large ranges?
 */
@DisplayNameGeneration(RuleDisplayNames.class)
public class TlbRules {
    private static final long PAGE = Addresses.PAGE_SIZE;
    private static final int POOL_PAGES = 256;
    private static final int VMS = 3;

    /** A booted machine with a translation model observing each VM. */
    private static final class Observed extends ScenarioSteps {
        final List<TranslationModel> models = new ArrayList<>();
        final List<Long> pages = new ArrayList<>();

        Observed(ArchUnderTest under) {
            super(under, POOL_PAGES, VMS, 3);
            for (Vm vm : machine.vms()) {
                models.add(TranslationModel.observe(machine, vm));
            }
            for (long offset : new long[] {0, PAGE, 5 * PAGE, 6 * PAGE, 7 * PAGE, 8 * PAGE, block - PAGE, block,
                block + PAGE, block + 9 * PAGE, 2 * block - PAGE}) {
                pages.add(base + offset);
            }
        }

        /** Every VM translates every page of interest, so that the TLB holds what is mapped. */
        void touch() {
            for (TranslationModel model : models) {
                for (long page : pages) {
                    model.translate(page);
                }
            }
        }

        /** Touches, runs {@code change}, then fails if any VM's TLB holds a stale translation. */
        @Override
        void step(String operation, Runnable change) {
            touch();
            change.run();
            for (TranslationModel model : models) {
                List<TranslationModel.Translation> stale = model.staleEntries();
                if (!stale.isEmpty()) {
                    fail(under + ": after " + operation + ", VM " + model.vmId() + " still translates "
                            + describe(model, stale.get(0)) + (stale.size() > 1 ? " (and " + (stale.size() - 1)
                            + " more stale pages)" : "") + ": the TLB maintenance missed an invalidation");
                }
            }
        }
    }

    private static String describe(TranslationModel model, TranslationModel.Translation cached) {
        Optional<TranslationModel.Translation> fresh = model.walk(cached.ipa());
        return "IPA 0x" + Long.toHexString(cached.ipa()) + " from its TLB as " + describe(cached)
                + " but a fresh walk gives " + fresh.map(TlbRules::describe).orElse("a fault");
    }

    private static String describe(TranslationModel.Translation t) {
        return "PA 0x" + Long.toHexString(t.pa()) + " attrs 0x" + Long.toHexString(t.attrs()) + " (mode "
                + Mode.describe(t.mode()) + ", level " + t.level() + ")";
    }

    @ConformanceRule(id = "TLB-1", level = Level.OPTIONAL, requires = ArchFeature.TLB_MODEL,
            title = "no stale translation survives a map, remap, unmap, block split or defrag")
    void tlb1PageTableChanges(ArchUnderTest under) {
        Observed o = new Observed(under);
        long base = o.base;
        long block = o.block;
        int rwx = Mode.R | Mode.W | Mode.X;
        o.map(1, base, base + 2 * block, rwx);
        o.map(2, base, base + block, Mode.R | Mode.W);
        o.map(1, base + 5 * PAGE, base + 6 * PAGE, Mode.R); // splits the first block
        o.map(1, base + 6 * PAGE, base + 7 * PAGE, Mode.INVALID); // an owned invalid page
        o.map(1, base + block, base + 2 * block, Mode.R | Mode.X); // remaps a whole block
        o.map(2, base, base + block, Mode.R); // remaps a whole block of another VM
        o.unmap(1, base + 7 * PAGE, base + 9 * PAGE);
        o.unmap(1, base + block + 9 * PAGE, base + block + 10 * PAGE); // splits the second block
        o.map(1, base, base + block, rwx); // the split range whole again: map never merges
        o.defrag(1); // now the table may become a block
        o.unmap(2, base, base + block);
        o.unmap(1, base, base + 2 * block);
        o.defrag(1);
        o.map(3, base, base + 2 * block, rwx);
        o.unmap(3, base + block - PAGE, base + block + PAGE); // a range across two blocks
        o.defrag(3);
    }

    @ConformanceRule(id = "TLB-2", level = Level.OPTIONAL, requires = ArchFeature.TLB_MODEL,
            title = "no stale translation survives a share, lend, donate or relinquish, in sender or receiver")
    void tlb2SharingChanges(ArchUnderTest under) {
        Observed o = new Observed(under);
        long base = o.base;
        long block = o.block;
        o.map(1, base, base + 2 * block, Mode.R | Mode.W | Mode.X);
        // Each share changes part of a block in the sender, so the block is split.
        o.share(ShareType.SHARE, 1, 2, 2, base + 5 * PAGE, 1);
        o.share(ShareType.LEND, 1, 3, 3, base + 6 * PAGE, 2, base + block + 9 * PAGE, 1);
        o.share(ShareType.RELINQUISH, 3, 1, 0, base + 6 * PAGE, 2, base + block + 9 * PAGE, 1);
        o.share(ShareType.RELINQUISH, 2, 1, 0, base + 5 * PAGE, 1);
        o.share(ShareType.DONATE, 1, 2, 3, base, 1, base + block - PAGE, 1);
        o.share(ShareType.LEND, 1, 2, 0, base + block, 1);
        o.share(ShareType.DONATE, 2, 3, 1, base, 1);
        o.share(ShareType.SHARE, 3, 1, 0, base, 1);
        o.share(ShareType.RELINQUISH, 1, 3, 0, base, 1);
        o.share(ShareType.RELINQUISH, 2, 1, 0, base + block, 1);
    }
}
