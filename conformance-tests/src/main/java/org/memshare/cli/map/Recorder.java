package org.memshare.cli.map;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.memshare.api.addr.Addresses;
import org.memshare.engine.hypervisor.Hypervisor;
import org.memshare.engine.machine.Machine;
import org.memshare.engine.machine.Vm;
import org.memshare.engine.mm.PageTable;
import org.memshare.trace.Operation;
import org.memshare.trace.ReplayObserver;

/**
 * Records, after every operation of a replay, what changed in the VMs' stage-2 tables: per step
 * only the items (tables and runs of leaves, {@link Item}) that went away and those that came, so
 * the page can step forwards and backwards and stays small when each operation touches little.
 *
 * <p>Only the tables an operation can change are read again: the VM of a {@code map},
 * {@code prepare}, {@code commit}, {@code unmap} or {@code defrag}, the sender and receiver of a
 * {@code share} or {@code sharebytes}, none for the operations that only read; every VM for an
 * operation this class does not know (a protocol added later), so new operations are shown
 * correctly, if more slowly. After {@code init} the machine is new and its tables are empty, as
 * {@code init} builds them, so nothing is read.
 *
 * <p>A long trace must not make a huge page: after {@link Limits#steps} operations, or once the
 * steps hold about {@link Limits#items} changed items, or once {@link Limits#visits} table entries
 * have been walked, the recorder stops recording operation by operation; the operations left are
 * summarised as one last step that shows the state after the last of them, and the page says so.
 */
final class Recorder implements ReplayObserver {
    /**
     * When recording stops: after this many steps, changed items or table entries walked.
     * {@link #DEFAULT} keeps a page under about 25 MB and its making to seconds.
     */
    record Limits(int steps, long items, long visits) {
        static final Limits DEFAULT = new Limits(10_000, 300_000, 50_000_000);
    }

    /** Bands for VMs 1 to this; a VM beyond gets one only if its table ever held something. */
    static final int ALL_VMS_UP_TO = 64;
    /** At most this many bands in all. */
    static final int MAX_BANDS = 256;

    /** The geometry of one machine (one {@code init}) of the trace. */
    record MachineInfo(String arch, int paBits, int vms, int maxLevel, int rootTables, long endPages) {
    }

    /** What changed in one VM's table at one step, each list in walk order. */
    record VmDiff(int vm, List<Item> removed, List<Item> added) {
    }

    /** One operation that ran (or, last, the summary of those not recorded one by one). */
    static final class Step {
        final int line;
        final String text;
        final StepOutput output = new StepOutput();
        final int machine;
        final List<VmDiff> diffs;
        /** For a summary: the last line it stands for, and how many operations. */
        int lastLine;
        int operations = 1;
        boolean summary;

        Step(int line, String text, int machine, List<VmDiff> diffs) {
            this.line = line;
            this.text = text;
            this.machine = machine;
            this.diffs = diffs;
            this.lastLine = line;
        }

        /** Whether this step stands for the operations the recorder did not record one by one. */
        boolean summary() {
            return summary;
        }
    }

    /** Where the trace's own lines are read back from. */
    interface Lines {
        /** The text of line {@code line}, or null if it is not known. */
        String text(int line);
    }

    private ReplayObserver next;
    private final Lines lines;
    private final Limits limits;
    private final TableReader reader = new TableReader();
    private final List<Step> steps = new ArrayList<>();
    private final List<MachineInfo> machines = new ArrayList<>();
    /** The items of each VM (by id) as the last recorded step left them. */
    private final Map<Integer, List<Item>> state = new TreeMap<>();
    /** The pages any VM ever held in a state other than unmapped: begin to end. */
    private final Intervals touched = new Intervals();
    private final TreeSet<Integer> modes = new TreeSet<>();
    private final TreeSet<Integer> vmsWithItems = new TreeSet<>();
    private Machine machine;
    private long items;
    private int maxVms;

    /** Why recording stopped, or null while it goes on. */
    private String capped;
    private Step pending;
    private Machine lastMachine;
    private boolean finished;

