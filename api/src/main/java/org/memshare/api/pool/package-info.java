/** The page pool interface: where page tables get their memory. */
package org.memshare.api.pool;
