package org.memshare.benchmarks;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.memshare.api.spci.Decoded;
import org.memshare.engine.machine.MachineResult;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Each benchmark's set-up and body run once, outside JMH, so a benchmark that no longer works
 * fails the build; nothing is timed here.
 */
class BenchmarksSmokeTest {
    private static final Blackhole BLACKHOLE = new Blackhole(
            "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");

    @Test
    void machineCreation() {
        MachineCreationBenchmark benchmark = new MachineCreationBenchmark();
        benchmark.arch = "aarch64";
        benchmark.setUp();
        assertInstanceOf(MachineResult.Created.class, benchmark.create());
        assertInstanceOf(MachineResult.Created.class, benchmark.createFromFactoryWithPolicy());
        assertInstanceOf(MachineResult.Created.class, benchmark.createWithPolicyModule());
        assertNotNull(benchmark.tableMemoryFirstTable());
    }

    @Test
    void mapUnmapChurn() {
        MapUnmapBenchmark benchmark = new MapUnmapBenchmark();
        benchmark.arch = "fake";
        benchmark.setUp();
        for (int i = 0; i < 2000; i++) {
            benchmark.churn();
        }
    }

    @Test
    void shareCycle() {
        ShareCycleBenchmark benchmark = new ShareCycleBenchmark();
        benchmark.fragmentedPages = 1024;
        benchmark.setUp();
        benchmark.lendAndRelinquish(BLACKHOLE);
    }

    @Test
    void defrag() {
        DefragBenchmark benchmark = new DefragBenchmark();
        DefragBenchmark.Fragmented fragmented = new DefragBenchmark.Fragmented();
        fragmented.fragmentedPages = 1024;
        fragmented.setUp();
        benchmark.unchanged(fragmented);
        DefragBenchmark.OneChange oneChange = new DefragBenchmark.OneChange();
        oneChange.fragmentedPages = 1024;
        oneChange.setUp();
        long free = oneChange.pool.freeCount();
        oneChange.change();
        benchmark.afterOneChange(oneChange);
        assertTrue(oneChange.pool.freeCount() == free, "the change was not merged back");
    }

    @Test
    void decode() {
        DecodeBenchmark benchmark = new DecodeBenchmark();
        benchmark.constituents = 64;
        benchmark.setUp();
        assertInstanceOf(Decoded.Ok.class, benchmark.decode());
    }
}
