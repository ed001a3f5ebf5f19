package org.memshare.kit;

import java.util.List;

/**
 * Every arch and configuration under test, for a rule that handles them itself (one invocation
 * that decides per configuration, as the corpus does).
 *
 * @param all in plugin-name order, then configuration order
 */
public record ArchesUnderTest(List<ArchUnderTest> all) {
    public ArchesUnderTest {
        all = List.copyOf(all);
    }
}
