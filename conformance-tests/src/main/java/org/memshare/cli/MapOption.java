package org.memshare.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.memshare.cli.map.OwnershipMap;
import picocli.CommandLine.Option;

/** The {@code --html OUT} option of replay: the ownership map of the trace, as one page. */
final class MapOption {

    @Option(names = "--html", paramLabel = "OUT", description = {"Also write the trace's ownership map to OUT: one"
            + " self-contained HTML page with every VM's address space coloured by ownership state, the page-table"
            + " tree and a slider over the operations (docs/traces.md, \"The ownership map\"). The output is"
            + " unchanged."})
    Path html;

    /**
     * The map to record ({@link OwnershipMap#none()} without {@code --html}); the file is created
     * now, so a path that cannot be written fails before the replay.
     *
     * @throws CliException if OUT cannot be written
     */
    OwnershipMap open(String traceName) {
        if (html == null) {
            return OwnershipMap.none();
        }
        try {
            return OwnershipMap.open(html, traceName);
        } catch (IOException e) {
            throw new CliException("cannot write " + html + ": " + Failures.describe(e), e);
        }
    }

    /**
     * Writes the page after the replay.
     *
     * @throws CliException if it cannot be written
     */
    void write(OwnershipMap map) {
        try {
            map.write();
        } catch (IOException e) {
            throw new CliException("cannot write " + html + ": " + Failures.describe(e), e);
        }
    }
}
