package org.memshare.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.memshare.engine.plugin.ArchRegistry;

/**
 * Whatever a trace says, the replay answers line by line and never throws: every output line
 * belongs to an input line, in order, and each malformed line is counted as an error.
 */
class ReplayRobustnessPropertyTest {
    private static final ArchRegistry REGISTRY = ArchRegistry.discover();

    private static final List<String> OPERATIONS = List.of("init", "map", "prepare", "commit", "unmap", "defrag",
            "mode", "dump", "pool", "share", "sharebytes", "access", "read", "write", "bogus", "");
    private static final List<String> KEYS = List.of("arch", "pa_bits", "pool_pages", "vms", "vm", "begin", "end",
            "mode", "type", "from", "to", "flags", "attrs", "tag", "c", "hex", "addr", "op", "value", "s1", "zz");

    @Provide
    Arbitrary<String> values() {
        return Arbitraries.oneOf(
                Arbitraries.of("fake", "aarch64", "sparc", "s1", "none", "r", "w", "x", "lend", "donate", "share",
                        "relinquish", "0x", "-1", "", "0x1000:1,0x3000:2", "0x0:0", "12:zz", "ab", "abc"),
                Arbitraries.longs().map(v -> "0x" + Long.toHexString(v)),
                Arbitraries.integers().between(0, 70000).map(String::valueOf),
                Arbitraries.longs().between(0, 64).map(v -> "0x" + Long.toHexString(v << 21)),
                Arbitraries.strings().withCharRange('!', '~').ofMaxLength(12));
    }

    @Provide
    Arbitrary<String> lines() {
        Arbitrary<String> argument = Combinators.combine(Arbitraries.of(KEYS), values(), Arbitraries.integers()
                .between(0, 3)).as((key, value, shape) -> switch (shape) {
                    case 0 -> value;
                    case 1 -> key + "=";
                    default -> key + "=" + value;
                });
        Arbitrary<String> operation = Combinators.combine(Arbitraries.of(OPERATIONS),
                argument.list().ofMaxSize(8)).as((op, args) -> (op + " " + String.join(" ", args)).strip());
        return Arbitraries.oneOf(operation, Arbitraries.of("# comment", "", "   ",
                "init arch=fake pool_pages=64 vms=3", "init arch=aarch64 pa_bits=32 pool_pages=64 vms=3",
                "map 1 0x40000000 0x40400000 0x7", "share type=lend from=1 to=2 attrs=0x60 c=0x40000000:4"));
    }

    @Property(tries = 300)
    void anyTraceReplaysWithoutThrowingAndAnswersInLineOrder(@ForAll("traces") List<String> trace) {
        StringWriter out = new StringWriter();
        int errors = new TraceReplayer(REGISTRY, out).replay(TraceParser.parseAll(trace));
        int lastLine = 0;
        int errorLines = 0;
        for (String line : out.toString().lines().toList()) {
            int colon = line.indexOf(": ");
            assertTrue(colon > 0, () -> "no line-number prefix: " + line);
            int number = Integer.parseInt(line.substring(0, colon));
            assertTrue(number >= lastLine && number <= trace.size(), () -> "out of order: " + line);
            lastLine = number;
            if (line.substring(colon + 2).startsWith("error ")) {
                errorLines++;
            }
        }
        assertEquals(errors, errorLines);
    }

    @Provide
    Arbitrary<List<String>> traces() {
        return lines().list().ofMaxSize(25).map(body -> {
            List<String> trace = new ArrayList<>();
            trace.add("init arch=fake pool_pages=128 vms=3");
            trace.addAll(body);
            return trace;
        });
    }
}
