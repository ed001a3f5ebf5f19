/**
 * An arch-neutral model of a VM's stage-2 translation with a TLB that goes stale when
 * maintenance is missed ({@link org.memshare.kit.translation.TranslationModel}): the kit's TLB
 * rules watch it through the api's {@link org.memshare.api.arch.TlbObserver}, and its MODEL rules
 * check access through it.
 */
package org.memshare.kit.translation;
