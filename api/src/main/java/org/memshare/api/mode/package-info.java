/** Architecture-neutral memory modes (read, write, execute, device and the ownership state bits). */
package org.memshare.api.mode;
