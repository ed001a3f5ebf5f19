package org.memshare.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.memshare.engine.plugin.ArchRegistry;

/**
 * Our own hostile corpus ({@code src/test/resources/hostile}, written by {@code tools/hostile-corpus.py}):
 * wrapped counts and products, offsets past the end, every overlap arrangement, constituents at
 * the top of the address space, page counts summing past 2^32, truncated and overlong messages
 * and unknown types, on fake and aarch64. Each trace must replay byte for byte, and every refused
 * share must leave what the lines after it observe (dumps, modes, the pool) as it was before.
 */
class HostileCorpusTest {
    private static final ArchRegistry REGISTRY = ArchRegistry.discover();

    private static Path dir() throws URISyntaxException {
        return Path.of(HostileCorpusTest.class.getResource("/hostile").toURI());
    }

    @Test
    void everyHostileTraceReplaysAsExpected() throws Exception {
        List<Corpus.CaseFiles> cases = Corpus.files(dir());
        assertTrue(cases.size() >= 10, "the hostile corpus has " + cases.size() + " traces");
        int shares = 0;
        for (Corpus.CaseFiles c : cases) {
            try (InputStream trace = Files.newInputStream(c.trace());
                    Reader expected = new InputStreamReader(Files.newInputStream(c.expected()), StandardCharsets.UTF_8)) {
                Optional<String> difference = Comparison.compare(REGISTRY, trace, expected);
                assertTrue(difference.isEmpty(), c.name() + "\n" + difference.orElse(""));
            }
            shares += assertRefusedSharesChangeNothing(c);
        }
        assertTrue(shares >= 120, "only " + shares + " hostile shares");
        System.out.println("HostileCorpusTest: " + cases.size() + " traces, " + shares + " hostile shares");
    }

    /**
     * Walks a trace with its output: after every share that did not succeed, each observation
     * (dump, mode, pool) must print what the same observation printed last before it. Returns
     * the number of share lines.
     */
    private static int assertRefusedSharesChangeNothing(Corpus.CaseFiles c) throws IOException {
        List<String> trace = Files.readAllLines(c.trace());
        Map<Integer, List<String>> output = new HashMap<>();
        for (String line : Files.readAllLines(c.expected())) {
            int colon = line.indexOf(": ");
            output.computeIfAbsent(Integer.parseInt(line.substring(0, colon)), k -> new ArrayList<>())
                    .add(line.substring(colon + 2));
        }
        Map<String, List<String>> lastSeen = new LinkedHashMap<>();
        boolean afterRefusal = false;
        int shares = 0;
        int refused = 0;
        int checked = 0;
        for (int i = 0; i < trace.size(); i++) {
            String op = trace.get(i).strip();
            List<String> printed = output.getOrDefault(i + 1, List.of());
            if (op.startsWith("share")) {
                shares++;
                assertEquals(1, printed.size(), c.name() + ":" + (i + 1));
                afterRefusal = !printed.get(0).startsWith("SUCCESS ");
                refused += afterRefusal ? 1 : 0;
                assertTrue(afterRefusal || printed.get(0).startsWith("SUCCESS bytes="), printed.get(0));
            } else if (op.startsWith("dump") || op.startsWith("mode") || op.equals("pool")) {
                if (afterRefusal && lastSeen.containsKey(op)) {
                    assertEquals(lastSeen.get(op), printed, c.name() + ":" + (i + 1) + ": '" + op
                            + "' after a refused share differs from before it");
                    checked++;
                }
                lastSeen.put(op, printed);
            }
        }
        assertTrue(checked >= refused, c.name() + ": only " + checked + " observations checked after "
                + refused + " refused shares");
        return shares;
    }
}
