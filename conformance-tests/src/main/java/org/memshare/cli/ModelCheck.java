package org.memshare.cli;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.memshare.api.addr.Addresses;
import org.memshare.api.arch.PageTableFormat;
import org.memshare.api.mode.Mode;
import org.memshare.api.spci.Constituent;
import org.memshare.api.spci.Decoded;
import org.memshare.api.spci.MemoryRegion;
import org.memshare.api.spci.MemoryRegionCodec;
import org.memshare.api.spci.ReceiverAttributes;
import org.memshare.api.spci.ShareType;
import org.memshare.engine.hypervisor.Hypervisor;
import org.memshare.engine.machine.Machine;
import org.memshare.engine.machine.Vm;
import org.memshare.engine.mm.EntryVisitor;
import org.memshare.engine.mm.PageTable;
import org.memshare.kit.model.OwnershipModel;
import org.memshare.trace.Operation;
import org.memshare.trace.ReplayObserver;

/**
 * {@code memshare replay --check-model}: the conformance kit's ownership model ({@link OwnershipModel})
 * checked after every operation of a trace (docs/traces.md, "Checking the ownership model").
 *
 * <p>The check keeps, per VM, the mode of every page (runs of equal modes, read from the tables
 * by a walk of their entries, separate from the engine's get-mode). Raw page-table operations
 * ({@code map}, {@code unmap}, {@code prepare}, {@code commit}, {@code defrag}) set the scenario
 * up: after each, the VM's modes are read again from its table, unchecked. Each {@code share} and
 * {@code sharebytes} is predicted from the modes before it: the kit's model decides whether the
 * protocol accepts it and what the sender's and the receiver's modes of the constituents become;
 * the engine's answer must agree (SUCCESS where the model accepts, or NO_MEMORY when the pool ran
 * out; INVALID_PARAMETERS where it refuses), and afterwards every VM's every mode must be the
 * predicted one (bystanders and refused shares: unchanged), access through each VM's translation
 * to the constituents must be what the modes allow, and a page that was in a state of the model
 * at rest must still be. {@code access}, {@code read} and {@code write} answers must be what the
 * VM's mode of the page allows. The first operation that breaks the model gets the note; later
 * operations are not checked.
 */
final class ModelCheck implements ReplayObserver {
    private Machine machine;
    private int absentMode;
    private long spaceEnd;
    /** modes.get(vm - 1): the VM's modes as runs. */
    private final List<Runs> modes = new ArrayList<>();
    private int brokenAt;

    /** The line number of the first operation that broke the model, or 0. */
    int brokenAt() {
        return brokenAt;
    }

    @Override
    public Optional<String> afterOperation(int line, Operation operation, String result, Machine current,
            Hypervisor hypervisor) {
        if (brokenAt != 0) {
            return Optional.empty();
        }
        if (current != machine || operation instanceof Operation.Init) {
            resync(current);
            return Optional.empty();
        }
        if (current == null) {
            return Optional.empty();
        }
        Optional<String> broken = check(operation, result, hypervisor);
        if (broken.isPresent()) {
            brokenAt = line;
            return Optional.of("model " + broken.get());
        }
        return Optional.empty();
    }

    private void resync(Machine current) {
        machine = current;
        modes.clear();
        if (current == null) {
            return;
        }
        PageTableFormat format = current.arch().format();
        absentMode = format.stage2AttrsToMode(format.attrs(format.absentPte(0), 0));
        spaceEnd = current.vms().get(0).table().addressSpaceEnd();
        for (Vm vm : current.vms()) {
            modes.add(read(vm.table()));
        }
    }

    private Optional<String> check(Operation operation, String result, Hypervisor hypervisor) {
        if (operation instanceof Operation.MapRange map) {
            reread(map.vm());
        } else if (operation instanceof Operation.Unmap unmap) {
            reread(unmap.vm());
        } else if (operation instanceof Operation.Defrag defrag) {
            reread(defrag.vm());
        } else if (operation instanceof Operation.Share share) {
            List<Constituent> constituents = new ArrayList<>(share.constituents().size());
            for (Operation.ConstituentArg c : share.constituents()) {
                constituents.add(Constituent.of(c.address(), c.pages()));
            }
            MemoryRegion region = MemoryRegion.of(share.tag(), share.flags(),
                    List.of(ReceiverAttributes.of(share.to(), share.attrs())), constituents);
            return share(share.type(), share.from(), share.to(), MemoryRegionCodec.encode(region), result, hypervisor);
        } else if (operation instanceof Operation.ShareBytes bytes) {
            return share(bytes.type(), bytes.from(), bytes.to(), bytes.region(), result, hypervisor);
        } else if (operation instanceof Operation.Access access) {
            int bit = switch (access.kind()) {
                case R -> Mode.R;
                case W -> Mode.W;
                case X -> Mode.X;
            };
            return answer(access.vm(), access.address(), bit, result.equals("ok"), "access " + access.kind());
        } else if (operation instanceof Operation.Read read) {
            return answer(read.vm(), read.address(), Mode.R, !result.equals("fault"), "read");
        } else if (operation instanceof Operation.Write write) {
            return answer(write.vm(), write.address(), Mode.W, !result.equals("fault"), "write");
        } else if (operation instanceof Operation.FfaCall) {
            // The ownership model is SPCI's: an FF-A step is not predicted, only read back, so that
            // later accesses are judged against the modes it left.
            resync(machine);
        }
        return Optional.empty();
    }

