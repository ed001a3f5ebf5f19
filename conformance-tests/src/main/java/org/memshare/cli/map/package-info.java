/**
 * The ownership map of a replay ({@code memshare replay --html OUT}): a {@link
 * org.memshare.trace.ReplayObserver} that records, operation by operation, what changed in every
 * VM's stage-2 table (read through the engine's public table walk), and a writer of one
 * self-contained HTML page that shows it: bands coloured by ownership state on an axis that cuts
 * out what no VM held, a slider over the operations, the page-table tree. {@link
 * org.memshare.cli.map.OwnershipMap} is the one public type. The page's script
 * ({@code map.js}) redraws the bands by the same steps as {@code Bands} and {@code Axis}.
 */
package org.memshare.cli.map;
