package org.memshare.examples.tutorial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.memshare.api.arch.Arch;
import org.memshare.api.arch.ArchConfig;
import org.memshare.api.arch.ArchFeature;
import org.memshare.api.arch.ArchPlugin;
import org.memshare.api.arch.CacheMaintenance;
import org.memshare.api.arch.Stage;
import org.memshare.api.arch.UnsupportedConfigurationException;

class TutorialArchPluginTest {

    private final TutorialArchPlugin plugin = new TutorialArchPlugin();

    /**
     * The service file registers the plugin, and the test class path holds no other plugin: the
     * conformance kit's jar brings no arch of its own, so the kit proves this plugin and nothing
     * else.
     */
    @Test
    void serviceLoaderFindsExactlyThisPlugin() {
        List<ArchPlugin> found = ServiceLoader.load(ArchPlugin.class).stream().map(ServiceLoader.Provider::get).toList();

        assertEquals(1, found.size(), "plugins on the test class path: " + found);
        assertEquals(TutorialArchPlugin.class, found.get(0).getClass());
        assertEquals("tutorial", found.get(0).name());
    }

    @Test
    void bundledArchesAreNotOnTheTestClassPath() {
        for (String bundled : List.of("org.memshare.arch.fake.FakeArchPlugin", "org.memshare.arch.aarch64.Aarch64ArchPlugin")) {
            assertThrows(ClassNotFoundException.class, () -> Class.forName(bundled), bundled + " is on the class path");
        }
    }

    @Test
    void listsOneConfigurationPerSupportedPaSize() {
        assertEquals(List.of(ArchConfig.withPaBits(39), ArchConfig.withPaBits(40), ArchConfig.withPaBits(48)),
                plugin.configurations());
        assertEquals(Set.of(ArchFeature.TLB_MODEL, ArchFeature.CONFIGURABLE_PA_SIZE), plugin.features());
    }

    @Test
    void acceptsTheApiDefaultConfiguration() {
        Arch arch = plugin.create(ArchConfig.defaults());

        assertEquals("tutorial", arch.name());
        assertEquals(2, arch.format().rootTableCount(Stage.STAGE2));
        assertEquals(CacheMaintenance.NONE, arch.cache());
        assertTrue(arch.hardwareWalk().isEmpty());
        assertEquals(plugin.features(), arch.features());
    }

    @Test
    void refusesAnUnsupportedPaSizeNamingTheSupportedOnes() {
        UnsupportedConfigurationException refusal = assertThrows(UnsupportedConfigurationException.class,
                () -> plugin.create(ArchConfig.withPaBits(36)));

        assertEquals("tutorial does not support a 36-bit physical address size; supported sizes: 39, 40, 48",
                refusal.getMessage());
    }

    @Test
    void refusesProperties() {
        UnsupportedConfigurationException refusal = assertThrows(UnsupportedConfigurationException.class,
                () -> plugin.create(new ArchConfig(40, Map.of("granule", "16k"))));

        assertTrue(refusal.getMessage().contains("granule"), refusal.getMessage());
    }

    @Test
    void everyArchHasATlbOfItsOwn() {
        Arch first = plugin.create(ArchConfig.withPaBits(48));
        Arch second = plugin.create(ArchConfig.withPaBits(48));

        assertNotSame(first.tlb(), second.tlb());
    }
}
