/** The hypervisor's calls as a VM sees them: messages, mailboxes, memory access. */
package org.memshare.engine.hypervisor;
