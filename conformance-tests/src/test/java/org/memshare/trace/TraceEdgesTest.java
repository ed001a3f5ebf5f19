package org.memshare.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.memshare.engine.plugin.ArchRegistry;

/** The edges of issue 9: init errors keep the machine, decoding is per line, replay streams. */
class TraceEdgesTest {
    private static final ArchRegistry REGISTRY = ArchRegistry.discover();
    private static final String INIT = "init arch=fake pool_pages=64 vms=2\n";

    private record Run(String output, int errors) {
    }

    private static Run bytes(byte[] trace) {
        StringWriter out = new StringWriter();
        try {
            int errors = new TraceReplayer(REGISTRY, out).replay(new ByteArrayInputStream(trace));
            return new Run(out.toString(), errors);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static Run text(String trace) {
        return bytes(trace.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] concat(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object part : parts) {
            byte[] b = part instanceof byte[] raw ? raw : ((String) part).getBytes(StandardCharsets.UTF_8);
            out.writeBytes(b);
        }
        return out.toByteArray();
    }

    // (a) every error line changes nothing; a failed init leaves no machine

    @Test
    void anInitWithAnUnknownArchIsAnErrorThatKeepsTheMachine() {
        Run run = text(INIT + "map 1 0x200000 0x201000 0x3\n" + "init arch=sparc pool_pages=64 vms=1\n"
                + "mode 1 0x200000 0x201000\n" + "pool\n");
        assertEquals(1, run.errors());
        assertTrue(run.output().startsWith("1: ok\n2: ok\n3: error unknown arch 'sparc'"), run.output());
        assertTrue(run.output().contains("(the current machine, if any, is kept)\n"), run.output());
        assertTrue(run.output().endsWith("4: mode 0x3\n5: free 53\n"), run.output());
    }

    @Test
    void aMalformedInitKeepsTheMachineAndAFailedInitLeavesNone() {
        Run run = text(INIT + "init arch=fake pool_pages=zz vms=1\n" + "pool\n"
                + "init arch=fake pool_pages=4 vms=2\n" + "pool\n");
        assertEquals("1: ok\n2: error bad number for 'pool_pages': 'zz' (want 0x hexadecimal or decimal, unsigned 64-bit)\n"
                + "3: free 55\n4: fail\n5: error no machine: 'pool' needs a successful init first\n", run.output());
    }

    @Test
    void anUnknownArchKeepsAPendingPrepareToo() {
        Run run = text(INIT + "prepare 1 0x200000 0x201000 0x3\n" + "init arch=sparc pool_pages=64 vms=1\n"
                + "commit 1 0x200000 0x201000 0x3\n");
        assertTrue(run.output().endsWith("4: ok\n"), run.output());
    }

    @Test
    void aPoolLargerThanAnyHeapCostsOnlyTheTablesItsPagesHold() {
        // 2^35 pages: representable below 2^48; 128 TiB of tables would fit no heap, but the
        // tables are counted as they are made (MemshareCommandTest runs one out of heap).
        Run run = text(INIT + "init arch=fake pool_pages=34359738368 vms=1\n" + "map 1 0x40000000 0x40001000 0x3\n"
                + "pool\n");
        assertEquals(0, run.errors(), run.output());
        assertTrue(run.output().endsWith("2: ok\n3: ok\n4: free 34359738361\n"), run.output());
    }

    @Test
    void aPoolPastWhatTheArchsEntriesHoldFailsInit() {
        // The pool starts at 2 GiB; 2^36 pages would end past 2^48, which no fake or aarch64 entry holds.
        for (String arch : new String[] {"fake", "aarch64 pa_bits=48"}) {
            Run run = text("init arch=" + arch + " pool_pages=68719476736 vms=1\npool\n");
            assertEquals("1: fail\n2: error no machine: 'pool' needs a successful init first\n", run.output());
        }
    }

    // (f) fake ignores pa_bits between 1 and 64; outside that range no arch is asked

    @ParameterizedTest
    @ValueSource(ints = {1, 12, 33, 40, 64})
    void fakeIgnoresAnyPaSizeAMachineCanHave(int paBits) {
        assertEquals("1: ok\n", text("init arch=fake pa_bits=" + paBits + " pool_pages=64 vms=1\n").output());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "65", "1000", "18446744073709551615"})
    void aPaSizeNoMachineCanHaveFailsOnEveryArch(String paBits) {
        for (String arch : new String[] {"fake", "aarch64"}) {
            Run run = text("init arch=" + arch + " pa_bits=" + paBits + " pool_pages=64 vms=1\n");
            assertEquals("1: fail\n", run.output());
            assertEquals(0, run.errors());
        }
    }

    // (b) decoding

    @Test
    void aByteThatIsNotUtf8IsAnErrorForItsLineOnly() {
        Run run = bytes(concat(INIT, "pool # caf", new byte[] {(byte) 0xe9}, "\n", "pool\n",
                new byte[] {(byte) 0xff}, "pool\n", "pool\n"));
        assertEquals("1: ok\n"
                + "2: error the line is not valid UTF-8: byte 0xe9 at column 11 (a trace is UTF-8 text, comments included)\n"
                + "3: free 55\n"
                + "4: error the line is not valid UTF-8: byte 0xff at column 1 (a trace is UTF-8 text, comments included)\n"
                + "5: free 55\n", run.output());
        assertEquals(2, run.errors());
    }

    @Test
    void validUtf8InACommentIsFine() {
        assertEquals("1: ok\n2: free 55\n", text(INIT + "pool # café, 日本, 🙂\n").output());
    }

    @Test
    void overlongEncodingsAndEncodedSurrogatesAreNotUtf8() {
        // C0 AF is an overlong '/', ED A0 80 an encoded surrogate: both are invalid UTF-8.
        Run run = bytes(concat(INIT, "# ", new byte[] {(byte) 0xc0, (byte) 0xaf}, "\n# ",
                new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, "\n", "pool\n"));
        assertTrue(run.output().contains("2: error the line is not valid UTF-8: byte 0xc0 at column 3"), run.output());
        assertTrue(run.output().contains("3: error the line is not valid UTF-8: byte 0xed at column 3"), run.output());
        assertTrue(run.output().endsWith("4: free 55\n"), run.output());
    }

    @Test
    void aByteOrderMarkOnLineOneIsIgnoredAndAnywhereElseIsAnError() {
        byte[] bom = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf};
        assertEquals("1: ok\n2: free 55\n", bytes(concat(bom, INIT, "pool\n")).output());
        Run run = bytes(concat(INIT, bom, "pool\n"));
        assertEquals("1: ok\n2: error unknown operation '\ufeffpool'\n", run.output());
    }

