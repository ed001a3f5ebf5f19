/**
 * The {@code aarch64} arch plugin: VMSAv8-64 stage-1 and stage-2 descriptors for the 4 KiB
 * granule, bit for bit as Hafnium encodes them, the stage-2 geometry and VTCR_EL2 value derived
 * from the PA size ({@link org.memshare.arch.aarch64.Aarch64Geometry}), and models of the TLB and
 * data-cache maintenance Hafnium performs, observable through
 * the api's {@link org.memshare.api.arch.TlbObserver} and {@link org.memshare.api.arch.DataCacheObserver},
 * and a hardware walk decoded from the raw descriptor bits as the architecture specifies them
 * ({@link org.memshare.api.arch.HardwareWalk}, offered by the plugin's arch).
 *
 * <p>Entry point: {@link org.memshare.arch.aarch64.Aarch64ArchPlugin}, found with
 * {@link java.util.ServiceLoader}.
 */
package org.memshare.arch.aarch64;
