package org.memshare.cli.map;

import java.io.IOException;
import java.io.Writer;

/**
 * Passes the replay's canonical output through unchanged and hands each line to the step of the
 * trace line it names ({@code N: ...}), so the map shows every operation's output; lines of
 * operations not recorded (errors, summarised operations) are dropped.
 */
final class OutputTap extends Writer {
    private final Writer out;
    private final Recorder recorder;
    private boolean atStart = true;
    private long number;
    private StepOutput target;

    OutputTap(Writer out, Recorder recorder) {
        this.out = out;
        this.recorder = recorder;
    }

    @Override
    public void write(char[] chars, int offset, int count) throws IOException {
        out.write(chars, offset, count);
        for (int i = offset; i < offset + count; i++) {
            take(chars[i]);
        }
    }

    @Override
    public void write(String text, int offset, int count) throws IOException {
        out.write(text, offset, count);
        for (int i = offset; i < offset + count; i++) {
            take(text.charAt(i));
        }
    }

    @Override
    public void write(int c) throws IOException {
        out.write(c);
        take((char) c);
    }

    @Override
    public Writer append(CharSequence text) throws IOException {
        CharSequence chars = text == null ? "null" : text;
        out.append(chars);
        for (int i = 0; i < chars.length(); i++) {
            take(chars.charAt(i));
        }
        return this;
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    private void take(char c) {
        if (c == '\n') {
            if (target != null) {
                target.end();
            }
            target = null;
            atStart = true;
            number = 0;
            return;
        }
        if (atStart) {
            if (c >= '0' && c <= '9' && number < Integer.MAX_VALUE) {
                number = number * 10 + (c - '0');
                return;
            }
            atStart = false;
            if (c == ':' && number > 0 && number <= Integer.MAX_VALUE) {
                Recorder.Step step = recorder.stepOfLine((int) number);
                target = step == null ? null : step.output;
                if (target != null) {
                    target.begin((int) number);
                }
            }
            return;
        }
        if (target != null) {
            target.append(c);
        }
    }
}
