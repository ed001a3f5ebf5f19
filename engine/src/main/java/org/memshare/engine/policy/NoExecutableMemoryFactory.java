package org.memshare.engine.policy;

import java.util.ArrayList;
import java.util.List;
import org.memshare.api.policy.SharePolicy;
import org.memshare.api.policy.SharePolicyFactory;
import org.memshare.engine.machine.MachineConfig;

/** {@code no-exec:VM[,VM...]}: a {@link NoExecutableMemoryPolicy} for the VMs given. */
public final class NoExecutableMemoryFactory implements SharePolicyFactory {
    @Override
    public String name() {
        return "no-exec";
    }

    @Override
    public String description() {
        return "refuses any share that would give one of the VMs memory with X";
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(new Parameter("vms", "the protected VMs' ids, comma-separated (no-exec:3 or no-exec:2,3)", ""));
    }

    @Override
    public SharePolicy create(String args) {
        if (args.isEmpty()) {
            throw new IllegalArgumentException("expected the VMs to protect, as no-exec:VM[,VM...] (for example no-exec:3)");
        }
        List<Integer> ids = new ArrayList<>();
        for (String item : args.split(",", -1)) {
            if (!item.matches("[0-9]{1,5}")) {
                throw new IllegalArgumentException("expected VM ids (decimal, 1 to " + MachineConfig.MAX_VMS
                        + ") separated by commas, as no-exec:3 or no-exec:2,3; got '" + args + "'");
            }
            ids.add(Integer.parseInt(item));
        }
        return NoExecutableMemoryPolicy.forVms(ids);
    }
}
