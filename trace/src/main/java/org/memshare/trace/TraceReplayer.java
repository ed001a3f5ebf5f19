package org.memshare.trace;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import org.memshare.api.addr.IntermediatePhysicalAddress;
import org.memshare.api.addr.PhysicalAddress;
import org.memshare.api.arch.ArchConfig;
import org.memshare.api.arch.PageTableFormat;
import org.memshare.api.policy.SharePolicyFactories;
import org.memshare.api.spci.Decoded;
import org.memshare.api.spci.MemoryRegion;
import org.memshare.api.spci.MemoryRegionCodec;
import org.memshare.engine.hypervisor.AccessResult;
import org.memshare.engine.hypervisor.Hypervisor;
import org.memshare.engine.machine.Machine;
import org.memshare.engine.machine.MachineConfig;
import org.memshare.engine.machine.MachineResult;
import org.memshare.engine.machine.Machines;
import org.memshare.engine.machine.Vm;
import org.memshare.engine.mm.MapResult;
import org.memshare.engine.mm.ModeResult;
import org.memshare.engine.mm.PageTable;
import org.memshare.engine.plugin.ArchRegistry;
import org.memshare.engine.spci.SpciResult;

/**
 * Replays parsed trace lines against a machine and writes the canonical output of TRACES.md:
 * every output line is {@code N: } followed by the result, numbers in lowercase hex with 0x.
 * Malformed lines and operations that cannot run (before a successful {@code init}, on a VM
 * that does not exist, a commit without its prepare) print {@code N: error <reason>}, change
 * nothing, and are counted; the replay goes on.
 *
 * <p>Every result carries the engine's reason when it is a refusal, failure or fault (an FF-A
 * error also its check's name), and a share's or FF-A line's its descriptor; a replayer given a
 * {@link LineFormat} hands each output line with them to the format ({@code --explain},
 * {@code --json}), one without writes the canonical text alone and builds neither.
 */
public final class TraceReplayer {
    private static final int FLUSH_THRESHOLD = 1 << 16;
    private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final ArchRegistry registry;
    private final Writer sink;
    private final StringBuilder out = new StringBuilder(FLUSH_THRESHOLD + 256);
    private final Map<PreparedRange, Integer> pendingPrepares = new HashMap<>();
    /** The message of the last {@code sharebytes} line, in a buffer reused from line to line. */
    private byte[] messageBuffer = new byte[0];
    /** The hex digits of the last share's region, reused from line to line. */
    private byte[] hex = new byte[0];
    private final SharePolicyFactories policyFactories;
    private final List<SharePolicyFactories.Selected> extraPolicies;
    private Machine machine;
    private Hypervisor hypervisor;
    /** The machine's FF-A lines, with what builder sends kept back; null without a machine. */
    private FfaReplay ffaReplay;
    private final ReplayObserver observer;
    /** How output lines are written; null for the canonical text alone (the fast path). */
    private final LineFormat format;
    /** Whether no output is made ({@link #discardingOutput}): no line is buffered, no share's hex or dump is made. */
    private final boolean discardOutput;
    /** The operation being replayed, for the format; null on a malformed line. */
    private Operation current;
    private int errors;
    private int lineNumber;
    /** The result of the operation run last, for the observer. */
    private String lastResult = "";

    public TraceReplayer(ArchRegistry registry, Writer sink) {
        this(registry, sink, null);
    }

    /**
     * A replayer that calls {@code observer} (if not null) after every operation that ran and
     * prints the note it returns, if any, as an extra line {@code N: <note>}.
     */
    public TraceReplayer(ArchRegistry registry, Writer sink, ReplayObserver observer) {
        this(registry, sink, observer, SharePolicyFactories.load(TraceReplayer.class.getClassLoader()), List.of());
    }

