package org.memshare.conformance;

/** Runs the ARCH rules against every arch bundled with memshare. */
class ArchRulesTest extends ArchRules {
}
