/** The {@code memshare} command line (picocli). */
package org.memshare.cli;
