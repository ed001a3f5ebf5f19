package org.memshare.kit.model;

import static org.memshare.api.mode.Mode.INVALID;
import static org.memshare.api.mode.Mode.SHARED;
import static org.memshare.api.mode.Mode.UNOWNED;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongPredicate;
import org.memshare.api.addr.Addresses;
import org.memshare.api.arch.PageTableFormat;
import org.memshare.api.mode.Mode;
import org.memshare.api.spci.ShareType;
import org.memshare.engine.hypervisor.Hypervisor.Access;
import org.memshare.engine.machine.Machine;
import org.memshare.engine.machine.Vm;
import org.memshare.engine.mm.EntryVisitor;
import org.memshare.engine.mm.PageTable;
import org.memshare.kit.fixture.KitMachine;

/**
 * The kit's one ownership model (DESIGN.md section 4): per page, one owner and the VMs that may
 * access it and how. Two uses, one reading of the protocol:
 * <ul>
 *   <li><b>Prediction</b> (the MODEL rules): an instance is a window of pages holding, per page
 *       and VM, the mode the VM should have; {@link #map} and {@link #share} update it by the
 *       kit's own reading of the SPCI semantics ({@link ShareTransitions}), independently of the
 *       engine's code, and rules compare it with the engine after every operation.</li>
 *   <li><b>Invariants at rest</b> (tests that cannot predict, such as fuzzing and concurrent
 *       stress): {@link #pageViolation} says whether one page's modes across the VMs form a state
 *       of the model, and {@link #violations} checks that of every given page of a machine, plus
 *       access through translation and that nothing outside the given memory is owned or mapped.</li>
 * </ul>
 *
 * <p>State bits: INVALID (no access), UNOWNED, SHARED (access not exclusive). A share is
 * accepted when the constituents are disjoint, each one's pages have one mode in the sender and
 * one in the receiver, equal across constituents, the sender's mode has no D bit, and the type's
 * table has a row for the (sender, receiver) state bits. Then the sender gets the row's state
 * plus its own R, W, X and D bits, the receiver the row's state plus the requested access. A
 * mode with both INVALID and UNOWNED is written as an unmap (DESIGN.md section 2), so the page
 * then reads as an entry never written: the absent mode.
 *
 * <p>The states of a page in a VM: owner with exclusive access (V O X), owner sharing it
 * (V O !X), owner of memory lent away (!V O X), borrower with exclusive access (V !O X), borrower
 * sharing with the owner (V !O !X), or unrelated (!V !O, with or without SHARED). At rest a page
 * has exactly one owner, and the owner's state decides the others': V O X, every other VM
 * unrelated; V O !X, exactly one borrower sharing it; !V O X, exactly one borrower with
 * exclusive access; any other owner state is a violation, as is any other non-owner state.
 */
public final class OwnershipModel {
    /** The state bits of a mode: {@link org.memshare.api.mode.Mode#STATE_MASK}. */
    public static final int STATE = org.memshare.api.mode.Mode.STATE_MASK;

    private final long base;
    private final int pages;
    /** modes[vm - 1][page]. */
    private final int[][] modes;
    private final int absentMode;

    /**
     * A window of {@code pages} pages from {@code base} in which each of {@code vms} VMs starts
     * with {@code absentMode}, the mode an entry that was never written reads as.
     */
    public OwnershipModel(long base, int pages, int vms, int absentMode) {
        this.base = base;
        this.pages = pages;
        this.modes = new int[vms][pages];
        this.absentMode = absentMode;
        for (int[] vm : modes) {
            Arrays.fill(vm, absentMode);
        }
    }

    public long base() {
        return base;
    }

    public int pages() {
        return pages;
    }

    public int vms() {
        return modes.length;
    }

    /** The address of page {@code page} of the window. */
    public long address(int page) {
        return base + ((long) page << 12);
    }

    /** The mode VM {@code vm} should have at page {@code page} of the window. */
    public int mode(int vm, int page) {
        return modes[vm - 1][page];
    }

    /** Records a plain map of pages {@code [first, first + count)} in {@code mode}. */
    public void map(int vm, int first, int count, int mode) {
        Arrays.fill(modes[vm - 1], first, first + count, written(mode));
    }

    /**
     * Records that VM {@code vm} has {@code mode} at page {@code page}, as read from a table (no
     * conversion: a model of an existing machine's state, e.g. {@code memshare replay --check-model}).
     */
    public void set(int vm, int page, int mode) {
        modes[vm - 1][page] = mode;
    }

    /** The VM owning page {@code page} (the one whose mode lacks UNOWNED), if exactly one does. */
    public Optional<Integer> owner(int page) {
        Integer owner = null;
        for (int vm = 1; vm <= vms(); vm++) {
            if ((mode(vm, page) & Mode.UNOWNED) == 0) {
                if (owner != null) {
                    return Optional.empty();
                }
                owner = vm;
            }
        }
        return Optional.ofNullable(owner);
    }

