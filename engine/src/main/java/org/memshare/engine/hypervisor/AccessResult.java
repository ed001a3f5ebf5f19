package org.memshare.engine.hypervisor;

import static java.util.Objects.requireNonNull;

/**
 * What a VM's access to memory through its stage-2 translation came to ({@link Hypervisor#accessResult},
 * {@link Hypervisor#readResult}, {@link Hypervisor#writeResult}): allowed, with the value read for
 * a read, or a fault and why.
 *
 * @param allowed whether the access went through
 * @param value the 8 bytes read, for an allowed read; 0 otherwise
 * @param fault empty when allowed; otherwise why the access faults
 */
public record AccessResult(boolean allowed, long value, String fault) {
    private static final AccessResult ALLOWED = new AccessResult(true, 0, "");

    public AccessResult {
        requireNonNull(fault, "fault is null");
    }

    static AccessResult ok() {
        return ALLOWED;
    }

    static AccessResult read(long value) {
        return new AccessResult(true, value, "");
    }

    static AccessResult faulted(String fault) {
        return new AccessResult(false, 0, fault);
    }
}
