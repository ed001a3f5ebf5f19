package org.memshare.benchmarks;

import java.util.concurrent.TimeUnit;
import org.memshare.api.spci.Decoded;
import org.memshare.api.spci.MemoryRegionCodec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link MemoryRegionCodec#decode} of a memory region descriptor with 1 or W2's 64 constituents:
 * every check of the wire format (sizes, counts, overlap), then the region model.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DecodeBenchmark {

    @Param({"1", "64"})
    public int constituents;

    private byte[] region;

    @Setup
    public void setUp() {
        region = MemoryRegionCodec.encode(Workloads.region(2, Workloads.constituents().subList(0, constituents)));
        if (!(MemoryRegionCodec.decode(region) instanceof Decoded.Ok)) {
            throw new IllegalStateException("the benchmark region does not decode");
        }
    }

    @Benchmark
    public Decoded decode() {
        return MemoryRegionCodec.decode(region);
    }
}