    /**
     * @param lines where the trace's own lines are read back from (it may answer null: the
     *              operation's name stands in for its line)
     */
    Recorder(Lines lines) {
        this(lines, Limits.DEFAULT);
    }

    Recorder(Lines lines, Limits limits) {
        this.lines = lines;
        this.limits = limits;
    }

    /** An observer to call first, whose note is returned (may be null). */
    void setNext(ReplayObserver next) {
        this.next = next;
    }

    @Override
    public Optional<String> afterOperation(int line, Operation operation, String result, Machine current,
            Hypervisor hypervisor) {
        Optional<String> note = next == null ? Optional.empty()
                : next.afterOperation(line, operation, result, current, hypervisor);
        String text = lines.text(line);
        if (text == null) {
            text = Operation.nameOf(operation) + " (line " + line + ")";
        }
        if (capped == null) {
            if (steps.size() >= limits.steps()) {
                capped = "the trace has more than " + limits.steps() + " operations";
            } else if (items >= limits.items()) {
                capped = "the recorded changes reached " + items + " entries (the limit is about " + limits.items() + ")";
            } else if (reader.visited() >= limits.visits()) {
                capped = "the table walks reached " + reader.visited() + " entries (the limit is " + limits.visits() + ")";
            }
        }
        if (capped != null) {
            // Summarised: nothing is read now; finish() reads the state the last operation left.
            lastMachine = current;
            if (pending == null) {
                pending = new Step(line, text, -1, new ArrayList<>());
                pending.operations = 0;
            }
            pending.operations++;
            pending.lastLine = line;
            return note;
        }
        List<VmDiff> diffs = new ArrayList<>();
        if (current != machine) {
            replaceMachine(diffs, current);
        } else if (current != null) {
            for (Vm vm : affected(operation, current)) {
                diff(diffs, vm.id(), reader.read(vm.table()));
            }
        }
        steps.add(new Step(line, text, machineIndex(current), diffs));
        return note;
    }

