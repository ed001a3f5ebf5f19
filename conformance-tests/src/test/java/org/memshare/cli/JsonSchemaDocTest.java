package org.memshare.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/json.md and what {@code --json} writes agree: every object has exactly the fields its
 * table documents, in that order (replay lines of every kind, decoded and undecoded descriptors,
 * check results; {@link CorpusExplainJsonTest} checks every line of the corpora too), and the
 * example in the docs is what replay writes for its trace.
 */
class JsonSchemaDocTest {
    private static final Path DOC = Path.of(System.getProperty("basedir", ".")).resolve("../docs/json.md").normalize();
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern FIELD = Pattern.compile("^\\| `([a-zA-Z]+)` \\|");

    /** The field names of the table after the marker comment {@code <!-- NAME: ... -->}. */
    static List<String> documented(String marker) throws IOException {
        List<String> lines = Files.readAllLines(DOC);
        int at = 0;
        while (at < lines.size() && !lines.get(at).startsWith("<!-- " + marker + ":")) {
            at++;
        }
        assertTrue(at < lines.size(), "docs/json.md has no table marked " + marker);
        List<String> fields = new ArrayList<>();
        for (int i = at + 3; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            Matcher m = FIELD.matcher(lines.get(i));
            assertTrue(m.find(), "not a field row: " + lines.get(i));
            fields.add(m.group(1));
        }
        return fields;
    }

    static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    @Test
    void everyReplayLineAndDescriptorHasExactlyTheDocumentedFields() throws IOException {
        List<String> lineFields = documented("replay-fields");
        List<String> descriptorFields = documented("descriptor-fields");
        assertEquals(11, lineFields.size(), lineFields.toString());
        assertEquals(12, descriptorFields.size(), descriptorFields.toString());
        int decoded = 0;
        int undecoded = 0;
        String trace = """
                map 1 0x0 0x1000 0x7
                init arch=fake pool_pages=64 vms=2
                map 1 0x0 0x2000 0x7
                dump vm=1
                mode 1 0x0 0x1000
                pool
                read vm=1 addr=0x8
                write vm=2 addr=0x8 value=1
                share type=lend from=1 to=2 attrs=0x60 flags=1 c=0x0:1,0x1000:1
                sharebytes type=lend from=1 to=2 hex=00
                """;
        for (String line : CorpusExplainJsonTest.replay(trace, Json.lines()).split("\n")) {
            JsonNode node = MAPPER.readTree(line);
            assertEquals(lineFields, names(node), line);
            JsonNode descriptor = node.get("descriptor");
            if (descriptor.isNull()) {
                continue;
            }
            if (descriptor.get("decoded").asBoolean()) {
                assertEquals(descriptorFields, names(descriptor), line);
                decoded++;
            } else {
                // Only the fields before 'tag': the protocol, type, parties and 'decoded'.
                assertEquals(descriptorFields.subList(0, descriptorFields.indexOf("tag")), names(descriptor), line);
                undecoded++;
            }
        }
        assertEquals(1, decoded);
        assertEquals(1, undecoded);
    }

    @Test
    void everyFfaDescriptorHasExactlyTheDocumentedFieldsDecodedOrNot() throws IOException {
        List<String> fields = documented("ffa-descriptor-fields");
        assertEquals(24, fields.size(), fields.toString());
        String trace = """
                init arch=fake pool_pages=64 vms=2 ffa=1.2,1.0
                map 1 0x200000 0x210000 0x7
                mem_lend from=1 to=2 tag=0x3 c=0x200000:1
                mem_retrieve vm=2 handle=0x8000000000000000 from=1 type=lend tag=0x4
                mem_retrieve vm=2 handle=0x8000000000000000 from=1 type=lend tag=0x3
                mem_relinquish vm=2 hex=00
                mem_reclaim vm=1 handle=0x8000000000000000
                """;
        List<String> kinds = new ArrayList<>();
        for (String line : CorpusExplainJsonTest.replay(trace, Json.lines()).split("\n")) {
            JsonNode node = MAPPER.readTree(line);
            JsonNode descriptor = node.get("descriptor");
            if (!descriptor.isNull()) {
                assertEquals(fields, names(descriptor), line);
                kinds.add(descriptor.get("kind").asText() + (descriptor.get("decoded").asBoolean() ? "" : " rejected"));
            }
        }
        assertEquals(List.of("send", "retrieveRequest", "retrieveResponse", "relinquish rejected"), kinds);
    }

    @Test
    void everyCheckResultHasExactlyTheDocumentedFields(@TempDir Path dir) throws IOException {
        List<String> fields = documented("check-fields");
        Files.writeString(dir.resolve("pass.trace"), "init arch=fake pool_pages=64 vms=1\n");
        Files.writeString(dir.resolve("pass.expected"), "1: ok\n");
        Files.writeString(dir.resolve("fail.trace"), "init arch=fake pool_pages=64 vms=1\n");
        Files.writeString(dir.resolve("fail.expected"), "1: fail\n");
        Files.writeString(dir.resolve("skip.trace"), "init arch=fake pool_pages=64 vms=1\n");
        String[] lines = CliRun.run("check", "--json", dir.toString()).out().split("\n");
        assertEquals(4, lines.length);
        for (int i = 0; i < 3; i++) {
            assertEquals(fields, names(MAPPER.readTree(lines[i])), lines[i]);
        }
        assertEquals(List.of("summary"), names(MAPPER.readTree(lines[3])));
        assertEquals(List.of("passed", "failed", "skipped"), names(MAPPER.readTree(lines[3]).get("summary")));
    }

    @Test
    void theExampleInTheDocsIsWhatReplayWrites() throws IOException {
        String doc = Files.readString(DOC);
        int example = doc.indexOf("### Example");
        String trace = block(doc, "```\n", doc.indexOf("for the trace", example));
        String json = block(doc, "```json\n", example);
        // The docs break each object over lines that go on with a space; each object is one line.
        assertEquals(json.replace("\n ", ""), CorpusExplainJsonTest.replay(trace, Json.lines()));
    }

    /** The text of the first fenced block opening with {@code fence} after {@code from}. */
    private static String block(String doc, String fence, int from) {
        int begin = doc.indexOf(fence, from) + fence.length();
        return doc.substring(begin, doc.indexOf("```\n", begin));
    }
}
