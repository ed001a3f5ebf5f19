package org.memshare.engine.policy;

import java.util.List;
import org.memshare.api.policy.SharePolicy;
import org.memshare.api.policy.SharePolicyFactory;

/** {@code no-escalation}: a {@link NoPermissionEscalationPolicy}; takes no arguments. */
public final class NoPermissionEscalationFactory implements SharePolicyFactory {
    @Override
    public String name() {
        return "no-escalation";
    }

    @Override
    public String description() {
        return "refuses a share that would give the receiver a permission its source lacks, and a relinquish to an owner that kept less than R|W|X";
    }

    @Override
    public List<Parameter> parameters() {
        return List.of();
    }

    @Override
    public SharePolicy create(String args) {
        if (!args.isEmpty()) {
            throw new IllegalArgumentException("takes no arguments (write no-escalation), got '" + args + "'");
        }
        return NoPermissionEscalationPolicy.create();
    }
}
