/** The trace language: parsing, replay with canonical output, corpora and their comparison. */
package org.memshare.trace;
