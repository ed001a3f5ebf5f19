package org.memshare.trace;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads a trace one line at a time, for a replay that never holds the whole trace: from bytes
 * (a file, standard input), which are decoded here, or from text already decoded.
 *
 * <ul>
 *   <li>A line ends at LF or CRLF, and nowhere else: a carriage return anywhere else makes its
 *       line malformed, so line numbers are the ones an editor shows.</li>
 *   <li>Each line is decoded as UTF-8 on its own: a line that is not valid UTF-8, even inside a
 *       comment, comes back malformed with the offending byte, and the lines around it are
 *       unaffected.</li>
 *   <li>A UTF-8 byte-order mark at the start of line 1 is skipped.</li>
 *   <li>A line longer than {@link #MAX_LINE_BYTES} is malformed, and is skipped without being
 *       held in memory.</li>
 * </ul>
 * Not thread-safe.
 */
public final class TraceLines {
    /** The longest line read: far more than any operation needs (a 4 KiB {@code sharebytes} is about 8 KiB). */
    public static final int MAX_LINE_BYTES = 1 << 20;

    private final InputStream bytes;
    private final Reader chars;
    private final byte[] in = new byte[1 << 16];
    private int inPos;
    private int inEnd;
    private byte[] line = new byte[256];
    private int lineLength;
    private final StringBuilder text = new StringBuilder(256);
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private int number;
    private boolean eof;

    private TraceLines(InputStream bytes, Reader chars) {
        this.bytes = bytes;
        this.chars = chars;
    }

    /** Lines of UTF-8 {@code bytes}, decoded here line by line. The caller closes the stream. */
    public static TraceLines of(InputStream bytes) {
        return new TraceLines(requireNonNull(bytes, "bytes is null"), null);
    }

    /**
     * Lines of text already decoded. A reader that replaced bad bytes (as {@link
     * java.io.InputStreamReader} does) hides them: read files with {@link #of(InputStream)}.
     */
    public static TraceLines of(Reader chars) {
        return new TraceLines(null, requireNonNull(chars, "chars is null"));
    }

    /** Lines of a trace held in a string. */
    public static TraceLines of(String trace) {
        return of(new java.io.StringReader(requireNonNull(trace, "trace is null")));
    }

    /**
     * The next line, parsed, or null at the end of the trace.
     *
     * @throws IOException if the underlying stream cannot be read
     */
    public ParsedLine next() throws IOException {
        if (eof) {
            return null;
        }
        return bytes != null ? nextFromBytes() : nextFromChars();
    }

    private ParsedLine nextFromBytes() throws IOException {
        lineLength = 0;
        boolean overlong = false;
        boolean sawAny = false;
        while (true) {
            if (inPos == inEnd) {
                int n = bytes.read(in, 0, in.length);
                if (n < 0) {
                    eof = true;
                    if (!sawAny) {
                        return null;
                    }
                    break;
                }
                inPos = 0;
                inEnd = n;
                continue;
            }
            sawAny = true;
            // The rest of the line that is in the buffer, copied in one piece.
            int stop = inPos;
            while (stop < inEnd && in[stop] != '\n') {
                stop++;
            }
            int kept = Math.min(stop - inPos, MAX_LINE_BYTES - lineLength);
            if (kept < stop - inPos) {
                overlong = true;
            }
            if (lineLength + kept > line.length) {
                line = java.util.Arrays.copyOf(line, Math.min(MAX_LINE_BYTES, Math.max(line.length * 2, lineLength + kept)));
            }
            System.arraycopy(in, inPos, line, lineLength, kept);
            lineLength += kept;
            inPos = stop;
            if (stop < inEnd) {
                inPos++; // the line feed
                break;
            }
        }
        number++;
        if (overlong) {
            return new ParsedLine.Malformed(number, "the line is longer than " + MAX_LINE_BYTES + " bytes");
        }
        int start = 0;
        if (number == 1 && lineLength >= 3 && line[0] == (byte) 0xef && line[1] == (byte) 0xbb
                && line[2] == (byte) 0xbf) {
            start = 3;
        }
        int length = lineLength - start;
        if (length > 0 && line[start + length - 1] == '\r') {
            length--;
        }
        boolean ascii = true;
        for (int i = start; i < start + length; i++) {
            if (line[i] == '\r') {
                return carriageReturn(i - start);
            }
            ascii &= line[i] >= 0;
        }
        String decoded;
        if (ascii) {
            // ASCII is its own UTF-8, and nearly every trace is ASCII: one copy, no decoder.
            decoded = new String(line, start, length, StandardCharsets.ISO_8859_1);
        } else {
            try {
                decoded = decoder.reset().decode(ByteBuffer.wrap(line, start, length)).toString();
            } catch (CharacterCodingException e) {
                return new ParsedLine.Malformed(number, notUtf8(start, length));
            }
        }
        return TraceParser.parse(number, decoded);
    }

    /** Why bytes {@code [start, start + length)} of the line are not UTF-8: the first bad byte. */
    private String notUtf8(int start, int length) {
        CharsetDecoder probe = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer input = ByteBuffer.wrap(line, start, length);
        CharBuffer output = CharBuffer.allocate(length + 1);
        probe.decode(input, output, true);
        int at = input.position();
        return "the line is not valid UTF-8: byte 0x" + String.format("%02x", line[at] & 0xff) + " at column "
                + (at - start + 1) + " (a trace is UTF-8 text, comments included)";
    }

    private ParsedLine carriageReturn(int offset) {
        return new ParsedLine.Malformed(number, "a carriage return (CR) at column " + (offset + 1)
                + " does not end a line: lines end with LF or CRLF");
    }

    private ParsedLine nextFromChars() throws IOException {
        text.setLength(0);
        boolean sawAny = false;
        while (true) {
            int c = chars.read();
            if (c < 0) {
                eof = true;
                if (!sawAny) {
                    return null;
                }
                break;
            }
            sawAny = true;
            if (c == '\n') {
                break;
            }
            if (text.length() < MAX_LINE_BYTES + 1) {
                text.append((char) c);
            }
        }
        number++;
        if (text.length() > MAX_LINE_BYTES) {
            return new ParsedLine.Malformed(number, "the line is longer than " + MAX_LINE_BYTES + " bytes");
        }
        int start = number == 1 && text.length() > 0 && text.charAt(0) == '\ufeff' ? 1 : 0;
        int end = text.length();
        if (end > start && text.charAt(end - 1) == '\r') {
            end--;
        }
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (c == '\r') {
                return carriageReturn(i - start);
            }
            if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < end
                    && Character.isLowSurrogate(text.charAt(i + 1)))) {
                if (Character.isLowSurrogate(c) && i > start && Character.isHighSurrogate(text.charAt(i - 1))) {
                    continue;
                }
                return new ParsedLine.Malformed(number, "the line is not valid text: a lone surrogate at column "
                        + (i - start + 1));
            }
        }
        return TraceParser.parse(number, text.substring(start, end));
    }

    /**
     * Whether the next line can be read, at least in part, without waiting on the input: bytes
     * already buffered here. A replay flushes its output before it would wait, so a person or
     * a program feeding the trace line by line sees each answer at once.
     */
    boolean hasBufferedInput() {
        return bytes != null && inPos < inEnd;
    }

    /** The number of the line {@link #next()} returned last (0 before the first). */
    public int lineNumber() {
        return number;
    }
}
