/** SPCI memory sharing: the transition tables and the all-or-nothing share flow. */
package org.memshare.engine.spci;
