package org.memshare.engine.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.function.LongSupplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.memshare.api.pool.PagePool;

/**
 * {@link DefaultPagePool}, whose chunks are a searchable tree, against {@link ReferenceMpool},
 * which walks a linked list as mpool does: after any operations both answer every call the same
 * (which entry comes back, contiguous runs, alignment gaps kept as chunks, free counts, and what
 * fini hands to the fallback, in order).
 */
class DefaultPagePoolPropertyTest {

    enum Kind { ADD_CHUNK, ALLOC, ALLOC_CONTIGUOUS, FREE_LAST, FREE_COUNT }

    record Op(Kind kind, long a, long b) {
    }

    @Property(tries = 300)
    void answersEveryCallAsTheListWalkingPoolDoes(@ForAll("entrySizes") long entrySize,
            @ForAll("operations") List<Op> ops) {
        DefaultPagePool fallback = DefaultPagePool.create(entrySize);
        ReferenceMpool referenceFallback = new ReferenceMpool(entrySize, null);
        DefaultPagePool pool = DefaultPagePool.withFallback(fallback);
        ReferenceMpool reference = new ReferenceMpool(entrySize, referenceFallback);
        long lastAllocated = 0;
        for (Op op : ops) {
            switch (op.kind()) {
                case ADD_CHUNK -> {
                    long begin = op.a() * entrySize + (op.a() % 3 == 0 ? entrySize / 2 : 0);
                    long size = op.b() * entrySize;
                    assertEquals(reference.addChunk(begin, size), pool.addChunk(begin, size), () -> "addChunk " + op);
                }
                case ALLOC -> {
                    long entry = reference.alloc();
                    assertEquals(entry, pool.alloc(), () -> "alloc after " + op);
                    lastAllocated = entry == PagePool.NO_ENTRY ? lastAllocated : entry;
                }
                case ALLOC_CONTIGUOUS -> {
                    // An alignment that wraps to 0 bytes divides by zero in both, as in mpool's C.
                    String expected = outcome(() -> reference.allocContiguous(op.a(), op.b()));
                    assertEquals(expected, outcome(() -> pool.allocContiguous(op.a(), op.b())),
                            () -> "allocContiguous " + op);
                    if (expected.startsWith("0x") && !expected.equals("0xffffffffffffffff")) {
                        lastAllocated = Long.parseUnsignedLong(expected.substring(2), 16);
                    }
                }
                case FREE_LAST -> {
                    reference.free(lastAllocated);
                    pool.free(lastAllocated);
                }
                default -> {
                }
            }
            assertEquals(reference.freeCount(), pool.freeCount(), () -> "free count after " + op);
        }
        pool.fini();
        reference.fini();
        assertEquals(0, pool.freeCount(), "free count after fini");
        assertEquals(referenceFallback.freeCount(), fallback.freeCount(), "fallback's free count after fini");
        // A wrapped request can leave a chunk of nearly 2^64 bytes, so only the first entries are compared.
        for (int i = 0; i < 2000; i++) {
            assertEquals(referenceFallback.alloc(), fallback.alloc(), "fallback's entries after fini, in order");
        }
    }

    private static String outcome(LongSupplier call) {
        try {
            return "0x" + Long.toHexString(call.getAsLong());
        } catch (ArithmeticException e) {
            return e.getClass().getSimpleName();
        }
    }

    @Provide
    Arbitrary<Long> entrySizes() {
        return Arbitraries.of(8L, 4096L);
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Op> addChunk = Combinators.combine(
                Arbitraries.frequencyOf(
                        Tuple.of(8, Arbitraries.longs().between(0, 4096)),
                        // Chunks near the top of the address space, where mpool's sums wrap.
                        Tuple.of(1, Arbitraries.longs().between(1, 64).map(n -> Long.divideUnsigned(-1L, 4096) - n)),
                        Tuple.of(1, Arbitraries.longs().between(0, 64).map(n -> (1L << 50) + n))),
                Arbitraries.frequencyOf(
                        Tuple.of(1, Arbitraries.just(0L)),
                        Tuple.of(6, Arbitraries.longs().between(1, 40)),
                        Tuple.of(1, Arbitraries.longs().between(100, 600))))
                .as((begin, size) -> new Op(Kind.ADD_CHUNK, begin, size));
        Arbitrary<Op> contiguous = Combinators.combine(
                Arbitraries.frequencyOf(
                        Tuple.of(10, Arbitraries.longs().between(1, 16)),
                        Tuple.of(1, Arbitraries.longs().between(1L << 58, 1L << 62))),
                Arbitraries.frequencyOf(
                        Tuple.of(10, Arbitraries.of(1L, 2L, 3L, 4L, 8L, 16L, 512L)),
                        Tuple.of(1, Arbitraries.longs().between(1L << 58, 1L << 62))))
                .as((count, align) -> new Op(Kind.ALLOC_CONTIGUOUS, count, align));
        Arbitrary<Op> op = Arbitraries.frequencyOf(
                Tuple.of(3, addChunk),
                Tuple.of(4, Arbitraries.just(new Op(Kind.ALLOC, 0, 0))),
                Tuple.of(4, contiguous),
                Tuple.of(2, Arbitraries.just(new Op(Kind.FREE_LAST, 0, 0))),
                Tuple.of(1, Arbitraries.just(new Op(Kind.FREE_COUNT, 0, 0))));
        return op.list().ofMinSize(1).ofMaxSize(120);
    }
}