    /**
     * Applies a share of the window pages {@code constituents} (pairs of first page and page
     * count) if the protocol accepts it; returns whether it did. Changes nothing on a refusal.
     * {@code receiverAccess} is the R, W, X the message asks for (ignored for a relinquish, which
     * gives R|W|X back).
     */
    public boolean share(ShareType type, int from, int to, int receiverAccess, int[] constituents) {
        if (from == to || constituents.length == 0) {
            return false;
        }
        boolean[] used = new boolean[pages];
        int fromMode = -1;
        int toMode = -1;
        for (int i = 0; i < constituents.length; i += 2) {
            for (int page = constituents[i]; page < constituents[i] + constituents[i + 1]; page++) {
                if (used[page]) {
                    return false; // constituents overlap
                }
                used[page] = true;
                if (fromMode == -1) {
                    fromMode = mode(from, page);
                    toMode = mode(to, page);
                } else if (mode(from, page) != fromMode || mode(to, page) != toMode) {
                    return false; // not one mode across every constituent's pages
                }
            }
        }
        if ((fromMode & Mode.D) != 0) {
            return false;
        }
        Optional<ShareTransitions.Transition> next = ShareTransitions.next(type, fromMode & STATE, toMode & STATE);
        if (next.isEmpty()) {
            return false;
        }
        int access = type == ShareType.RELINQUISH ? Mode.R | Mode.W | Mode.X : receiverAccess;
        int newFrom = written(next.get().sender() | (fromMode & ~STATE));
        int newTo = written(next.get().receiver() | access);
        for (int page = 0; page < pages; page++) {
            if (used[page]) {
                modes[from - 1][page] = newFrom;
                modes[to - 1][page] = newTo;
            }
        }
        return true;
    }

    /** What a page reads as after {@code mode} is written: the absent mode if writing it unmaps. */
    private int written(int mode) {
        return Mode.isUnmapped(mode) ? absentMode : mode;
    }

    // ------------------------------------------------------------------ invariants at rest

    /**
     * Whether one page's modes ({@code modesByVm[0]} for VM 1) form a state of the model at rest
     * (see the class comment); a description of what is wrong, else empty.
     */
    public static Optional<String> pageViolation(int[] modesByVm) {
        List<Integer> owners = new ArrayList<>();
        int sharingBorrowers = 0;
        int exclusiveBorrowers = 0;
        for (int i = 0; i < modesByVm.length; i++) {
            int state = modesByVm[i] & STATE;
            if ((state & UNOWNED) == 0) {
                owners.add(i);
            } else if (state == UNOWNED) {
                exclusiveBorrowers++;
            } else if (state == (UNOWNED | SHARED)) {
                sharingBorrowers++;
            } else if ((state & (INVALID | UNOWNED)) != (INVALID | UNOWNED)) {
                return Optional.of("VM " + (i + 1) + " is in no state of the model: " + describe(modesByVm));
            }
        }
        if (owners.size() != 1) {
            return Optional.of(owners.size() + " owners: " + describe(modesByVm));
        }
        boolean consistent = switch (modesByVm[owners.get(0)] & STATE) {
            case 0 -> sharingBorrowers == 0 && exclusiveBorrowers == 0;
            case SHARED -> sharingBorrowers == 1 && exclusiveBorrowers == 0;
            case INVALID -> sharingBorrowers == 0 && exclusiveBorrowers == 1;
            default -> false;
        };
        return consistent ? Optional.empty()
                : Optional.of("the owner's state and the borrowers' disagree: " + describe(modesByVm));
    }

    /**
     * Every violation of the model at rest on {@code m} (no operation in flight), at most
     * {@code limit}; empty if it holds. {@code given} are the pages VMs were given memory at (any
     * order); for each, {@link #pageViolation} of the modes every VM's table holds, read from one
     * walk of each table (blocks' attributes converted back to a mode, an absent entry read as
     * never mapped), a reading separate from the engine's own get-mode. For the pages
     * {@code probe} accepts, what each VM may do through its stage-2 translation
     * ({@code Hypervisor.canAccess}, at the page's first and last word) must be exactly what its
     * mode says: nothing unless valid, then R, W, X as the mode has them (probing is slow on every
     * page). Outside {@code given} no VM may own or reach anything, and the hypervisor's stage-1
     * table must map nothing validly (clearing maps memory there only while it zeroes it).
     */
    public static List<String> violations(KitMachine m, Collection<Long> given, int limit, LongPredicate probe) {
        Machine machine = m.machine();
        List<String> out = new ArrayList<>();
        List<Vm> vms = machine.vms();
        TreeMap<Long, int[]> modes = new TreeMap<>(Long::compareUnsigned);
        for (long page : given) {
            int[] unmapped = new int[vms.size()];
            Arrays.fill(unmapped, INVALID | UNOWNED | SHARED);
            modes.put(page, unmapped);
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
            long address = page.getKey();
            pageViolation(page.getValue()).ifPresent(problem -> out.add(where(address) + problem));
            if (probe.test(address)) {
                checkAccess(m, address, page.getValue(), out);
            }
        }
        machine.stage1Lock().lock();
        try {
            checkNothingBeyond(machine.hypervisorTable(), "the hypervisor's stage 1", Set.of(), true, out, limit);
        } finally {
            machine.stage1Lock().unlock();
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
            long last = address + Addresses.entrySize(level) - 1;
            for (int[] page : modes.subMap(address, true, last, true).values()) {
                page[vm] = mode;
            }
        });
    }

    private static void checkAccess(KitMachine m, long page, int[] modes, List<String> out) {
        for (int i = 0; i < modes.length; i++) {
            boolean valid = (modes[i] & INVALID) == 0;
            for (Access access : Access.values()) {
                int bit = switch (access) {
                    case READ -> Mode.R;
                    case WRITE -> Mode.W;
                    case EXECUTE -> Mode.X;
                };
                boolean expected = valid && (modes[i] & bit) != 0;
                for (long at : new long[] {page, page + KitMachine.PAGE - 8}) {
                    if (m.hypervisor().canAccess(i + 1, at, access) != expected) {
                        out.add(where(at) + "VM " + (i + 1) + " with mode " + Mode.describe(modes[i])
                                + (expected ? " cannot " : " can ") + access);
                    }
                }
            }
        }
    }

    /**
     * Adds a violation if a block of {@code table} outside the pages of {@code given} is owned or
     * valid (for stage 1: valid at all).
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
            long size = Addresses.entrySize(level);
            for (long page = address; Long.compareUnsigned(page, address + size - 1) < 0; page += KitMachine.PAGE) {
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
