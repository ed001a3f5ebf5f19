package org.memshare.cli;

import java.io.PrintWriter;

/** How the commands describe failures of their own to a user: one line, never a stack trace. */
final class Failures {
    private Failures() {
    }

    /** An I/O failure in words: its message, or its class when it has none. */
    static String describe(Exception e) {
        String message = e.getMessage();
        String kind = e.getClass().getSimpleName();
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return message == null || message.isBlank() ? kind : message;
    }

    /** The last-resort message when the heap ran out: what happened and what to raise. */
    static void outOfMemory(PrintWriter err, String command, String where) {
        long mib = Runtime.getRuntime().maxMemory() >> 20;
        err.println(command + ": out of memory " + where + " (the JVM may use at most " + mib
                + " MiB of heap): raise it with -Xmx, e.g. MEMSHARE_JAVA_OPTS=-Xmx" + Math.max(2, 2 * ((mib >> 10) + 1))
                + "g ./memshare ...; the output up to the previous line was written");
        err.flush();
    }
}
