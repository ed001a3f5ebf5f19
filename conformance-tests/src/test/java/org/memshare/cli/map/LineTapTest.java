package org.memshare.cli.map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The trace's lines as the map shows them, read from the bytes the replayer reads, which pass unchanged. */
class LineTapTest {

    private static LineTap tapped(byte[] bytes, int chunk) throws IOException {
        LineTap tap = new LineTap(new ByteArrayInputStream(bytes));
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        byte[] buffer = new byte[chunk];
        for (int n; (n = tap.read(buffer, 0, chunk)) >= 0; ) {
            copy.write(buffer, 0, n);
        }
        assertArrayEquals(bytes, copy.toByteArray(), "the bytes pass unchanged");
        return tap;
    }

    @Test
    void linesAreNumberedAsTheReplayerNumbersThem() throws IOException {
        byte[] trace = "\uFEFFinit x\r\n\n# comment\r\nmap 1\nlast".getBytes(StandardCharsets.UTF_8);
        LineTap tap = tapped(trace, 3);
        assertEquals("init x", tap.text(1), "the BOM and the CR go");
        assertEquals("map 1", tap.text(4), "lines 2 and 3 are skipped over");
        assertNull(tap.text(3), "an earlier line is forgotten");
        assertEquals("last", tap.text(5), "a last line without LF");
    }

    @Test
    void aLongLineIsCutAndABadByteShownAsAReplacement() throws IOException {
        byte[] trace = ("x".repeat(5000) + "\nbad \u00e9\n").getBytes(StandardCharsets.ISO_8859_1);
        LineTap tap = tapped(trace, 4096);
        String first = tap.text(1);
        assertEquals(LineTap.MAX_CHARS + 1, first.length());
        assertTrue(first.endsWith("…"));
        assertEquals("bad \uFFFD", tap.text(2));
    }

    @Test
    void aLoneCarriageReturnStaysInItsLine() throws IOException {
        LineTap tap = tapped("a\rb\n".getBytes(StandardCharsets.UTF_8), 1);
        assertEquals("a\rb", tap.text(1));
    }
}