    /**
     * A replayer whose {@code init policy=NAME[:ARGS]} names are looked up in {@code policyFactories},
     * and whose every machine also gets {@code extraPolicies} (a fresh policy from each), asked
     * after the trace's own, in the order given.
     */
    public TraceReplayer(ArchRegistry registry, Writer sink, ReplayObserver observer,
            SharePolicyFactories policyFactories, List<SharePolicyFactories.Selected> extraPolicies) {
        this(registry, sink, observer, policyFactories, extraPolicies, null);
    }

    /**
     * A replayer that writes each output line through {@code format} (if not null), with the
     * engine's reason and a share's descriptor, instead of as the canonical text alone.
     */
    public TraceReplayer(ArchRegistry registry, Writer sink, ReplayObserver observer,
            SharePolicyFactories policyFactories, List<SharePolicyFactories.Selected> extraPolicies,
            LineFormat format) {
        this(registry, sink, observer, policyFactories, extraPolicies, format, false);
    }

    private TraceReplayer(ArchRegistry registry, Writer sink, ReplayObserver observer,
            SharePolicyFactories policyFactories, List<SharePolicyFactories.Selected> extraPolicies,
            LineFormat format, boolean discardOutput) {
        this.discardOutput = discardOutput;
        this.format = format;
        this.registry = requireNonNull(registry, "registry is null");
        this.sink = requireNonNull(sink, "sink is null");
        this.observer = observer;
        this.policyFactories = requireNonNull(policyFactories, "policyFactories is null");
        this.extraPolicies = List.copyOf(extraPolicies);
    }

    /**
     * A replayer for timing ({@code memshare bench}): every operation runs and is counted as
     * usual, errors included, but no output line is made (no share's hex, no dump of a table),
     * so what is timed is the operations and not the formatting of their answers (a W2 share's
     * answer is 2 KB of hex). Answers that are a word or a number are still worked out; only
     * their lines are not written.
     */
    public static TraceReplayer discardingOutput(ArchRegistry registry, SharePolicyFactories policyFactories,
            List<SharePolicyFactories.Selected> extraPolicies) {
        return new TraceReplayer(registry, Writer.nullWriter(), null, policyFactories, extraPolicies, null, true);
    }

    /** Replays {@code lines} in order, flushes the output and returns the number of error lines. */
    public int replay(List<ParsedLine> lines) {
        for (ParsedLine line : lines) {
            execute(line);
        }
        flush();
        return errors;
    }

    /**
     * Reads and replays a trace line by line, never holding more than one line of it: the output
     * is written to the sink and flushed whenever the next line is not yet at hand (and after
     * every line when there is an observer), so an interactive feed sees each answer before it
     * sends the next line. Returns the number of error lines.
     *
     * @throws IOException if the trace cannot be read (the output so far has been written)
     */
    public int replay(TraceLines lines) throws IOException {
        try {
            for (ParsedLine line; (line = lines.next()) != null; ) {
                lineNumber = line.number();
                execute(line);
                // Before the read would wait on the input, so whoever feeds the trace sees every
                // answer so far; an observer (the ownership map) takes the output line by line.
                if (observer != null || !lines.hasBufferedInput()) {
                    flush();
                }
            }
        } finally {
            flush();
        }
        return errors;
    }

    /** {@link #replay(TraceLines)} of UTF-8 bytes, decoded line by line. */
    public int replay(InputStream trace) throws IOException {
        return replay(TraceLines.of(trace));
    }

    /** {@link #replay(TraceLines)} of decoded text. */
    public int replay(Reader trace) throws IOException {
        return replay(TraceLines.of(trace));
    }

    /** The number of the line being replayed or replayed last (0 before the first). */
    public int lineNumber() {
        return lineNumber;
    }

    /** How many error lines have been printed so far. */
    public int errors() {
        return errors;
    }

    /** The machine of the last successful {@code init}, if any. */
    public Optional<Machine> machine() {
        return Optional.ofNullable(machine);
    }

