package org.memshare.engine.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.memshare.api.arch.Stage;
import org.memshare.api.mode.Mode;

/** {@link Walker}: which visits a range gets, in which order, and what SKIP and ABORT do. */
class WalkerTest extends PageTableTestSupport {

    private Walker walker;
    private final List<String> visits = new ArrayList<>();

    @BeforeEach
    void mapTwoPagesUnderOneLeafTable() {
        assertTrue(map(0, 2 * PAGE, Mode.R | Mode.W));
        walker = new Walker(FORMAT, new Geometry(FORMAT, Stage.STAGE2), memory, null, table.rootAddress());
    }

    /** A visitor that records its visits and answers as the walk would by default. */
    private final class Recorder implements TableVisitor {
        private final int flags;
        private final long answerAtPre;

        Recorder(int flags, long answerAtPre) {
            this.flags = flags;
            this.answerAtPre = answerAtPre;
        }

        @Override
        public int flags() {
            return flags;
        }

        @Override
        public long visit(int flag, long[] entries, int index, int level, long address, long end) {
            String name = flag == LEAF ? "leaf" : flag == TABLE_PRE ? "pre" : "post";
            visits.add(name + " L" + level + " 0x" + Long.toHexString(address));
            if (flag == TABLE_PRE) {
                return answerAtPre == 0 ? FORMAT.tableAddress(entries[index], level) : answerAtPre;
            }
            return SKIP;
        }
    }

    @Test
    void visitsLeavesInAddressOrderWithTablesBeforeAndAfterTheirEntries() {
        assertTrue(walker.walk(0, 3 * PAGE, new Recorder(TableVisitor.LEAF | TableVisitor.TABLE_PRE
                | TableVisitor.TABLE_POST, 0)));
        assertEquals(List.of("pre L2 0x0", "pre L1 0x0", "leaf L0 0x0", "leaf L0 0x1000", "leaf L0 0x2000",
                "post L1 0x0", "post L2 0x0"), visits);
    }

    @Test
    void startsPartWayIntoAnEntryAtTheRangesBegin() {
        assertTrue(walker.walk(PAGE, 2 * PAGE, new Recorder(TableVisitor.LEAF | TableVisitor.TABLE_PRE, 0)));
        assertEquals(List.of("pre L2 0x1000", "pre L1 0x1000", "leaf L0 0x1000"), visits);
    }

    @Test
    void skipAtATableNeitherEntersItNorVisitsItAfter() {
        assertTrue(walker.walk(0, PAGE, new Recorder(TableVisitor.LEAF | TableVisitor.TABLE_PRE
                | TableVisitor.TABLE_POST, TableVisitor.SKIP)));
        assertEquals(List.of("pre L2 0x0"), visits);
    }

    @Test
    void abortStopsTheWholeWalkAndReportsFailure() {
        assertFalse(walker.walk(0, 3 * PAGE, new Recorder(TableVisitor.LEAF | TableVisitor.TABLE_PRE
                | TableVisitor.TABLE_POST, TableVisitor.ABORT)));
        assertEquals(List.of("pre L2 0x0"), visits);
    }

    @Test
    void withoutTableVisitsItStillWalksIntoTables() {
        assertTrue(walker.walk(0, 2 * PAGE, new Recorder(TableVisitor.LEAF, 0)));
        assertEquals(List.of("leaf L0 0x0", "leaf L0 0x1000"), visits);
    }

    @Test
    void crossesRootTablesAtTheirBoundary() {
        long rootSpan = entrySize(3);
        assertTrue(walker.walk(rootSpan - entrySize(2), rootSpan + entrySize(2),
                new Recorder(TableVisitor.LEAF, 0)));
        assertEquals(List.of("leaf L2 0x" + Long.toHexString(rootSpan - entrySize(2)),
                "leaf L2 0x" + Long.toHexString(rootSpan)), visits);
    }

    @Test
    void readsScratchTablesThroughTheirSource() {
        ScratchTables scratch = new ScratchTables(memory, TOP_LEVEL);
        Arrays.fill(scratch.scratch(1), FORMAT.absentPte(1));
        Walker overScratch = new Walker(FORMAT, new Geometry(FORMAT, Stage.STAGE2), scratch, null, table.rootAddress());
        TableVisitor intoScratch = new TableVisitor() {
            @Override
            public int flags() {
                return LEAF | TABLE_PRE;
            }

            @Override
            public long visit(int flag, long[] entries, int index, int level, long address, long end) {
                visits.add((flag == LEAF ? "leaf" : "pre") + " L" + level);
                // Stand in for the table a real walk would put under the absent level-2 entry.
                return level == 2 ? ScratchTables.addressOf(1) : SKIP;
            }
        };
        long begin = 5 * entrySize(2);
        assertTrue(overScratch.walk(begin, begin + entrySize(1), intoScratch));
        assertEquals(List.of("leaf L2", "leaf L1"), visits);
        assertEquals(FORMAT.absentPte(2), root(0)[5], "the real entry is untouched");
    }
}
