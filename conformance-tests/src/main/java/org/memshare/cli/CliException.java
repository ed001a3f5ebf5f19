package org.memshare.cli;

/**
 * A problem with what the user asked for (a missing plugin jar, an unknown arch): the command
 * prints the message on standard error, without a stack trace, and exits 2.
 */
final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CliException(String message) {
        super(message);
    }

    CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
