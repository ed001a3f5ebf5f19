package org.memshare.kit.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.memshare.api.arch.HardwareWalk;
import org.memshare.api.ffa.FfaConstituent;
import org.memshare.api.ffa.FfaError;
import org.memshare.api.ffa.FfaResult;
import org.memshare.api.ffa.FfaShareKind;
import org.memshare.api.ffa.Handle;
import org.memshare.api.ffa.MemoryPermissions;
import org.memshare.api.ffa.MemoryTransaction;
import org.memshare.api.ffa.TransactionFlags;
import org.memshare.engine.machine.Machine;
import org.memshare.engine.machine.Vm;
import org.memshare.kit.fixture.FfaMachine;
import org.memshare.kit.fixture.Snapshot;

/**
 * One FF-A scenario driven step by step on an {@link FfaLayout}: each call is made, its answer
 * checked, then every party's state checked as the rule asks: the modes and access the rule
 * expects (FFA-1 and the ACS rules), or the plugin's hardware walk against the engine's modes
 * (FFA-2). The first failing step ends the scenario with an {@link AssertionError} whose message
 * names the scenario and the step.
 */
final class FfaRun {
    /** How the parties are checked after a step. */
    enum Check {
        /** Each VM's mode (as the format settles it) and access, against what the step expects. */
        MODES,
        /** The hardware walk against the engine's modes, around the pages of the step. */
        WALK
    }

    final FfaLayout l;
    final FfaMachine f;
    private final String scenario;
    private final Check check;
    private final HardwareWalk walk;

    FfaRun(FfaLayout l, String scenario, Check check) {
        this.l = l;
        this.f = l.f();
        this.scenario = scenario;
        this.check = check;
        Machine machine = l.m().machine();
        this.walk = check == Check.WALK ? machine.arch().hardwareWalk().orElseThrow(() -> new AssertionError(
                f.where() + "the plugin declares HARDWARE_WALK but its arch offers no hardware walk")) : null;
    }

    /** Fails the scenario at {@code step}. */
    AssertionError failure(String step, String problem) {
        return new AssertionError(scenario + ", " + step + ": " + problem);
    }

    // ------------------------------------------------------------------ calls

    /** Sends and returns the handle; a refusal fails the scenario. */
    long send(FfaMachine.Send send) {
        FfaResult answer = send.call();
        if (answer.function() != FfaResult.Function.SUCCESS || answer.handle().isEmpty()) {
            throw failure(send.toString(), "answered " + answer + f.why() + ", expected SUCCESS with a handle");
        }
        if (answer.w4() != 0 || answer.w1() != 0) {
            throw failure(send.toString(), "answered " + answer + f.why() + ": w1 and w4 must be 0 (MBZ)");
        }
        return answer.handle().getAsLong();
    }

    /** Retrieves, releases the RX buffer and returns the response; a refusal fails the scenario. */
    MemoryTransaction retrieve(FfaMachine.Retrieve retrieve) {
        FfaResult answer = retrieve.call();
        if (answer.function() != FfaResult.Function.MEM_RETRIEVE_RESP) {
            throw failure(retrieve.toString(), "answered " + answer + f.why() + ", expected MEM_RETRIEVE_RESP");
        }
        if (answer.w1() != answer.w2()) {
            throw failure(retrieve.toString(), "answered " + answer + f.why() + ": a one-fragment response has total length (w1) = fragment length (w2)");
        }
        MemoryTransaction response = f.decodeResponse(retrieve.caller(), answer, retrieve.toString());
        FfaResult released = f.rxRelease(retrieve.caller());
        if (released.isError()) {
            throw failure(retrieve.toString(), "rx_release afterwards answered " + released);
        }
        return response;
    }

    void relinquish(int vm, long handle, int flags) {
        expectSuccess("mem_relinquish vm=" + vm + " handle=" + Handle.toString(handle) + flagsText(flags),
                f.relinquish(vm, handle, flags));
    }

    void reclaim(int vm, long handle, int flags) {
        expectSuccess("mem_reclaim vm=" + vm + " handle=" + Handle.toString(handle) + flagsText(flags),
                f.reclaim(vm, handle, flags));
    }

    private static String flagsText(int flags) {
        return flags == 0 ? "" : " flags=0x" + Integer.toHexString(flags);
    }

    void expectSuccess(String what, FfaResult answer) {
        if (answer.function() != FfaResult.Function.SUCCESS) {
            throw failure(what, "answered " + answer + f.why() + ", expected SUCCESS");
        }
    }

    /**
     * Asserts {@code call} answers {@code error} (or, for null, any FFA_ERROR) and changes nothing:
     * no table, pool page, watched memory or mailbox, not the number of share states in use, and
     * no VM's RX buffer (each VM given answers DENIED to FFA_RX_RELEASE, its RX being empty).
     */
    void refused(String what, FfaError error, java.util.function.Supplier<FfaResult> call, int... rxEmpty) {
        Snapshot before = l.m().snapshot();
        int states = f.ffa().shareStatesInUse();
        FfaResult answer = call.get();
        boolean wrong = error == null ? answer.function() != FfaResult.Function.ERROR
                : answer.function() != FfaResult.Function.ERROR || answer.error() != error;
        if (wrong) {
            throw failure(what, "answered " + answer + f.why() + ", expected " + (error == null ? "an FFA_ERROR" : error));
        }
        String diff = l.m().snapshot().diff(before);
        if (!diff.isEmpty()) {
            throw failure(what, "was refused with " + answer.error() + " but changed the machine: " + diff.replace('\n', ';'));
        }
        if (f.ffa().shareStatesInUse() != states) {
            throw failure(what, "was refused with " + answer.error() + " but the share states in use went from " + states
                    + " to " + f.ffa().shareStatesInUse());
        }
        for (int vm : rxEmpty) {
            FfaResult release = f.rxRelease(vm);
            if (!release.isError()) {
                throw failure(what, "was refused with " + answer.error() + " but left VM " + vm + "'s RX buffer full");
            }
        }
    }

