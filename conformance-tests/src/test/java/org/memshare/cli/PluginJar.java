package org.memshare.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/** Builds a third party's plugin jar from compiled test classes, with its {@code META-INF/services} entry. */
final class PluginJar {
    private PluginJar() {
    }

    /** A jar at {@code jar} holding {@code plugin}'s class and listing it as an arch plugin. */
    static Path of(Path jar, Class<?> plugin) throws IOException {
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            String classFile = plugin.getName().replace('.', '/') + ".class";
            out.putNextEntry(new JarEntry(classFile));
            try (InputStream in = plugin.getClassLoader().getResourceAsStream(classFile)) {
                in.transferTo(out);
            }
            out.closeEntry();
            out.putNextEntry(new JarEntry("META-INF/services/org.memshare.api.arch.ArchPlugin"));
            out.write((plugin.getName() + "\n").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
    }
}
