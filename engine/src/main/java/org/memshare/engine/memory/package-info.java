/** The memory VMs read and write, kept apart from the page tables. */
package org.memshare.engine.memory;
