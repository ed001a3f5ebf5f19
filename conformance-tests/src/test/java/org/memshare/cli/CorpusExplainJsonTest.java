package org.memshare.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.memshare.api.ffa.FfaError;
import org.memshare.api.policy.SharePolicyFactories;
import org.memshare.engine.ffa.FfaCheck;
import org.memshare.engine.plugin.ArchRegistry;
import org.memshare.kit.ffa.RandomFfaTraces;
import org.memshare.trace.Corpus;
import org.memshare.trace.CorpusCase;
import org.memshare.trace.LineFormat;
import org.memshare.trace.TraceReplayer;

/**
 * {@code --explain} and {@code --json} on every trace of the bundled corpus and of the hostile
 * corpus: the explained output, its comments dropped, and the JSON's {@code text} fields, joined,
 * are each the expected canonical output byte for byte; every JSON line parses and has the fields
 * docs/json.md documents; every refusal, failure and fault has a reason, and every share a
 * descriptor. FF-A traces (the docs' worked example and random ones from the kit) keep the same
 * promises against their canonical replay, every FF-A error has its check and every line's bytes
 * their FF-A descriptor. (Without either flag, {@code BundledCorpusTest} and {@code memshare check} hold the
 * corpus to its expected output.)
 */
class CorpusExplainJsonTest {
    private static final ArchRegistry REGISTRY = ArchRegistry.discover();
    private static final SharePolicyFactories POLICIES = SharePolicyFactories.load(CorpusExplainJsonTest.class.getClassLoader());
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> SHARES = Set.of("share", "sharebytes");
    private static final Path DOCS = Path.of(System.getProperty("basedir", ".")).resolve("../docs").normalize();
    private static final Set<String> FFA_OPS = Set.of("ffa_version", "mem_donate", "mem_lend", "mem_share", "mem_send",
            "mem_frag_tx", "mem_retrieve", "mem_frag_rx", "rx_release", "mem_relinquish", "mem_reclaim");

    private static List<CorpusCase> cases;

    @BeforeAll
    static void load() throws IOException, URISyntaxException {
        cases = new ArrayList<>(Corpus.bundled());
        assertEquals(48, cases.size(), "the bundled corpus");
        cases.addAll(Corpus.directory(Path.of(CorpusExplainJsonTest.class.getResource("/hostile").toURI())));
        assertTrue(cases.size() >= 58, "with the hostile corpus: " + cases.size());
    }

    static String replay(String trace, LineFormat format) throws IOException {
        StringWriter out = new StringWriter();
        new TraceReplayer(REGISTRY, out, null, POLICIES, List.of(), format).replay(new StringReader(trace));
        return out.toString();
    }

    /** Whether a result with this outcome must carry a reason. */
    private static boolean needsReason(String op, String outcome) {
        return outcome.equals("fail") || outcome.equals("fault") || SHARES.contains(op) && !outcome.equals("SUCCESS");
    }

