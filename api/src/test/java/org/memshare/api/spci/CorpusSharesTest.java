package org.memshare.api.spci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Checks the codec against memory-sharing operations taken from the conformance corpus (see the
 * header of {@code corpus-shares.tsv}): encoding a {@code share} line gives Hafnium's bytes, every
 * descriptor Hafnium accepted decodes, and each descriptor is rejected for the rule the resource
 * names.
 */
class CorpusSharesTest {

    private record Example(String source, String line, String result, String verdict, byte[] region) {
        String operation() {
            return line.substring(0, line.indexOf(' '));
        }
    }

    private static List<Example> examples() throws IOException {
        List<Example> examples = new ArrayList<>();
        try (InputStream in = Objects.requireNonNull(
                CorpusSharesTest.class.getResourceAsStream("corpus-shares.tsv"), "corpus-shares.tsv is missing");
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                assertEquals(5, f.length, line);
                examples.add(new Example(f[0], f[1], f[2], f[3], RawRegion.hex(f[4])));
            }
        }
        return examples;
    }

    @Test
    void theResourceCoversEveryKindOfExample() throws IOException {
        Map<String, Integer> verdicts = new HashMap<>();
        long shares = 0;
        long accepted = 0;
        for (Example e : examples()) {
            verdicts.merge(e.verdict(), 1, Integer::sum);
            shares += e.operation().equals("share") ? 1 : 0;
            accepted += e.result().equals("SUCCESS") ? 1 : 0;
        }
        assertTrue(shares >= 50, "share lines: " + shares);
        assertTrue(accepted >= 20, "accepted: " + accepted);
        for (String verdict : List.of("ok", "short", "align", "offset", "size", "attribute_count", "empty",
                "unaligned", "wrap", "overlap")) {
            assertTrue(verdicts.getOrDefault(verdict, 0) > 0, "no example for " + verdict + ": " + verdicts);
        }
    }

    @TestFactory
    Stream<DynamicTest> shareLinesEncodeToHafniumsBytes() throws IOException {
        return examples().stream().filter(e -> e.operation().equals("share")).map(e -> dynamicTest(e.source(), () -> {
            Map<String, String> args = arguments(e.line());
            MemoryRegion region = MemoryRegion.of((int) number(args.getOrDefault("tag", "0")),
                    (int) number(args.getOrDefault("flags", "0")),
                    List.of(ReceiverAttributes.of((int) number(args.get("to")), (int) number(args.getOrDefault("attrs", "0")))),
                    constituents(args.get("c")));
            assertEquals(RawRegion.hex(e.region()), RawRegion.hex(MemoryRegionCodec.encode(region)), e.line());

            String type = args.get("type");
            int code = ShareType.fromTraceName(type).map(ShareType::code).orElseGet(() -> (int) number(type));
            byte[] message = MemoryRegionCodec.encodeMessage(code, region);
            assertEquals(RawRegion.hex(MemoryRegionCodec.message(code, e.region())), RawRegion.hex(message));
            assertEquals(code, MemoryRegionCodec.messageType(message).orElseThrow());
        }));
    }

    @TestFactory
    Stream<DynamicTest> descriptorsDecodeAsExpected() throws IOException {
        return examples().stream().map(e -> dynamicTest(e.source() + " " + e.verdict(), () -> {
            Decoded decoded = MemoryRegionCodec.decode(e.region());
            assertEquals(e.verdict(), ReferenceRules.verdict(e.region()), "the reference rules disagree");
            if (e.result().equals("SUCCESS") || e.verdict().equals("ok")) {
                assertEquals("ok", e.verdict(), "Hafnium accepted a descriptor the resource calls malformed");
                MemoryRegion region = assertInstanceOf(Decoded.Ok.class, decoded, e.line()).region();
                assertEquals(decoded, MemoryRegionCodec.decode(MemoryRegionCodec.encode(region)));
            } else {
                Decoded.Rejected rejected = assertInstanceOf(Decoded.Rejected.class, decoded, e.line());
                assertEquals(SpciError.INVALID_PARAMETERS, rejected.error());
                assertEquals(e.verdict(), ReferenceRules.verdictOf(rejected), rejected.reason());
            }
        }));
    }

    private static Map<String, String> arguments(String line) {
        Map<String, String> args = new HashMap<>();
        String[] words = line.trim().split(" +");
        for (int i = 1; i < words.length; i++) {
            int eq = words[i].indexOf('=');
            args.put(words[i].substring(0, eq), words[i].substring(eq + 1));
        }
        return args;
    }

    private static List<Constituent> constituents(String spec) {
        List<Constituent> constituents = new ArrayList<>();
        if (!spec.equals("none")) {
            for (String c : spec.split(",")) {
                int colon = c.indexOf(':');
                constituents.add(Constituent.of(number(c.substring(0, colon)), number(c.substring(colon + 1))));
            }
        }
        return constituents;
    }

    private static long number(String text) {
        return text.startsWith("0x") ? Long.parseUnsignedLong(text.substring(2), 16) : Long.parseUnsignedLong(text);
    }
}
