/**
 * Example sharing policies, each with a Guice module that installs it into a machine's policy
 * set: pass the module to {@link org.memshare.engine.machine.Machines#create}.
 *
 * <ul>
 *   <li>{@link org.memshare.engine.policy.NoExecutableMemoryPolicy}: named VMs never receive
 *       executable memory ({@link org.memshare.engine.policy.NoExecutableMemoryModule});</li>
 *   <li>{@link org.memshare.engine.policy.DonateOnlyWithClearPolicy}: memory is only given away
 *       cleared ({@link org.memshare.engine.policy.DonateOnlyWithClearModule});</li>
 *   <li>{@link org.memshare.engine.policy.LendingCapPolicy}: no VM lends or shares out more than a
 *       cap at once, a ledger kept exact by the engine's commit callbacks.</li>
 * </ul>
 * Each is also a named policy ({@code no-exec}, {@code donate-needs-clear}, {@code no-escalation},
 * {@code lend-cap}; {@link org.memshare.api.policy.SharePolicyFactory} services), installable with
 * {@link org.memshare.engine.policy.NamedPolicies#module(String)}.
 */
package org.memshare.engine.policy;
