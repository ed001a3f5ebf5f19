package org.memshare.examples.riscv;

import java.util.function.LongFunction;
import org.memshare.api.arch.HardwareWalk;
import org.memshare.api.arch.Stage;
import org.memshare.api.mode.Mode;

/**
 * The RISC-V translation walk as the privileged specification describes it (the "virtual address
 * translation process", with the G-stage changes of the hypervisor extension), decoding raw PTE
 * bits with no help from {@link RiscvPageTableFormat}, so a format that writes a mode the hardware
 * reads differently is caught by the conformance kit's HW rules.
 *
 * <p>Stage 2 is the configured G-stage scheme: the guest physical address must have no bit set at
 * or above the scheme's width (41, 50 or 59 bits), the root index has two more bits than the other
 * levels (a 2048-entry root of four pages), and every access is treated as a U-mode access, so a
 * leaf with U clear faults. Stage 1 is the hypervisor's Sv39 table, walked for supervisor accesses
 * with SUM clear: the virtual address must be bits 63 to 39 equal to bit 38, and a leaf with U set
 * faults.
 *
 * <p>At each level, from the root down: V = 0 faults; any of the reserved bits 54-60 faults, as
 * does N (bit 63, no Svnapot), PBMT = 3, and PBMT other than 0 without Svpbmt; W = 1 with R = 0
 * faults. An entry with R = W = X = 0 points at the next table: at level 0 it faults, and with D, A
 * or U set (reserved in a non-leaf entry) or PBMT set it faults. Otherwise it is a leaf: a superpage
 * whose PPN has bits set below its level's alignment faults, A = 0 faults (Svade: the hardware
 * does not set A), and the access is R if R, X if X, W only if W and D are both set (Svade: a store
 * to a page whose D is clear faults), and D (device) when PBMT is IO. The output address is the
 * leaf's PPN with the input's low bits for a superpage.
 */
final class RiscvHardwareWalk implements HardwareWalk {
    private static final long RESERVED_MASK = ((1L << 7) - 1) << 54;
    private static final long N_BIT = 1L << 63;

    private final GStageScheme scheme;
    private final boolean svpbmt;

    RiscvHardwareWalk(GStageScheme scheme, boolean svpbmt) {
        this.scheme = scheme;
        this.svpbmt = svpbmt;
    }

    @Override
    public Translation translate(Stage stage, LongFunction<long[]> tables, long rootAddress, long inputAddress) {
        int top = stage == Stage.STAGE2 ? scheme.maxLevel() : RiscvArchPlugin.STAGE1_MAX_LEVEL;
        int rootIndexBits = stage == Stage.STAGE2 ? 11 : 9;
        int inputBits = 12 + 9 * top + rootIndexBits;
        if (stage == Stage.STAGE2) {
            if ((inputAddress >>> inputBits) != 0) {
                return new Fault(top, "guest physical address has bits set at or above bit " + inputBits);
            }
        } else if ((inputAddress >> (inputBits - 1)) != 0 && (inputAddress >> (inputBits - 1)) != -1) {
            return new Fault(top, "virtual address bits 63 to " + inputBits + " are not all equal to bit "
                    + (inputBits - 1));
        }
        long table = rootAddress;
        for (int level = top; level >= 0; level--) {
            int shift = 12 + 9 * level;
            int indexBits = level == top ? rootIndexBits : 9;
            long index = (inputAddress >>> shift) & ((1L << indexBits) - 1);
            long entryAddress = table + index * 8;
            long pte = tables.apply(entryAddress & -4096L)[(int) ((entryAddress & 4095) >>> 3)];
            if ((pte & 1) == 0) {
                return new Fault(level, "invalid entry (V = 0)");
            }
            if ((pte & RESERVED_MASK) != 0) {
                return new Fault(level, "reserved bit " + Long.numberOfTrailingZeros(pte & RESERVED_MASK) + " set");
            }
            if ((pte & N_BIT) != 0) {
                return new Fault(level, "N (bit 63) set without Svnapot");
            }
            long pbmt = (pte >>> 61) & 3;
            if (pbmt == 3 || (pbmt != 0 && !svpbmt)) {
                return new Fault(level, "PBMT " + pbmt + (svpbmt ? " is reserved" : " set without Svpbmt"));
            }
            boolean r = (pte & 2) != 0;
            boolean w = (pte & 4) != 0;
            boolean x = (pte & 8) != 0;
            boolean u = (pte & 16) != 0;
            boolean a = (pte & 64) != 0;
            boolean d = (pte & 128) != 0;
            if (w && !r) {
                return new Fault(level, "W = 1 with R = 0 is reserved");
            }
            long ppn = (pte >>> 10) & ((1L << 44) - 1);
            if (!r && !x) {
                if (level == 0) {
                    return new Fault(level, "pointer to a next table at the last level");
                }
                if (a || d || u || pbmt != 0) {
                    return new Fault(level, "D, A, U or PBMT set in a non-leaf entry (reserved)");
                }
                table = ppn << 12;
                continue;
            }
            if ((ppn & ((1L << (9 * level)) - 1)) != 0) {
                return new Fault(level, "misaligned superpage: PPN bits below level " + level + " set");
            }
            if (stage == Stage.STAGE2 && !u) {
                return new Fault(level, "U = 0 in a G-stage leaf (G-stage accesses are U-mode accesses)");
            }
            if (stage == Stage.STAGE1 && u) {
                return new Fault(level, "U = 1 in a leaf the hypervisor accesses (S-mode with SUM clear)");
            }
            if (!a) {
                return new Fault(level, "A = 0 (Svade: the hardware does not set it)");
            }
            int access = (r ? Mode.R : 0) | (x ? Mode.X : 0) | (w && d ? Mode.W : 0) | (pbmt == 2 ? Mode.D : 0);
            long offsetMask = (1L << shift) - 1;
            return new Granted((ppn << 12) | (inputAddress & offsetMask), level, access);
        }
        throw new AssertionError("the loop returns at level 0");
    }
}
