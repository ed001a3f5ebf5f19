package org.memshare.api.policy;

import java.util.Optional;

/**
 * A custom rule that may refuse a share the page tables would allow, for example "no executable
 * memory to VM 3". Policies are consulted after every check of the protocol and before any page
 * table is touched; a refusal answers DENIED and changes nothing. Install one by binding it into
 * the engine's policy set with a Guice module (a {@code Multibinder<SharePolicy>}).
 *
 * <p>Implementations must be thread-safe and must not call back into the engine.
 */
@FunctionalInterface
public interface SharePolicy {

    /**
     * Decides on {@code request}.
     *
     * @return empty to allow it, or the reason to refuse it (shown to users)
     */
    Optional<String> refusal(ShareRequest request);
}
