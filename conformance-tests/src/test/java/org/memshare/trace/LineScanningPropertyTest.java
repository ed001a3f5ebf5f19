package org.memshare.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The parser's own scans of a line (its words, its numbers, a share's constituents) against the
 * plain definitions they replace: words are what lies between runs of space, tab, vertical tab
 * and form feed; a number is {@code 0x} hex or decimal in ASCII digits only, unsigned 64-bit.
 */
class LineScanningPropertyTest {

    /** Characters that make the scans' edge cases: separators, line ends, digits, signs, a Unicode digit. */
    private static final String ALPHABET = " \t\u000b\f\r\n0123456789abcdefxXg+-,:=\u0663";

    @Provide
    Arbitrary<String> lines() {
        return Arbitraries.strings().withChars(ALPHABET.toCharArray()).ofMinLength(1).ofMaxLength(40);
    }

    @Provide
    Arbitrary<String> numbers() {
        Arbitrary<String> decimal = Arbitraries.strings().withChars("0123456789".toCharArray()).ofMinLength(0).ofMaxLength(24);
        Arbitrary<String> hex = Arbitraries.strings().withChars("0123456789abcdefABCDEF".toCharArray()).ofMinLength(0)
                .ofMaxLength(20).map(digits -> "0x" + digits);
        Arbitrary<String> near = Arbitraries.longs().map(v -> List.of(Long.toUnsignedString(v), "0x" + Long.toHexString(v),
                "0X0000" + Long.toHexString(v), Long.toUnsignedString(v) + "0", "0x" + Long.toHexString(v) + "0").get(
                        (int) Long.remainderUnsigned(v, 5)));
        return Arbitraries.oneOf(decimal, hex, near, lines(),
                Arbitraries.of("18446744073709551615", "18446744073709551616", "0xffffffffffffffff",
                        "0x1ffffffffffffffff", "0x00000000000000000001", "+1", "0x", "0x+1", "-0"));
    }

    @Property(tries = 3000)
    void wordsAreWhatLiesBetweenSeparators(@ForAll("lines") String text) {
        String line = "w" + text + "w";
        assertArrayEquals(line.split("[ \\t\\x0B\\f]+"), TraceParser.tokens(line, 0, line.length()), line);
        String framed = " \t" + line + "\f ";
        assertArrayEquals(line.split("[ \\t\\x0B\\f]+"), TraceParser.tokens(framed, 2, framed.length() - 2), framed);
    }

    @Property(tries = 3000)
    void numbersAreUnsigned64BitAsciiHexOrDecimal(@ForAll("numbers") String text) {
        String expected = reference(text);
        String actual;
        try {
            actual = Long.toUnsignedString(TraceParser.parseNumber("k", text));
        } catch (TraceParser.LineError e) {
            actual = e.getMessage();
        }
        assertEquals(expected, actual, text);
        // And the same number read in place inside a longer text.
        String framed = "a=" + text + ",";
        String inPlace;
        try {
            inPlace = Long.toUnsignedString(TraceParser.parseNumber("k", framed, 2, framed.length() - 1));
        } catch (TraceParser.LineError e) {
            inPlace = e.getMessage();
        }
        assertEquals(expected, inPlace, framed);
    }

    /** The number, or the parser's message, by the definition: ASCII digits checked, then the JDK's unsigned parse. */
    private static String reference(String text) {
        boolean hex = text.startsWith("0x") || text.startsWith("0X");
        String digits = hex ? text.substring(2) : text;
        boolean ascii = !digits.isEmpty() && digits.chars().allMatch(c -> hex
                ? (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
                : c >= '0' && c <= '9');
        try {
            if (ascii) {
                return Long.toUnsignedString(Long.parseUnsignedLong(digits, hex ? 16 : 10));
            }
        } catch (NumberFormatException e) {
            // too large: the message below
        }
        return "bad number for 'k': '" + text + "' (want 0x hexadecimal or decimal, unsigned 64-bit)";
    }

    @Test
    void constituentsAreReadInPlaceWithTheMessagesOfEachItem() throws TraceParser.LineError {
        assertEquals(List.of(new Operation.ConstituentArg(0x1000, 2), new Operation.ConstituentArg(0x5000, 0)),
                TraceParser.constituents("0x1000:2,0x5000:0"));
        assertEquals(List.of(), TraceParser.constituents("none"));
        assertEquals("constituent '' is not ADDR:PAGES", message("0x1000:1,"));
        assertEquals("constituent '0x2000' is not ADDR:PAGES", message("0x1000:1,0x2000,0x3000:1"));
        assertEquals("bad number for 'c': '2:3' (want 0x hexadecimal or decimal, unsigned 64-bit)", message("0x1000:2:3"));
        assertEquals("bad number for 'c': '' (want 0x hexadecimal or decimal, unsigned 64-bit)", message(":1"));
        assertEquals("constituent '0x1000:0x100000000' has more pages than 32 bits hold", message("0x1000:0x100000000"));
    }

    private static String message(String constituents) {
        try {
            return "parsed " + TraceParser.constituents(constituents);
        } catch (TraceParser.LineError e) {
            return e.getMessage();
        }
    }
}