    /** Executes one line, writing its output. */
    public void execute(ParsedLine line) {
        lineNumber = line.number();
        current = null;
        if (line instanceof ParsedLine.Op op) {
            current = op.operation();
            int errorsBefore = errors;
            Machine before = machine;
            long refusals = before != null ? before.tableMemory().heapRefusals() : 0;
            int mark = out.length();
            execute(op.number(), op.operation());
            if (before != null && before.tableMemory().heapRefusals() != refusals) {
                // The heap, not the pool, ran out: the operation's own answer is not Hafnium's,
                // so it is replaced by an error. Operations that make tables write no dump, so
                // nothing of this line's output has been flushed yet.
                out.setLength(Math.min(mark, out.length()));
                error(op.number(), before.heapExhaustedReason());
            }
            if (observer != null && errors == errorsBefore) {
                observer.afterOperation(op.number(), op.operation(), lastResult, machine, hypervisor)
                        .ifPresent(note -> emit(op.number(), ReplayLine.Kind.NOTE, note, null, null));
            }
        } else if (line instanceof ParsedLine.Malformed malformed) {
            error(malformed.number(), malformed.reason());
        }
        if (!discardOutput && out.length() >= FLUSH_THRESHOLD) {
            flush();
        }
    }

    /** Writes what is buffered to the sink and flushes it. */
    public void flush() {
        if (out.length() == 0) {
            return;
        }
        try {
            sink.append(out);
            sink.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            // Written or failed, it is not written again: a later flush (the replay's last, after
            // the failure) must not repeat what the sink may already hold.
            out.setLength(0);
        }
    }

    private void execute(int n, Operation operation) {
        if (operation instanceof Operation.Init init) {
            init(n, init);
            return;
        }
        if (machine == null) {
            error(n, "no machine: '" + name(operation) + "' needs a successful init first");
            return;
        }
        if (operation instanceof Operation.MapRange map) {
            mapRange(n, map);
        } else if (operation instanceof Operation.Unmap unmap) {
            Vm vm = vm(n, unmap.vm());
            if (vm != null) {
                MapResult done = vm.table().unmapResult(PhysicalAddress.of(unmap.begin()),
                        PhysicalAddress.of(unmap.end()), machine.pool());
                result(n, done.done() ? "ok" : "fail", done.reason());
            }
        } else if (operation instanceof Operation.Defrag defrag) {
            Vm vm = vm(n, defrag.vm());
            if (vm != null) {
                vm.table().defrag(machine.pool());
                result(n, "ok");
            }
        } else if (operation instanceof Operation.ModeQuery query) {
            Vm vm = vm(n, query.vm());
            if (vm != null) {
                ModeResult mode = vm.table().modeResult(IntermediatePhysicalAddress.of(query.begin()),
                        IntermediatePhysicalAddress.of(query.end()));
                result(n, mode.mode().isPresent() ? "mode 0x" + Integer.toHexString(mode.mode().getAsInt()) : "fail",
                        mode.reason());
            }
        } else if (operation instanceof Operation.Dump dump) {
            if (dump.vm() == Operation.Dump.STAGE1) {
                dump(n, machine.hypervisorTable());
            } else {
                Vm vm = vm(n, dump.vm());
                if (vm != null) {
                    dump(n, vm.table());
                }
            }
        } else if (operation instanceof Operation.Pool) {
            result(n, "free " + machine.pool().freeCount());
        } else if (operation instanceof Operation.Share share) {
            MemoryRegion region = share.region();
            byte[] message = MemoryRegionCodec.encodeMessage(share.type(), region);
            send(n, share.type(), share.from(), share.to(), message, message.length, region);
        } else if (operation instanceof Operation.ShareBytes bytes) {
            // Built in a buffer reused from line to line: the hypervisor copies what it is sent.
            int length = bytes.messageLength();
            if (messageBuffer.length < length) {
                messageBuffer = new byte[length];
            }
            bytes.writeMessage(messageBuffer);
            send(n, bytes.type(), bytes.from(), bytes.to(), messageBuffer, length, null);
        } else if (operation instanceof Operation.Access access) {
            if (vm(n, access.vm()) != null) {
                Hypervisor.Access kind = switch (access.kind()) {
                    case R -> Hypervisor.Access.READ;
                    case W -> Hypervisor.Access.WRITE;
                    case X -> Hypervisor.Access.EXECUTE;
                };
                AccessResult done = hypervisor.accessResult(access.vm(), access.address(), kind);
                result(n, done.allowed() ? "ok" : "fault", done.fault());
            }
        } else if (operation instanceof Operation.Read read) {
            if (vm(n, read.vm()) != null) {
                AccessResult value = hypervisor.readResult(read.vm(), read.address());
                result(n, value.allowed() ? "value 0x" + Long.toHexString(value.value()) : "fault", value.fault());
            }
        } else if (operation instanceof Operation.Write write) {
            if (vm(n, write.vm()) != null) {
                AccessResult done = hypervisor.writeResult(write.vm(), write.address(), write.value());
                result(n, done.allowed() ? "ok" : "fault", done.fault());
            }
        } else if (operation instanceof Operation.FfaCall call) {
            if (vm(n, call.vm()) != null) {
                try {
                    FfaReplay.Line line = ffaReplay.run(call);
                    lastResult = line.text();
                    emit(n, ReplayLine.Kind.RESULT, line.text(), line.reason(), line.check(), line.descriptor());
                } catch (FfaReplay.LineFailure e) {
                    error(n, e.getMessage());
                }
            }
        } else {
            error(n, "operation '" + name(operation) + "' is not supported yet");
        }
    }

