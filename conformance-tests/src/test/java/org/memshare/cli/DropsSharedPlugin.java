package org.memshare.cli;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.memshare.api.arch.Arch;
import org.memshare.api.arch.ArchConfig;
import org.memshare.api.arch.ArchFeature;
import org.memshare.api.arch.ArchPlugin;
import org.memshare.api.arch.BasicArch;
import org.memshare.api.arch.CacheMaintenance;
import org.memshare.api.arch.PageTableFormat;
import org.memshare.api.arch.TlbMaintenance;
import org.memshare.arch.fake.FakeArchPlugin;
import org.memshare.api.mode.Mode;

/**
 * A deliberately broken third-party plugin for {@code memshare replay --check-model}: the fake
 * format, except that {@code stage2AttrsToMode} drops the SHARED bit, so a share's new modes are
 * written as they should be but read back as exclusive. It is registered only in the jar
 * {@link PluginJar} builds, never on the test class path.
 */
public final class DropsSharedPlugin implements ArchPlugin {
    static final String NAME = "drops-shared";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<ArchFeature> features() {
        return Set.of();
    }

    @Override
    public String description() {
        return "the fake format reading modes without their SHARED bit (broken on purpose)";
    }

    @Override
    public List<ArchConfig> configurations() {
        return List.of(ArchConfig.withPaBits(40));
    }

    @Override
    public Map<String, String> properties() {
        return Map.of();
    }

    @Override
    public Arch create(ArchConfig config) {
        return new BasicArch(NAME, droppingShared(FakeArchPlugin.format()), TlbMaintenance.NONE,
                CacheMaintenance.NONE, Set.of());
    }

    private static PageTableFormat droppingShared(PageTableFormat real) {
        return (PageTableFormat) Proxy.newProxyInstance(DropsSharedPlugin.class.getClassLoader(),
                new Class<?>[] {PageTableFormat.class}, (proxy, method, args) -> {
                    Object result = invoke(real, method, args);
                    return method.getName().equals("stage2AttrsToMode") ? (Integer) result & ~Mode.SHARED : result;
                });
    }

    private static Object invoke(PageTableFormat real, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(real, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
