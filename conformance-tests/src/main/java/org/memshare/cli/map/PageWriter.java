package org.memshare.cli.map;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.memshare.api.mode.Mode;

/**
 * Writes the ownership map as one self-contained HTML page: the state after the last step drawn
 * in HTML and SVG (so the page shows something without its script, and tests can read it), the
 * recorded steps as JSON, and the script and style sheet inline. Nothing is loaded from anywhere.
 */
final class PageWriter {
    static final double LABEL_WIDTH = 96;
    static final double RULER_HEIGHT = 30;
    static final double BAND_HEIGHT = 26;
    static final double BAND_GAP = 10;
    /** The static tree shows at most this many entries; the script shows the rest. */
    static final int MAX_TREE_NODES = 3000;

    private final Recorder recorder;
    private final String title;
    private final Axis axis;
    private final List<Recorder.Step> steps;
    private final List<Integer> bands;

    PageWriter(Recorder recorder, String title) {
        this.recorder = recorder;
        this.title = title;
        this.steps = recorder.steps();
        long end = 0;
        for (Recorder.MachineInfo machine : recorder.machines()) {
            end = Math.max(end, machine.endPages());
        }
        this.axis = Axis.of(recorder.touched(), end);
        this.bands = recorder.bands();
    }

    Axis axis() {
        return axis;
    }

