package org.memshare.examples.tutorial;

import org.junit.platform.suite.api.ConfigurationParameter;
import org.junit.platform.suite.api.IncludeClassNamePatterns;
import org.junit.platform.suite.api.SelectPackages;
import org.junit.platform.suite.api.Suite;

/**
 * Runs memshare's conformance kit against the {@code tutorial} plugin, from this project's own
 * build: every rule class of the kit ({@code org.memshare.kit.rules.*Rules}, found in the
 * memshare-conformance-kit jar on the test class path), at every configuration the plugin lists.
 * A required rule that fails fails the build; rules that need a feature the plugin does not
 * declare are skipped with the reason.
 *
 * <p>Copy this class into your plugin's tests and change the {@code memshare.arch} value to your
 * plugin's name. (With exactly one plugin on the class path the key may be left out; naming it
 * makes a mistake in the service file fail loudly instead of testing something else.)
 */
@Suite
@SelectPackages("org.memshare.kit.rules")
@IncludeClassNamePatterns(".*Rules")
@ConfigurationParameter(key = "memshare.arch", value = TutorialArchPlugin.NAME)
class TutorialConformanceTest {
}