    @Test
    void theJsonOfEveryTraceParsesAndItsTextsAreTheExpectedOutput() throws IOException {
        List<String> fields = JsonSchemaDocTest.documented("replay-fields");
        int reasons = 0;
        int descriptors = 0;
        for (CorpusCase c : cases) {
            String json = replay(c.trace(), Json.lines());
            StringBuilder texts = new StringBuilder();
            for (String line : json.split("\n")) {
                JsonNode node = MAPPER.readTree(line);
                assertTrue(node.isObject(), c.name() + ": " + line);
                assertEquals(fields, JsonSchemaDocTest.names(node), c.name() + ": " + line);
                String text = node.get("text").asText();
                texts.append(text).append('\n');
                assertTrue(text.startsWith(node.get("line").asInt() + ": "), c.name() + ": " + line);
                String kind = node.get("kind").asText();
                String outcome = node.get("outcome").asText();
                if (kind.equals("error")) {
                    assertEquals(text, node.get("line").asInt() + ": error " + node.get("error").asText(), c.name());
                    continue;
                }
                String op = node.get("op").asText();
                assertTrue(node.get("args").isObject(), c.name() + ": " + line);
                if (kind.equals("result") && needsReason(op, outcome)) {
                    assertTrue(node.get("reason").isTextual() && !node.get("reason").asText().isEmpty(),
                            c.name() + ": no reason in " + line);
                    reasons++;
                } else {
                    assertTrue(node.get("reason").isNull(), c.name() + ": a reason where none belongs: " + line);
                }
                if (kind.equals("result") && SHARES.contains(op)) {
                    JsonNode descriptor = node.get("descriptor");
                    assertEquals("spci", descriptor.get("protocol").asText(), line);
                    assertEquals(node.get("args").get("from").asInt(), descriptor.get("from").asInt(), line);
                    if (op.equals("share")) {
                        assertTrue(descriptor.get("decoded").asBoolean(), line);
                        assertEquals(node.get("args").get("c").size(), descriptor.get("constituents").size(), line);
                    }
                    descriptors++;
                } else {
                    assertTrue(node.get("descriptor").isNull(), line);
                }
                if (outcome.equals("free")) {
                    assertTrue(node.get("value").isIntegralNumber(), line);
                } else if (outcome.equals("mode") || outcome.equals("value")) {
                    assertTrue(node.get("value").asText().startsWith("0x"), line);
                }
            }
            assertEquals(c.expected(), texts.toString(), c.name() + ": the texts, joined, are not the canonical output");
        }
        assertTrue(reasons > 300, "only " + reasons + " reasons in the corpora");
        assertTrue(descriptors > 300, "only " + descriptors + " share descriptors in the corpora");
    }

    @Test
    void theExplainedOutputOfEveryTraceIsTheExpectedOneWithComments() throws IOException {
        int comments = 0;
        for (CorpusCase c : cases) {
            String explained = replay(c.trace(), LineFormat.explained());
            assertEquals(c.expected(), strip(explained), c.name() + ": the explained output, its comments dropped");
            String previous = null;
            for (String line : explained.split("\n")) {
                if (line.startsWith("#")) {
                    assertTrue(previous != null && previous.contains(" bytes="), c.name() + ": '" + line
                            + "' does not follow a share");
                    continue;
                }
                String result = line.substring(line.indexOf(": ") + 2);
                boolean refused = result.startsWith("fail") || result.startsWith("fault")
                        || result.contains(" bytes=") && !result.startsWith("SUCCESS");
                assertEquals(refused, line.contains(" # "), c.name() + ": " + line);
                comments += refused ? 1 : 0;
                previous = line;
            }
        }
        assertTrue(comments > 300, "only " + comments + " explained lines in the corpora");
    }

    /**
     * FF-A traces: the worked example of docs/traces.md and random ones from the kit (the
     * differential's settings, and more mutated with more hostile bytes). There is no expected
     * file: the canonical replay is the reference.
     */
    static List<String> ffaTraces() throws IOException {
        List<String> traces = new ArrayList<>();
        String doc = Files.readString(DOCS.resolve("traces.md"));
        int example = doc.indexOf("```\n", doc.indexOf("A worked example:")) + 4;
        traces.add(doc.substring(example, doc.indexOf("```", example)));
        RandomFfaTraces standard = new RandomFfaTraces(RandomFfaTraces.Settings.standard());
        RandomFfaTraces hostile = new RandomFfaTraces(new RandomFfaTraces.Settings(60, 2, 2, 0, true, true));
        for (long seed = 1; seed <= 40; seed++) {
            traces.add(String.join("\n", standard.trace(seed)) + "\n");
            traces.add(String.join("\n", hostile.trace(seed)) + "\n");
        }
        return traces;
    }

    @Test
    void theExplainedFfaExampleOfTheDocsIsWhatExplainPrints() throws IOException {
        String doc = Files.readString(DOCS.resolve("traces.md"));
        int at = doc.indexOf("```\n", doc.indexOf("The worked example above, with `memshare replay --explain`:")) + 4;
        assertEquals(replay(ffaTraces().get(0), LineFormat.explained()), doc.substring(at, doc.indexOf("```", at)));
    }