    private void reread(int vm) {
        modes.set(vm - 1, read(machine.vm(vm).orElseThrow().table()));
    }

    /** An access answer against the model's mode of the page. */
    private Optional<String> answer(int vm, long address, int bit, boolean allowed, String what) {
        long page = address & -Addresses.PAGE_SIZE;
        int mode = modes.get(vm - 1).modeAt(page);
        boolean expected = (mode & Mode.INVALID) == 0 && (mode & bit) != 0;
        if (allowed == expected) {
            return Optional.empty();
        }
        return Optional.of("page 0x" + Long.toHexString(page) + " VM " + vm + ": mode " + describe(mode)
                + (expected ? " allows " : " does not allow ") + what + " but the answer was "
                + (allowed ? "allowed" : "a fault"));
    }

    // ------------------------------------------------------------------ shares

    private Optional<String> share(int typeCode, int from, int to, byte[] region, String result,
            Hypervisor hypervisor) {
        Prediction prediction = predict(typeCode, from, to, region);
        boolean success = result.equals("SUCCESS");
        // An FF-A retrieve response holds the receiver's RX buffer (its mailbox) until rx_release;
        // meanwhile a message to it answers BUSY before anything is checked. The model does not
        // predict it, but such a share must leave everything as it was.
        boolean busy = result.equals("BUSY") && to >= 1 && to <= machine.vms().size()
                && machine.vm(to).orElseThrow().mailbox().isBusy();
        if (prediction.refusal != null && !result.equals(prediction.error) && !busy) {
            return Optional.of("the share answered " + result + "; the model refuses it with " + prediction.error
                    + ": " + prediction.refusal);
        }
        if (prediction.refusal == null && !success && !result.equals("NO_MEMORY") && !busy) {
            return Optional.of("the share answered " + result + "; the model accepts it"
                    + " (SUCCESS, or NO_MEMORY if the pool runs out)");
        }
        // Every VM's modes: the prediction where the share succeeded, else as before.
        List<Runs> expected = new ArrayList<>(modes);
        if (success) {
            Runs sender = modes.get(from - 1).copy();
            Runs receiver = modes.get(to - 1).copy();
            for (int s = 0; s < prediction.segments.size(); s++) {
                long[] segment = prediction.segments.get(s);
                sender.set(segment[0], segment[1], prediction.model.mode(from, s));
                receiver.set(segment[0], segment[1], prediction.model.mode(to, s));
            }
            expected.set(from - 1, sender);
            expected.set(to - 1, receiver);
        }
        List<Runs> actual = new ArrayList<>();
        for (Vm vm : machine.vms()) {
            actual.add(read(vm.table()));
        }
        String after = success ? "after this share" : "unchanged by this refused share";
        for (int i = 0; i < actual.size(); i++) {
            OptionalPage diff = expected.get(i).firstDifference(actual.get(i));
            if (diff != null) {
                return Optional.of("page 0x" + Long.toHexString(diff.page) + " VM " + (i + 1) + ": expected "
                        + describe(expected.get(i).modeAt(diff.page)) + " " + after + ", actual "
                        + describe(actual.get(i).modeAt(diff.page)));
            }
        }
        modes.clear();
        modes.addAll(actual);
        if (prediction.segments == null) {
            return Optional.empty();
        }
        // Access through translation to the constituents, and the state at rest.
        for (int s = 0; s < prediction.segments.size(); s++) {
            long[] segment = prediction.segments.get(s);
            for (long page : new long[] {segment[0], segment[1] - Addresses.PAGE_SIZE}) {
                int[] before = new int[modes.size()];
                int[] now = new int[modes.size()];
                for (int vm = 1; vm <= modes.size(); vm++) {
                    before[vm - 1] = prediction.model.mode(vm, s);
                    now[vm - 1] = modes.get(vm - 1).modeAt(page);
                    Optional<String> access = translation(hypervisor, vm, page, now[vm - 1]);
                    if (access.isPresent()) {
                        return access;
                    }
                }
                if (success && OwnershipModel.pageViolation(prediction.before.get(s)).isEmpty()) {
                    Optional<String> violation = OwnershipModel.pageViolation(now);
                    if (violation.isPresent()) {
                        return Optional.of("page 0x" + Long.toHexString(page) + " leaves the model's states at rest: "
                                + violation.get());
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> translation(Hypervisor hypervisor, int vm, long page, int mode) {
        for (Hypervisor.Access access : Hypervisor.Access.values()) {
            int bit = switch (access) {
                case READ -> Mode.R;
                case WRITE -> Mode.W;
                case EXECUTE -> Mode.X;
            };
            boolean expected = (mode & Mode.INVALID) == 0 && (mode & bit) != 0;
            for (long at : new long[] {page, page + Addresses.PAGE_SIZE - 8}) {
                if (hypervisor.canAccess(vm, at, access) != expected) {
                    return Optional.of("page 0x" + Long.toHexString(page) + " VM " + vm + ": mode " + describe(mode)
                            + (expected ? " allows " : " does not allow ") + access + " at 0x" + Long.toHexString(at)
                            + " but the translation " + (expected ? "faults" : "allows it"));
                }
            }
        }
        return Optional.empty();
    }

    /** What the model says of a share: a refusal (why), or the segments and the model after it. */
    private static final class Prediction {
        String refusal;
        /** The error the refusal answers. */
        String error = "INVALID_PARAMETERS";
        /** The constituents cut where any VM's mode changes: [begin, end) pairs in address order. */
        List<long[]> segments;
        /** Per segment, every VM's mode before the share. */
        List<int[]> before = new ArrayList<>();
        OwnershipModel model;
    }

    private Prediction predict(int typeCode, int from, int to, byte[] region) {
        Prediction p = new Prediction();
        int vms = modes.size();
        Optional<ShareType> type = ShareType.fromCode(typeCode);
        if (from < 1 || from > vms || to < 1 || to > vms) {
            p.refusal = "VM " + (from < 1 || from > vms ? from : to) + " is not a VM of the machine";
            return p;
        }
        if (MemoryRegionCodec.HEADER_SIZE + (long) region.length > MemoryRegionCodec.MAILBOX_SIZE) {
            p.refusal = "the message is longer than the mailbox";
            return p;
        }
        Decoded decoded = MemoryRegionCodec.decode(region);
        if (decoded instanceof Decoded.Rejected rejected) {
            p.refusal = "the region is malformed: " + rejected.reason();
            p.error = rejected.error().name();
            return p;
        }
        MemoryRegion r = ((Decoded.Ok) decoded).region();
        if (type.isEmpty()) {
            p.refusal = "unknown message type " + typeCode;
            return p;
        }
        if (from == to) {
            p.refusal = "the sender is the receiver";
            return p;
        }
        if (r.attributes().get(0).receiver() != to) {
            p.refusal = "the region names receiver " + r.attributes().get(0).receiver();
            return p;
        }
        TreeSet<Long> cuts = new TreeSet<>(Long::compareUnsigned);
        for (Constituent c : r.constituents()) {
            if (Long.compareUnsigned(c.end(), spaceEnd) > 0) {
                p.refusal = "constituent 0x" + Long.toHexString(c.address()) + " ends beyond the address space";
                return p;
            }
            cuts.add(c.address());
            cuts.add(c.end());
            for (Runs vm : modes) {
                vm.boundaries(c.address(), c.end(), cuts);
            }
        }
        // Segments: the pieces between cuts that some constituent covers.
        p.segments = new ArrayList<>();
        List<Long> starts = new ArrayList<>();
        Iterator<Long> it = cuts.iterator();
        long previous = it.next();
        while (it.hasNext()) {
            long next = it.next();
            for (Constituent c : r.constituents()) {
                if (Long.compareUnsigned(c.address(), previous) <= 0 && Long.compareUnsigned(next, c.end()) <= 0) {
                    p.segments.add(new long[] {previous, next});
                    starts.add(previous);
                    break;
                }
            }
            previous = next;
        }
        p.model = new OwnershipModel(0, p.segments.size(), vms, absentMode);
        for (int s = 0; s < p.segments.size(); s++) {
            int[] before = new int[vms];
            for (int vm = 1; vm <= vms; vm++) {
                before[vm - 1] = modes.get(vm - 1).modeAt(p.segments.get(s)[0]);
                p.model.set(vm, s, before[vm - 1]);
            }
            p.before.add(before);
        }
        int[] pairs = new int[2 * r.constituents().size()];
        for (int i = 0; i < r.constituents().size(); i++) {
            Constituent c = r.constituents().get(i);
            int first = starts.indexOf(c.address());
            int last = starts.size();
            for (int s = first; s < starts.size(); s++) {
                if (Long.compareUnsigned(starts.get(s), c.end()) >= 0) {
                    last = s;
                    break;
                }
            }
            pairs[2 * i] = first;
            pairs[2 * i + 1] = last - first;
        }
        int access = r.attributes().get(0).attributes().receiverMode();
        if (!p.model.share(type.get(), from, to, access, pairs)) {
            int[] first = p.before.get(0);
            p.refusal = "no " + type.get().traceName() + " from sender mode " + describe(first[from - 1])
                    + " and receiver mode " + describe(first[to - 1])
                    + " (or the constituents' pages are not in one mode, or the sender's memory is device memory)";
            p.segments = null;
        }
        return p;
    }

    // ------------------------------------------------------------------ modes as runs

    private Runs read(PageTable table) {
        PageTableFormat format = table.format();
        Runs runs = new Runs(absentMode);
        table.visit((level, address, pte, kind) -> {
            if (kind == EntryVisitor.Kind.BLOCK) {
                runs.append(address, address + Addresses.entrySize(level),
                        format.stage2AttrsToMode(format.attrs(pte, level)));
            }
        });
        return runs;
    }

    private record OptionalPage(long page) {
    }

    /** One VM's modes: runs [begin, end) of one mode; everywhere else the absent mode. */
    private static final class Runs {
        private final int absent;
        private final TreeMap<Long, long[]> runs = new TreeMap<>(Long::compareUnsigned);

        Runs(int absent) {
            this.absent = absent;
        }

        Runs copy() {
            Runs copy = new Runs(absent);
            runs.forEach((begin, run) -> copy.runs.put(begin, run.clone()));
            return copy;
        }

        /** Adds a run after every other (visit order), merging it with the last one when they touch. */
        void append(long begin, long end, int mode) {
            if (mode == absent) {
                return;
            }
            Map.Entry<Long, long[]> last = runs.lastEntry();
            if (last != null && last.getValue()[0] == begin && last.getValue()[1] == mode) {
                last.getValue()[0] = end;
            } else {
                runs.put(begin, new long[] {end, mode});
            }
        }

        int modeAt(long address) {
            Map.Entry<Long, long[]> run = runs.floorEntry(address);
            return run != null && Long.compareUnsigned(address, run.getValue()[0]) < 0 ? (int) run.getValue()[1] : absent;
        }

        /** Sets [begin, end) to {@code mode}. */
        void set(long begin, long end, int mode) {
            split(begin);
            split(end);
            runs.subMap(begin, true, end, false).clear();
            if (mode != absent) {
                runs.put(begin, new long[] {end, mode});
            }
        }

        private void split(long at) {
            Map.Entry<Long, long[]> run = runs.lowerEntry(at);
            if (run != null && Long.compareUnsigned(at, run.getValue()[0]) < 0) {
                runs.put(at, new long[] {run.getValue()[0], run.getValue()[1]});
                run.getValue()[0] = at;
            }
        }

        /** Adds to {@code cuts} every run boundary strictly inside [begin, end). */
        void boundaries(long begin, long end, NavigableSet<Long> cuts) {
            Map.Entry<Long, long[]> first = runs.floorEntry(begin);
            Long from = first != null ? first.getKey() : begin;
            for (Map.Entry<Long, long[]> run : runs.subMap(from, true, end, false).entrySet()) {
                for (long at : new long[] {run.getKey(), run.getValue()[0]}) {
                    if (Long.compareUnsigned(begin, at) < 0 && Long.compareUnsigned(at, end) < 0) {
                        cuts.add(at);
                    }
                }
            }
        }

        /** The first address where this and {@code other} differ, or null. */
        OptionalPage firstDifference(Runs other) {
            TreeSet<Long> points = new TreeSet<>(Long::compareUnsigned);
            points.add(0L);
            for (Runs r : List.of(this, other)) {
                r.runs.forEach((begin, run) -> {
                    points.add(begin);
                    points.add(run[0]);
                });
            }
            for (long at : points) {
                if (modeAt(at) != other.modeAt(at)) {
                    return new OptionalPage(at);
                }
            }
            return null;
        }
    }

    private static String describe(int mode) {
        return Mode.describe(mode) + " (0x" + Integer.toHexString(mode) + ")";
    }
}
