package org.memshare.api.policy;

import static java.util.Objects.requireNonNull;

import org.memshare.api.spci.MemoryRegion;
import org.memshare.api.spci.ShareType;

/**
 * A memory-sharing request that has passed every check of the protocol, as a policy sees it
 * before any page table is touched.
 *
 * @param type donate, lend, share or relinquish
 * @param sender the sending VM's id
 * @param receiver the receiving VM's id
 * @param region the decoded memory region
 * @param senderMode the sender's current mode over every constituent
 * @param receiverMode the receiver's current mode over every constituent
 * @param newSenderMode the sender's mode if the share goes ahead
 * @param newReceiverMode the receiver's mode if the share goes ahead
 */
public record ShareRequest(ShareType type, int sender, int receiver, MemoryRegion region, int senderMode,
        int receiverMode, int newSenderMode, int newReceiverMode) {

    public ShareRequest {
        requireNonNull(type, "type is null");
        requireNonNull(region, "region is null");
    }
}
