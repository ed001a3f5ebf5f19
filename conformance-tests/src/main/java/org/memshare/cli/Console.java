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

    /** Whether progress lines should be shown: only on a terminal, never when output is redirected. */
    static boolean interactive() {
        return System.console() != null;
    }
}
