package org.memshare.cli.map;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code chromium}, run headless on a page: its DOM after the page's script ran, or a
 * screenshot. The tests that use it are tagged {@code chromium} and fail, never skip, when it is
 * missing; {@code .ci/run} installs it ({@code apt-get install chromium}). {@code MEMSHARE_CHROMIUM}
 * names another binary.
 */
final class Chromium {
    private static final long TIMEOUT_SECONDS = 120;

    private final Path binary;
    private final Path profile;

    /** What one run printed. */
    record Run(String out, String err) {
    }

    Chromium(Path scratch) throws IOException {
        this.binary = find();
        this.profile = Files.createDirectories(scratch.resolve("chromium-profile"));
    }

    private static Path find() {
        String named = System.getenv("MEMSHARE_CHROMIUM");
        if (named != null && !named.isBlank()) {
            return Path.of(named);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser")) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return fail("no chromium on the PATH: these tests need Debian's chromium (apt-get install chromium),"
                + " or MEMSHARE_CHROMIUM naming a Chromium binary");
    }

    /** The DOM of {@code url} once its script ran, in a window of the given size. */
    Run dumpDom(String url, int width, int height) throws IOException, InterruptedException {
        return run(url, width, height, "--dump-dom");
    }

    /** A PNG of {@code url}'s window, of the given size in CSS pixels (one device pixel each). */
    Run screenshot(String url, int width, int height, Path png) throws IOException, InterruptedException {
        Run run = run(url, width, height, "--screenshot=" + png);
        assertTrue(Files.size(png) > 0, "no screenshot: " + run.err());
        return run;
    }

    private Run run(String url, int width, int height, String what) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--hide-scrollbars", "--force-device-scale-factor=1", "--window-size=" + width + "," + height,
                "--user-data-dir=" + profile, "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--allow-file-access-from-files", "--virtual-time-budget=5000", "--enable-logging=stderr", "--v=0",
                what, url));
        Path out = Files.createTempFile(profile.getParent(), "chromium", ".out");
        Path err = Files.createTempFile(profile.getParent(), "chromium", ".err");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("chromium did not finish within " + TIMEOUT_SECONDS + " s: " + command);
        }
        Run run = new Run(Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        assertTrue(process.exitValue() == 0, "chromium exited " + process.exitValue() + ": " + run.err());
        return run;
    }
}
