package org.memshare.kit;

import org.memshare.api.pool.PagePool;

/**
 * Makes the page pools the PT and POOL rules build tables from. The default is the engine's
 * {@code DefaultPagePool}; naming another implementation with the key {@link KitKeys#POOL_FACTORY}
 * proves that pool against the same rules (the kit's own tests use it to show that a pool that
 * leaks is caught). Implementations have a public no-argument constructor.
 */
public interface PoolFactory {

    /** An empty pool of {@code entrySize}-byte entries with no fallback. */
    PagePool create(long entrySize);
}
