package org.memshare.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.memshare.engine.plugin.ArchRegistry;

/**
 * When a streamed replay flushes: before it would wait for the next line (so whoever feeds the
 * trace a line at a time sees each answer first), and not after every line of a trace whose
 * next lines are already read in.
 */
class ReplayFlushTest {
    private static final ArchRegistry REGISTRY = ArchRegistry.discover();

    /** A sink that keeps what was flushed apart from what was only written. */
    private static final class FlushedSink extends Writer {
        final StringBuilder written = new StringBuilder();
        String flushed = "";
        int flushes;

        @Override
        public void write(char[] buffer, int offset, int length) {
            written.append(buffer, offset, length);
        }

        @Override
        public void flush() {
            flushed = written.toString();
            flushes++;
        }

        @Override
        public void close() {
        }
    }

    private static List<String> lines(int pools) {
        List<String> lines = new ArrayList<>();
        lines.add("init arch=fake pool_pages=64 vms=2");
        for (int i = 0; i < pools; i++) {
            lines.add(i % 2 == 0 ? "pool" : "mode 1 0x0 0x1000");
        }
        return lines;
    }

    @Test
    void aFeedThatSendsOneLineAtATimeSeesEveryAnswerBeforeItSendsTheNext() throws IOException {
        List<String> lines = lines(20);
        FlushedSink sink = new FlushedSink();
        List<String> seenBeforeEachRead = new ArrayList<>();
        InputStream feed = new InputStream() {
            private int next;
            private byte[] pending = new byte[0];
            private int at;

            @Override
            public int read() {
                throw new UnsupportedOperationException("the replay reads in blocks");
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                if (at == pending.length) {
                    // A person types the next line only after reading the answer to the last.
                    seenBeforeEachRead.add(sink.flushed);
                    if (next == lines.size()) {
                        return -1;
                    }
                    pending = (lines.get(next++) + "\n").getBytes(StandardCharsets.UTF_8);
                    at = 0;
                }
                int n = Math.min(length, pending.length - at);
                System.arraycopy(pending, at, buffer, offset, n);
                at += n;
                return n;
            }
        };
        assertEquals(0, new TraceReplayer(REGISTRY, sink).replay(feed));
        assertEquals(lines.size() + 1, seenBeforeEachRead.size());
        for (int i = 0; i < seenBeforeEachRead.size(); i++) {
            String shown = seenBeforeEachRead.get(i);
            long answers = shown.chars().filter(c -> c == '\n').count();
            assertEquals(i, answers, "answers shown before line " + (i + 1) + " was sent: " + shown);
        }
    }

    @Test
    void aTraceWhoseLinesAreAlreadyReadInIsFlushedInBlocksNotPerLine() throws IOException {
        List<String> lines = lines(2000);
        FlushedSink sink = new FlushedSink();
        byte[] trace = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
        assertEquals(0, new TraceReplayer(REGISTRY, sink).replay(new ByteArrayInputStream(trace)));
        assertEquals(sink.written.toString(), sink.flushed, "all output is flushed at the end");
        assertEquals(lines.size(), sink.flushed.chars().filter(c -> c == '\n').count());
        assertTrue(sink.flushes < 10, "a 2,001-line trace read in at once is flushed " + sink.flushes + " times");
    }
}
