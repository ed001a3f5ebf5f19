package org.memshare.examples.riscv;

import org.memshare.api.arch.PageTableFormat;
import org.memshare.api.arch.Stage;
import org.memshare.api.mode.Mode;

/**
 * RISC-V page-table entries (RV64, the privileged specification's Sv39/Sv48/Sv57 PTE format), for
 * the G-stage tables of VMs (stage 2) and the hypervisor's own Sv39 table (stage 1).
 *
 * <pre>
 *  63  62 61 60      54 53                              10 9   8   7 6 5 4 3 2 1 0
 * +---+-----+----------+----------------------------------+---+---+-+-+-+-+-+-+-+-+
 * | N | PBMT| reserved |               PPN                |EXC|OWN|D|A|G|U|X|W|R|V|
 * +---+-----+----------+----------------------------------+---+---+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <ul>
 *   <li>The PPN holds the output (or next table) address shifted right by 12, so an address is
 *       stored as {@code address >>> 12 << 10}; 44 bits, so addresses up to 2^56.</li>
 *   <li>A leaf has R, W or X set, at any level (4 KiB, 2 MiB, 1 GiB, 512 GiB, 256 TiB); a
 *       non-leaf (table) entry has V set, R = W = X = 0, and A, D, U clear (reserved there).</li>
 *   <li>Stage-2 (G-stage) valid leaves have A, D and U set: the hardware treats every G-stage
 *       access as a U-mode access, and with Svade a clear A or D faults. Stage-1 leaves have A and D
 *       set and U clear (the hypervisor's own memory).</li>
 *   <li>Ownership lives in the two RSW bits, which the hardware ignores: bit 8 OWN (the VM owns the
 *       memory; UNOWNED is OWN clear) and bit 9 EXC (exclusive access; SHARED is EXC clear).</li>
 *   <li>An invalid block that records ownership is the entry the valid leaf would be with V clear
 *       and every other bit kept: with V = 0 the hardware ignores every other bit.</li>
 *   <li>Device memory (D) is Svpbmt's PBMT = IO (2), in bits 61-62, when the arch has Svpbmt;
 *       without it the PBMT bits are reserved in a valid leaf.</li>
 *   <li>The absent entry is 0; it reads back as INVALID|UNOWNED|SHARED (0x70), as on fake.</li>
 * </ul>
 *
 * <p>Canonical modes ({@link #canonicalStage2Mode(int)}): the hardware has no write without read
 * (W = 1, R = 0 is reserved), no valid leaf without any permission (R = W = X = 0 is a pointer), and
 * without Svpbmt no device memory. So for a valid mode, W without R drops W (the hardware must never
 * grant more than asked, so R is not added); a valid mode left with no R, W or X becomes invalid
 * (nothing is granted, as asked); and without Svpbmt a valid device mode becomes invalid (the
 * hardware cannot give device semantics, and normal memory would grant more). An invalid mode is
 * kept whole: its entry has V clear and the hardware reads none of its bits. Stage 1 uses the same
 * rules.
 */
final class RiscvPageTableFormat implements PageTableFormat {
    static final long V = 1L;
    static final long R = 1L << 1;
    static final long W = 1L << 2;
    static final long X = 1L << 3;
    static final long U = 1L << 4;
    static final long G = 1L << 5;
    static final long A = 1L << 6;
    static final long D = 1L << 7;
    /** RSW bit 8: the VM owns the memory. */
    static final long OWNED = 1L << 8;
    /** RSW bit 9: the VM's access is exclusive. */
    static final long EXCLUSIVE = 1L << 9;
    static final int PPN_SHIFT = 10;
    static final long PPN_MASK = ((1L << 44) - 1) << PPN_SHIFT;
    static final int PBMT_SHIFT = 61;
    static final long PBMT_MASK = 3L << PBMT_SHIFT;
    /** Svpbmt's IO memory type: non-cacheable, strongly ordered. */
    static final long PBMT_IO = 2L << PBMT_SHIFT;
    /** The address bits a PPN holds: 12 to 55. */
    private static final long ADDRESS_MASK = ((1L << 44) - 1) << 12;

    private final GStageScheme scheme;
    private final boolean svpbmt;

    RiscvPageTableFormat(GStageScheme scheme, boolean svpbmt) {
        this.scheme = java.util.Objects.requireNonNull(scheme, "scheme is null");
        this.svpbmt = svpbmt;
    }

    GStageScheme scheme() {
        return scheme;
    }

    boolean svpbmt() {
        return svpbmt;
    }

    /** The PPN field for {@code address}: the address shifted right by 12, placed at bit 10. */
    static long ppn(long address) {
        return (address >>> 12) << PPN_SHIFT;
    }

