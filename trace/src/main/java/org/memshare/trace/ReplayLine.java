package org.memshare.trace;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One line of a replay's canonical output, with what the replayer knows about it beyond its text:
 * the operation that printed it, the engine's reason for a refusal, failure or fault, the check
 * that refused an FF-A call, and the decoded descriptor of a share or of an FF-A line's bytes. A
 * {@link LineFormat} turns it into output ({@code --explain}, {@code --json}).
 *
 * @param number the trace line that printed it (1-based)
 * @param kind what sort of line it is
 * @param operation the operation of that line; empty for a malformed line
 * @param text the canonical text after {@code N: }, without a line feed
 * @param reason the engine's reason, for a result that is a refusal, failure or fault
 * @param check the name of the engine's check that refused an FF-A call (an {@code FfaCheck}), stable
 *     for programs; empty otherwise
 * @param descriptor the decoded descriptor, for a share's result and an FF-A line's bytes
 */
public record ReplayLine(int number, Kind kind, Optional<Operation> operation, String text, Optional<String> reason,
        Optional<String> check, Optional<Descriptor> descriptor) {

    /** What sort of output line. */
    public enum Kind {
        /** An operation's result: its only line, or the {@code end} after a dump's entries. */
        RESULT,
        /** One entry of a {@code dump}. */
        ENTRY,
        /** {@code error ...}: a malformed line or an operation that could not run. */
        ERROR,
        /** A line a {@link ReplayObserver} added after an operation's output. */
        NOTE
    }

    public ReplayLine {
        requireNonNull(kind, "kind is null");
        requireNonNull(operation, "operation is null");
        requireNonNull(text, "text is null");
        requireNonNull(reason, "reason is null");
        requireNonNull(check, "check is null");
        requireNonNull(descriptor, "descriptor is null");
    }

    /** A line without a check: every line but an FF-A refusal. */
    public ReplayLine(int number, Kind kind, Optional<Operation> operation, String text, Optional<String> reason,
            Optional<Descriptor> descriptor) {
        this(number, kind, operation, text, reason, Optional.empty(), descriptor);
    }

    /** The canonical output line without its line feed: {@code N: text}. */
    public String canonical() {
        return number + ": " + text;
    }

    /**
     * The outcome in one word: the result's first word ({@code ok}, {@code fail}, {@code fault},
     * {@code mode}, {@code value}, {@code free}, {@code end}, {@code version}, {@code SUCCESS}, an FF-A
     * answer such as {@code MEM_RETRIEVE_RESP}, or an SPCI or FF-A error name),
     * {@code error}, {@code entry} for a dump entry, {@code note} for an observer's line.
     */
    public String outcome() {
        return switch (kind) {
            case ENTRY -> "entry";
            case NOTE -> "note";
            case ERROR -> "error";
            case RESULT -> {
                int space = text.indexOf(' ');
                yield space < 0 ? text : text.substring(0, space);
            }
        };
    }

    /**
     * The line as the named fields of {@code memshare replay --json} (docs/json.md), in this order:
     * {@code line}, {@code kind}, {@code op}, {@code args}, {@code outcome}, {@code value} (for
     * {@code mode}, {@code value} and {@code free} results), {@code text} (the canonical line),
     * {@code reason}, {@code check} (the FF-A check that refused), {@code error} (an error's reason),
     * {@code descriptor}. Absent values are null.
     */
    public Map<String, Object> fields() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("line", number);
        fields.put("kind", kind.name().toLowerCase(java.util.Locale.ROOT));
        fields.put("op", operation.map(Operation::nameOf).orElse(null));
        fields.put("args", operation.map(Arguments::of).orElse(null));
        String outcome = outcome();
        fields.put("outcome", outcome);
        fields.put("value", value(outcome));
        fields.put("text", canonical());
        fields.put("reason", reason.orElse(null));
        fields.put("check", check.orElse(null));
        fields.put("error", kind == Kind.ERROR ? text.substring("error ".length()) : null);
        fields.put("descriptor", descriptor.map(Descriptor::fields).orElse(null));
        return fields;
    }

    /** What follows the outcome word of a {@code mode}, {@code value} or {@code free} result. */
    private Object value(String outcome) {
        if (kind != Kind.RESULT || !(outcome.equals("mode") || outcome.equals("value") || outcome.equals("free"))
                || text.length() <= outcome.length() + 1) {
            return null;
        }
        String value = text.substring(outcome.length() + 1);
        return outcome.equals("free") ? (Object) Long.parseLong(value) : value;
    }
}
