package org.memshare.engine.policy;

import java.util.List;
import org.memshare.api.policy.SharePolicy;
import org.memshare.api.policy.SharePolicyFactory;

/** {@code donate-needs-clear}: a {@link DonateOnlyWithClearPolicy}; takes no arguments. */
public final class DonateOnlyWithClearFactory implements SharePolicyFactory {
    @Override
    public String name() {
        return "donate-needs-clear";
    }

    @Override
    public String description() {
        return "refuses a donate that does not ask for the memory to be cleared (FLAG_CLEAR)";
    }

    @Override
    public List<Parameter> parameters() {
        return List.of();
    }

    @Override
    public SharePolicy create(String args) {
        if (!args.isEmpty()) {
            throw new IllegalArgumentException("takes no arguments (write donate-needs-clear), got '" + args + "'");
        }
        return DonateOnlyWithClearPolicy.create();
    }
}
