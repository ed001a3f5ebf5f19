/** Page tables with Hafnium's semantics, and the hypervisor memory they live in. */
package org.memshare.engine.mm;
