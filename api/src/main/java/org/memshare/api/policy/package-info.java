/** The policy SPI: custom rules that refuse shares the protocol would allow. */
package org.memshare.api.policy;
