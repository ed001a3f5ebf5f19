/**
 * Random FF-A traces ({@link org.memshare.kit.ffa.RandomFfaTraces}): seeded, mostly aimed at what
 * should succeed, partly mutated; for the differential against Hafnium and for model rules.
 */
package org.memshare.kit.ffa;
