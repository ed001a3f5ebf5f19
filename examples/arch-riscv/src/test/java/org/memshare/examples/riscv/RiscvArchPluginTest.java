package org.memshare.examples.riscv;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.memshare.api.arch.Stage;
import org.memshare.api.arch.UnsupportedConfigurationException;
import org.memshare.api.mode.Mode;

class RiscvArchPluginTest {
    private final RiscvArchPlugin plugin = new RiscvArchPlugin();

    @Test
    void serviceLoaderFindsExactlyThisPlugin() {
        List<ArchPlugin> found = ServiceLoader.load(ArchPlugin.class).stream().map(ServiceLoader.Provider::get).toList();
        assertEquals(1, found.size(), "plugins on the test class path: " + found);
        assertEquals("riscv", found.get(0).name());
    }

    @Test
    void listsOnePaSizePerSchemeAndDeclaresItsFeatures() {
        assertEquals(List.of(ArchConfig.withPaBits(41), ArchConfig.withPaBits(50),
                new ArchConfig(41, java.util.Map.of("svpbmt", "0")), new ArchConfig(50, java.util.Map.of("svpbmt", "0"))),
                plugin.configurations());
        assertEquals(Set.of(ArchFeature.TLB_MODEL, ArchFeature.HARDWARE_WALK, ArchFeature.CONFIGURABLE_PA_SIZE),
                plugin.features());
        assertEquals(Map.of("svpbmt", "1"), plugin.properties());
    }

    @Test
    void thePaSizeChoosesTheScheme() {
        Arch sv39x4 = plugin.create(ArchConfig.withPaBits(41));
        Arch sv48x4 = plugin.create(ArchConfig.withPaBits(42));
        assertEquals(2, sv39x4.format().maxLevel(Stage.STAGE2));
        assertEquals(3, sv48x4.format().maxLevel(Stage.STAGE2));
        assertEquals(4, sv48x4.format().rootTableCount(Stage.STAGE2));
        assertTrue(sv48x4.hardwareWalk().isPresent());
    }

    @Test
    void refusesUnknownPropertiesLikeEveryPlugin() {
        UnsupportedConfigurationException refusal = assertThrows(UnsupportedConfigurationException.class,
                () -> plugin.create(new ArchConfig(41, Map.of("svnapot", "1", "granule", "4k"))));
        assertEquals("riscv does not understand the properties [granule, svnapot]; supported: svpbmt", refusal.getMessage());
        refusal = assertThrows(UnsupportedConfigurationException.class,
                () -> plugin.create(new ArchConfig(41, Map.of("svpbmt", "yes"))));
        assertEquals("riscv property svpbmt must be 0 or 1, was 'yes'", refusal.getMessage());
    }

    @Test
    void withoutSvpbmtADeviceModeIsNotRepresentable() {
        Arch plain = plugin.create(new ArchConfig(41, Map.of("svpbmt", "0")));
        assertEquals(Mode.INVALID | Mode.R | Mode.W | Mode.D, plain.format().canonicalStage2Mode(Mode.R | Mode.W | Mode.D));
        Arch io = plugin.create(ArchConfig.withPaBits(41));
        assertTrue(io.format().representsStage2Mode(Mode.R | Mode.W | Mode.D));
    }
}
