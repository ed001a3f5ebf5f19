package org.memshare.cli;

import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/** Standard output as a buffered UTF-8 writer, and whether a person is watching it. */
final class Console {
    private Console() {
    }

    /** A large buffered writer on standard output; the caller flushes it. */
    static Writer stdout() {
        return new BufferedWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out),
                StandardCharsets.UTF_8), 1 << 16);
    }

    /**
     * Whether progress should be shown: only when standard output is a terminal, never when it is
     * redirected. Up to Java 21 {@code System.console()} exists only then; from Java 22 it may
     * exist anyway, and {@code Console.isTerminal()} says.
     */
    static boolean interactive() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return true; // before Java 22: a console means a terminal
        }
    }
}
