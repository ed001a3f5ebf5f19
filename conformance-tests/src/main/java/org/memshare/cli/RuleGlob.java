package org.memshare.cli;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The {@code --rules} selection: one or more comma-separated globs over rule ids ({@code *} any
 * run of characters, {@code ?} one), matched ignoring case, for example {@code PT-*},
 * {@code ARCH-8} or {@code PT-*,POOL-*}.
 */
final class RuleGlob {
    private final String text;
    private final List<String> globs;
    private final List<Pattern> patterns;

    private RuleGlob(String text) {
        this.text = text;
        this.globs = Arrays.stream(text.split(",")).map(String::strip).filter(g -> !g.isEmpty()).toList();
        this.patterns = globs.stream().map(RuleGlob::regex).toList();
    }

    /**
     * Parses {@code text}.
     *
     * @throws CliException if it names no glob at all
     */
    static RuleGlob parse(String text) {
        RuleGlob glob = new RuleGlob(text);
        if (glob.globs.isEmpty()) {
            throw new CliException("--rules '" + text + "' names no rule; try --rules 'PT-*'");
        }
        return glob;
    }

    /** Whether every rule is selected. */
    boolean everything() {
        return globs.contains("*");
    }

    /** Whether rule {@code id} is selected. */
    boolean matches(String id) {
        return patterns.stream().anyMatch(p -> p.matcher(id).matches());
    }

    /**
     * Whether some rule of {@code family} ({@code CORPUS}) could be selected: the text of a glob
     * before its first wildcard agrees with {@code FAMILY-}. Used for dynamic rules, whose ids are
     * known only when they run.
     */
    boolean mayMatchFamily(String family) {
        String prefix = (family + "-").toUpperCase(Locale.ROOT);
        for (String glob : globs) {
            String literal = glob.split("[*?]", -1)[0].toUpperCase(Locale.ROOT);
            if (literal.startsWith(prefix) || prefix.startsWith(literal)) {
                return true;
            }
        }
        return false;
    }

    private static Pattern regex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE);
    }

    @Override
    public String toString() {
        return text;
    }
}
