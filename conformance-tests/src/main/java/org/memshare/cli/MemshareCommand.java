package org.memshare.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code memshare} command line: replay, check and benchmark traces, list arch plugins, run the conformance kit. */
@Command(name = "memshare",
        mixinStandardHelpOptions = true,
        version = "memshare 0.1.0",
        description = "A faithful, fast model of Hafnium's stage-2 page tables, page pool and SPCI memory sharing.",
        subcommands = {ReplayCommand.class, CheckCommand.class, BenchCommand.class, ArchsCommand.class, ConformanceCommand.class,
            CommandLine.HelpCommand.class})
public final class MemshareCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().setOut(new java.io.PrintWriter(Console.stdout())).execute(args));
    }

    /**
     * The command line with every subcommand, writing to standard output unless told otherwise. A
     * {@link CliException} is printed on standard error, without a stack trace, and exits 2.
     */
    public static CommandLine commandLine() {
        return new CommandLine(new MemshareCommand()).setExecutionExceptionHandler((exception, commandLine, parsed) -> {
            if (!(exception instanceof CliException)) {
                throw exception;
            }
            commandLine.getOut().flush();
            commandLine.getErr().println(commandLine.getCommandSpec().qualifiedName() + ": " + exception.getMessage());
            commandLine.getErr().flush();
            return 2;
        });
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
