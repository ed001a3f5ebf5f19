/** Machines: an arch, a page pool, the hypervisor's table and VMs, assembled by one Guice injector. */
package org.memshare.engine.machine;
