package org.memshare.engine.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.AbstractModule;
import com.google.inject.matcher.Matchers;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.spi.ProvisionListener;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.memshare.api.addr.IntermediatePhysicalAddress;
import org.memshare.api.addr.PhysicalAddress;
import org.memshare.api.mode.Mode;
import org.memshare.api.policy.SharePolicy;
import org.memshare.api.spci.Constituent;
import org.memshare.api.spci.MemoryRegion;
import org.memshare.api.spci.MemoryRegionCodec;
import org.memshare.api.spci.ReceiverAttributes;
import org.memshare.api.spci.ShareType;
import org.memshare.api.spci.SpciError;
import org.memshare.arch.fake.FakeArchPlugin;
import org.memshare.engine.hypervisor.Hypervisor;
import org.memshare.engine.plugin.ArchRegistry;
import org.memshare.engine.spci.MemorySharing;
import org.memshare.engine.spci.SpciResult;

/**
 * One injector makes many machines: each has its own pool, tables, memory, sharing engine and
 * hypervisor, built by the injector, and user modules still install policies and observe what
 * the injector builds.
 */
class MachineFactoryTest {
    private static final ArchRegistry REGISTRY = ArchRegistry.of(new FakeArchPlugin());
    private static final MachineConfig CONFIG = MachineConfig.of("fake", 40, 64, 2);

    private static MachineResult.Created created(MachineResult result) {
        return assertInstanceOf(MachineResult.Created.class, result, result::toString);
    }

    /** A lend of VM 1's page at 0x200000 to VM 2. */
    private static byte[] lend() {
        return MemoryRegionCodec.encodeMessage(ShareType.LEND, MemoryRegion.of(0, 0,
                List.of(ReceiverAttributes.of(2, 0x60)), List.of(Constituent.of(0x200000, 1))));
    }

    private static OptionalInt mode(Machine machine, int vm) {
        return machine.vm(vm).orElseThrow().table().mode(IntermediatePhysicalAddress.of(0x200000),
                IntermediatePhysicalAddress.of(0x201000));
    }

    @Test
    void theInjectorBuildsTheHypervisorForTheMachine() {
        MachineResult.Created created = created(Machines.create(CONFIG, REGISTRY));
        assertSame(created.machine(), created.hypervisor().machine());
    }

    @Test
    void machinesFromOneInjectorShareNoState() {
        Machine first = created(Machines.create(CONFIG, REGISTRY)).machine();
        MachineResult.Created second = created(Machines.create(CONFIG, REGISTRY));
        Machine other = second.machine();

        assertNotSame(first, other);
        assertNotSame(first.pool(), other.pool());
        assertNotSame(first.tableMemory(), other.tableMemory());
        assertNotSame(first.memory(), other.memory());
        assertNotSame(first.arch(), other.arch());
        assertNotSame(first.vm(1).orElseThrow(), other.vm(1).orElseThrow());
        // Both roots sit at the same addresses of their own table memory and pool.
        assertEquals(first.vm(1).orElseThrow().table().rootAddress(), other.vm(1).orElseThrow().table().rootAddress());

        long free = other.pool().freeCount();
        assertTrue(first.vm(1).orElseThrow().table().map(PhysicalAddress.of(0x200000), PhysicalAddress.of(0x201000),
                Mode.R | Mode.W, first.pool()));
        assertEquals(OptionalInt.of(Mode.R | Mode.W), mode(first, 1));
        assertEquals(free, other.pool().freeCount());
        assertTrue(mode(other, 1).isEmpty() || (mode(other, 1).getAsInt() & Mode.INVALID) != 0);

        other.vm(1).orElseThrow().table().map(PhysicalAddress.of(0x200000), PhysicalAddress.of(0x201000), Mode.R | Mode.W,
                other.pool());
        assertTrue(second.hypervisor().write(1, 0x200000, 42));
        assertEquals(42, second.hypervisor().read(1, 0x200000).orElseThrow());
        assertEquals(0, first.memory().read64(PhysicalAddress.of(0x200000)));
    }

    @Test
    void aFactoryWithAPolicyModuleInstallsItInEveryMachine() {
        SharePolicy noLending = request -> request.type() == ShareType.LEND ? Optional.of("no lending here")
                : Optional.empty();
        MachineFactory factory = Machines.factory(new AbstractModule() {
            @Override
            protected void configure() {
                Multibinder.newSetBinder(binder(), SharePolicy.class).addBinding().toInstance(noLending);
            }
        });
        for (int i = 0; i < 3; i++) {
            MachineResult.Created created = created(factory.create(CONFIG, REGISTRY));
            assertEquals(List.of(noLending), created.machine().policies());
            created.machine().vm(1).orElseThrow().table().map(PhysicalAddress.of(0x200000),
                    PhysicalAddress.of(0x201000), Mode.R | Mode.W | Mode.X, created.machine().pool());

            SpciResult result = created.hypervisor().send(1, 2, lend());

            assertEquals(Optional.of(SpciError.DENIED), result.error(), result::toString);
            assertEquals("no lending here", result.reason());
        }
    }

    @Test
    void withoutAPolicyTheInjectorsHypervisorLends() {
        MachineResult.Created created = created(Machines.create(CONFIG, REGISTRY));
        created.machine().vm(1).orElseThrow().table().map(PhysicalAddress.of(0x200000), PhysicalAddress.of(0x201000),
                Mode.R | Mode.W | Mode.X, created.machine().pool());

        assertTrue(created.hypervisor().send(1, 2, lend()).isSuccess());
        assertTrue(mode(created.machine(), 2).isPresent());
    }

    @Test
    void aUserModuleObservesTheHypervisorAndSharingEngineOfEveryMachine() {
        List<Object> built = Collections.synchronizedList(new ArrayList<>());
        ProvisionListener observer = new ProvisionListener() {
            @Override
            public <T> void onProvision(ProvisionInvocation<T> provision) {
                Object instance = provision.provision();
                if (instance instanceof Hypervisor || instance instanceof MemorySharing) {
                    built.add(instance);
                }
            }
        };
        MachineFactory factory = Machines.factory(new AbstractModule() {
            @Override
            protected void configure() {
                bindListener(Matchers.any(), observer);
            }
        });

        MachineResult.Created first = created(factory.create(CONFIG, REGISTRY));
        MachineResult.Created second = created(factory.create(CONFIG, REGISTRY));

        assertEquals(4, built.size(), built::toString);
        assertTrue(built.contains(first.hypervisor()));
        assertTrue(built.contains(second.hypervisor()));
        assertInstanceOf(MemorySharing.class, built.get(0));
    }

    @Test
    void machinesMadeOnSeveralThreadsAtOnceAreSeparate() throws Exception {
        MachineFactory factory = Machines.factory();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Machine>> futures = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                futures.add(pool.submit(() -> created(factory.create(CONFIG, REGISTRY)).machine()));
            }
            List<Machine> machines = new ArrayList<>();
            for (Future<Machine> future : futures) {
                machines.add(future.get());
            }
            assertEquals(64, machines.stream().map(Machine::pool).distinct().count());
            assertEquals(64, machines.stream().map(Machine::tableMemory).distinct().count());
            long free = created(factory.create(CONFIG, REGISTRY)).machine().pool().freeCount();
            for (Machine machine : machines) {
                assertEquals(free, machine.pool().freeCount());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailedMachineLeavesTheFactoryUsable() {
        MachineFactory factory = Machines.factory();
        assertInstanceOf(MachineResult.Failed.class, factory.create(MachineConfig.of("fake", 40, 2, 2), REGISTRY));
        created(factory.create(CONFIG, REGISTRY));
    }
}
