package org.memshare.reliability;

import static org.memshare.api.mode.Mode.INVALID;
import static org.memshare.api.mode.Mode.SHARED;
import static org.memshare.api.mode.Mode.UNOWNED;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongPredicate;
import java.util.List;
import java.util.Set;
import org.memshare.api.arch.PageTableFormat;
import org.memshare.api.mode.Mode;
import org.memshare.engine.hypervisor.Hypervisor.Access;
import org.memshare.engine.machine.Vm;
import org.memshare.engine.mm.EntryVisitor;
import org.memshare.engine.mm.PageTable;

/**
 * The ownership model of DESIGN.md section 4, checked against the tables of a machine at rest
 * (no operation in flight). The stage-2 state of a page in a VM is one of: owner with exclusive
 * access (V O X), owner sharing it (V O !X), owner of memory lent away (!V O X), borrower with
 * exclusive access (V !O X), borrower sharing with the owner (V !O !X), or unrelated (!V !O, with
 * or without the SHARED bit of never-mapped memory). For every page given out at boot:
 * <ul>
 *   <li>exactly one VM owns it;</li>
 *   <li>the owner's state decides the others': V O X, every other VM unrelated; V O !X, exactly
 *       one borrower sharing it; !V O X, exactly one borrower with exclusive access; any other
 *       owner state (!V O !X) is a violation, as is any other state of a non-owner;</li>
 *   <li>so the VMs that can reach it are the owner if valid plus at most one borrower, and two
 *       only if both are in a sharing state;</li>
 *   <li>what each VM may do through its stage-2 translation ({@link
 *       org.memshare.engine.hypervisor.Hypervisor#canAccess}) is exactly what its state and
 *       permission bits say: nothing unless valid, and then R, W, X as its mode has them.</li>
 * </ul>
 * Outside the memory given at boot no VM owns or can reach anything, and the hypervisor's
 * stage-1 table maps nothing valid (clearing maps memory there only while it zeroes it).
 */
final class OwnershipModel {
    private static final int STATE = INVALID | UNOWNED | SHARED;

    private OwnershipModel() {
    }

    /** Every violation, at most {@code limit} of them, probing access on every page; empty if the model holds. */
    static List<String> violations(Rig rig, int limit) {
        return violations(rig, limit, page -> true);
    }

    /**
     * Every violation, at most {@code limit} of them; empty if the model holds. Each VM's modes
     * come from one walk of its table (every block's attributes converted back to a mode, an
     * absent entry read as never mapped), a reading separate from the engine's own get-mode;
     * {@link org.memshare.engine.hypervisor.Hypervisor#canAccess} is asked about the pages
     * {@code probe} accepts (it walks the table once per question, which is slow on every page).
     */
    static List<String> violations(Rig rig, int limit, LongPredicate probe) {
        List<String> out = new ArrayList<>();
        List<Vm> vms = rig.machine().vms();
        TreeMap<Long, int[]> modes = new TreeMap<>();
        for (Rig.Owned o : rig.owned()) {
            for (long page = o.begin(); page < o.end(); page += Rig.PAGE_SIZE) {
                int[] unmapped = new int[vms.size()];
                Arrays.fill(unmapped, INVALID | UNOWNED | SHARED);
                modes.put(page, unmapped);
            }
        }
        for (Vm vm : vms) {
            vm.lock().lock();
            try {
                readModes(vm.table(), vm.id() - 1, modes);
                checkNothingBeyond(vm.table(), "VM " + vm.id(), modes.keySet(), false, out, limit);
            } finally {
                vm.lock().unlock();
            }
        }
        for (Map.Entry<Long, int[]> page : modes.entrySet()) {
            if (out.size() >= limit) {
                break;
            }
            checkPage(rig, page.getKey(), page.getValue(), probe.test(page.getKey()), out);
        }
        rig.machine().stage1Lock().lock();
        try {
            checkNothingBeyond(rig.machine().hypervisorTable(), "the hypervisor's stage 1", Set.of(), true, out, limit);
        } finally {
            rig.machine().stage1Lock().unlock();
        }
        return out.size() > limit ? out.subList(0, limit) : out;
    }

