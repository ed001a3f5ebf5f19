package org.memshare.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.stream.Stream;
import org.memshare.api.policy.SharePolicyFactories;
import org.memshare.engine.plugin.ArchRegistry;
import picocli.CommandLine.Option;

/**
 * The {@code --plugin JAR_OR_DIR} option every command takes: arch plugins loaded from jars, in a
 * class loader of their own whose parent is the command line's, where {@link java.util.ServiceLoader}
 * finds them beside the bundled arches.
 */
final class PluginOptions {

    @Option(names = "--plugin", paramLabel = "JAR_OR_DIR",
            description = "load arch plugins and named sharing policies from this jar, or from every *.jar in this"
                    + " directory (repeatable)")
    List<Path> plugins = new ArrayList<>();

    /**
     * The class loader over the plugin jars (the command line's own loader when there are none).
     *
     * @throws CliException if a jar or directory does not exist or cannot be read
     */
    Plugins open() {
        ClassLoader parent = PluginOptions.class.getClassLoader();
        if (plugins.isEmpty()) {
            return new Plugins(parent, null);
        }
        List<URL> urls = new ArrayList<>();
        for (Path path : plugins) {
            urls.addAll(jars(path));
        }
        URLClassLoader loader = new URLClassLoader("memshare-plugins", urls.toArray(URL[]::new), parent);
        return new Plugins(loader, loader);
    }

    private static List<URL> jars(Path path) {
        if (Files.isDirectory(path)) {
            try (Stream<Path> files = Files.list(path)) {
                List<Path> jars = files.filter(f -> f.getFileName().toString().endsWith(".jar") && Files.isRegularFile(f))
                        .sorted().toList();
                if (jars.isEmpty()) {
                    throw new CliException("--plugin " + path + ": the directory holds no *.jar");
                }
                return jars.stream().map(PluginOptions::url).toList();
            } catch (IOException e) {
                throw new CliException("--plugin " + path + ": cannot list the directory: " + e.getMessage(), e);
            }
        }
        if (!Files.isRegularFile(path)) {
            throw new CliException("--plugin " + path + ": no such jar or directory");
        }
        if (!Files.isReadable(path)) {
            throw new CliException("--plugin " + path + ": cannot read the jar");
        }
        return List.of(url(path));
    }

    private static URL url(Path path) {
        try {
            return path.toAbsolutePath().toUri().toURL();
        } catch (MalformedURLException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The loaded plugins; closing releases the jars. */
    static final class Plugins implements AutoCloseable {
        private final ClassLoader loader;
        private final URLClassLoader owned;

        private Plugins(ClassLoader loader, URLClassLoader owned) {
            this.loader = loader;
            this.owned = owned;
        }

        /** The loader that sees the bundled arches and the plugin jars. */
        ClassLoader loader() {
            return loader;
        }

        /**
         * The arch plugins {@link #loader()} finds.
         *
         * @throws CliException if a plugin jar lists a plugin class that cannot be loaded or made
         */
        ArchRegistry registry() {
            try {
                return ArchRegistry.discover(loader);
            } catch (ServiceConfigurationError e) {
                throw new CliException("cannot load an arch plugin: " + e.getMessage(), e);
            }
        }

        /**
         * The named sharing policies {@link #loader()} finds (bundled, and from the plugin jars).
         *
         * @throws CliException if a jar lists a policy factory that cannot be loaded or made
         */
        SharePolicyFactories policyFactories() {
            try {
                return SharePolicyFactories.load(loader);
            } catch (IllegalStateException | ServiceConfigurationError e) {
                throw new CliException("cannot load a sharing policy: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            if (owned != null) {
                try {
                    owned.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }
}
