package org.memshare.cli.map;

import java.util.ArrayList;
import java.util.List;
import org.memshare.api.addr.Addresses;
import org.memshare.api.arch.PageTableFormat;
import org.memshare.engine.mm.EntryVisitor;
import org.memshare.engine.mm.PageTable;

/**
 * Reads a stage-2 table through the engine's public walk ({@link PageTable#visit}, what
 * {@code dump} prints) into {@link Item}s in walk order. Leaves are gathered into runs: neighbours
 * of one level and one mode in the same table, so a VM with a gigabyte of pages costs a few items.
 */
final class TableReader {
    /** Entries visited so far, counted for the map's walk budget. */
    private long visited;

    long visited() {
        return visited;
    }

    List<Item> read(PageTable table) {
        Reading reading = new Reading(table.format());
        // Every walk looks at each root entry, present or not.
        visited += (long) table.rootTableCount() * Addresses.ENTRIES_PER_TABLE;
        table.visit(reading);
        reading.close();
        visited += reading.visited;
        return reading.items;
    }

    /** One walk: the run of leaves being gathered is kept open until an entry does not extend it. */
    private static final class Reading implements EntryVisitor {
        private final PageTableFormat format;
        private final List<Item> items = new ArrayList<>();
        private long visited;
        private boolean open;
        private int level;
        private long begin;
        private long pages;
        private int mode;
        /** The last attributes converted, and their mode: neighbouring entries mostly share them. */
        private long lastAttrs = -1;
        private int lastMode;

        Reading(PageTableFormat format) {
            this.format = format;
        }

        @Override
        public void visit(int entryLevel, long address, long pte, Kind kind) {
            visited++;
            long page = address >>> Addresses.PAGE_BITS;
            if (kind == Kind.BLOCK) {
                long attrs = format.attrs(pte, entryLevel);
                if (attrs != lastAttrs) {
                    lastAttrs = attrs;
                    lastMode = format.stage2AttrsToMode(attrs);
                }
                int entryMode = lastMode;
                // A run ends at the end of its table: the first entry of a table starts a new one.
                if (open && entryLevel == level && entryMode == mode && begin + pages == page
                        && page % Item.entryPages(entryLevel + 1) != 0) {
                    pages += Item.entryPages(entryLevel);
                    return;
                }
                close();
                open = true;
                level = entryLevel;
                begin = page;
                pages = Item.entryPages(entryLevel);
                mode = entryMode;
                return;
            }
            close();
            items.add(new Item(kind == Kind.TABLE ? Item.TABLE : Item.OTHER, entryLevel, page,
                    Item.entryPages(entryLevel), 0));
        }

        void close() {
            if (open) {
                items.add(new Item(Item.LEAVES, level, begin, pages, mode));
                open = false;
            }
        }
    }
}
