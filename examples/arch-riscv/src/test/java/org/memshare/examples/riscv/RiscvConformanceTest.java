package org.memshare.examples.riscv;

import org.junit.platform.suite.api.ConfigurationParameter;
import org.junit.platform.suite.api.IncludeClassNamePatterns;
import org.junit.platform.suite.api.SelectPackages;
import org.junit.platform.suite.api.Suite;

/**
 * Runs memshare's conformance kit against the {@code riscv} plugin from this project's build:
 * every rule class of the kit at every configuration the plugin lists (PA 41 and 50: Sv39x4 and
 * Sv48x4). A failing required rule, or an optional one whose feature the plugin
 * declares (TLB_MODEL, HARDWARE_WALK), fails the build.
 */
@Suite
@SelectPackages("org.memshare.kit.rules")
@IncludeClassNamePatterns(".*Rules")
@ConfigurationParameter(key = "memshare.arch", value = RiscvArchPlugin.NAME)
class RiscvConformanceTest {
}
