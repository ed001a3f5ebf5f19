/** The memory VMs read and write, as the model sees it physically. */
package org.memshare.api.memory;
