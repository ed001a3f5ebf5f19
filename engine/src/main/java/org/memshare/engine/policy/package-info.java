/**
 * Example sharing policies, each with a Guice module that installs it into a machine's policy
 * set: pass the module to {@link org.memshare.engine.machine.Machines#create}.
 *
 * <ul>
 *   <li>{@link org.memshare.engine.policy.NoExecutableMemoryPolicy}: named VMs never receive
 *       executable memory ({@link org.memshare.engine.policy.NoExecutableMemoryModule});</li>
 *   <li>{@link org.memshare.engine.policy.DonateOnlyWithClearPolicy}: memory is only given away
 *       cleared ({@link org.memshare.engine.policy.DonateOnlyWithClearModule}).</li>
 * </ul>
 */
package org.memshare.engine.policy;
