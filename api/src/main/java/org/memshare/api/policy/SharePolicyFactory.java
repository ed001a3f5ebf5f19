package org.memshare.api.policy;

import java.util.List;

/**
 * A sharing policy with a name, so traces ({@code init ... policy=NAME[:ARGS]}) and the command
 * line ({@code --policy NAME[:ARGS]}) can select it. Factories are found with
 * {@link java.util.ServiceLoader}: list the implementation in
 * {@code META-INF/services/org.memshare.api.policy.SharePolicyFactory} of its jar (a jar given
 * with {@code --plugin} is searched too). Look them up with {@link SharePolicyFactories}.
 *
 * <p>{@link #create} is called once per machine, so every machine gets its own policy and a
 * policy's state never leaks from one machine to another. Implementations must have a public
 * no-argument constructor and be thread-safe.
 */
public interface SharePolicyFactory {

    /**
     * The policy's name: lowercase letters, digits and {@code -}, starting with a letter
     * (for example {@code no-exec}).
     */
    String name();

    /** One sentence saying what the policy refuses. */
    String description();

    /** The parameters {@link #create} understands, in the order they are written; may be empty. */
    List<Parameter> parameters();

    /**
     * A fresh policy for one machine.
     *
     * @param args the text after {@code NAME:}, or the empty string when the spec had no colon
     * @throws IllegalArgumentException if {@code args} is not what {@link #parameters()} says,
     *     with a message naming what is expected
     */
    SharePolicy create(String args);

    /**
     * One parameter of a named policy.
     *
     * @param name a short name (shown as {@code NAME:<name>})
     * @param meaning what it means and how it is written
     * @param defaultValue its value when omitted, or the empty string if it must be given
     */
    record Parameter(String name, String meaning, String defaultValue) {
        public Parameter {
            java.util.Objects.requireNonNull(name, "name is null");
            java.util.Objects.requireNonNull(meaning, "meaning is null");
            java.util.Objects.requireNonNull(defaultValue, "defaultValue is null");
        }

        /** Whether the parameter must be given. */
        public boolean required() {
            return defaultValue.isEmpty();
        }
    }
}
