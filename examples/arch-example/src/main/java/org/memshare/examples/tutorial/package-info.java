/**
 * The {@code tutorial} arch: an example plugin for memshare, written to be read and copied.
 *
 * <p>Start with {@link org.memshare.examples.tutorial.TutorialArchPlugin}, the entry point that
 * {@link java.util.ServiceLoader} finds; then {@code TutorialPageTableFormat}, the bit layout;
 * {@code TutorialGeometry}, how the PA size picks the tree's shape; and {@code TutorialTlb}, the
 * TLB maintenance that reports every invalidation to observers. Everything here compiles against
 * {@code memshare-api} alone.
 */
package org.memshare.examples.tutorial;
