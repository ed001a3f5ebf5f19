package org.memshare.trace;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses the trace language of TRACES.md, one line at a time. Never throws on bad input: a line
 * it cannot make sense of comes back as {@link ParsedLine.Malformed} with a reason a user can act
 * on (the replay prints it as {@code N: error <reason>}).
 */
public final class TraceParser {

    /** A reason the line is malformed; caught within the parser (and {@link FfaParsing}) only. */
    static final class LineError extends Exception {
        private static final long serialVersionUID = 1L;

        LineError(String message) {
            super(message, null, false, false);
        }
    }

    private TraceParser() {
    }

    /** Parses every line of a trace; the list has one element per line. */
    public static List<ParsedLine> parseAll(List<String> lines) {
        List<ParsedLine> parsed = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            parsed.add(parse(i + 1, lines.get(i)));
        }
        return parsed;
    }

    /** Parses line {@code number} of a trace. */
    public static ParsedLine parse(int number, String line) {
        int hash = line.indexOf('#');
        int end = hash >= 0 ? hash : line.length();
        int begin = 0;
        while (begin < end && isBlank(line.charAt(begin))) {
            begin++;
        }
        while (end > begin && isBlank(line.charAt(end - 1))) {
            end--;
        }
        if (begin == end) {
            return new ParsedLine.Blank(number);
        }
        try {
            return new ParsedLine.Op(number, operation(tokens(line, begin, end)));
        } catch (LineError e) {
            return new ParsedLine.Malformed(number, e.getMessage());
        }
    }

    /**
     * The words of {@code line[begin, end)}, which starts and ends with a non-blank: what lies
     * between runs of space, tab, vertical tab and form feed. A scan of its own rather than a
     * regular expression: a long share line costs a few microseconds less to split, which a
     * whole-trace replay of a million lines feels.
     */
    static String[] tokens(String line, int begin, int end) {
        if (onlySpacesSeparate(line, begin, end)) {
            // Nearly every trace: words between spaces, found by the JDK's fast character search.
            List<String> words = new ArrayList<>(8);
            for (int start = begin; start < end; ) {
                int space = line.indexOf(' ', start);
                int stop = space < 0 || space > end ? end : space;
                if (start < stop) {
                    words.add(line.substring(start, stop));
                }
                start = stop + 1;
            }
            return words.toArray(new String[0]);
        }
        int count = 1;
        for (int i = begin + 1; i < end; i++) {
            if (isSeparator(line.charAt(i)) && !isSeparator(line.charAt(i - 1))) {
                count++;
            }
        }
        String[] tokens = new String[count];
        int start = begin;
        int k = 0;
        for (int i = begin; i <= end; i++) {
            if (i == end || isSeparator(line.charAt(i))) {
                if (start < i) {
                    tokens[k++] = line.substring(start, i);
                }
                start = i + 1;
            }
        }
        return tokens;
    }

    /** Whether no separator but the space occurs in {@code line[begin, end)}. */
    private static boolean onlySpacesSeparate(String line, int begin, int end) {
        return absent(line, '\t', begin, end) && absent(line, '\u000b', begin, end) && absent(line, '\f', begin, end);
    }

    private static boolean absent(String line, char c, int begin, int end) {
        int at = line.indexOf(c, begin);
        return at < 0 || at >= end;
    }

    /** The blanks that separate words within a line. */
    private static boolean isSeparator(char c) {
        return c == ' ' || c == '\t' || c == '\u000b' || c == '\f';
    }

    private static boolean isBlank(char c) {
        return isSeparator(c) || c == '\r' || c == '\n';
    }

    /** The value of an ASCII hex digit, or -1 (Unicode digits and fullwidth letters are not digits here). */
    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** The arguments of {@code init} that are the machine's (and {@code policy}, repeatable); any other is an arch property. */
    private static final Set<String> INIT_KEYS = Set.of("arch", "pa_bits", "pool_pages", "vms");

    private static Operation operation(String[] tokens) throws LineError {
        String name = tokens[0];
        switch (name) {
            case "init": {
                // policy= may be repeated (the policies are asked in order), so it is taken out first;
                // ffa= is the machine's too, not an arch property.
                List<String> policies = new ArrayList<>();
                List<String> rest = new ArrayList<>(tokens.length);
                String ffa = null;
                for (String token : tokens) {
                    if (token.startsWith("ffa=")) {
                        if (ffa != null) {
                            throw new LineError("argument 'ffa' given twice");
                        }
                        ffa = token.substring("ffa=".length());
                    } else if (token.startsWith("policy=")) {
                        String spec = token.substring("policy=".length());
                        if (spec.isEmpty()) {
                            throw new LineError("empty value for 'policy' (want policy=NAME[:ARGS]; memshare policies lists them)");
                        }
                        policies.add(spec);
                    } else {
                        rest.add(token);
                    }
                }
                tokens = rest.toArray(new String[0]);
                // Every other key=value is one of the arch's own properties, which the plugin checks.
                Args args = Args.of(name, tokens, List.of(), INIT_KEYS, true);
                String arch = args.string("arch");
                long paBits = args.has("pa_bits") ? args.number("pa_bits") : 40;
                long poolPages = args.number("pool_pages");
                long vms = args.number("vms");
                if (Long.compareUnsigned(vms, 0xfffe) > 0) {
                    throw new LineError("vms must be at most 65534, was " + Long.toUnsignedString(vms));
                }
                Map<String, String> properties = new LinkedHashMap<>();
                for (Map.Entry<String, String> entry : args.values.entrySet()) {
                    if (!INIT_KEYS.contains(entry.getKey())) {
                        properties.put(entry.getKey(), args.string(entry.getKey()));
                    }
                }
                return new Operation.Init(arch, paBits, poolPages, (int) vms, properties, policies,
                        ffa == null ? List.of() : FfaParsing.versions(ffa, (int) vms));
            }
            case "map":
            case "prepare":
            case "commit": {
                Args args = Args.of(name, tokens, List.of("vm", "begin", "end", "mode"), Set.of());
                Operation.MapKind kind = Operation.MapKind.valueOf(name.toUpperCase(java.util.Locale.ROOT));
                return new Operation.MapRange(kind, args.vm(), args.number("begin"), args.number("end"),
                        args.mode("mode"));
            }
            case "unmap": {
                Args args = Args.of(name, tokens, List.of("vm", "begin", "end"), Set.of());
                return new Operation.Unmap(args.vm(), args.number("begin"), args.number("end"));
            }
            case "defrag": {
                Args args = Args.of(name, tokens, List.of("vm"), Set.of());
                return new Operation.Defrag(args.vm());
            }
            case "mode": {
                Args args = Args.of(name, tokens, List.of("vm", "begin", "end"), Set.of());
                return new Operation.ModeQuery(args.vm(), args.number("begin"), args.number("end"));
            }
            case "dump": {
                if (tokens.length == 2 && tokens[1].equals("s1")) {
                    return new Operation.Dump(Operation.Dump.STAGE1);
                }
                Args args = Args.of(name, tokens, List.of(), Set.of("vm"));
                return new Operation.Dump(args.vm());
            }
            case "pool": {
                Args.of(name, tokens, List.of(), Set.of());
                return new Operation.Pool();
            }
            case "share": {
                Args args = Args.of(name, tokens, List.of(),
                        Set.of("type", "from", "to", "flags", "attrs", "tag", "c"));
                return new Operation.Share(shareType(args.string("type")), args.u16("from"), args.u16("to"),
                        args.has("flags") ? args.u32("flags") : 0, args.has("attrs") ? args.u16("attrs") : 0,
                        args.has("tag") ? args.u32("tag") : 0, constituents(args.string("c")));
            }
            case "sharebytes": {
                Args args = Args.of(name, tokens, List.of(), Set.of("type", "from", "to", "hex"));
                return new Operation.ShareBytes(shareType(args.string("type")), args.u16("from"), args.u16("to"),
                        hex(args.has("hex") ? args.values.get("hex") : null));
            }
            case "access": {
                Args args = Args.of(name, tokens, List.of(), Set.of("vm", "addr", "op"));
                Operation.AccessKind kind = switch (args.string("op")) {
                    case "r" -> Operation.AccessKind.R;
                    case "w" -> Operation.AccessKind.W;
                    case "x" -> Operation.AccessKind.X;
                    default -> throw new LineError("'op' must be r, w or x, was '" + args.string("op") + "'");
                };
                return new Operation.Access(args.vm(), args.number("addr"), kind);
            }
            case "read": {
                Args args = Args.of(name, tokens, List.of(), Set.of("vm", "addr"));
                return new Operation.Read(args.vm(), aligned8(args.number("addr")));
            }
            case "write": {
                Args args = Args.of(name, tokens, List.of(), Set.of("vm", "addr", "value"));
                return new Operation.Write(args.vm(), aligned8(args.number("addr")), args.number("value"));
            }
            default:
                if (FfaParsing.handles(name)) {
                    return FfaParsing.operation(name, tokens);
                }
                throw new LineError("unknown operation '" + name + "'");
        }
    }

    /** A share type: a name (donate, lend, share, relinquish) or a 16-bit number. */
    private static int shareType(String text) throws LineError {
        switch (text) {
            case "donate":
                return 0;
            case "lend":
                return 1;
            case "share":
                return 2;
            case "relinquish":
                return 3;
            default:
                if (text.isEmpty() || text.charAt(0) < '0' || text.charAt(0) > '9') {
                    throw new LineError("unknown share type '" + text
                            + "' (donate, lend, share, relinquish or a number)");
                }
                long code = parseNumber("type", text);
                if (Long.compareUnsigned(code, 0xffff) > 0) {
                    throw new LineError("'type' must be donate, lend, share, relinquish or a 16-bit number, was '"
                            + text + "'");
                }
                return (int) code;
        }
    }

    /** {@code ADDR:PAGES,ADDR:PAGES,...}, or {@code none}. */
    static List<Operation.ConstituentArg> constituents(String text) throws LineError {
        List<Operation.ConstituentArg> list = new ArrayList<>();
        if (text.equals("none")) {
            return list;
        }
        // Item by item without splitting the text: the items of a 64-constituent share are read
        // in place (the substrings are made only for an error's message).
        for (int begin = 0; begin <= text.length(); ) {
            int end = text.indexOf(',', begin);
            if (end < 0) {
                end = text.length();
            }
            int colon = text.indexOf(':', begin);
            if (colon < 0 || colon >= end) {
                throw new LineError("constituent '" + text.substring(begin, end) + "' is not ADDR:PAGES");
            }
            long address = parseNumber("c", text, begin, colon);
            long pages = parseNumber("c", text, colon + 1, end);
            if (Long.compareUnsigned(pages, 0xffff_ffffL) > 0) {
                throw new LineError("constituent '" + text.substring(begin, end) + "' has more pages than 32 bits hold");
            }
            list.add(new Operation.ConstituentArg(address, pages));
            begin = end + 1;
        }
        return list;
    }

    /** Bytes from lowercase or uppercase hex digits, two per byte; empty for an empty value. */
    private static byte[] hex(String text) throws LineError {
        if (text == null) {
            throw new LineError("missing argument 'hex' to 'sharebytes'");
        }
        return hexBytes(text);
    }

    /** {@link #hex(String)} of a value that is there. */
    static byte[] hexBytes(String text) throws LineError {
        if (text.length() % 2 != 0) {
            throw new LineError("'hex' must have an even number of digits, has " + text.length());
        }
        byte[] bytes = new byte[text.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            int high = hexDigit(text.charAt(2 * i));
            int low = hexDigit(text.charAt(2 * i + 1));
            if (high < 0 || low < 0) {
                throw new LineError("'hex' has a character that is not a hex digit at " + (2 * i));
            }
            bytes[i] = (byte) (high << 4 | low);
        }
        return bytes;
    }

    private static long aligned8(long address) throws LineError {
        if ((address & 7) != 0) {
            throw new LineError("'addr' must be 8-byte aligned, was 0x" + Long.toHexString(address));
        }
        return address;
    }

    /**
     * The arguments of one line: {@code key=value} pairs, or for operations with positional
     * keys, bare values in that order. Every key must be known, given once, and present when
     * read.
     */
    static final class Args {
        private final String operation;
        private final Map<String, String> values;

        private Args(String operation, Map<String, String> values) {
            this.operation = operation;
            this.values = values;
        }

        static Args of(String operation, String[] tokens, List<String> positional, Set<String> named)
                throws LineError {
            return of(operation, tokens, positional, named, false);
        }

        /** As {@link #of(String, String[], List, Set)}; with {@code open}, any further key=value is kept too. */
        static Args of(String operation, String[] tokens, List<String> positional, Set<String> named, boolean open)
                throws LineError {
            Map<String, String> values = new LinkedHashMap<>();
            int position = 0;
            for (int i = 1; i < tokens.length; i++) {
                String token = tokens[i];
                int eq = token.indexOf('=');
                String key;
                String value;
                if (eq < 0) {
                    if (position >= positional.size()) {
                        throw new LineError(positional.isEmpty()
                                ? "'" + operation + "' takes key=value arguments, not '" + token + "'"
                                : "too many arguments to '" + operation + "': '" + token + "'");
                    }
                    key = positional.get(position++);
                    value = token;
                } else {
                    key = token.substring(0, eq);
                    value = token.substring(eq + 1);
                    if (!positional.contains(key) && !named.contains(key) && (!open || key.isEmpty())) {
                        throw new LineError("unknown argument '" + key + "' to '" + operation + "'");
                    }
                }
                if (values.putIfAbsent(key, value) != null) {
                    throw new LineError("argument '" + key + "' given twice");
                }
            }
            for (String key : positional) {
                if (!values.containsKey(key)) {
                    throw new LineError("missing argument '" + key + "' to '" + operation + "'");
                }
            }
            return new Args(operation, values);
        }

        boolean has(String key) {
            return values.containsKey(key);
        }

        /** How many arguments the line gave. */
        int size() {
            return values.size();
        }

        /** The raw value, possibly empty; null when not given. */
        String raw(String key) {
            return values.get(key);
        }

        long u64(String key, long absent) throws LineError {
            return has(key) ? number(key) : absent;
        }

        String string(String key) throws LineError {
            String value = values.get(key);
            if (value == null) {
                throw new LineError("missing argument '" + key + "' to '" + operation + "'");
            }
            if (value.isEmpty()) {
                throw new LineError("empty value for '" + key + "'");
            }
            return value;
        }

        long number(String key) throws LineError {
            return parseNumber(key, string(key));
        }

        int vm() throws LineError {
            long vm = number("vm");
            if (vm == 0 || Long.compareUnsigned(vm, 0xffff) > 0) {
                throw new LineError("vm must be between 1 and 65535, was " + Long.toUnsignedString(vm));
            }
            return (int) vm;
        }

        int u16(String key) throws LineError {
            long value = number(key);
            if (Long.compareUnsigned(value, 0xffff) > 0) {
                throw new LineError("'" + key + "' must fit in 16 bits, was 0x" + Long.toHexString(value));
            }
            return (int) value;
        }

        int u32(String key) throws LineError {
            long value = number(key);
            if (Long.compareUnsigned(value, 0xffff_ffffL) > 0) {
                throw new LineError("'" + key + "' must fit in 32 bits, was 0x" + Long.toHexString(value));
            }
            return (int) value;
        }

        int mode(String key) throws LineError {
            long mode = number(key);
            if (Long.compareUnsigned(mode, 0xffff_ffffL) > 0) {
                throw new LineError("'" + key + "' must fit in 32 bits, was 0x" + Long.toHexString(mode));
            }
            return (int) mode;
        }
    }

    /** Parses an unsigned 64-bit number, {@code 0x} hexadecimal or decimal. */
    static long parseNumber(String key, String text) throws LineError {
        return parseNumber(key, text, 0, text.length());
    }

    /**
     * Parses {@code text[begin, end)} as an unsigned 64-bit number, {@code 0x} hexadecimal or
     * decimal: ASCII digits only (no sign, no Unicode digits), any number of leading zeros, and
     * nothing above 2^64 - 1.
     */
    static long parseNumber(String key, String text, int begin, int end) throws LineError {
        boolean hex = end - begin >= 2 && text.charAt(begin) == '0'
                && (text.charAt(begin + 1) == 'x' || text.charAt(begin + 1) == 'X');
        int first = hex ? begin + 2 : begin;
        if (first == end) {
            throw badNumber(key, text, begin, end);
        }
        long value = 0;
        for (int i = first; i < end; i++) {
            char c = text.charAt(i);
            if (hex) {
                int digit = hexDigit(c);
                if (digit < 0 || (value >>> 60) != 0) {
                    throw badNumber(key, text, begin, end);
                }
                value = value << 4 | digit;
            } else {
                int digit = c - '0';
                if (digit < 0 || digit > 9 || Long.compareUnsigned(value, MAX_DECIMAL_PREFIX) > 0
                        || value == MAX_DECIMAL_PREFIX && digit > MAX_DECIMAL_LAST) {
                    throw badNumber(key, text, begin, end);
                }
                value = value * 10 + digit;
            }
        }
        return value;
    }

    /** 2^64 - 1 is this times ten plus {@link #MAX_DECIMAL_LAST}. */
    private static final long MAX_DECIMAL_PREFIX = Long.divideUnsigned(-1L, 10);
    private static final int MAX_DECIMAL_LAST = (int) Long.remainderUnsigned(-1L, 10);

    private static LineError badNumber(String key, String text, int begin, int end) {
        return new LineError("bad number for '" + key + "': '" + text.substring(begin, end)
                + "' (want 0x hexadecimal or decimal, unsigned 64-bit)");
    }
}
