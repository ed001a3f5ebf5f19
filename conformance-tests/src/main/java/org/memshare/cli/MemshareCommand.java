package org.memshare.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code memshare} command line: replay, check and benchmark traces, list arch plugins and sharing policies, run the conformance kit. */
@Command(name = "memshare",
        mixinStandardHelpOptions = true,
        version = "memshare 0.1.0",
        description = "A faithful, fast model of Hafnium's stage-2 page tables, page pool and SPCI memory sharing.",
        subcommands = {ReplayCommand.class, CheckCommand.class, BenchCommand.class, ArchsCommand.class, PoliciesCommand.class, ConformanceCommand.class,
            CommandLine.HelpCommand.class})
public final class MemshareCommand implements Callable<Integer> {

    /** The footer of every command's {@code --help}: where the trace language is documented. */
    static final String TRACE_DOCS = "Traces (the language, the canonical output, policies): see docs/traces.md"
            + " in memshare's sources.";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        int status;
        try {
            status = commandLine().setOut(new java.io.PrintWriter(Console.stdout())).execute(args);
        } catch (OutOfMemoryError e) {
            // The commands catch it themselves; this is the last resort, still without a stack trace.
            Failures.outOfMemory(new java.io.PrintWriter(System.err, true), "memshare", "");
            status = 2;
        }
        System.exit(status);
    }

    /**
     * The command line with every subcommand, writing to standard output unless told otherwise. A
     * {@link CliException} is printed on standard error, without a stack trace, and exits 2; so
     * is anything else a command throws (an internal error, or the heap running out), with a line
     * that says what happened: no stack trace reaches the user unless {@code MEMSHARE_DEBUG} is set.
     */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new MemshareCommand());
        addFooter(cli);
        return cli.setExecutionExceptionHandler((exception, commandLine, parsed) -> {
            commandLine.getOut().flush();
            String command = commandLine.getCommandSpec().qualifiedName();
            if (exception instanceof CliException) {
                commandLine.getErr().println(command + ": " + exception.getMessage());
            } else {
                commandLine.getErr().println(command + ": internal error: " + exception
                        + " (please report it; set MEMSHARE_DEBUG=1 for the stack trace)");
                if (System.getenv("MEMSHARE_DEBUG") != null) {
                    exception.printStackTrace(commandLine.getErr());
                }
            }
            commandLine.getErr().flush();
            return 2;
        });
    }

    private static void addFooter(CommandLine cli) {
        cli.getCommandSpec().usageMessage().footer("", TRACE_DOCS);
        for (CommandLine sub : cli.getSubcommands().values()) {
            if (!(sub.getCommand() instanceof CommandLine.HelpCommand)) {
                addFooter(sub);
            }
        }
    }

    /** {@code memshare} with no command: the usage, on standard error, and exit status 2. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        spec.commandLine().getErr().flush();
        return 2;
    }
}