    /** The address a PPN field holds. */
    static long address(long pte) {
        return ((pte & PPN_MASK) >>> PPN_SHIFT) << 12;
    }

    @Override
    public long absentPte(int level) {
        return 0;
    }

    @Override
    public long tablePte(int level, long tablePa) {
        return ppn(tablePa) | V;
    }

    @Override
    public long blockPte(int level, long pa, long attrs) {
        return ppn(pa) | attrs;
    }

    /** A leaf may stand at every level. */
    @Override
    public boolean isBlockAllowed(int level) {
        return true;
    }

    /** Every entry but the absent one carries state: an invalid block keeps all its other bits. */
    @Override
    public boolean isPresent(long pte, int level) {
        return pte != 0;
    }

    @Override
    public boolean isValid(long pte, int level) {
        return (pte & V) != 0;
    }

    @Override
    public boolean isBlock(long pte, int level) {
        return pte != 0 && !isTable(pte, level);
    }

    /** V set and R = W = X = 0, above level 0 (at level 0 such an entry is no table: it faults). */
    @Override
    public boolean isTable(long pte, int level) {
        return level > 0 && (pte & V) != 0 && (pte & (R | W | X)) == 0;
    }

    /** Keeps bits 12 to 55, the bits a PPN can hold. */
    @Override
    public long clearPa(long pa) {
        return pa & ADDRESS_MASK;
    }

    @Override
    public long blockAddress(long pte, int level) {
        return address(pte);
    }

    @Override
    public long tableAddress(long pte, int level) {
        return address(pte);
    }

    @Override
    public long attrs(long pte, int level) {
        return pte & ~PPN_MASK;
    }

    /** A RISC-V table entry carries nothing a leaf inherits: the blocks' attributes stand alone. */
    @Override
    public long combineTableEntryAttrs(long tableAttrs, long blockAttrs) {
        return blockAttrs;
    }

    /** See the class comment: W needs R, a valid leaf needs a permission, D needs Svpbmt. */
    @Override
    public int canonicalStage2Mode(int mode) {
        return canonical(mode);
    }

    private int canonical(int mode) {
        if ((mode & Mode.INVALID) != 0) {
            return mode;
        }
        int c = mode;
        if ((c & Mode.W) != 0 && (c & Mode.R) == 0) {
            c &= ~Mode.W;
        }
        if ((c & (Mode.R | Mode.W | Mode.X)) == 0 || ((c & Mode.D) != 0 && !svpbmt)) {
            c |= Mode.INVALID;
        }
        return c;
    }

    /** Permissions, A and D, the memory type and V, for a mode already canonical. */
    private static long common(int c) {
        long attrs = A | D;
        attrs |= (c & Mode.INVALID) == 0 ? V : 0;
        attrs |= (c & Mode.R) != 0 ? R : 0;
        attrs |= (c & Mode.W) != 0 ? W : 0;
        attrs |= (c & Mode.X) != 0 ? X : 0;
        attrs |= (c & Mode.D) != 0 ? PBMT_IO : 0;
        return attrs;
    }

    /** A stage-1 leaf: U clear (the hypervisor's own memory), no ownership bits. */
    @Override
    public long modeToStage1Attrs(int mode) {
        return common(canonical(mode));
    }

    /** A G-stage leaf: U set, ownership in OWN and EXC. */
    @Override
    public long modeToStage2Attrs(int mode) {
        int c = canonical(mode);
        long attrs = common(c) | U;
        attrs |= (c & Mode.UNOWNED) == 0 ? OWNED : 0;
        attrs |= (c & Mode.SHARED) == 0 ? EXCLUSIVE : 0;
        return attrs;
    }

    @Override
    public int stage2AttrsToMode(long attrs) {
        int mode = 0;
        mode |= (attrs & V) == 0 ? Mode.INVALID : 0;
        mode |= (attrs & R) != 0 ? Mode.R : 0;
        mode |= (attrs & W) != 0 ? Mode.W : 0;
        mode |= (attrs & X) != 0 ? Mode.X : 0;
        mode |= (attrs & PBMT_MASK) == PBMT_IO ? Mode.D : 0;
        mode |= (attrs & OWNED) == 0 ? Mode.UNOWNED : 0;
        mode |= (attrs & EXCLUSIVE) == 0 ? Mode.SHARED : 0;
        return mode;
    }

    @Override
    public int maxLevel(Stage stage) {
        return stage == Stage.STAGE2 ? scheme.maxLevel() : RiscvArchPlugin.STAGE1_MAX_LEVEL;
    }

    @Override
    public int rootTableCount(Stage stage) {
        return stage == Stage.STAGE2 ? GStageScheme.ROOT_TABLES : 1;
    }

    @Override
    public String toString() {
        return "riscv G-stage " + scheme + " format" + (svpbmt ? " with Svpbmt" : "");
    }
}
