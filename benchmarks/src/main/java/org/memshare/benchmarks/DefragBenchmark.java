package org.memshare.benchmarks;

import java.util.concurrent.TimeUnit;
import org.memshare.api.mode.Mode;
import org.memshare.api.pool.PagePool;
import org.memshare.engine.machine.Machine;
import org.memshare.engine.mm.PageTable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link PageTable#defrag} of VM 1's table in W3's shape: 1 GiB mapped R|W|X as one block, and a
 * fragmented region of {@code fragmentedPages} pages, every other one mapped, alternating R|W
 * and R (nothing there can merge). Hafnium's defrag walks the whole table every time; an
 * incremental defrag visits only the tables changed since the last one, so its cost should not
 * grow with {@code fragmentedPages}.
 * <ul>
 *   <li>{@link #unchanged}: nothing changed since the last defrag;</li>
 *   <li>{@link #afterOneChange}: one page of the 1 GiB block was remapped R and back before
 *       each call (untimed, in a per-invocation set-up), so the defrag merges two tables back
 *       into the block and frees them.</li>
 * </ul>
 */
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DefragBenchmark {

    /** A VM 1 in W3's shape, defragmented once. */
    @State(Scope.Thread)
    public static class Fragmented {
        @Param({"1024", "262144"})
        public int fragmentedPages;

        PageTable table;
        PagePool pool;
        Machine machine;

        @Setup(Level.Trial)
        public void setUp() {
            machine = Workloads.machine("aarch64", 131072, 1).machine();
            Workloads.map(machine, 1, Workloads.WINDOW_BASE, Workloads.WINDOW_BASE + (1L << 30),
                    Mode.R | Mode.W | Mode.X);
            Workloads.fragment(machine, 1, fragmentedPages);
            table = machine.vm(1).orElseThrow().table();
            pool = machine.pool();
            table.defrag(pool);
        }
    }

    /** The same, with one page of the 1 GiB block split off and restored before every call. */
    @State(Scope.Thread)
    public static class OneChange extends Fragmented {
        @Setup(Level.Invocation)
        public void change() {
            long page = Workloads.WINDOW_BASE + 0x1234 * Workloads.PAGE;
            Workloads.map(machine, 1, page, page + Workloads.PAGE, Mode.R);
            Workloads.map(machine, 1, page, page + Workloads.PAGE, Mode.R | Mode.W | Mode.X);
        }
    }

    @Benchmark
    public PagePool unchanged(Fragmented state) {
        state.table.defrag(state.pool);
        return state.pool;
    }

    @Benchmark
    public PagePool afterOneChange(OneChange state) {
        state.table.defrag(state.pool);
        return state.pool;
    }
}
