package org.memshare.cli.map;

import java.util.ArrayList;
import java.util.List;

/**
 * The output lines of one step as the map shows them: the first {@link #MAX_LINES}, each cut
 * at {@link #MAX_CHARS} characters (a share prints its whole region in hex), and how many more
 * there were (a dump prints one line per entry).
 */
final class StepOutput {
    static final int MAX_LINES = 4;
    static final int MAX_CHARS = 120;

    private final List<String> lines = new ArrayList<>(1);
    private final StringBuilder current = new StringBuilder();
    private boolean open;
    private boolean cut;
    private int more;

    /** Starts the next output line; it is kept only if fewer than {@link #MAX_LINES} came before. */
    void begin(int lineNumber) {
        end();
        open = true;
        if (lines.size() < MAX_LINES) {
            current.append(lineNumber).append(':');
        }
    }

    void append(char c) {
        if (!open || lines.size() >= MAX_LINES) {
            return;
        }
        if (current.length() < MAX_CHARS) {
            current.append(c);
        } else {
            cut = true;
        }
    }

    /** Ends the output line begun last, if any. */
    void end() {
        if (!open) {
            return;
        }
        open = false;
        if (lines.size() < MAX_LINES) {
            lines.add(cut ? current + "…" : current.toString());
        } else {
            more++;
        }
        current.setLength(0);
        cut = false;
    }

    /** The lines kept, and last, if lines were left out, {@code … N more lines}. */
    List<String> lines() {
        end();
        List<String> shown = new ArrayList<>(lines);
        if (more > 0) {
            shown.add("… " + more + " more line" + (more == 1 ? "" : "s"));
        }
        return shown;
    }
}