    /**
     * An {@code init} that answers {@code ok} or {@code fail} replaces the machine (with none after
     * {@code fail}); one that is an error (an unknown arch, a broken plugin, a machine too large
     * for the heap) changes nothing, like every error line: the current machine stays.
     */
    private void init(int n, Operation.Init init) {
        List<SharePolicyFactories.Selected> policies = extraPolicies;
        if (!init.policies().isEmpty()) {
            policies = new ArrayList<>(init.policies().size() + extraPolicies.size());
            for (String spec : init.policies()) {
                try {
                    policies.add(policyFactories.resolve(spec));
                } catch (IllegalArgumentException e) {
                    error(n, e.getMessage() + " (the current machine, if any, is kept)");
                    return;
                }
            }
            policies.addAll(extraPolicies);
        }
        MachineResult created = create(init, policies);
        if (created instanceof MachineResult.Failed failed
                && (failed.failure() == MachineResult.Failure.UNKNOWN_ARCH
                        || failed.failure() == MachineResult.Failure.BROKEN_PLUGIN
                        || failed.failure() == MachineResult.Failure.INSUFFICIENT_HEAP)) {
            error(n, failed.message() + " (the current machine, if any, is kept)");
            return;
        }
        machine = null;
        hypervisor = null;
        ffaReplay = null;
        pendingPrepares.clear();
        if (created instanceof MachineResult.Created ok) {
            machine = ok.machine();
            hypervisor = ok.hypervisor();
            ffaReplay = new FfaReplay(hypervisor.ffa(), format != null);
            ffaReplay.setVersions(init.ffaVersions());
            result(n, "ok");
        } else {
            result(n, "fail", ((MachineResult.Failed) created).message());
        }
    }

    /** The machine an {@code init} asks for, or why there is none (its message is the reason {@code fail} prints). */
    private MachineResult create(Operation.Init init, List<SharePolicyFactories.Selected> policies) {
        if (init.paBits() < 1 || init.paBits() > 64) {
            // No arch is asked: no machine has such a PA size, whatever its arch.
            return new MachineResult.Failed(MachineResult.Failure.UNSUPPORTED_CONFIGURATION,
                    "pa_bits " + init.paBits() + " is not between 1 and 64");
        }
        MachineConfig config;
        try {
            config = new MachineConfig(init.arch(), new ArchConfig((int) init.paBits(), init.properties()),
                    init.poolPages(), init.vms(), MachineConfig.DEFAULT_POOL_BASE);
        } catch (IllegalArgumentException e) {
            return new MachineResult.Failed(MachineResult.Failure.UNSUPPORTED_CONFIGURATION, e.getMessage());
        }
        return Machines.create(config, registry, policies);
    }

