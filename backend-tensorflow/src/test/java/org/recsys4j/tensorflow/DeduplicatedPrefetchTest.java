package org.recsys4j.tensorflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.recsys4j.spi.FeatureBatch;
import org.recsys4j.task.DeduplicatedBatch;

/** A prefetched batch collapses as the step would itself; any other batch, and a bad one, as without it. */
class DeduplicatedPrefetchTest {
    private static final FeatureBatch FIRST = batch(new int[] {1, 2, 1, 3}, new int[] {5, 5, 6, 7});
    private static final FeatureBatch SECOND = batch(new int[] {4, 4, 2}, new int[] {1, 2, 1});

    @Test
    void thePendingBatchComesFromTheOtherThreadAndAnyOtherIsCollapsedInPlace() {
        AtomicInteger elsewhere = new AtomicInteger();
        try (DeduplicatedPrefetch p = new DeduplicatedPrefetch(b -> {
            if (Thread.currentThread().getName().equals("recsys4j-tensorflow-prefetch")) {
                elsewhere.incrementAndGet();
            }
            return DeduplicatedBatch.of(b, "user", "item", true);
        })) {
            p.submit(SECOND);
            assertSame(DeduplicatedBatch.of(FIRST, "user", "item", true), p.take(FIRST), "a batch not pending");
            assertEquals(0, elsewhere.get());
            assertSame(DeduplicatedBatch.of(SECOND, "user", "item", true), p.take(SECOND), "the pending batch");
            assertEquals(1, elsewhere.get(), "collapsed on the prefetch thread");
            p.take(SECOND);
            assertEquals(1, elsewhere.get(), "taken once: the next take collapses in place");
        }
    }

    @Test
    void aBadBatchFailsItsStepWithItsOwnError() {
        FeatureBatch negative = batch(new int[] {1, -4}, new int[] {2, 3});
        try (DeduplicatedPrefetch p = new DeduplicatedPrefetch(b -> DeduplicatedBatch.of(b, "user", "item", true))) {
            p.submit(negative);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.take(negative));
            assertEquals("negative row -4", e.getMessage());
            assertTrue(p.take(FIRST).size() == 4, "the next step runs");
        }
    }

    private static void assertSame(DeduplicatedBatch expected, DeduplicatedBatch actual, String what) {
        assertArrayEquals(expected.queryRows(), actual.queryRows(), what + ": query rows");
        assertArrayEquals(expected.candidateRows(), actual.candidateRows(), what + ": candidate rows");
        assertArrayEquals(expected.queryOf(), actual.queryOf(), what + ": query of each example");
        assertArrayEquals(expected.columnLogWeight(), actual.columnLogWeight(), what + ": column log weights");
    }

    private static FeatureBatch batch(int[] users, int[] items) {
        return new FeatureBatch(Map.of("user", users, "item", items), null, users.length);
    }
}
