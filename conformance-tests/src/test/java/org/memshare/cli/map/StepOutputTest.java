package org.memshare.cli.map;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.memshare.trace.Operation;

/** What each step shows of its output: the first lines, cut, and the count of the rest; the output itself passes unchanged. */
class StepOutputTest {

    @Test
    void aDumpShowsItsFirstLinesAndHowManyMore() {
        StepOutput output = new StepOutput();
        for (int i = 0; i < 10; i++) {
            output.begin(7);
            " entry".chars().forEach(c -> output.append((char) c));
        }
        List<String> lines = output.lines();
        assertEquals(StepOutput.MAX_LINES + 1, lines.size());
        assertEquals("7: entry", lines.get(0));
        assertEquals("… 6 more lines", lines.get(StepOutput.MAX_LINES));
    }

    @Test
    void aLongLineIsCut() {
        StepOutput output = new StepOutput();
        output.begin(3);
        " SUCCESS bytes=".concat("0".repeat(1000)).chars().forEach(c -> output.append((char) c));
        String line = output.lines().get(0);
        assertEquals(StepOutput.MAX_CHARS + 1, line.length());
        assertEquals('…', line.charAt(StepOutput.MAX_CHARS));
    }

    @Test
    void theOutputTapPassesEverythingAndSortsLinesByTheirNumber() throws IOException {
        Recorder recorder = new Recorder(line -> "op " + line);
        recorder.afterOperation(2, new Operation.Pool(), "free 1", null, null);
        recorder.afterOperation(3, new Operation.Pool(), "free 1", null, null);
        StringWriter out = new StringWriter();
        OutputTap tap = new OutputTap(out, recorder);
        String text = "2: free 1\n3: free 2\n3: model note\n4: error nope\nnot a line\n";
        tap.write(text.substring(0, 5));
        tap.append(text.substring(5, 12));
        tap.write(text.substring(12).toCharArray(), 0, text.length() - 12);
        assertEquals(text, out.toString());
        assertEquals(List.of("2: free 1"), recorder.steps().get(0).output.lines());
        assertEquals(List.of("3: free 2", "3: model note"), recorder.steps().get(1).output.lines());
    }
}
