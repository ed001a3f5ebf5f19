package org.memshare.kit;

/** How binding a conformance rule is, as in a TCK. */
public enum Level {
    /** Every plugin must pass it; a failure fails the run. */
    REQUIRED,
    /** Checked only where the plugin declares the feature the rule needs; a failure still fails the run. */
    OPTIONAL,
    /** Named in the rule book but not checked by the kit; reported as skipped with the reason. */
    UNTESTED;

    /** The spelling used in display names and reports: {@code required}, {@code optional}, {@code untested}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