    @Test
    void onlyLfAndCrlfEndALine() {
        assertEquals("1: ok\n2: free 55\n3: free 55\n", text(INIT.replace("\n", "\r\n") + "pool\r\npool").output());
        Run run = text(INIT + "pool\rpool\n" + "pool\n");
        assertEquals("1: ok\n2: error a carriage return (CR) at column 5 does not end a line: lines end with LF or CRLF\n"
                + "3: free 55\n", run.output());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u0661\u0662", "\uff11", "0x\u0661", "0x\uff41", "\u0967"})
    void onlyAsciiDigitsMakeNumbers(String number) {
        Run run = text(INIT + "defrag " + number + "\n" + "pool pool=" + number + "\n");
        assertTrue(run.output().contains("2: error bad number for 'vm': '" + number + "'"), run.output());
    }

    @Test
    void onlyAsciiHexDigitsMakeSharebytes() {
        Run run = text(INIT + "sharebytes type=lend from=1 to=2 hex=\u0661\u0662\n"
                + "sharebytes type=lend from=1 to=2 hex=\uff41\uff41\n" + "sharebytes type=lend from=1 to=2 hex=AB\n");
        assertTrue(run.output().contains("2: error 'hex' has a character that is not a hex digit at 0"), run.output());
        assertTrue(run.output().contains("3: error 'hex' has a character that is not a hex digit at 0"), run.output());
        assertTrue(run.output().contains("4: INVALID_PARAMETERS bytes=ab\n"), run.output());
    }

    @Test
    void unicodeBlanksDoNotSeparateArguments() {
        Run run = text(INIT + "pool\u2003\n");
        assertEquals("1: ok\n2: error unknown operation 'pool\u2003'\n", run.output());
    }

    @Test
    void aLineOfExactlyTheLimitIsReadAndOneByteMoreIsNot() {
        // The line is read from the input buffer in pieces (64 KiB at a time): the limit holds
        // across them, counted in bytes before the line feed.
        byte[] atLimit = new byte[TraceLines.MAX_LINE_BYTES];
        java.util.Arrays.fill(atLimit, (byte) '#');
        byte[] overLimit = new byte[TraceLines.MAX_LINE_BYTES + 1];
        java.util.Arrays.fill(overLimit, (byte) '#');
        Run run = bytes(concat(INIT, atLimit, "\n", overLimit, "\npool\n"));
        assertEquals("1: ok\n3: error the line is longer than 1048576 bytes\n4: free 55\n", run.output());
    }

    @Test
    void anOverlongLineIsAnErrorAndIsNotHeld() {
        byte[] huge = new byte[TraceLines.MAX_LINE_BYTES + 10];
        java.util.Arrays.fill(huge, (byte) '#');
        Run run = bytes(concat(INIT, huge, "\npool\n"));
        assertEquals("1: ok\n2: error the line is longer than 1048576 bytes\n3: free 55\n", run.output());
    }

    // (c) streaming: a long trace runs in constant memory, output leaves line by line

    /** An endless-looking trace of {@code lines} pool lines after an init, made as it is read. */
    private static InputStream generated(long lines) {
        byte[] head = INIT.getBytes(StandardCharsets.US_ASCII);
        byte[] line = "pool\n".getBytes(StandardCharsets.US_ASCII);
        return new InputStream() {
            private long position;
            private final long size = head.length + lines * line.length;

            @Override
            public int read() {
                if (position >= size) {
                    return -1;
                }
                long p = position++;
                return p < head.length ? head[(int) p] : line[(int) ((p - head.length) % line.length)];
            }
        };
    }

    @Test
    void aReplayStreamsItsInputAndFlushesEachLinesOutputBeforeReadingTheNext() throws IOException {
        int[] flushedLines = {0};
        StringBuilder seen = new StringBuilder();
        Writer sink = new Writer() {
            @Override
            public void write(char[] buffer, int offset, int length) {
                seen.append(buffer, offset, length);
            }

            @Override
            public void flush() {
                flushedLines[0] = (int) seen.chars().filter(c -> c == '\n').count();
            }

            @Override
            public void close() {
            }
        };
        TraceReplayer replayer = new TraceReplayer(REGISTRY, sink);
        TraceLines lines = TraceLines.of(generated(3));
        for (ParsedLine line; (line = lines.next()) != null; ) {
            replayer.execute(line);
            replayer.flush();
            assertEquals(line.number(), flushedLines[0], "line " + line.number() + "'s output is flushed");
        }
        // And 300,000 lines (1.5 MB) replay without the trace ever being held: the sink counts only.
        long[] count = {0};
        Writer counting = new Writer() {
            @Override
            public void write(char[] buffer, int offset, int length) {
                for (int i = offset; i < offset + length; i++) {
                    count[0] += buffer[i] == '\n' ? 1 : 0;
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        assertEquals(0, new TraceReplayer(REGISTRY, counting).replay(generated(300_000)));
        assertEquals(300_001, count[0]);
    }

    @Test
    void aStreamedComparisonFindsTheFirstDifferenceWithContext() throws IOException {
        String trace = INIT + "pool\npool\nmap 1 0x200000 0x400000 0x7\npool\npool\n";
        String good = "1: ok\n2: free 55\n3: free 55\n4: ok\n5: free 54\n6: free 54\n";
        assertTrue(compare(trace, good).isEmpty());
        String bad = good.replace("5: free 54", "5: free 53");
        assertEquals(Comparison.firstDifference(bad, good), compare(trace, bad));
        assertEquals(new Comparison.Difference(5, java.util.Optional.of("5: free 53"), java.util.Optional.of("5: free 54"),
                Comparison.difference(bad, good).orElseThrow()), compare(trace, bad).orElseThrow());
        assertEquals(Comparison.firstDifference(good + "7: ok\n", good), compare(trace, good + "7: ok\n"));
        assertEquals(java.util.Optional.empty(), compare(trace, good + "7: ok\n").orElseThrow().actual());
        assertEquals(Comparison.firstDifference(good.substring(0, good.length() - 1), good),
                compare(trace, good.substring(0, good.length() - 1)));
        assertEquals(Comparison.firstDifference(good.replace("\n", "\r\n"), good), compare(trace, good.replace("\n", "\r\n")));
        assertEquals(0, compare(trace, good.replace("\n", "\r\n")).orElseThrow().outputLine());
        String shorter = "1: ok\n2: free 55\n";
        assertEquals(Comparison.firstDifference(shorter, good), compare(trace, shorter));
        assertEquals(java.util.Optional.empty(), compare(trace, shorter).orElseThrow().expected());
    }

    private static java.util.Optional<Comparison.Difference> compare(String trace, String expected) throws IOException {
        return Comparison.firstDifference(REGISTRY, org.memshare.api.policy.SharePolicyFactories.load(
                TraceEdgesTest.class.getClassLoader()), java.util.List.of(),
                new ByteArrayInputStream(trace.getBytes(StandardCharsets.UTF_8)), new java.io.StringReader(expected));
    }
}
