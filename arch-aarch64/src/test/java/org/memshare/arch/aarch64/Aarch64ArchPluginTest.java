package org.memshare.arch.aarch64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.memshare.api.arch.Arch;
import org.memshare.api.arch.ArchConfig;
import org.memshare.api.arch.ArchFeature;
import org.memshare.api.arch.ArchPlugin;
import org.memshare.api.arch.Stage;
import org.memshare.api.arch.UnsupportedConfigurationException;

class Aarch64ArchPluginTest {
    private final Aarch64ArchPlugin plugin = new Aarch64ArchPlugin();

    @Test
    void foundByServiceLoader() {
        List<ArchPlugin> found = ServiceLoader.load(ArchPlugin.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals("aarch64"))
                .toList();
        assertEquals(1, found.size());
        assertInstanceOf(Aarch64ArchPlugin.class, found.get(0));
    }

    @Test
    void nameFeaturesAndDescription() {
        assertEquals("aarch64", plugin.name());
        assertEquals(java.util.Set.of(ArchFeature.TLB_MODEL, ArchFeature.DCACHE_MODEL,
                ArchFeature.CONFIGURABLE_PA_SIZE, ArchFeature.HARDWARE_WALK), plugin.features());
        assertTrue(plugin.description().contains("32, 36, 40, 42, 44, 48"), plugin.description());
    }

    @Test
    void createsTheArchForTheDefaultPaSize() {
        Arch arch = plugin.create(ArchConfig.defaults());
        assertEquals("aarch64", arch.name());
        assertEquals(plugin.features(), arch.features());
        assertInstanceOf(Aarch64PageTableFormat.class, arch.format());
        assertEquals(2, arch.format().maxLevel(Stage.STAGE2));
        assertEquals(2, arch.format().rootTableCount(Stage.STAGE2));
        assertInstanceOf(Aarch64Tlb.class, arch.tlb());
        assertInstanceOf(Aarch64HardwareWalk.class, arch.hardwareWalk().orElseThrow());
        Aarch64DataCache cache = assertInstanceOf(Aarch64DataCache.class, arch.cache());
        assertEquals(64, cache.lineSize());
    }

    @Test
    void eachMachineGetsItsOwnMaintenanceModels() {
        Arch a = plugin.create(ArchConfig.defaults());
        Arch b = plugin.create(ArchConfig.defaults());
        assertNotSame(a.tlb(), b.tlb());
        assertNotSame(a.cache(), b.cache());
    }

    @Test
    void paSizeSelectsTheGeometry() {
        Arch arch = plugin.create(ArchConfig.withPaBits(32));
        assertEquals(1, arch.format().maxLevel(Stage.STAGE2));
        assertEquals(4, arch.format().rootTableCount(Stage.STAGE2));
        assertEquals(2, arch.format().maxLevel(Stage.STAGE1));
        assertEquals(1, arch.format().rootTableCount(Stage.STAGE1));
    }

    @Test
    void refusesUnsupportedPaSizes() {
        UnsupportedConfigurationException e = assertThrows(UnsupportedConfigurationException.class,
                () -> plugin.create(ArchConfig.withPaBits(39)));
        assertTrue(e.getMessage().contains("32, 36, 40, 42, 44, 48"), e.getMessage());
        assertThrows(UnsupportedConfigurationException.class, () -> plugin.create(ArchConfig.withPaBits(50)));
    }

    @Test
    void ctrEl0Property() {
        Arch hex = plugin.create(new ArchConfig(40, Map.of("ctr_el0", "0x84438003")));
        assertEquals(32, ((Aarch64DataCache) hex.cache()).lineSize()); // DminLine 3
        Arch decimal = plugin.create(new ArchConfig(40, Map.of("ctr_el0", String.valueOf(5L << 16))));
        assertEquals(128, ((Aarch64DataCache) decimal.cache()).lineSize());
        assertThrows(UnsupportedConfigurationException.class,
                () -> plugin.create(new ArchConfig(40, Map.of("ctr_el0", "sixty-four"))));
    }

    @Test
    void refusesUnknownProperties() {
        UnsupportedConfigurationException e = assertThrows(UnsupportedConfigurationException.class,
                () -> plugin.create(new ArchConfig(40, Map.of("ctr_elo", "0x8444c004"))));
        assertTrue(e.getMessage().contains("ctr_elo") && e.getMessage().contains("supported: ctr_el0"),
                e.getMessage());
    }

    @Test
    void staticFormatMatchesCreatedOne() {
        assertEquals(3, Aarch64ArchPlugin.format(48).maxLevel(Stage.STAGE2));
        assertEquals(0x01c0_0000_0000_04fdL, Aarch64ArchPlugin.format(48).modeToStage2Attrs(0x3));
        assertThrows(UnsupportedConfigurationException.class, () -> Aarch64ArchPlugin.format(41));
    }
}
