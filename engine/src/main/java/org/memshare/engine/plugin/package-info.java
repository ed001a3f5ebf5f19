/** Finding arch plugins by name. */
package org.memshare.engine.plugin;
