package org.memshare.engine.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.memshare.api.arch.Arch;
import org.memshare.api.arch.ArchConfig;
import org.memshare.api.arch.ArchFeature;
import org.memshare.api.arch.ArchPlugin;
import org.memshare.api.arch.BasicArch;
import org.memshare.api.arch.CacheMaintenance;
import org.memshare.api.arch.PageTableFormat;
import org.memshare.api.arch.Stage;
import org.memshare.api.arch.TlbMaintenance;
import org.memshare.api.arch.UnsupportedConfigurationException;
import org.memshare.arch.fake.FakeArchPlugin;
import org.memshare.engine.plugin.ArchRegistry;

/** Making machines never throws on a bad configuration or a broken plugin; it says what is wrong. */
class MachinesTest {

    /** A plugin called {@code name} whose {@code create} does what {@code factory} does. */
    private static ArchPlugin plugin(String name, java.util.function.Function<ArchConfig, Arch> factory) {
        return new ArchPlugin() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Set<ArchFeature> features() {
                return Set.of();
            }

            @Override
            public Arch create(ArchConfig config) {
                return factory.apply(config);
            }
        };
    }

    private static MachineResult.Failed failed(MachineResult result) {
        return assertInstanceOf(MachineResult.Failed.class, result);
    }

    @Test
    void aFakeMachineHasItsRootsAllocatedInBootOrder() {
        MachineResult result = Machines.create(MachineConfig.of("fake", 40, 64, 2), ArchRegistry.of(new FakeArchPlugin()));
        Machine machine = assertInstanceOf(MachineResult.Created.class, result).machine();
        assertEquals(MachineConfig.DEFAULT_POOL_BASE, machine.hypervisorTable().rootAddress());
        assertEquals(MachineConfig.DEFAULT_POOL_BASE + 4 * 4096, machine.vm(1).orElseThrow().table().rootAddress());
        assertEquals(MachineConfig.DEFAULT_POOL_BASE + 8 * 4096, machine.vm(2).orElseThrow().table().rootAddress());
        assertEquals(64 - 9, machine.pool().freeCount());
    }

    @Test
    void anUnknownArchNamesTheArchesFound() {
        MachineResult.Failed failed = failed(Machines.create(MachineConfig.of("mips", 40, 64, 1),
                ArchRegistry.of(new FakeArchPlugin())));
        assertEquals(MachineResult.Failure.UNKNOWN_ARCH, failed.failure());
        assertEquals("unknown arch 'mips' (found: fake)", failed.message());
    }

    @Test
    void twoPluginsWithOneNameAreReportedAsSuch() {
        MachineResult.Failed failed = failed(Machines.create(MachineConfig.of("fake", 40, 64, 1),
                ArchRegistry.of(new FakeArchPlugin(), new FakeArchPlugin())));
        assertEquals(MachineResult.Failure.UNKNOWN_ARCH, failed.failure());
        assertTrue(failed.message().startsWith("several arch plugins are called 'fake'"), failed.message());
    }

    @Test
    void aRefusedConfigurationCarriesThePluginsMessage() {
        ArchPlugin picky = plugin("picky", config -> {
            throw new UnsupportedConfigurationException("picky supports 40-bit PA only");
        });
        MachineResult.Failed failed = failed(Machines.create(MachineConfig.of("picky", 36, 64, 1), ArchRegistry.of(picky)));
        assertEquals(MachineResult.Failure.UNSUPPORTED_CONFIGURATION, failed.failure());
        assertEquals("picky supports 40-bit PA only", failed.message());
    }

    @Test
    void aPluginThatThrowsIsReportedNotPropagated() {
        ArchPlugin crashing = plugin("crashing", config -> {
            throw new IllegalStateException("boom");
        });
        MachineResult.Failed failed = failed(Machines.create(MachineConfig.of("crashing", 40, 64, 1),
                ArchRegistry.of(crashing)));
        assertEquals(MachineResult.Failure.BROKEN_PLUGIN, failed.failure());
        assertTrue(failed.message().contains("boom"), failed.message());
    }

    @Test
    void aPluginWithAGeometryTheEngineCannotWalkIsRefused() {
        PageTableFormat fake = FakeArchPlugin.format();
        PageTableFormat tooDeep = (PageTableFormat) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {PageTableFormat.class}, (proxy, method, args) ->
                        method.getName().equals("maxLevel") && args[0] == Stage.STAGE2 ? 5 : method.invoke(fake, args));
        ArchPlugin deep = plugin("deep", config -> new BasicArch("deep", tooDeep, TlbMaintenance.NONE,
                CacheMaintenance.NONE, Set.of()));
        MachineResult.Failed failed = failed(Machines.create(MachineConfig.of("deep", 40, 64, 1), ArchRegistry.of(deep)));
        assertEquals(MachineResult.Failure.BROKEN_PLUGIN, failed.failure());
        assertTrue(failed.message().contains("STAGE2 max level 5"), failed.message());
    }

    @Test
    void aPoolTooSmallForTheRootsIsOutOfMemory() {
        MachineResult.Failed failed = failed(Machines.create(MachineConfig.of("fake", 40, 8, 2),
                ArchRegistry.of(new FakeArchPlugin())));
        assertEquals(MachineResult.Failure.OUT_OF_MEMORY, failed.failure());
    }
}
