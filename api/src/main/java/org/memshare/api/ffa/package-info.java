/**
 * FF-A memory management on the wire, every version from 1.0 to 1.3: versions, error codes,
 * handles, permissions, attributes and flags, the descriptors as records
 * ({@link org.memshare.api.ffa.MemoryTransaction}, {@link org.memshare.api.ffa.EndpointAccess},
 * {@link org.memshare.api.ffa.CompositeRegion}, {@link org.memshare.api.ffa.FfaConstituent},
 * {@link org.memshare.api.ffa.Relinquish}) and {@link org.memshare.api.ffa.FfaDescriptorCodec},
 * which lays them out in the caller's version and decodes untrusted bytes without ever throwing.
 *
 * <p>Decoding is layout only: it rejects what cannot be read (a header past the end, receivers or
 * a composite outside the bytes) and keeps every raw field (offsets, the access-descriptor size,
 * reserved words, impdef) so that the engine can apply Hafnium's protocol checks in Hafnium's
 * order, with Hafnium's error codes. The behavioural reference is Hafnium main
 * ({@code inc/vmapi/hf/ffa.h}, {@code src/ffa_memory.c}).
 */
package org.memshare.api.ffa;
