package org.memshare.cli.map;

import java.util.Locale;

/** Spelling helpers for the page: HTML and JSON escapes, addresses and sizes. */
final class Text {
    private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private Text() {
    }

    /** {@code s} as HTML text or attribute value. */
    static StringBuilder html(StringBuilder out, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c < 0x20 && c != '\n' && c != '\t' ? '\uFFFD' : c);
            }
        }
        return out;
    }

    static String html(String s) {
        return html(new StringBuilder(), s).toString();
    }

    /**
     * {@code s} as a JSON string, safe inside a {@code <script>} element: no {@code <}, {@code >}
     * or {@code &} appears literally, nor a line separator JavaScript would choke on.
     */
    static StringBuilder json(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"');
    }

    /** The address of page {@code page} in hex, exact for every 64-bit address (the script spells it the same way). */
    static String address(long page) {
        return page == 0 ? "0x0" : "0x" + Long.toHexString(page) + "000";
    }

    /** {@code pages} pages as a size: {@code 4 KiB}, {@code 2 MiB}, {@code 1.5 GiB}. */
    static String size(long pages) {
        double value = pages * 4.0;
        int unit = 0;
        while (value >= 1024 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        String number = value == Math.floor(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.1f", value);
        return number + " " + UNITS[unit];
    }

    /** A number with 3 decimals at most and no trailing zeros, as the script spells coordinates. */
    static String coordinate(double v) {
        String s = String.format(Locale.ROOT, "%.3f", v);
        s = s.indexOf('.') >= 0 ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
        return s.equals("-0") ? "0" : s;
    }
}
