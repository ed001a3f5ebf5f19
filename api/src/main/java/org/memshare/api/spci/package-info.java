/**
 * SPCI memory sharing on the wire: share types, error codes, the memory region descriptor (its
 * receiver attributes and constituents) and {@link org.memshare.api.spci.MemoryRegionCodec}, which
 * encodes descriptors byte for byte as Hafnium does and decodes untrusted bytes, checking every
 * structural rule without ever throwing.
 */
package org.memshare.api.spci;
