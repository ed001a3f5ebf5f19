package org.memshare.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the {@code memshare} command line in this JVM, as a user would, and keeps what it printed. */
final class CliRun {
    private CliRun() {
    }

    /** The exit status and everything written to standard output and standard error. */
    record Result(int status, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = MemshareCommand.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(args);
        return new Result(status, out.toString(), err.toString());
    }
}
