package org.memshare.trace;

import java.util.Optional;
import org.memshare.engine.hypervisor.Hypervisor;
import org.memshare.engine.machine.Machine;

/**
 * Watches a replay: the {@link TraceReplayer} calls it after every operation that ran, that is
 * after every line but blank and comment lines and error lines (an error changes nothing). It
 * may add one line to the output, printed right after the operation's own as {@code N: <note>}.
 * The trace module knows nothing of what is checked; {@code memshare replay --check-model}
 * plugs the conformance kit's ownership model in here.
 */
@FunctionalInterface
public interface ReplayObserver {
    /**
     * Called after operation {@code operation} of line {@code line} ran.
     *
     * @param result the operation's canonical result without the {@code N: } prefix ({@code ok},
     *     {@code fail}, an SPCI outcome name such as {@code SUCCESS} for a share, {@code end}
     *     after a dump's entries)
     * @param machine the machine after the operation, or null when there is none (after an
     *     {@code init} that failed)
     * @param hypervisor the replay's hypervisor of {@code machine}, or null with it
     * @return a note to print after the operation's output, or empty
     */
    Optional<String> afterOperation(int line, Operation operation, String result, Machine machine,
            Hypervisor hypervisor);
}
