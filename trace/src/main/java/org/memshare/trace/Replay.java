package org.memshare.trace;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.memshare.api.policy.SharePolicyFactories;
import org.memshare.engine.plugin.ArchRegistry;

/**
 * The Java entry point for replaying a trace: what {@code memshare replay} does, without the
 * command line. A trace is read and run line by line and its canonical output (docs/traces.md) is
 * written to a {@link Writer}, flushed after every line.
 *
 * <pre>{@code
 * StringWriter out = new StringWriter();
 * Replay.Result result = Replay.builder()
 *         .policy("no-exec:3")          // like --policy no-exec:3; repeatable, asked in order
 *         .build()
 *         .run(Path.of("scenario.trace"), out);
 * if (result.errors() > 0) { ... }     // lines that printed "N: error ..."
 * }</pre>
 *
 * <p>{@link Builder#explain()} adds the engine's reasons and decoded share descriptors as
 * {@code #} comments, as {@code memshare replay --explain} does; {@link Builder#format} writes
 * each line in a format of the caller's (each {@link ReplayLine} carries the reason and descriptor).
 *
 * <p>Arch plugins and named sharing policies (for {@code init arch=} and {@code init policy=}) are
 * found with {@link java.util.ServiceLoader} in a class loader ({@link Builder#classLoader}; by
 * default the one that loaded memshare), as {@code --plugin} jars are by the command line. A
 * {@code Replay} may be run any number of times, from any thread; each run has machines of its own.
 */
public final class Replay {
    private final ArchRegistry registry;
    private final SharePolicyFactories factories;
    private final List<SharePolicyFactories.Selected> policies;
    private final ReplayObserver observer;
    private final LineFormat format;

    private Replay(ArchRegistry registry, SharePolicyFactories factories,
            List<SharePolicyFactories.Selected> policies, ReplayObserver observer, LineFormat format) {
        this.registry = registry;
        this.factories = factories;
        this.policies = policies;
        this.observer = observer;
        this.format = format;
    }

    /** A replay with the bundled arches and policies, no extra policy and no observer. */
    public static Replay standard() {
        return builder().build();
    }

    /** A builder of a replay's options. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * What a run did.
     *
     * @param lines       the number of the last line read (blank and comment lines included)
     * @param errors      how many lines printed {@code N: error ...}
     * @param machineMade whether an {@code init} succeeded and left a machine at the end
     */
    public record Result(int lines, int errors, boolean machineMade) {
        /** Whether every line ran: no error line. */
        public boolean ok() {
            return errors == 0;
        }
    }

    /**
     * Replays the trace in {@code trace} (UTF-8), writing its canonical output to {@code out}.
     *
     * @throws IOException if the trace cannot be read or the output cannot be written
     */
    public Result run(Path trace, Writer out) throws IOException {
        try (InputStream in = Files.newInputStream(trace)) {
            return run(in, out);
        }
    }

    /** Replays a trace of UTF-8 bytes; the stream is read to its end but not closed. */
    public Result run(InputStream trace, Writer out) throws IOException {
        return run(TraceLines.of(trace), out);
    }

    /** Replays a trace of text; the reader is read to its end but not closed. */
    public Result run(Reader trace, Writer out) throws IOException {
        return run(TraceLines.of(trace), out);
    }

    private Result run(TraceLines lines, Writer out) throws IOException {
        TraceReplayer replayer = new TraceReplayer(registry, requireNonNull(out, "out is null"), observer,
                factories, policies, format);
        int errors = replayer.replay(lines);
        out.flush();
        return new Result(replayer.lineNumber(), errors, replayer.machine().isPresent());
    }

    /** The options of a {@link Replay}; every one has a default. */
    public static final class Builder {
        private ClassLoader loader = Replay.class.getClassLoader();
        private ArchRegistry registry;
        private SharePolicyFactories factories;
        private final List<String> policies = new ArrayList<>();
        private ReplayObserver observer;
        private LineFormat format;

        private Builder() {
        }

        /**
         * Where arch plugins and named policies are found (a loader over plugin jars, say); by
         * default the loader of memshare itself, which sees the bundled ones.
         */
        public Builder classLoader(ClassLoader loader) {
            this.loader = requireNonNull(loader, "loader is null");
            return this;
        }

        /** The arches {@code init arch=} names, instead of those {@link #classLoader} finds. */
        public Builder archRegistry(ArchRegistry registry) {
            this.registry = requireNonNull(registry, "registry is null");
            return this;
        }

        /** The named policies {@code init policy=} and {@link #policy} name, instead of those {@link #classLoader} finds. */
        public Builder policyFactories(SharePolicyFactories factories) {
            this.factories = requireNonNull(factories, "factories is null");
            return this;
        }

        /**
         * Installs the named policy {@code NAME[:ARGS]} in every machine of a run, like the
         * command line's {@code --policy}: asked after the trace's own {@code init policy=}, in
         * the order given. Repeatable.
         */
        public Builder policy(String spec) {
            policies.add(requireNonNull(spec, "spec is null"));
            return this;
        }

        /**
         * Calls {@code observer} after every operation that ran; the note it returns, if any, is
         * printed as an extra line {@code N: <note>}. One observer sees every run of the replay.
         */
        public Builder observer(ReplayObserver observer) {
            this.observer = observer;
            return this;
        }

        /**
         * Explains the output, as {@code memshare replay --explain}: every refusal, failure and
         * fault ends in {@code " # "} and the engine's reason, and every share's result is followed
         * by its decoded descriptor on lines starting with {@code #} ({@link LineFormat#explained()}).
         */
        public Builder explain() {
            return format(LineFormat.explained());
        }

        /**
         * Writes every output line through {@code format} instead of as the canonical text
         * ({@link #explain()} is one such format); null for the canonical text.
         */
        public Builder format(LineFormat format) {
            this.format = format;
            return this;
        }

        /**
         * The replay.
         *
         * @throws IllegalArgumentException if a {@link #policy} names no policy found, or the
         *                                  policy refuses its arguments
         */
        public Replay build() {
            ArchRegistry arches = registry != null ? registry : ArchRegistry.discover(loader);
            SharePolicyFactories found = factories != null ? factories : SharePolicyFactories.load(loader);
            List<SharePolicyFactories.Selected> selected = new ArrayList<>(policies.size());
            for (String spec : policies) {
                selected.add(found.resolve(spec));
            }
            return new Replay(arches, found, List.copyOf(selected), observer, format);
        }
    }
}
