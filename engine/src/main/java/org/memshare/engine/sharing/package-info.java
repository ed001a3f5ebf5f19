/**
 * The protocol-neutral sharing core that SPCI ({@code engine.spci}) and FF-A ({@code engine.ffa})
 * are built on: runs of pages and the checks over a list of them (alignment, overlap, page sum,
 * bounds, all in unsigned wrapping 64-bit arithmetic), a VM's mode over a list of runs, the
 * two-phase update of one or several VMs' tables (prepare all, commit with a local pool, clear,
 * revert, defrag), the clearing of memory through the hypervisor's stage 1, and the locking of
 * several VMs in id order.
 *
 * <p>These classes are public only so that the two protocol packages can use them; they are not
 * part of memshare's supported surface.
 */
package org.memshare.engine.sharing;