    @Test
    void ffaTracesExplainedAndInJsonAreTheCanonicalOutputWithReasonsChecksAndDescriptors() throws IOException {
        List<String> lineFields = JsonSchemaDocTest.documented("replay-fields");
        List<String> descriptorFields = JsonSchemaDocTest.documented("ffa-descriptor-fields");
        Set<String> errors = new HashSet<>();
        for (FfaError e : FfaError.values()) {
            errors.add(e.name());
        }
        int reasons = 0;
        int descriptors = 0;
        int rejected = 0;
        int responses = 0;
        int fragments = 0;
        List<String> traces = ffaTraces();
        for (int t = 0; t < traces.size(); t++) {
            String trace = traces.get(t);
            String name = "FF-A trace " + t;
            String canonical = replay(trace, null);
            String explained = replay(trace, LineFormat.explained());
            assertEquals(canonical, strip(explained), name + ": the explained output, its comments dropped");
            String previous = null;
            for (String line : explained.split("\n")) {
                if (line.startsWith("#")) {
                    assertTrue(previous != null && previous.matches("\\d+: (SUCCESS|MEM_|[A-Z_]+ bytes=|[A-Z_]+ # ).*"),
                            name + ": '" + line + "' does not follow an FF-A result: " + previous);
                    continue;
                }
                previous = line;
            }
            StringBuilder texts = new StringBuilder();
            for (String line : replay(trace, Json.lines()).split("\n")) {
                JsonNode node = MAPPER.readTree(line);
                assertEquals(lineFields, JsonSchemaDocTest.names(node), name + ": " + line);
                texts.append(node.get("text").asText()).append('\n');
                if (!node.get("kind").asText().equals("result") || !FFA_OPS.contains(node.get("op").asText())) {
                    continue;
                }
                String op = node.get("op").asText();
                String outcome = node.get("outcome").asText();
                assertTrue(node.get("args").isObject() && !node.get("args").toString().contains("[B@"), line);
                if (errors.contains(outcome)) {
                    String check = node.get("check").asText();
                    FfaCheck.valueOf(check); // a check's name, stable
                    assertTrue(node.get("reason").asText().startsWith(check + " ("), name + ": " + line);
                    reasons++;
                } else {
                    assertTrue(node.get("reason").isNull() && node.get("check").isNull(), name + ": " + line);
                }
                JsonNode descriptor = node.get("descriptor");
                boolean carriesBytes = node.get("text").asText().contains(" bytes=") || op.equals("mem_frag_tx");
                assertEquals(carriesBytes, !descriptor.isNull(), name + ": " + line);
                if (descriptor.isNull()) {
                    continue;
                }
                descriptors++;
                assertEquals(descriptorFields, JsonSchemaDocTest.names(descriptor), line);
                assertEquals("ffa", descriptor.get("protocol").asText());
                assertEquals(descriptor.get("decoded").asBoolean(), descriptor.get("rejection").isNull(), line);
                rejected += descriptor.get("decoded").asBoolean() ? 0 : 1;
                if (outcome.equals("MEM_RETRIEVE_RESP")) {
                    assertTrue(descriptor.get("decoded").asBoolean(), "a response the engine wrote decodes: " + line);
                    assertEquals("retrieveResponse", descriptor.get("kind").asText());
                    String fragment = node.get("text").asText().replaceAll(".* fragment=0x([0-9a-f]+) .*", "$1");
                    assertEquals(Long.parseLong(fragment, 16), descriptor.get("length").asLong(), line);
                    responses++;
                }
                if (outcome.equals("MEM_FRAG_TX")) {
                    assertEquals("retrieveFragment", descriptor.get("kind").asText());
                    fragments++;
                }
            }
            assertEquals(canonical, texts.toString(), name + ": the JSON texts, joined");
        }
        assertTrue(reasons > 300, "only " + reasons + " FF-A errors in the traces");
        assertTrue(descriptors > 1000, "only " + descriptors + " FF-A descriptors in the traces");
        assertTrue(rejected > 10, "only " + rejected + " descriptors the codec rejects");
        assertTrue(responses > 100, "only " + responses + " retrieve responses");
        assertTrue(fragments > 0, "no FRAG_RX fragment in the traces");
    }

    /** The explained output without its '#' lines and ' # ' comments: what LineFormat.explained() promises. */
    static String strip(String explained) {
        StringBuilder canonical = new StringBuilder();
        for (String line : explained.split("\n")) {
            if (!line.startsWith("#")) {
                int comment = line.indexOf(" # ");
                canonical.append(comment < 0 ? line : line.substring(0, comment)).append('\n');
            }
        }
        return canonical.toString();
    }
}
