/** The default page pool, with the semantics of Hafnium's {@code mpool}. */
package org.memshare.engine.pool;
