package org.memshare.kit.rules;

import org.memshare.api.ffa.FfaVersion;
import org.memshare.api.mode.Mode;
import org.memshare.kit.ArchUnderTest;
import org.memshare.kit.fixture.FfaMachine;
import org.memshare.kit.fixture.KitMachine;

/**
 * The memory the FFA and ACS rules share from, on a machine of the arch under test: VM 1 owns a
 * 2 MiB range at {@code block} (R|W|X, a block where the format allows one there), a device page
 * (R|W|D) and a read-only page (R) after it, and the last two pages of its address space (R|W|X;
 * {@code last} is the last one; see {@link #top}); VM 2
 * owns 16 pages of its own (R|W); VM 3, and any further VM, owns nothing. The first and last word
 * of every page of the first 16 pages of the range and of VM 2's pages hold a pattern
 * ({@link KitMachine#pattern}), so a clear or a write shows.
 *
 * <p>Addresses come from {@link ShareRules#base}: valid in the smallest address space a plugin may have.
 */
record FfaLayout(FfaMachine f, long block, long device, long readOnly, long vm2Pages, long last) {
    static final long PAGE = KitMachine.PAGE;
    static final long TWO_MIB = 0x20_0000L;
    static final int RWX = KitMachine.RWX;
    static final int POOL_PAGES = 512;

    /** Three VMs at the default FF-A version. */
    static FfaLayout boot(ArchUnderTest under) {
        return boot(under, FfaVersion.DEFAULT, FfaVersion.DEFAULT, FfaVersion.DEFAULT);
    }

    /** One VM per version given, VM 1 first. */
    static FfaLayout boot(ArchUnderTest under, FfaVersion... versions) {
        FfaMachine f = FfaMachine.boot(under, POOL_PAGES, versions);
        KitMachine m = f.kit();
        long a = ShareRules.base(m);
        FfaLayout l = new FfaLayout(f, a, a + TWO_MIB, a + TWO_MIB + PAGE, a + TWO_MIB + 16 * PAGE,
                top(under, m) - PAGE);
        m.map(1, a, a + TWO_MIB, RWX);
        m.mapPages(1, l.device, 1, Mode.R | Mode.W | Mode.D);
        m.mapPages(1, l.readOnly, 1, Mode.R);
        m.mapPages(1, l.last - PAGE, 2, RWX);
        m.mapPages(2, l.vm2Pages, 16, Mode.R | Mode.W);
        m.fillPattern(a, a + 16 * PAGE);
        m.fillPattern(l.vm2Pages, l.vm2Pages + 16 * PAGE);
        m.fillPattern(l.last - PAGE, l.last + PAGE);
        return l;
    }

    /**
     * Where memory a VM may send ends: the stage-2 address space's end, or the end of the PA range
     * (2^PA bits) if that is lower, as an IPA space may be larger than the PA range (aarch64 at a
     * 36-bit PA has a 39-bit IPA space).
     */
    static long top(ArchUnderTest under, KitMachine m) {
        long end = m.addressSpaceEnd();
        int paBits = under.config().paBits();
        if (paBits < 64 && Long.compareUnsigned(1L << paBits, end) < 0) {
            return 1L << paBits;
        }
        return end;
    }

    /**
     * Whether the plugin maps device memory validly: its canonical mode of R|W|D has no INVALID (a
     * format that cannot give device semantics, such as riscv without Svpbmt, holds device memory
     * invalid, so FF-A refuses to send it).
     */
    static boolean deviceValid(ArchUnderTest under) {
        return (under.format().canonicalStage2Mode(Mode.R | Mode.W | Mode.D) & Mode.INVALID) == 0;
    }

    KitMachine m() {
        return f.kit();
    }

    /** Page {@code i} of VM 1's range. */
    long page(int i) {
        return block + i * PAGE;
    }
}
