package org.memshare.cli;

import java.lang.reflect.Method;
import org.memshare.api.arch.PageTableFormat;
import org.memshare.api.mode.Mode;

/**
 * A deliberately broken third-party plugin for {@code memshare replay --check-model}: the fake
 * format, except that {@code stage2AttrsToMode} drops the SHARED bit, so a share's new modes are
 * written as they should be but read back as exclusive. It is registered only in the jar
 * {@link PluginJar} builds, never on the test class path.
 */
public final class DropsSharedPlugin extends BrokenFakePlugin {
    static final String NAME = "drops-shared";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "the fake format reading modes without their SHARED bit (broken on purpose)";
    }

    @Override
    Object answer(PageTableFormat real, Method method, Object[] args) throws Throwable {
        Object result = call(real, method, args);
        return method.getName().equals("stage2AttrsToMode") ? (Integer) result & ~Mode.SHARED : result;
    }
}
