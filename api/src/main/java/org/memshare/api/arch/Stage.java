package org.memshare.api.arch;

/** The two translation stages: the hypervisor's own table (1) and a VM's table (2). */
public enum Stage {
    /** The hypervisor's own address space: virtual to physical. */
    STAGE1,
    /** A VM's address space: intermediate physical to physical. */
    STAGE2
}
