package org.memshare.trace;

/**
 * The one place an explained line is formatted ({@link LineFormat#explained()}): the canonical
 * line, {@code " # "} and the reason, then the descriptor's lines, each {@code "#   "} and text.
 */
final class Explained implements LineFormat {
    static final LineFormat FORMAT = new Explained();

    private Explained() {
    }

    @Override
    public void append(ReplayLine line, StringBuilder out) {
        out.append(line.number()).append(": ").append(line.text());
        line.reason().ifPresent(reason -> out.append(" # ").append(oneLine(reason)));
        out.append('\n');
        line.descriptor().ifPresent(descriptor -> {
            for (String text : descriptor.describe()) {
                out.append("#   ").append(oneLine(text)).append('\n');
            }
        });
    }

    /** A reason a policy wrote may hold line breaks; a comment must stay on its line. */
    private static String oneLine(String text) {
        return text.indexOf('\n') < 0 && text.indexOf('\r') < 0 ? text : text.replaceAll("\\R", " ");
    }
}
