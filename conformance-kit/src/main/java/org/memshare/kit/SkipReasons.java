package org.memshare.kit;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reason the kit gives when it skips a rule because a rule of a lower layer fails on that
 * configuration, and how to recognise it in a report. Such a skip means the plugin is broken, so a
 * runner that selected only some families (and so never ran the failing rule itself) must still
 * count it as a failure of the run; {@code memshare conformance} does.
 */
public final class SkipReasons {
    private static final Pattern BLOCKED = Pattern.compile("(?:^|: )skipped: (\\S+) fails on this configuration");

    private SkipReasons() {
    }

    /** The reason for a rule skipped because {@code failingRule} fails below it. */
    static String blockedBy(String failingRule) {
        return "skipped: " + failingRule + " fails on this configuration; the rules of lower layers must pass first";
    }

    /** The failing lower-layer rule a skip reason names, if the skip is of that kind. */
    public static Optional<String> failingLowerRule(String reason) {
        Matcher matcher = BLOCKED.matcher(reason == null ? "" : reason);
        return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
    }
}
