package org.memshare.cli.map;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * Passes a trace's bytes through unchanged and keeps the text of the lines read but not yet
 * asked for, so the map can show each operation's own line (comments included) whether the trace
 * comes from a file or standard input. Lines are numbered as the replayer numbers them (ended by
 * LF); each keeps at most {@link #MAX_CHARS} characters, decoded leniently (a byte that is not
 * UTF-8 shows as U+FFFD: the replay has already reported it). Only the replayer's read-ahead is
 * ever held.
 */
final class LineTap extends FilterInputStream {
    static final int MAX_CHARS = 160;
    private static final int MAX_BYTES = 4 * MAX_CHARS;

    private record Line(int number, String text) {
    }

    private final ArrayDeque<Line> pending = new ArrayDeque<>();
    private final byte[] line = new byte[MAX_BYTES];
    private int length;
    private boolean truncated;
    private int number = 1;
    private boolean ended;

    LineTap(InputStream in) {
        super(in);
    }

    /** The text of line {@code n} (1-based), or null if it was not read or was asked for already. Forgets earlier lines. */
    String text(int n) {
        while (!pending.isEmpty() && pending.peekFirst().number() < n) {
            pending.removeFirst();
        }
        if (!pending.isEmpty() && pending.peekFirst().number() == n) {
            return pending.removeFirst().text();
        }
        if (n == number && (length > 0 || truncated)) {
            // The last line of a trace without a final LF.
            return decode();
        }
        return null;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b < 0) {
            end();
        } else {
            take((byte) b);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int count) throws IOException {
        int n = super.read(buffer, offset, count);
        if (n < 0) {
            end();
        }
        for (int i = 0; i < n; i++) {
            take(buffer[offset + i]);
        }
        return n;
    }

    private void take(byte b) {
        if (b == '\n') {
            pending.addLast(new Line(number, decode()));
            number++;
            length = 0;
            truncated = false;
        } else if (length < MAX_BYTES) {
            line[length++] = b;
        } else {
            truncated = true;
        }
    }

    private void end() {
        if (!ended && (length > 0 || truncated)) {
            pending.addLast(new Line(number, decode()));
            number++;
            length = 0;
            truncated = false;
        }
        ended = true;
    }

    private String decode() {
        int n = length;
        if (n > 0 && line[n - 1] == '\r' && !truncated) {
            n--;
        }
        String text = new String(line, 0, n, StandardCharsets.UTF_8);
        if (number == 1 && text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        if (truncated || text.length() > MAX_CHARS) {
            text = text.substring(0, Math.min(text.length(), MAX_CHARS)) + "…";
        }
        return text;
    }
}
