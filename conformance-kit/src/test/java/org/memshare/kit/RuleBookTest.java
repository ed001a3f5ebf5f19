package org.memshare.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;
import static org.junit.platform.launcher.EngineFilter.includeEngines;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.memshare.api.arch.ArchFeature;

/**
 * The rule book ({@code docs/conformance.md}) and the code agree both ways: every
 * {@link ConformanceRule} in {@code org.memshare.kit.rules} has an entry with its level and needed
 * features under its family's heading, every entry is a rule in the code, and a family of dynamic
 * rules ({@code CORPUS-<name>}) is one pattern entry.
 */
class RuleBookTest {
    private static final String RULES_PACKAGE = "org.memshare.kit.rules";
    private static final Path BOOK = Path.of(System.getProperty("basedir", ".")).resolve("../docs/conformance.md").normalize();

    /**
     * {@code - **PT-3** (required): ...}, {@code - **TLB-1** (optional, needs TLB_MODEL): ...},
     * {@code - **CORPUS-<name>** (required): ...}, and a profile's
     * {@code - **ACS-share_state_machine** (required): ...}.
     */
    private static final Pattern ENTRY = Pattern.compile(
            "^- \\*\\*(?<id>[A-Z]+-(?:\\d+|[a-z][a-z0-9_]*|<[a-z-]+>))\\*\\* \\((?<level>required|optional|untested)"
                    + "(?:, needs (?<needs>[A-Z_]+(?:, [A-Z_]+)*))?\\): \\S.*$");
    private static final Pattern FAMILY_HEADING = Pattern.compile("^### (?<family>[A-Z]+): \\S.*$");

    /** One entry of the book. */
    private record Entry(String id, Level level, Set<String> needs, String heading, int line) {
        String family() {
            return id.substring(0, id.indexOf('-'));
        }

        boolean pattern() {
            return id.contains("<");
        }
    }

    /** One rule of the code. */
    private record CodeRule(String id, Level level, Set<String> needs, String where) {
    }

    @Test
    void everyRuleInTheCodeHasAnEntryWithItsLevelAndFeatures() throws IOException {
        Map<String, Entry> book = entries(bookLines());
        List<String> problems = new ArrayList<>();
        for (CodeRule rule : codeRules()) {
            Entry entry = book.get(rule.id());
            if (entry == null) {
                problems.add(rule.id() + " (" + rule.where() + ") has no entry; add under '### " + family(rule.id())
                        + ": ...': " + spelling(rule.id(), rule.level(), rule.needs()));
            } else if (entry.level() != rule.level() || !entry.needs().equals(rule.needs())) {
                problems.add(rule.id() + " is " + spelling(rule.id(), rule.level(), rule.needs()) + " in the code but "
                        + spelling(entry.id(), entry.level(), entry.needs()) + " in the book (line " + entry.line() + ")");
            }
        }
        assertEquals(List.of(), problems, "the rule book " + BOOK + " misses or misstates rules");
    }

    @Test
    void everyEntryInTheBookIsARuleInTheCode() throws IOException {
        Set<String> ids = codeRules().stream().map(CodeRule::id).collect(Collectors.toSet());
        Set<String> dynamicFamilies = dynamicFamilies();
        List<String> problems = new ArrayList<>();
        for (Entry entry : entries(bookLines()).values()) {
            boolean inCode = entry.pattern() ? dynamicFamilies.contains(entry.family()) : ids.contains(entry.id());
            if (!inCode) {
                problems.add(entry.id() + " (line " + entry.line() + ") is no rule in " + RULES_PACKAGE);
            }
        }
        for (String family : dynamicFamilies) {
            boolean documented = entries(bookLines()).values().stream()
                    .anyMatch(e -> e.pattern() && e.family().equals(family));
            if (!documented) {
                problems.add("the dynamic rules of " + family + " have no pattern entry such as '- **" + family
                        + "-<name>** (required): ...'");
            }
        }
        assertEquals(List.of(), problems, "the rule book " + BOOK + " lists what the code does not have");
    }

