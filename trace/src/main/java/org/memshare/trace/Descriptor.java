package org.memshare.trace;

import java.util.List;
import java.util.Map;

/**
 * A message's descriptor decoded for people and programs: what {@code memshare replay --explain}
 * prints after a share or an FF-A line and {@code --json} writes as its {@code descriptor}.
 * SPCI's is {@link SpciDescriptor}, FF-A's {@link FfaDescriptor}; both outputs show one without
 * knowing its type.
 */
public interface Descriptor {

    /** The descriptor as short lines of text, each without a line feed or a leading {@code #}. */
    List<String> describe();

    /**
     * The descriptor as named fields, in a stable order: values are strings, numbers, booleans,
     * null, and lists and maps of those.
     */
    Map<String, Object> fields();
}
