package org.memshare.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Replay} used as a user's program would: a trace in, canonical output and a result out. */
class ReplayTest {

    private static final String POLICIES = """
            init arch=fake pool_pages=64 vms=3 policy=no-exec:3 policy=donate-needs-clear policy=lend-cap:16K
            map 1 0x200000 0x210000 0x7
            share type=lend from=1 to=3 attrs=0x60 c=0x200000:1
            share type=lend from=1 to=3 attrs=0x40 c=0x200000:1
            share type=donate from=1 to=2 attrs=0x40 c=0x201000:1
            share type=lend from=1 to=2 attrs=0x40 c=0x202000:4
            """;

    @Test
    void replaysAFileWithTheTracesOwnPolicies(@TempDir Path dir) throws IOException {
        Path trace = Files.writeString(dir.resolve("policies.trace"), POLICIES);
        StringWriter out = new StringWriter();
        Replay.Result result = Replay.standard().run(trace, out);

        String[] lines = out.toString().split("\n");
        assertEquals("1: ok", lines[0]);
        assertTrue(lines[2].startsWith("3: DENIED"), out.toString());
        assertTrue(lines[3].startsWith("4: SUCCESS"), out.toString());
        assertTrue(lines[4].startsWith("5: DENIED"), out.toString());
        assertTrue(lines[5].startsWith("6: DENIED"), out.toString());
        assertEquals(new Replay.Result(6, 0, true), result);
        assertTrue(result.ok());
    }

    @Test
    void policiesGivenInJavaAreAskedAsTheCommandLinesAre() throws IOException {
        String trace = """
                init arch=fake pool_pages=64 vms=3
                map 1 0x200000 0x210000 0x7
                share type=lend from=1 to=3 attrs=0x60 c=0x200000:1
                """;
        StringWriter plain = new StringWriter();
        Replay.standard().run(new StringReader(trace), plain);
        assertTrue(plain.toString().contains("3: SUCCESS"), plain.toString());

        StringWriter denied = new StringWriter();
        Replay.builder().policy("no-exec:3").build().run(new StringReader(trace), denied);
        assertTrue(denied.toString().contains("3: DENIED"), denied.toString());
    }

    @Test
    void errorsAndAMissingMachineAreReported() throws IOException {
        StringWriter out = new StringWriter();
        Replay.Result result = Replay.standard().run(new StringReader("map 1 0x0 0x1000 0x7\nbogus\n"), out);
        assertEquals(2, result.errors());
        assertFalse(result.machineMade());
        assertFalse(result.ok());
        assertEquals(2, result.lines());
        assertTrue(out.toString().startsWith("1: error "), out.toString());
    }

    @Test
    void theObserverSeesEveryOperationAndItsNotesArePrinted() throws IOException {
        StringWriter out = new StringWriter();
        Replay.builder()
                .observer((line, operation, result, machine, hypervisor) -> Optional.of("seen " + result))
                .build()
                .run(new StringReader("init arch=fake pool_pages=64 vms=1\n"), out);
        assertEquals("1: ok\n1: seen ok\n", out.toString());
    }

    @Test
    void anUnknownPolicyIsRefusedWhenBuilt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Replay.builder().policy("nope").build());
        assertTrue(e.getMessage().contains("no policy named 'nope'"), e.getMessage());
    }
}