    /** The step of {@code line}, if it was recorded one by one (its output is collected there). */
    Step stepOfLine(int line) {
        for (int i = steps.size() - 1; i >= 0 && i >= steps.size() - 2; i--) {
            if (steps.get(i).line == line) {
                return steps.get(i);
            }
        }
        int low = 0;
        int high = steps.size() - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            int at = steps.get(mid).line;
            if (at == line) {
                return steps.get(mid);
            }
            if (at < line) {
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return null;
    }

    /**
     * Ends the recording: the operations not recorded one by one become one last step, with the
     * state the last of them left. Idempotent.
     */
    void finish() {
        if (finished) {
            return;
        }
        finished = true;
        if (pending == null) {
            return;
        }
        List<VmDiff> diffs = new ArrayList<>();
        if (lastMachine != machine) {
            replaceMachine(diffs, lastMachine);
        }
        if (machine != null) {
            for (Vm vm : machine.vms()) {
                diff(diffs, vm.id(), reader.read(vm.table()));
            }
        }
        Step summary = new Step(pending.line, pending.text, machineIndex(machine), diffs);
        summary.lastLine = pending.lastLine;
        summary.operations = pending.operations;
        summary.summary = true;
        steps.add(summary);
    }

    List<Step> steps() {
        return Collections.unmodifiableList(steps);
    }

    List<MachineInfo> machines() {
        return Collections.unmodifiableList(machines);
    }

    /** Why the operations after a point are summarised, or null if every one is a step. */
    String capped() {
        return capped;
    }

    Intervals touched() {
        return touched;
    }

    /** Every mode any leaf had, for the page's mode-to-state table. */
    TreeSet<Integer> modes() {
        return modes;
    }

    long items() {
        return items;
    }

    /** Table entries walked so far. */
    long visited() {
        return reader.visited();
    }

    /** The VMs that get a band: every VM up to {@link #ALL_VMS_UP_TO}, and beyond only those that held something. */
    List<Integer> bands() {
        List<Integer> bands = new ArrayList<>();
        for (int vm = 1; vm <= Math.min(maxVms, ALL_VMS_UP_TO); vm++) {
            bands.add(vm);
        }
        for (int vm : vmsWithItems.tailSet(ALL_VMS_UP_TO + 1)) {
            bands.add(vm);
        }
        return bands.size() > MAX_BANDS ? bands.subList(0, MAX_BANDS) : bands;
    }

    /** How many VMs the largest machine had. */
    int maxVms() {
        return maxVms;
    }

    private int machineIndex(Machine current) {
        return current == null ? -1 : machines.size() - 1;
    }

    /**
     * Every item of the old machine goes; the new machine's tables are empty, as {@code init}
     * builds them, so there is nothing to read.
     */
    private void replaceMachine(List<VmDiff> diffs, Machine current) {
        for (Map.Entry<Integer, List<Item>> vm : state.entrySet()) {
            if (!vm.getValue().isEmpty()) {
                diffs.add(new VmDiff(vm.getKey(), vm.getValue(), List.of()));
                items += vm.getValue().size();
            }
        }
        state.clear();
        machine = current;
        if (current != null) {
            machines.add(info(current));
            maxVms = Math.max(maxVms, current.vms().size());
        }
    }

    private void diff(List<VmDiff> diffs, int vm, List<Item> now) {
        List<Item> before = state.getOrDefault(vm, List.of());
        List<Item> removed = new ArrayList<>();
        List<Item> added = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < before.size() || j < now.size()) {
            int order = i == before.size() ? 1 : j == now.size() ? -1 : before.get(i).compareTo(now.get(j));
            if (order < 0) {
                removed.add(before.get(i++));
            } else if (order > 0) {
                added.add(now.get(j++));
            } else {
                if (!before.get(i).equals(now.get(j))) {
                    removed.add(before.get(i));
                    added.add(now.get(j));
                }
                i++;
                j++;
            }
        }
        if (removed.isEmpty() && added.isEmpty()) {
            return;
        }
        for (Item item : added) {
            if (item.kind() == Item.LEAVES) {
                modes.add(item.mode());
                if (item.state() != OwnershipState.UNMAPPED) {
                    touched.add(item.begin(), item.end());
                }
            }
        }
        if (!now.isEmpty()) {
            vmsWithItems.add(vm);
        }
        items += removed.size() + added.size();
        diffs.add(new VmDiff(vm, removed, added));
        state.put(vm, now);
    }

    /** The VMs whose tables {@code operation} may have changed. */
    private static List<Vm> affected(Operation operation, Machine machine) {
        if (operation instanceof Operation.MapRange map) {
            return vms(machine, map.vm());
        } else if (operation instanceof Operation.Unmap unmap) {
            return vms(machine, unmap.vm());
        } else if (operation instanceof Operation.Defrag defrag) {
            return vms(machine, defrag.vm());
        } else if (operation instanceof Operation.Share share) {
            return vms(machine, share.from(), share.to());
        } else if (operation instanceof Operation.ShareBytes bytes) {
            return vms(machine, bytes.from(), bytes.to());
        } else if (operation instanceof Operation.ModeQuery || operation instanceof Operation.Dump
                || operation instanceof Operation.Pool || operation instanceof Operation.Access
                || operation instanceof Operation.Read || operation instanceof Operation.Write) {
            return List.of();
        }
        return machine.vms();
    }

    private static List<Vm> vms(Machine machine, int... ids) {
        List<Vm> vms = new ArrayList<>(ids.length);
        for (int id : ids) {
            machine.vm(id).filter(vm -> !vms.contains(vm)).ifPresent(vms::add);
        }
        return vms;
    }

    private static MachineInfo info(Machine machine) {
        int maxLevel = 0;
        int roots = 0;
        long end = 0;
        if (!machine.vms().isEmpty()) {
            PageTable table = machine.vms().get(0).table();
            maxLevel = table.maxLevel();
            roots = table.rootTableCount();
            end = table.addressSpaceEnd() >>> Addresses.PAGE_BITS;
        }
        return new MachineInfo(machine.config().archName(), machine.config().archConfig().paBits(),
                machine.vms().size(), maxLevel, roots, end);
    }
}
