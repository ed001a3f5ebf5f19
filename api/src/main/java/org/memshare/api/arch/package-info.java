/**
 * The architecture SPI: how page-table entries are encoded ({@link org.memshare.api.arch.PageTableFormat}),
 * the TLB and cache maintenance software owes the hardware, and the plugin entry point
 * ({@link org.memshare.api.arch.ArchPlugin}) found with {@link java.util.ServiceLoader}.
 */
package org.memshare.api.arch;
