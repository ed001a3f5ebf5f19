package org.memshare.kit.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.memshare.api.addr.Addresses;
import org.memshare.api.addr.IntermediatePhysicalAddress;
import org.memshare.api.arch.HardwareWalk;
import org.memshare.api.arch.PageTableFormat;
import org.memshare.api.arch.Stage;
import org.memshare.api.mode.Mode;
import org.memshare.engine.machine.Machine;
import org.memshare.engine.machine.Vm;
import org.memshare.engine.mm.PageTable;
import org.memshare.kit.translation.TranslationModel;

/**
 * The comparison the HW and FFA rules make at one address of one VM: what the plugin's hardware
 * walk grants against what the engine's mode of the page promises. A mode with INVALID must
 * fault; any other mode must be granted at the same address (VMs are identity mapped) with
 * exactly the mode's R, W, X and D.
 */
final class WalkComparison {
    private static final long PAGE = Addresses.PAGE_SIZE;
    private static final int ACCESS_BITS = Mode.R | Mode.W | Mode.X | Mode.D;

    private WalkComparison() {
    }

    /** What is wrong at {@code address} of {@code vm}, if anything: the mode, the walk's answer and the raw entries walked. */
    static Optional<String> problem(Machine machine, HardwareWalk walk, Vm vm, long address) {
        long page = address & -PAGE;
        OptionalInt mode = vm.table().mode(IntermediatePhysicalAddress.of(page), IntermediatePhysicalAddress.of(page + PAGE));
        if (mode.isEmpty()) {
            return Optional.of("VM " + vm.id() + " has no mode at 0x" + Long.toHexString(page));
        }
        int m = mode.getAsInt();
        HardwareWalk.Translation t = walk.translate(Stage.STAGE2, machine.tableMemory()::table, vm.table().rootAddress(),
                address);
        String problem = null;
        if ((m & Mode.INVALID) != 0) {
            if (!(t instanceof HardwareWalk.Fault)) {
                problem = "the mode is invalid, so access must fault";
            }
        } else if (!(t instanceof HardwareWalk.Granted granted)) {
            problem = "the mode is valid, so the walk must grant " + Mode.describe(m & ACCESS_BITS);
        } else if (granted.outputAddress() != address) {
            problem = "the walk must translate the address to itself (identity map)";
        } else if (granted.access() != (m & ACCESS_BITS)) {
            problem = "the walk must grant exactly " + Mode.describe(m & ACCESS_BITS) + " (0x"
                    + Integer.toHexString(m & ACCESS_BITS) + ")";
        }
        if (problem == null) {
            return Optional.empty();
        }
        return Optional.of("VM " + vm.id() + " address 0x" + Long.toHexString(address) + " has mode " + Mode.describe(m)
                + " (0x" + Integer.toHexString(m) + ") but the hardware walk gives " + describe(t) + ": " + problem
                + "; entries walked: " + entriesWalked(machine, vm.table(), address));
    }

    /**
     * The raw entries from the root down to the first entry that is not a table, following the
     * table addresses as the format reads them (each one named beside its entry).
     */
    private static String entriesWalked(Machine machine, PageTable table, long address) {
        List<String> entries = new ArrayList<>();
        PageTableFormat format = table.format();
        for (TranslationModel.Step step : TranslationModel.steps(format, machine.tableMemory()::table,
                table.rootAddress(), table.maxLevel(), address)) {
            String entry = "level " + step.level() + " table 0x" + Long.toHexString(step.tablePa()) + "["
                    + step.index() + "] = 0x" + Long.toHexString(step.pte());
            if (step.level() > 0 && format.isTable(step.pte(), step.level())) {
                // The table the format reads from the entry, to compare with the raw bits.
                entry += " (the format's table address: 0x" + Long.toHexString(format.tableAddress(step.pte(), step.level()))
                        + ")";
            }
            entries.add(entry);
        }
        return String.join(", ", entries);
    }

    static String describe(HardwareWalk.Translation t) {
        if (t instanceof HardwareWalk.Granted g) {
            return "a grant of " + Mode.describe(g.access()) + " (0x" + Integer.toHexString(g.access()) + ") at 0x"
                    + Long.toHexString(g.outputAddress()) + " from level " + g.level();
        }
        HardwareWalk.Fault f = (HardwareWalk.Fault) t;
        return "a fault at level " + f.level() + " (" + f.reason() + ")";
    }
}
