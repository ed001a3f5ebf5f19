package org.memshare.benchmarks;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import com.google.inject.multibindings.Multibinder;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.memshare.api.policy.SharePolicy;
import org.memshare.api.policy.SharePolicyFactories;
import org.memshare.engine.machine.MachineConfig;
import org.memshare.engine.machine.MachineFactory;
import org.memshare.engine.machine.MachineResult;
import org.memshare.engine.machine.Machines;
import org.memshare.engine.mm.TableMemory;
import org.memshare.engine.plugin.ArchRegistry;
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
 * What one {@code init} line of a trace costs: a machine made by {@link Machines#create}, with the
 * hypervisor's stage-1 root and every VM's stage-2 root allocated from a fresh pool.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MachineCreationBenchmark {

    /** A policy module as the README's "Writing a sharing policy" section writes one. */
    static final class NoDonationsToVm2 extends AbstractModule {
        @Override
        protected void configure() {
            Multibinder.newSetBinder(binder(), SharePolicy.class).addBinding().toInstance(request ->
                    request.receiver() == 2 ? Optional.of("VM 2 takes nothing") : Optional.empty());
        }
    }

    @Param({"fake", "aarch64"})
    public String arch;

    private ArchRegistry registry;
    private MachineConfig config;
    private MachineFactory withPolicy;
    private List<SharePolicyFactories.Selected> namedPolicies;

    @Setup
    public void setUp() {
        registry = ArchRegistry.discover();
        config = MachineConfig.of(arch, 40, 256, 3);
        withPolicy = Machines.factory(new NoDonationsToVm2());
        SharePolicyFactories factories = SharePolicyFactories.load(getClass().getClassLoader());
        namedPolicies = List.of(factories.resolve("no-exec:3"), factories.resolve("lend-cap:16M"));
    }

    /** A machine without user modules, as the trace replayer makes one for every {@code init}. */
    @Benchmark
    public MachineResult create() {
        return Machines.create(config, registry);
    }

    /** A machine from a factory whose injector holds a policy module, built once. */
    @Benchmark
    public MachineResult createFromFactoryWithPolicy() {
        return withPolicy.create(config, registry);
    }

    /**
     * A machine with two named policies, as {@code init ... policy=no-exec:3 policy=lend-cap:16M}
     * makes one: a fresh policy from each factory, bound without a Guice module of the user's.
     */
    @Benchmark
    public MachineResult createWithNamedPolicies() {
        return Machines.create(config, registry, namedPolicies);
    }

    /** A machine with one policy module, its injector built for this machine alone. */
    @Benchmark
    public MachineResult createWithPolicyModule() {
        return Machines.create(config, registry, new Module[] {new NoDonationsToVm2()});
    }

    /**
     * The part of a machine's cost that is its table memory: a fresh {@link TableMemory} and the
     * first table in it (every machine has one; sizing it is the page-table package's business).
     */
    @Benchmark
    public long[] tableMemoryFirstTable() {
        return new TableMemory().table(MachineConfig.DEFAULT_POOL_BASE);
    }
}
