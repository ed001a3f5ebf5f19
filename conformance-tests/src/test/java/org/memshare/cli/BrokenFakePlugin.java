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
 * A third party's plugin broken on purpose: the fake format at PA 40, seen through a plain
 * {@link Proxy} (not Mockito: the plugin loads from a small jar of this module's test classes, see
 * {@link PluginJar}) that changes the one answer {@link #answer} decides. Registered only in such
 * jars, never on the test class path.
 */
abstract class BrokenFakePlugin implements ArchPlugin {

    /**
     * The broken format's answer to {@code method}: usually {@code real}'s, through {@link #call}.
     */
    abstract Object answer(PageTableFormat real, Method method, Object[] args) throws Throwable;

    @Override
    public Set<ArchFeature> features() {
        return Set.of();
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
        PageTableFormat real = FakeArchPlugin.format();
        PageTableFormat broken = (PageTableFormat) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {PageTableFormat.class}, (proxy, method, args) -> answer(real, method, args));
        return new BasicArch(name(), broken, TlbMaintenance.NONE, CacheMaintenance.NONE, Set.of());
    }

    /** {@code real}'s own answer. */
    static Object call(PageTableFormat real, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(real, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
