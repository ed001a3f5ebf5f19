package org.memshare.benchmarks;

import java.util.concurrent.TimeUnit;
import org.memshare.api.addr.PhysicalAddress;
import org.memshare.api.mode.Mode;
import org.memshare.api.pool.PagePool;
import org.memshare.engine.machine.Machine;
import org.memshare.engine.mm.PageTable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * W1's map/unmap churn on one stage-2 table: ranges of 1 to 1024 pages anywhere in a 4 GiB
 * window, mapped (R|W|X, R|W or R) or unmapped at random, a defrag every 1000 operations. One
 * benchmark operation is one map or unmap (and every 1000th also the defrag), taken in turn
 * from a fixed sequence of {@value #SEQUENCE} operations, so the table reaches a steady state.
 */
@State(Scope.Thread)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MapUnmapBenchmark {
    static final int SEQUENCE = 1 << 16;
    private static final int[] MODES = {Mode.R | Mode.W | Mode.X, Mode.R | Mode.W, Mode.R};

    @Param({"aarch64", "fake"})
    public String arch;

    private PageTable table;
    private PagePool pool;
    private final PhysicalAddress[] begins = new PhysicalAddress[SEQUENCE];
    private final PhysicalAddress[] ends = new PhysicalAddress[SEQUENCE];
    /** The mode to map, or 0 to unmap. */
    private final int[] modes = new int[SEQUENCE];
    private int next;

    @Setup
    public void setUp() {
        Machine machine = Workloads.machine(arch, 65536, 1).machine();
        table = machine.vm(1).orElseThrow().table();
        pool = machine.pool();
        Workloads.XorShift random = new Workloads.XorShift(0x9E3779B97F4A7C15L);
        long windowPages = (4L << 30) / Workloads.PAGE;
        for (int i = 0; i < SEQUENCE; i++) {
            long pages = 1 + random.below(1024);
            long begin = Workloads.WINDOW_BASE + random.below(windowPages - pages) * Workloads.PAGE;
            begins[i] = PhysicalAddress.of(begin);
            ends[i] = PhysicalAddress.of(begin + pages * Workloads.PAGE);
            modes[i] = random.below(2) != 0 ? MODES[(int) random.below(3)] : 0;
        }
    }

    /** One map or unmap of the sequence; whether it succeeded. */
    @Benchmark
    public boolean churn() {
        int i = next;
        next = (i + 1) & (SEQUENCE - 1);
        boolean ok = modes[i] != 0 ? table.map(begins[i], ends[i], modes[i], pool) : table.unmap(begins[i], ends[i], pool);
        if (i % 1000 == 999) {
            table.defrag(pool);
        }
        return ok;
    }
}