    // ------------------------------------------------------------------ checks

    /**
     * After {@code step}, VM {@code i + 1}'s mode of the pages must be {@code modes[i]} (before
     * settling: an unmapped mode reads as an absent entry) and its access what that mode promises;
     * or, checking the walk, the hardware walk must agree with the engine's modes there and next to it.
     */
    void expect(String step, long address, long pages, int... modes) {
        if (check == Check.WALK) {
            walkAround(step, address, pages);
            return;
        }
        for (int i = 0; i < modes.length; i++) {
            Optional<String> problem = f.partyProblem(i + 1, address, pages, modes[i]);
            if (problem.isPresent()) {
                throw failure("after " + step, problem.get());
            }
        }
    }

    private void walkAround(String step, long address, long pages) {
        Machine machine = l.m().machine();
        long end = l.m().addressSpaceEnd();
        List<Long> samples = new ArrayList<>();
        for (long page = address - FfaLayout.PAGE; page != address + (pages + 1) * FfaLayout.PAGE; page += FfaLayout.PAGE) {
            if (Long.compareUnsigned(page, end) < 0) {
                samples.add(page);
                samples.add(page + FfaLayout.PAGE / 2);
                samples.add(page + FfaLayout.PAGE - 8);
            }
        }
        for (Vm vm : machine.vms()) {
            for (long sample : samples) {
                Optional<String> problem = WalkComparison.problem(machine, walk, vm, sample);
                if (problem.isPresent()) {
                    throw failure("after " + step, problem.get());
                }
            }
        }
    }

    /**
     * Checks a retrieve response: the handle, the sender, the transaction type in flag bits 4-3,
     * the clear flag (bit 0) as the sender set it, exactly one receiver (the caller) with the
     * granted permissions, and the constituents sent with their total page count.
     */
    void response(String step, MemoryTransaction response, long handle, FfaShareKind kind, int sender, int receiver,
            MemoryPermissions granted, List<FfaConstituent> sent, boolean cleared) {
        List<String> problems = new ArrayList<>();
        if (response.handle() != handle) {
            problems.add("handle " + Handle.toString(response.handle()) + ", expected " + Handle.toString(handle));
        }
        if (response.sender() != sender) {
            problems.add("sender 0x" + Integer.toHexString(response.sender()) + ", expected " + sender);
        }
        if (response.flags().transactionTypeBits() != kind.transactionType()) {
            problems.add("transaction type (flag bits 4-3) " + response.flags().transactionTypeBits() + ", expected "
                    + kind.transactionType() + " (" + kind + ")");
        }
        if (response.flags().has(TransactionFlags.CLEAR) != cleared) {
            problems.add("flag bit 0 (memory cleared) " + (cleared ? "clear" : "set") + ", the sender "
                    + (cleared ? "asked for" : "did not ask for") + " a clear");
        }
        if (response.receivers().size() != 1 || response.receivers().get(0).receiver() != receiver) {
            problems.add("receivers " + response.receivers() + ", expected VM " + receiver + " alone");
        } else if (!response.receivers().get(0).permissions().equals(granted)) {
            problems.add("permissions " + response.receivers().get(0).permissions() + ", expected " + granted);
        }
        List<FfaConstituent> got = response.constituents();
        boolean same = got.size() == sent.size();
        long total = 0;
        for (int i = 0; same && i < got.size(); i++) {
            same = got.get(i).address() == sent.get(i).address() && got.get(i).pageCount() == sent.get(i).pageCount();
            total += sent.get(i).pageCount();
        }
        if (!same) {
            problems.add("constituents " + got + ", expected " + sent);
        } else if (response.composite().orElseThrow().totalPageCount() != total) {
            problems.add("total page count " + response.composite().orElseThrow().totalPageCount() + ", expected " + total);
        }
        if (!problems.isEmpty()) {
            throw failure(step, "the retrieve response has " + String.join("; ", problems) + ": " + response);
        }
    }

    /** Asserts VM {@code vm} reads {@code want} at {@code address}. */
    void reads(String step, int vm, long address, long want) {
        java.util.OptionalLong value = l.m().hypervisor().read(vm, address);
        if (value.isEmpty() || value.getAsLong() != want) {
            throw failure(step, "VM " + vm + " reads " + (value.isEmpty() ? "a fault" : "0x" + Long.toHexString(value.getAsLong()))
                    + " at 0x" + Long.toHexString(address) + ", expected 0x" + Long.toHexString(want));
        }
    }

    /** VM {@code vm} writes {@code value} at {@code address}; a fault fails the scenario. */
    void writes(String step, int vm, long address, long value) {
        l.m().watch(address, 1);
        if (!l.m().hypervisor().write(vm, address, value)) {
            throw failure(step, "VM " + vm + " faults writing 0x" + Long.toHexString(address) + " (mode "
                    + l.m().describeMode(vm, address) + ")");
        }
    }
}