    /** Sets column {@code vm} of {@code modes} for every page a block of {@code table} covers. */
    private static void readModes(PageTable table, int vm, TreeMap<Long, int[]> modes) {
        PageTableFormat format = table.format();
        table.visit((level, address, pte, kind) -> {
            if (kind != EntryVisitor.Kind.BLOCK) {
                return;
            }
            int mode = format.stage2AttrsToMode(format.attrs(pte, level));
            long last = address + (Rig.PAGE_SIZE << (9 * level)) - 1;
            for (int[] page : modes.subMap(address, true, last, true).values()) {
                page[vm] = mode;
            }
        });
    }

    private static void checkPage(Rig rig, long page, int[] modes, boolean probeAccess, List<String> out) {
        List<Integer> owners = new ArrayList<>();
        int sharingBorrowers = 0;
        int exclusiveBorrowers = 0;
        for (int i = 0; i < modes.length; i++) {
            int state = modes[i] & STATE;
            if ((state & UNOWNED) == 0) {
                owners.add(i);
            } else if (state == UNOWNED) {
                exclusiveBorrowers++;
            } else if (state == (UNOWNED | SHARED)) {
                sharingBorrowers++;
            } else if ((state & (INVALID | UNOWNED)) != (INVALID | UNOWNED)) {
                out.add(where(page) + "VM " + (i + 1) + " is in no state of the model: " + describe(modes));
            }
        }
        if (owners.size() != 1) {
            out.add(where(page) + owners.size() + " owners: " + describe(modes));
            return;
        }
        int ownerState = modes[owners.get(0)] & STATE;
        boolean consistent = switch (ownerState) {
            case 0 -> sharingBorrowers == 0 && exclusiveBorrowers == 0;
            case SHARED -> sharingBorrowers == 1 && exclusiveBorrowers == 0;
            case INVALID -> sharingBorrowers == 0 && exclusiveBorrowers == 1;
            default -> false;
        };
        if (!consistent) {
            out.add(where(page) + "the owner's state and the borrowers' disagree: " + describe(modes));
        }
        for (int i = 0; probeAccess && i < modes.length; i++) {
            boolean valid = (modes[i] & INVALID) == 0;
            for (Access access : Access.values()) {
                int bit = switch (access) {
                    case READ -> Mode.R;
                    case WRITE -> Mode.W;
                    case EXECUTE -> Mode.X;
                };
                boolean expected = valid && (modes[i] & bit) != 0;
                for (long at : new long[] {page, page + Rig.PAGE_SIZE - 8}) {
                    if (rig.hypervisor().canAccess(i + 1, at, access) != expected) {
                        out.add(where(at) + "VM " + (i + 1) + " with mode " + Mode.describe(modes[i])
                                + (expected ? " cannot " : " can ") + access);
                    }
                }
            }
        }
    }

    /**
     * Asserts no block of {@code table} outside the pages of {@code given} is owned or valid (for
     * stage 1: valid at all).
     */
    private static void checkNothingBeyond(PageTable table, String who, Set<Long> given, boolean stage1,
            List<String> out, int limit) {
        PageTableFormat format = table.format();
        List<String> found = new ArrayList<>();
        table.visit((level, address, pte, kind) -> {
            if (kind != EntryVisitor.Kind.BLOCK || found.size() >= limit) {
                return;
            }
            boolean reaches;
            if (stage1) {
                reaches = format.isValid(pte, level);
            } else {
                int mode = format.stage2AttrsToMode(format.attrs(pte, level));
                reaches = (mode & INVALID) == 0 || (mode & UNOWNED) == 0;
            }
            if (!reaches) {
                return;
            }
            long size = Rig.PAGE_SIZE << (9 * level);
            for (long page = address; Long.compareUnsigned(page, address + size - 1) < 0; page += Rig.PAGE_SIZE) {
                if (!given.contains(page)) {
                    found.add(who + " owns or maps 0x" + Long.toHexString(page) + " (level " + level
                            + " entry at 0x" + Long.toHexString(address) + "), memory no VM was given");
                    return;
                }
            }
        });
        out.addAll(found);
    }

    private static String where(long address) {
        return "page 0x" + Long.toHexString(address) + ": ";
    }

    private static String describe(int[] modes) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < modes.length; i++) {
            s.append(i == 0 ? "" : ", ").append("VM ").append(i + 1).append(' ').append(Mode.describe(modes[i]));
        }
        return s.toString();
    }
}
