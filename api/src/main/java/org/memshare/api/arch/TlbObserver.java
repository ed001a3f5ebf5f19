package org.memshare.api.arch;

/**
 * Watches the TLB maintenance an arch's {@link TlbMaintenance} issues, one callback per
 * instruction the hardware would execute. Register with {@link TlbMaintenance#addObserver}; only
 * an arch that declares {@link ArchFeature#TLB_MODEL} accepts observers. Callbacks run on the
 * thread that asked for the maintenance, possibly several at once for different VMs.
 */
public interface TlbObserver {

    /** The {@code vmId} reported with stage-1 maintenance, which concerns the hypervisor's own table. */
    int NO_VM = -1;

    /**
     * One invalidation by address: of the hypervisor's translation of the page at {@code address}
     * (stage 1), or of VM {@code vmId}'s stage-2 translation of the page at IPA {@code address}.
     *
     * @param stage the stage whose entries go
     * @param vmId the VM, or {@link #NO_VM} at stage 1
     * @param address the page's address (a multiple of 4 KiB)
     */
    void invalidatePage(Stage stage, int vmId, long address);

    /**
     * One invalidation of everything: every hypervisor translation (stage 1), or every
     * translation of VM {@code vmId} (stage 2).
     *
     * @param stage the stage whose entries go
     * @param vmId the VM, or {@link #NO_VM} at stage 1
     */
    void invalidateAll(Stage stage, int vmId);

    /**
     * One invalidation of the VM's own (guest stage-1) translations, which an arch may issue after
     * page-by-page stage-2 invalidation so that translations combining both stages do not outlive
     * the stage-2 entries they were built from. Ignored unless overridden.
     *
     * @param vmId the VM
     */
    default void invalidateGuestStage1(int vmId) {
    }
}