    void write(Writer out) throws IOException {
        StringBuilder page = new StringBuilder(1 << 16);
        int last = steps.size() - 1;
        Map<Integer, List<Item>> state = last < 0 ? Map.of() : States.after(steps, last);
        Recorder.MachineInfo machine = last < 0 || steps.get(last).machine < 0 ? null
                : recorder.machines().get(steps.get(last).machine);
        int defaultVm = bands.isEmpty() ? 0 : bands.get(0);

        page.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<meta name=\"generator\" content=\"memshare replay --html\">\n<title>Ownership map: ");
        Text.html(page, title).append("</title>\n<style>\n").append(resource("map.css")).append("</style>\n</head>\n");
        page.append("<body data-map-state=\"static\">\n");
        header(page);
        controls(page, last);
        page.append("<section id=\"map\">\n<div class=\"row\"><button id=\"zoom-all\" type=\"button\">whole space</button>")
                .append("<button id=\"zoom-out\" type=\"button\" title=\"zoom out (-)\">\u2212</button>")
                .append("<button id=\"zoom-in\" type=\"button\" title=\"zoom in (+)\">+</button>")
                .append("<span id=\"view-label\"></span></div>\n");
        legend(page);
        page.append("<div id=\"bands-box\">");
        svg(page, state, machine);
        page.append("<div id=\"tip\" hidden></div></div>\n<p class=\"hint\">Wheel or + and \u2212 to zoom, drag to pan,"
                + " double-click to zoom in there, click a band to show that VM's page table. Gaps (\u2248) are address"
                + " ranges no VM ever held; each is drawn the same width whatever its size. Inside a segment the scale"
                + " is linear, so a page has the same place in every band.</p>\n");
        page.append("<table id=\"counts\"></table>\n</section>\n");
        page.append("<section id=\"tree\">\n<h2>Page table of <select id=\"tree-vm\">");
        for (int vm : bands) {
            page.append("<option value=\"").append(vm).append('"').append(vm == defaultVm ? " selected" : "")
                    .append(">VM ").append(vm).append("</option>");
        }
        page.append("</select></h2>\n<div id=\"tree-root\">");
        tree(page, state.getOrDefault(defaultVm, List.of()), machine, defaultVm);
        page.append("</div>\n</section>\n");
        page.append("<script type=\"application/json\" id=\"map-data\">");
        data(page, defaultVm);
        page.append("</script>\n<script>\n").append(resource("map.js")).append("</script>\n</body>\n</html>\n");
        out.write(page.toString());
    }

    private void header(StringBuilder page) {
        page.append("<header>\n<h1>Ownership map <span class=\"trace\">");
        Text.html(page, title).append("</span></h1>\n<p id=\"summary\">");
        int operations = 0;
        for (Recorder.Step step : steps) {
            operations += step.operations;
        }
        page.append(operations).append(operations == 1 ? " operation" : " operations");
        if (!steps.isEmpty()) {
            page.append(" (lines ").append(steps.get(0).line).append('\u2013').append(steps.get(steps.size() - 1).lastLine)
                    .append(')');
        }
        for (Recorder.MachineInfo machine : recorder.machines()) {
            page.append(" \u00b7 ");
            Text.html(page, machine.arch()).append(", ").append(machine.paBits()).append("-bit PA, ")
                    .append(machine.vms()).append(machine.vms() == 1 ? " VM" : " VMs");
        }
        page.append("</p>\n");
        for (String note : notes()) {
            page.append("<p class=\"note\">");
            Text.html(page, note).append("</p>\n");
        }
        page.append("<noscript><p class=\"note\">Without JavaScript the page shows the state after the last operation"
                + " only.</p></noscript>\n</header>\n");
    }

    private List<String> notes() {
        List<String> notes = new ArrayList<>();
        if (recorder.capped() != null) {
            Recorder.Step summary = steps.get(steps.size() - 1);
            notes.add("This map is summarised: " + recorder.capped() + ", so the map records operations one by one only"
                    + " up to line " + (steps.size() > 1 ? steps.get(steps.size() - 2).line : 0) + ". The other "
                    + summary.operations + " operations (lines " + summary.line + "\u2013" + summary.lastLine
                    + ") are its last step, which shows the state after the last of them. The replay's output is"
                    + " complete.");
        }
        if (recorder.maxVms() > bands.size()) {
            notes.add("Only " + bands.size() + " of " + recorder.maxVms() + " VMs have a band: VMs 1 to "
                    + Recorder.ALL_VMS_UP_TO + " and those whose tables ever held an entry.");
        }
        return notes;
    }

    private void controls(StringBuilder page, int last) {
        int count = steps.size();
        page.append("<section id=\"controls\">\n<div class=\"row\">")
                .append("<button id=\"prev\" type=\"button\" title=\"previous operation\">\u25c0</button>")
                .append("<input id=\"step\" type=\"range\" min=\"").append(count == 0 ? 0 : 1).append("\" max=\"")
                .append(count).append("\" value=\"").append(count).append("\" step=\"1\" aria-label=\"operation\"")
                .append(count == 0 ? " disabled" : "").append('>')
                .append("<button id=\"next\" type=\"button\" title=\"next operation\">\u25b6</button>")
                .append("<span id=\"step-label\">");
        page.append(count == 0 ? "no operation ran" : "after operation " + count + " of " + count);
        page.append("</span></div>\n<div id=\"op\"><div><span id=\"op-line\">");
        if (last >= 0) {
            Recorder.Step step = steps.get(last);
            page.append(step.summary() ? "lines " + step.line + "\u2013" + step.lastLine : "line " + step.line);
            page.append("</span> <code id=\"op-text\">");
            Text.html(page, stepText(step));
            page.append("</code></div><pre id=\"op-output\">");
            Text.html(page, String.join("\n", step.output.lines()));
            page.append("</pre></div>\n");
        } else {
            page.append("</span> <code id=\"op-text\"></code></div><pre id=\"op-output\"></pre></div>\n");
        }
        page.append("</section>\n");
    }

    private static String stepText(Recorder.Step step) {
        return step.summary() ? step.operations + " operations, summarised (from: " + step.text + ")" : step.text;
    }

    private static void legend(StringBuilder page) {
        page.append("<ul id=\"legend\">");
        for (OwnershipState state : OwnershipState.values()) {
            page.append("<li data-state=\"").append(state.ordinal()).append("\" title=\"");
            Text.html(page, state.about()).append("\"><span class=\"sw\" style=\"background:").append(state.colour())
                    .append("\"></span>");
            Text.html(page, state.label()).append("</li>");
        }
        page.append("</ul>\n");
    }

    private void svg(StringBuilder page, Map<Integer, List<Item>> state, Recorder.MachineInfo machine) {
        double width = LABEL_WIDTH + Bands.VIEW_WIDTH + 10;
        double height = RULER_HEIGHT + bands.size() * (BAND_HEIGHT + BAND_GAP) + 4;
        double scale = Bands.VIEW_WIDTH / axis.width();
        page.append("<svg id=\"bands\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"").append(Text.coordinate(-LABEL_WIDTH))
                .append(" 0 ").append(Text.coordinate(width)).append(' ').append(Text.coordinate(height))
                .append("\" preserveAspectRatio=\"xMinYMin meet\">");
        page.append("<g id=\"ruler\">");
        double lastLabel = Double.NEGATIVE_INFINITY;
        for (Axis.Piece piece : axis.pieces()) {
            double x = piece.x() * scale;
            if (piece.gap()) {
                continue;
            }
            page.append("<line x1=\"").append(Text.coordinate(x)).append("\" x2=\"").append(Text.coordinate(x))
                    .append("\" y1=\"").append(Text.coordinate(RULER_HEIGHT - 8)).append("\" y2=\"")
                    .append(Text.coordinate(RULER_HEIGHT - 2)).append("\"/>");
            if (x - lastLabel >= 80) {
                page.append("<text x=\"").append(Text.coordinate(x)).append("\" y=\"").append(Text.coordinate(RULER_HEIGHT - 12))
                        .append("\">").append(Text.address(piece.begin())).append("</text>");
                lastLabel = x;
            }
        }
        page.append("</g>");
        for (int i = 0; i < bands.size(); i++) {
            int vm = bands.get(i);
            double y = RULER_HEIGHT + i * (BAND_HEIGHT + BAND_GAP);
            boolean present = machine != null && vm <= machine.vms();
            page.append("<g class=\"band\" data-vm=\"").append(vm).append("\" data-present=\"").append(present ? 1 : 0)
                    .append("\"><text class=\"label\" x=\"").append(Text.coordinate(-LABEL_WIDTH + 6)).append("\" y=\"")
                    .append(Text.coordinate(y + BAND_HEIGHT / 2 + 5)).append("\">VM ").append(vm).append("</text>");
            for (Axis.Piece piece : axis.pieces()) {
                if (!piece.gap()) {
                    rect(page, "bg", piece.x() * scale, y, piece.width() * scale, BAND_HEIGHT,
                            present ? OwnershipState.UNMAPPED.colour() : "#ffffff");
                }
            }
            for (Bands.Rect rect : Bands.rects(state.getOrDefault(vm, List.of()), axis, 0, axis.width())) {
                page.append("<rect class=\"run\" x=\"").append(Text.coordinate(rect.x())).append("\" y=\"")
                        .append(Text.coordinate(y)).append("\" width=\"").append(Text.coordinate(rect.width()))
                        .append("\" height=\"").append(Text.coordinate(BAND_HEIGHT)).append("\" fill=\"")
                        .append(rect.state().colour()).append("\" data-state=\"").append(rect.state().ordinal())
                        .append("\" data-begin=\"").append(Text.address(rect.begin())).append("\" data-end=\"")
                        .append(Text.address(rect.end())).append('"');
                if (rect.mixed()) {
                    page.append(" data-states=\"");
                    String sep = "";
                    for (OwnershipState s : rect.states()) {
                        page.append(sep).append(s.ordinal());
                        sep = ",";
                    }
                    page.append('"');
                }
                page.append("/>");
            }
            page.append("</g>");
        }
        double top = RULER_HEIGHT - 4;
        double bottom = RULER_HEIGHT + bands.size() * (BAND_HEIGHT + BAND_GAP) - BAND_GAP + 4;
        page.append("<g id=\"gaps\">");
        for (Axis.Piece piece : axis.pieces()) {
            if (piece.gap()) {
                double x = piece.x() * scale;
                double w = piece.width() * scale;
                page.append("<g class=\"gap\" data-begin=\"").append(Text.address(piece.begin())).append("\" data-end=\"")
                        .append(Text.address(piece.end())).append("\"><title>").append(Text.address(piece.begin()))
                        .append('\u2013').append(Text.address(piece.end())).append(": ").append(Text.size(piece.pages()))
                        .append(" no VM held</title>");
                rect(page, "gap-bg", x, top, w, bottom - top, "#ffffff");
                page.append("<text x=\"").append(Text.coordinate(x + w / 2)).append("\" y=\"")
                        .append(Text.coordinate((top + bottom) / 2 + 5)).append("\">\u2248</text></g>");
            }
        }
        page.append("</g><line id=\"guide\" x1=\"0\" x2=\"0\" y1=\"").append(Text.coordinate(top)).append("\" y2=\"")
                .append(Text.coordinate(bottom)).append("\" visibility=\"hidden\"/></svg>");
    }

    private static void rect(StringBuilder page, String cls, double x, double y, double w, double h, String fill) {
        page.append("<rect class=\"").append(cls).append("\" x=\"").append(Text.coordinate(x)).append("\" y=\"")
                .append(Text.coordinate(y)).append("\" width=\"").append(Text.coordinate(w)).append("\" height=\"")
                .append(Text.coordinate(h)).append("\" fill=\"").append(fill).append("\"/>");
    }

    // ------------------------------------------------------------------ the tree

    /** One table (or root table) of the tree with what it holds. */
    private static final class Node {
        final Item item;
        final List<Object> children = new ArrayList<>();

        Node(Item item) {
            this.item = item;
        }
    }

    private void tree(StringBuilder page, List<Item> items, Recorder.MachineInfo machine, int vm) {
        if (machine == null || vm > machine.vms()) {
            page.append("<p class=\"none\">").append(machine == null ? "No machine" : "This machine has no VM " + vm)
                    .append(" after this operation.</p>");
            return;
        }
        List<Node> roots = nest(items, machine);
        int[] budget = {MAX_TREE_NODES};
        page.append("<p class=\"tree-head\">VM ").append(vm).append(": stage 2, root level ").append(machine.maxLevel())
                .append(", ").append(machine.rootTables()).append(machine.rootTables() == 1 ? " root table" : " root tables")
                .append(", ").append(count(items, Item.TABLE)).append(" tables below the root</p>");
        for (Node root : roots) {
            node(page, root, budget, machine);
        }
        if (budget[0] < 0) {
            page.append("<p class=\"note\">The tree has more than ").append(MAX_TREE_NODES)
                    .append(" entries; the page's script shows them all.</p>");
        }
    }

    private static long count(List<Item> items, int kind) {
        return items.stream().filter(item -> item.kind() == kind).count();
    }

    /** The root tables, each with its entries nested under the tables that hold them. */
    static List<Node> nest(List<Item> items, Recorder.MachineInfo machine) {
        long span = Item.entryPages(machine.maxLevel() + 1);
        List<Node> roots = new ArrayList<>();
        for (int r = 0; r < machine.rootTables(); r++) {
            roots.add(new Node(new Item(Item.TABLE, machine.maxLevel() + 1, r * span, span, 0)));
        }
        List<Node> stack = new ArrayList<>();
        for (Item item : items) {
            int r = (int) Math.min(roots.size() - 1, item.begin() / span);
            if (stack.isEmpty() || stack.get(0) != roots.get(r)) {
                stack.clear();
                stack.add(roots.get(r));
            }
            while (stack.size() > 1 && !holds(stack.get(stack.size() - 1).item, item)) {
                stack.remove(stack.size() - 1);
            }
            Node parent = stack.get(stack.size() - 1);
            if (item.kind() == Item.TABLE) {
                Node node = new Node(item);
                parent.children.add(node);
                stack.add(node);
            } else {
                parent.children.add(item);
            }
        }
        return roots;
    }

    private static boolean holds(Item table, Item item) {
        return item.level() < table.level() && item.begin() >= table.begin() && item.begin() < table.end();
    }

    private static long entries(Node node) {
        long n = 0;
        for (Object child : node.children) {
            n += child instanceof Item item && item.kind() == Item.LEAVES ? item.pages() / Item.entryPages(item.level()) : 1;
        }
        return n;
    }

    private static void node(StringBuilder page, Node node, int[] budget, Recorder.MachineInfo machine) {
        if (--budget[0] < 0) {
            return;
        }
        boolean root = node.item.level() > machine.maxLevel();
        page.append(root ? "<details class=\"pt-root\" open" : "<details class=\"pt-table\"").append(" data-level=\"")
                .append(node.item.level()).append("\" data-begin=\"").append(Text.address(node.item.begin()))
                .append("\"><summary>");
        if (root) {
            page.append("root table ").append(node.item.begin() / node.item.pages()).append(": ")
                    .append(Text.address(node.item.begin())).append('\u2013').append(Text.address(node.item.end()));
        } else {
            page.append('L').append(node.item.level()).append(' ').append(Text.address(node.item.begin())).append(" table");
        }
        long entries = entries(node);
        page.append(", ").append(entries).append(entries == 1 ? " entry" : " entries").append("</summary><div class=\"kids\">");
        for (Object child : node.children) {
            if (child instanceof Node table) {
                node(page, table, budget, machine);
            } else if (--budget[0] >= 0) {
                leaf(page, (Item) child);
            }
        }
        page.append("</div></details>");
    }

    private static void leaf(StringBuilder page, Item item) {
        if (item.kind() == Item.OTHER) {
            page.append("<div class=\"pt-other\" data-level=\"").append(item.level()).append("\">L").append(item.level())
                    .append(' ').append(Text.address(item.begin())).append(" neither a table nor a block</div>");
            return;
        }
        OwnershipState state = item.state();
        long n = item.pages() / Item.entryPages(item.level());
        page.append("<div class=\"pt-leaf\" data-level=\"").append(item.level()).append("\" data-begin=\"")
                .append(Text.address(item.begin())).append("\" data-state=\"").append(state.ordinal())
                .append("\"><span class=\"sw\" style=\"background:").append(state.colour()).append("\"></span>L")
                .append(item.level()).append(' ').append(Text.address(item.begin())).append('\u2013')
                .append(Text.address(item.end())).append(": ").append(n).append(' ')
                .append(item.level() == 0 ? (n == 1 ? "page" : "pages")
                        : (n == 1 ? "block" : "blocks") + " of " + Text.size(Item.entryPages(item.level())))
                .append(", mode 0x").append(Integer.toHexString(item.mode())).append(" (")
                .append(Mode.describe(item.mode())).append("), ").append(state.label()).append("</div>");
    }

    // ------------------------------------------------------------------ the data

    private void data(StringBuilder page, int defaultVm) {
        page.append("{\"version\":1,\"title\":");
        Text.json(page, title);
        page.append(",\"layout\":{\"viewWidth\":").append(Text.coordinate(Bands.VIEW_WIDTH)).append(",\"labelWidth\":")
                .append(Text.coordinate(LABEL_WIDTH)).append(",\"rulerHeight\":").append(Text.coordinate(RULER_HEIGHT))
                .append(",\"bandHeight\":").append(Text.coordinate(BAND_HEIGHT)).append(",\"bandGap\":")
                .append(Text.coordinate(BAND_GAP)).append(",\"maxTreeNodes\":").append(MAX_TREE_NODES).append('}');
        page.append(",\"states\":[");
        for (OwnershipState state : OwnershipState.values()) {
            page.append(state.ordinal() == 0 ? "" : ",").append("{\"name\":");
            Text.json(page, state.label()).append(",\"colour\":");
            Text.json(page, state.colour()).append('}');
        }
        page.append("],\"priority\":[");
        for (int i = 0; i < OwnershipState.PRIORITY.length; i++) {
            page.append(i == 0 ? "" : ",").append(OwnershipState.PRIORITY[i].ordinal());
        }
        page.append("],\"modes\":[");
        String sep = "";
        for (int mode : recorder.modes()) {
            page.append(sep).append('[').append(mode).append(',').append(OwnershipState.of(mode).ordinal()).append(',');
            Text.json(page, Mode.describe(mode)).append(']');
            sep = ",";
        }
        page.append("],\"machines\":[");
        sep = "";
        for (Recorder.MachineInfo machine : recorder.machines()) {
            page.append(sep).append("{\"arch\":");
            Text.json(page, machine.arch()).append(",\"paBits\":").append(machine.paBits()).append(",\"vms\":")
                    .append(machine.vms()).append(",\"maxLevel\":").append(machine.maxLevel()).append(",\"rootTables\":")
                    .append(machine.rootTables()).append(",\"endPages\":").append(machine.endPages()).append('}');
            sep = ",";
        }
        page.append("],\"bands\":[");
        for (int i = 0; i < bands.size(); i++) {
            page.append(i == 0 ? "" : ",").append(bands.get(i));
        }
        page.append("],\"defaultVm\":").append(defaultVm).append(",\"axis\":{\"width\":").append(axis.width())
                .append(",\"pieces\":[");
        sep = "";
        for (Axis.Piece piece : axis.pieces()) {
            page.append(sep).append('[').append(piece.gap() ? 1 : 0).append(',').append(piece.begin()).append(',')
                    .append(piece.pages()).append(',').append(piece.x()).append(',').append(piece.width()).append(']');
            sep = ",";
        }
        page.append("]},\"steps\":[");
        sep = "";
        for (Recorder.Step step : steps) {
            page.append(sep).append("{\"line\":").append(step.line).append(",\"text\":");
            Text.json(page, step.text).append(",\"output\":[");
            String lineSep = "";
            for (String line : step.output.lines()) {
                page.append(lineSep);
                Text.json(page, line);
                lineSep = ",";
            }
            page.append("],\"machine\":").append(step.machine);
            if (step.summary()) {
                page.append(",\"lastLine\":").append(step.lastLine).append(",\"operations\":").append(step.operations);
            }
            page.append('}');
            sep = ",";
        }
        page.append("],\"diffs\":[");
        sep = "";
        for (Recorder.Step step : steps) {
            page.append(sep).append('[');
            String diffSep = "";
            for (Recorder.VmDiff diff : step.diffs) {
                page.append(diffSep).append('[').append(diff.vm()).append(',');
                items(page, diff.removed());
                page.append(',');
                items(page, diff.added());
                page.append(']');
                diffSep = ",";
            }
            page.append(']');
            sep = ",";
        }
        page.append("],\"notes\":[");
        sep = "";
        for (String note : notes()) {
            page.append(sep);
            Text.json(page, note);
            sep = ",";
        }
        page.append("]}");
    }

    private static void items(StringBuilder page, List<Item> items) {
        page.append('[');
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            page.append(i == 0 ? "" : ",").append(item.kind()).append(',').append(item.level()).append(',')
                    .append(item.begin()).append(',').append(item.pages()).append(',').append(item.mode());
        }
        page.append(']');
    }

    private static String resource(String name) {
        try (InputStream in = PageWriter.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the map's " + name + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
