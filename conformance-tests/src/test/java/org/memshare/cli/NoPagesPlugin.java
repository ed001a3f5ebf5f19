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

/**
 * A deliberately broken third-party plugin: the fake format, except that it refuses pages at
 * level 0 (ARCH-1 must fail). It is registered only in the jar {@link PluginJar} builds, never on
 * the test class path, so the kit's rules in this module's build never see it.
 *
 * <p>Its twin is {@code org.memshare.kit.selftest.NoPagesPlugin} in the kit's self-tests: the
 * same defect. This one stays a separate class, with a plain {@link Proxy} rather than Mockito,
 * because it must load from a small jar of this module's test classes without Mockito beside it.
 * Both must keep the one defect (no block at level 0 of the fake format); change them together.
 */
public final class NoPagesPlugin implements ArchPlugin {
    static final String NAME = "no-pages";

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
        return "the fake format refusing pages at level 0 (broken on purpose)";
    }

    @Override
    public List<ArchConfig> configurations() {
        return List.of(ArchConfig.withPaBits(40));
    }

    @Override
    public Map<String, String> properties() {
        return Map.of("flavour", "plain");
    }

    @Override
    public Arch create(ArchConfig config) {
        return new BasicArch(NAME, refusingPages(FakeArchPlugin.format()), TlbMaintenance.NONE,
                CacheMaintenance.NONE, Set.of());
    }

    private static PageTableFormat refusingPages(PageTableFormat real) {
        return (PageTableFormat) Proxy.newProxyInstance(NoPagesPlugin.class.getClassLoader(),
                new Class<?>[] {PageTableFormat.class}, (proxy, method, args) -> {
                    if (method.getName().equals("isBlockAllowed") && Integer.valueOf(0).equals(args[0])) {
                        return false;
                    }
                    return invoke(real, method, args);
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