    private void mapRange(int n, Operation.MapRange map) {
        Vm vm = vm(n, map.vm());
        if (vm == null) {
            return;
        }
        PhysicalAddress begin = PhysicalAddress.of(map.begin());
        PhysicalAddress end = PhysicalAddress.of(map.end());
        PageTable table = vm.table();
        switch (map.kind()) {
            case MAP -> {
                MapResult done = table.mapResult(begin, end, map.mode(), machine.pool());
                result(n, done.done() ? "ok" : "fail", done.reason());
            }
            case PREPARE -> {
                // A prepare that failed still pairs with its commit: Hafnium's commit would then
                // allocate what the prepare could not, if the pool has it by then.
                pendingPrepares.merge(PreparedRange.of(map), 1, Integer::sum);
                MapResult done = table.prepareResult(begin, end, map.mode(), machine.pool());
                result(n, done.done() ? "ok" : "fail", done.reason());
            }
            case COMMIT -> commit(n, map, table);
        }
    }

    /**
     * A commit needs an earlier prepare (successful or not) of the same VM, range and mode that
     * no commit has used yet. It then behaves as Hafnium's commit: if a commit in between merged away the
     * tables the prepare made (the corpus does this), it allocates them again, from tables it
     * frees earlier in the same walk or from the pool. Where the pool cannot supply the walk,
     * Hafnium would panic; this prints an error and changes nothing.
     */
    private void commit(int n, Operation.MapRange map, PageTable table) {
        PreparedRange key = PreparedRange.of(map);
        Integer pending = pendingPrepares.get(key);
        String range = "0x" + Long.toHexString(map.begin()) + "..0x" + Long.toHexString(map.end());
        if (pending == null) {
            error(n, "commit of " + range + " mode 0x" + Integer.toHexString(map.mode())
                    + " has no matching prepare (nothing changed)");
            return;
        }
        if (!table.commit(PhysicalAddress.of(map.begin()), PhysicalAddress.of(map.end()), map.mode(),
                machine.pool())) {
            error(n, "commit of " + range + " needs more tables than the pool holds (Hafnium would panic; nothing changed)");
            return;
        }
        if (pending == 1) {
            pendingPrepares.remove(key);
        } else {
            pendingPrepares.put(key, pending - 1);
        }
        result(n, "ok");
    }

    /** A prepared range waiting for its commit. */
    private record PreparedRange(int vm, long begin, long end, int mode) {
        static PreparedRange of(Operation.MapRange map) {
            return new PreparedRange(map.vm(), map.begin(), map.end(), map.mode());
        }
    }

    /**
     * Sends the first {@code length} bytes of {@code message}, an architected header of {@code type} and a region, from one VM to another, prints
     * the outcome and the region's bytes, and releases the receiver's mailbox at once, unread (no
     * copy of the message is made for it), so no mailbox stays busy inside a trace.
     */
    private void send(int n, int type, int from, int to, byte[] message, int messageLength, MemoryRegion built) {
        SpciResult outcome = hypervisor.send(from, to, message, messageLength);
        if (outcome.isSuccess()) {
            hypervisor.discard(to);
        }
        if (discardOutput) {
            lastResult = outcome.name();
            return;
        }
        String hexRegion = hexRegion(message, messageLength);
        if (format == null) {
            lastResult = outcome.name();
            out.append(n).append(": ").append(outcome.name()).append(" bytes=").append(hexRegion).append('\n');
            return;
        }
        int length = messageLength - MemoryRegionCodec.HEADER_SIZE;
        Optional<MemoryRegion> fields = built != null ? Optional.of(built)
                : MemoryRegionCodec.decode(message, MemoryRegionCodec.HEADER_SIZE, length) instanceof Decoded.Ok ok
                        ? Optional.of(ok.region()) : Optional.empty();
        emit(n, ReplayLine.Kind.RESULT, outcome.name() + " bytes=" + hexRegion, outcome.reason(),
                new SpciDescriptor(type, from, to, fields));
        lastResult = outcome.name();
    }

