package org.memshare.benchmarks;

import java.util.concurrent.TimeUnit;
import org.memshare.api.mode.Mode;
import org.memshare.api.spci.MemoryRegionCodec;
import org.memshare.api.spci.ShareType;
import org.memshare.engine.hypervisor.Hypervisor;
import org.memshare.engine.machine.MachineResult;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * W2's cycle, and W3's: VM 1 owns 1 GiB and lends 64 non-contiguous constituents (1 to 16 pages
 * each) to VM 2, which relinquishes them, through the hypervisor's mailboxes as a trace replay
 * sends them (messages encoded once, in set-up, as Hafnium's harness does at parse time). With
 * {@code fragmentedPages} above 0, VM 1 also holds W3's fragmented region of that many pages,
 * every other one mapped: the cycle's cost should not grow with it. Scores are per message (a
 * lend or a relinquish), comparable with {@code memshare bench}'s ns/op.
 */
@State(Scope.Thread)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ShareCycleBenchmark {

    @Param({"0", "1024", "262144"})
    public int fragmentedPages;

    private Hypervisor hypervisor;
    private byte[] lend;
    private byte[] relinquish;

    @Setup
    public void setUp() {
        MachineResult.Created created = Workloads.machine("aarch64", fragmentedPages == 0 ? 65536 : 131072, 2);
        Workloads.map(created.machine(), 1, Workloads.WINDOW_BASE, Workloads.WINDOW_BASE + (1L << 30),
                Mode.R | Mode.W | Mode.X);
        Workloads.fragment(created.machine(), 1, fragmentedPages);
        hypervisor = created.hypervisor();
        lend = MemoryRegionCodec.encodeMessage(ShareType.LEND, Workloads.region(2, Workloads.constituents()));
        relinquish = MemoryRegionCodec.encodeMessage(ShareType.RELINQUISH, Workloads.region(1, Workloads.constituents()));
        if (!Workloads.send(hypervisor, 1, 2, lend) || !Workloads.send(hypervisor, 2, 1, relinquish)) {
            throw new IllegalStateException("the set-up cycle failed");
        }
    }

    /** One lend of the 64 constituents and its relinquish: two messages. */
    @Benchmark
    @OperationsPerInvocation(2)
    public void lendAndRelinquish(Blackhole blackhole) {
        blackhole.consume(Workloads.send(hypervisor, 1, 2, lend));
        blackhole.consume(Workloads.send(hypervisor, 2, 1, relinquish));
    }

    /**
     * The same cycle with receivers that release their message without reading it
     * ({@code Hypervisor.discard}): what the share path itself costs, without the snapshot a
     * reader of the message is handed.
     */
    @Benchmark
    @OperationsPerInvocation(2)
    public void lendAndRelinquishDiscarding(Blackhole blackhole) {
        blackhole.consume(Workloads.sendDiscarding(hypervisor, 1, 2, lend));
        blackhole.consume(Workloads.sendDiscarding(hypervisor, 2, 1, relinquish));
    }
}
