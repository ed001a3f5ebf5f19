/**
 * Distinct types for the three address spaces (physical, intermediate physical, virtual), so that
 * a stage-1 address cannot be passed where a stage-2 one is meant. All are unsigned 64-bit values.
 */
package org.memshare.api.addr;