    /**
     * The region of {@code message} (all after its header) in lowercase hex. Written as bytes
     * into a reused buffer and made a Latin-1 string, which the output buffer takes with one copy:
     * a share prints a kilobyte of hex, and appending it a character at a time cost more than the
     * share's own checks.
     */
    private String hexRegion(byte[] message, int messageLength) {
        int length = messageLength - MemoryRegionCodec.HEADER_SIZE;
        if (hex.length < 2 * length) {
            hex = new byte[2 * length];
        }
        for (int i = 0; i < length; i++) {
            int b = message[MemoryRegionCodec.HEADER_SIZE + i];
            hex[2 * i] = HEX_DIGITS[(b >> 4) & 0xf];
            hex[2 * i + 1] = HEX_DIGITS[b & 0xf];
        }
        return new String(hex, 0, 2 * length, StandardCharsets.ISO_8859_1);
    }

    private Vm vm(int n, int id) {
        Optional<Vm> vm = machine.vm(id);
        if (vm.isEmpty()) {
            error(n, "no VM " + id + " (this machine has VMs 1 to " + machine.vms().size() + ")");
            return null;
        }
        return vm.get();
    }

    private void dump(int n, PageTable table) {
        if (discardOutput) {
            return; // a dump only reads the table: without output there is nothing to do
        }
        PageTableFormat arch = table.format();
        String prefix = n + ": ";
        // The canonical fast path writes each entry straight into the output buffer.
        StringBuilder entry = format == null ? out : new StringBuilder();
        table.visit((level, address, pte, kind) -> {
            if (format == null) {
                out.append(prefix);
            } else {
                entry.setLength(0);
            }
            entry.append('L').append(level).append(" 0x").append(Long.toHexString(address));
            switch (kind) {
                case TABLE -> entry.append(" table");
                case BLOCK -> {
                    long attrs = arch.attrs(pte, level);
                    entry.append(" block attrs=0x").append(Long.toHexString(attrs))
                            .append(" mode=0x").append(Integer.toHexString(arch.stage2AttrsToMode(attrs)))
                            .append(" pte=0x").append(Long.toHexString(pte));
                }
                case OTHER -> entry.append(" other pte=0x").append(Long.toHexString(pte));
            }
            if (format == null) {
                out.append('\n');
            } else {
                emit(n, ReplayLine.Kind.ENTRY, entry.toString(), null, null);
            }
            if (out.length() >= FLUSH_THRESHOLD) {
                flush();
            }
        });
        result(n, "end");
    }

    private void result(int n, String text) {
        result(n, text, null);
    }

    /** An operation's result, with the engine's reason when it is a refusal, failure or fault (else null or empty). */
    private void result(int n, String text, String reason) {
        lastResult = text;
        emit(n, ReplayLine.Kind.RESULT, text, reason, null);
    }

    private void error(int n, String reason) {
        errors++;
        lastResult = "error " + reason;
        emit(n, ReplayLine.Kind.ERROR, lastResult, null, null);
    }

    /** Every output line goes through here: as canonical text, or to the format with what it explains. */
    private void emit(int n, ReplayLine.Kind kind, String text, String reason, Descriptor descriptor) {
        emit(n, kind, text, reason, null, descriptor);
    }

    /** {@link #emit(int, ReplayLine.Kind, String, String, Descriptor)} with the name of the refusing FF-A check. */
    private void emit(int n, ReplayLine.Kind kind, String text, String reason, String check, Descriptor descriptor) {
        if (discardOutput) {
            return;
        }
        if (format == null) {
            out.append(n).append(": ").append(text).append('\n');
        } else {
            format.append(new ReplayLine(n, kind, Optional.ofNullable(current), text,
                    reason == null || reason.isEmpty() ? Optional.empty() : Optional.of(reason),
                    Optional.ofNullable(check), Optional.ofNullable(descriptor)), out);
        }
    }

    private static String name(Operation operation) {
        return Operation.nameOf(operation);
    }
}
