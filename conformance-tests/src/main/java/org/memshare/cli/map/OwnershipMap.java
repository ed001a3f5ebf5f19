package org.memshare.cli.map;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.memshare.trace.ReplayObserver;

/**
 * The ownership map of a replay ({@code memshare replay --html OUT}): every VM's address space
 * as bands coloured by ownership state, step by step, in one self-contained HTML page
 * (docs/traces.md, "The ownership map").
 *
 * <p>Wire it around a replay: {@link #tap(InputStream)} the trace (to show each operation's
 * line), {@link #tap(Writer)} the output (to show what each printed), install
 * {@link #observer(ReplayObserver)}, and {@link #write()} when the replay is over. Everything
 * passes through unchanged. {@link #none()} does nothing, so a caller wires it the same way
 * whether a map was asked for or not.
 *
 * <pre>{@code
 * try (OwnershipMap map = OwnershipMap.open(Path.of("map.html"), "scenario.trace")) {
 *     TraceReplayer replayer = new TraceReplayer(registry, map.tap(out), map.observer(null));
 *     replayer.replay(map.tap(in));
 *     map.write();
 * }
 * }</pre>
 */
public final class OwnershipMap implements AutoCloseable {
    private final Path file;
    private final String title;
    private final Writer writer;
    private final Recorder recorder;
    private LineTap lines;
    private boolean written;

    private OwnershipMap(Path file, String title, Writer writer, Recorder.Limits limits) {
        this.file = file;
        this.title = title;
        this.writer = writer;
        this.recorder = writer == null ? null : new Recorder(line -> lines == null ? null : lines.text(line), limits);
    }

    /**
     * A map to be written to {@code file}, which is created (or emptied) now, so a path that
     * cannot be written fails before the replay rather than after it; {@link #close} without
     * {@link #write} deletes it again.
     *
     * @param title what the page calls the trace (its file name, say)
     * @throws IOException if {@code file} cannot be written
     */
    public static OwnershipMap open(Path file, String title) throws IOException {
        requireNonNull(file, "file is null");
        requireNonNull(title, "title is null");
        return new OwnershipMap(file, title, Files.newBufferedWriter(file, StandardCharsets.UTF_8),
                Recorder.Limits.DEFAULT);
    }

    /** A map that records nothing: the taps return what they are given, the observer is {@code next}. */
    public static OwnershipMap none() {
        return new OwnershipMap(null, "", null, null);
    }

    /** A map written to {@code writer} by {@link #write}, recording within {@code limits}: for tests. */
    static OwnershipMap to(Writer writer, String title, Recorder.Limits limits) {
        return new OwnershipMap(null, title, writer, limits);
    }

    /** The trace's bytes, unchanged; the map keeps each operation's line to show it. Tap once, before the replay. */
    public InputStream tap(InputStream trace) {
        if (writer == null) {
            return trace;
        }
        lines = new LineTap(trace);
        return lines;
    }

    /** The replay's output, unchanged; the map keeps what each operation printed (a few lines of it). */
    public Writer tap(Writer output) {
        return writer == null ? output : new OutputTap(output, recorder);
    }

    /**
     * The observer to give the replayer: it records each operation's state, after calling
     * {@code next} (may be null), whose note it returns.
     */
    public ReplayObserver observer(ReplayObserver next) {
        if (writer == null) {
            return next;
        }
        recorder.setNext(next);
        return recorder;
    }

    /**
     * Writes the page (after the replay) and closes the file.
     *
     * @throws IOException if the page cannot be written
     */
    public void write() throws IOException {
        if (writer == null || written) {
            return;
        }
        recorder.finish();
        try (Writer out = writer) {
            new PageWriter(recorder, title).write(out);
        }
        written = true;
    }

    /**
     * Closes the file; if the page was not written, deletes it, so a replay that stopped part way
     * leaves no empty page behind.
     */
    @Override
    public void close() {
        if (writer == null || written) {
            return;
        }
        written = true;
        try {
            writer.close();
            if (file != null) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            // Nothing more can be done about a file that cannot be removed; the replay's outcome stands.
        }
    }

    Recorder recorder() {
        return recorder;
    }
}
