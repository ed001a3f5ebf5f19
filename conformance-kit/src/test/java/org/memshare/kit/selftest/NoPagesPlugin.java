package org.memshare.kit.selftest;

import static org.mockito.AdditionalAnswers.delegatesTo;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.mock;

import java.util.Set;
import org.memshare.api.arch.Arch;
import org.memshare.api.arch.ArchConfig;
import org.memshare.api.arch.ArchFeature;
import org.memshare.api.arch.ArchPlugin;
import org.memshare.api.arch.BasicArch;
import org.memshare.api.arch.PageTableFormat;
import org.memshare.arch.fake.FakeArchPlugin;

/**
 * The fake format with one defect: no block is allowed at level 0, so nothing smaller than a
 * level-1 block can be mapped. ARCH-1 catches it; every rule above the ARCH layer must then be
 * skipped with ARCH-1's name, not run on an encoding known to be broken.
 *
 * <p>Its twin is {@code org.memshare.cli.NoPagesPlugin} in conformance-tests: the same defect,
 * written without Mockito because it is jarred from compiled test classes and loaded through
 * {@code --plugin}. Both must keep the one defect (no block at level 0 of the fake format); change
 * them together.
 */
public final class NoPagesPlugin implements ArchPlugin {
    static final String NAME = "fake-without-pages";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<ArchFeature> features() {
        return Set.of();
    }

    @Override
    public Arch create(ArchConfig config) {
        PageTableFormat format = mock(PageTableFormat.class, delegatesTo(FakeArchPlugin.format()));
        doReturn(false).when(format).isBlockAllowed(0);
        Arch fake = new FakeArchPlugin().create(config);
        return new BasicArch(NAME, format, fake.tlb(), fake.cache(), Set.of());
    }
}