    @Test
    void everyEntryIsWellFormedUnderItsFamilysHeading() throws IOException {
        List<String> lines = bookLines();
        List<String> problems = new ArrayList<>();
        boolean inBook = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("## ")) {
                inBook = line.equals("## Rule book");
            }
            if (inBook && line.startsWith("- **") && !ENTRY.matcher(line).matches()) {
                problems.add("line " + (i + 1) + " is not '- **ID** (level[, needs FEATURE]): text': " + line);
            }
        }
        for (Entry entry : entries(lines).values()) {
            if (!entry.family().equals(entry.heading())) {
                problems.add(entry.id() + " (line " + entry.line() + ") is under '### " + entry.heading()
                        + "', not '### " + entry.family() + "'");
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void everyRuleClassIsFoundByTheKitsClassNamePatternAndIdsAreUnique() {
        List<String> problems = new ArrayList<>();
        for (Class<?> rulesClass : ruleClasses()) {
            boolean holdsRules = java.util.Arrays.stream(rulesClass.getDeclaredMethods()).anyMatch(m ->
                    m.isAnnotationPresent(ConformanceRule.class) || m.isAnnotationPresent(RuleFamily.class));
            if (holdsRules && !rulesClass.getSimpleName().endsWith("Rules")) {
                problems.add(rulesClass.getName() + " holds rules but is not named *Rules, so no build runs it");
            }
        }
        Map<String, List<String>> byId = new LinkedHashMap<>();
        for (CodeRule rule : codeRules()) {
            byId.computeIfAbsent(rule.id(), id -> new ArrayList<>()).add(rule.where());
        }
        byId.forEach((id, where) -> {
            if (where.size() > 1) {
                problems.add(id + " is declared " + where.size() + " times: " + where);
            }
        });
        assertEquals(List.of(), problems);
        assertFalse(byId.isEmpty(), "no rule found in " + RULES_PACKAGE);
        assertTrue(byId.containsKey("ARCH-1"), byId.keySet().toString());
    }

    /** The classes of the rules package that hold tests, found as a user's build finds them. */
    private static List<Class<?>> ruleClasses() {
        TestPlan plan = LauncherFactory.create().discover(LauncherDiscoveryRequestBuilder.request()
                .selectors(selectPackage(RULES_PACKAGE)).filters(includeEngines("junit-jupiter")).build());
        List<Class<?>> classes = new ArrayList<>();
        for (TestIdentifier root : plan.getRoots()) {
            for (TestIdentifier id : plan.getDescendants(root)) {
                if (id.getSource().orElse(null) instanceof ClassSource source) {
                    classes.add(source.getJavaClass());
                }
            }
        }
        classes.sort(Comparator.comparing(Class::getName));
        return classes;
    }

    private static List<CodeRule> codeRules() {
        List<CodeRule> rules = new ArrayList<>();
        for (Class<?> rulesClass : ruleClasses()) {
            for (Method method : rulesClass.getDeclaredMethods()) {
                ConformanceRule rule = method.getAnnotation(ConformanceRule.class);
                if (rule != null) {
                    Set<String> needs = Arrays.stream(rule.requires()).map(ArchFeature::name)
                            .collect(Collectors.toCollection(TreeSet::new));
                    rules.add(new CodeRule(rule.id(), rule.level(), needs, rulesClass.getSimpleName() + "." + method.getName()));
                }
            }
        }
        rules.sort(Comparator.comparing(CodeRule::id));
        return rules;
    }

    /**
     * The families of dynamic rules: a rule class with a {@link TestFactory} holds the family its
     * name says ({@code CorpusRules} holds {@code CORPUS}), whose rules are named
     * {@code CORPUS-<name> [level] title} when they run.
     */
    private static Set<String> dynamicFamilies() {
        Set<String> families = new TreeSet<>();
        for (Class<?> rulesClass : ruleClasses()) {
            if (Arrays.stream(rulesClass.getDeclaredMethods()).anyMatch(m -> m.isAnnotationPresent(TestFactory.class))) {
                String name = rulesClass.getSimpleName();
                families.add(name.substring(0, name.length() - "Rules".length()).toUpperCase(Locale.ROOT));
            }
        }
        return families;
    }

    private static List<String> bookLines() throws IOException {
        assertTrue(Files.isRegularFile(BOOK), "no rule book at " + BOOK);
        return Files.readAllLines(BOOK);
    }

    /** The entries of the book's "Rule book" section, by id; a duplicate id fails. */
    private static Map<String, Entry> entries(List<String> lines) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        boolean inBook = false;
        String heading = "";
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("## ")) {
                inBook = line.equals("## Rule book");
                continue;
            }
            Matcher family = FAMILY_HEADING.matcher(line);
            if (family.matches()) {
                heading = family.group("family");
            }
            Matcher entry = ENTRY.matcher(line);
            if (inBook && entry.matches()) {
                String id = entry.group("id");
                Set<String> needs = entry.group("needs") == null ? new TreeSet<>()
                        : new TreeSet<>(Arrays.asList(entry.group("needs").split(", ")));
                Entry previous = entries.put(id, new Entry(id, Level.valueOf(entry.group("level").toUpperCase(Locale.ROOT)),
                        needs, heading, i + 1));
                assertEquals(null, previous, id + " has two entries, lines " + (previous == null ? 0 : previous.line())
                        + " and " + (i + 1));
            }
        }
        return entries;
    }

    private static String family(String id) {
        return id.substring(0, id.indexOf('-'));
    }

    /** How the book spells a rule's id and level: {@code - **TLB-1** (optional, needs TLB_MODEL)}. */
    private static String spelling(String id, Level level, Set<String> needs) {
        return "- **" + id + "** (" + level.label() + (needs.isEmpty() ? "" : ", needs " + String.join(", ", needs)) + ")";
    }
}
