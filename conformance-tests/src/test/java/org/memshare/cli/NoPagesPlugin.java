package org.memshare.cli;

import java.lang.reflect.Method;
import java.util.Map;
import org.memshare.api.arch.PageTableFormat;

/**
 * A deliberately broken third-party plugin: the fake format, except that it refuses pages at
 * level 0 (ARCH-1 must fail). It is registered only in the jar {@link PluginJar} builds, never on
 * the test class path, so the kit's rules in this module's build never see it.
 *
 * <p>Its twin is {@code org.memshare.kit.selftest.NoPagesPlugin} in the kit's self-tests: the
 * same defect. This one stays a separate class, with a plain proxy rather than Mockito,
 * because it must load from a small jar of this module's test classes without Mockito beside it.
 * Both must keep the one defect (no block at level 0 of the fake format); change them together.
 */
public final class NoPagesPlugin extends BrokenFakePlugin {
    static final String NAME = "no-pages";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "the fake format refusing pages at level 0 (broken on purpose)";
    }

    @Override
    public Map<String, String> properties() {
        return Map.of("flavour", "plain");
    }

    @Override
    Object answer(PageTableFormat real, Method method, Object[] args) throws Throwable {
        if (method.getName().equals("isBlockAllowed") && Integer.valueOf(0).equals(args[0])) {
            return false;
        }
        return call(real, method, args);
    }
}
