package org.recsys4j.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.recsys4j.spi.FeatureBatch;

/** A prefetched batch collapses as the step would itself; any other batch, and a bad one, as without it. */
class DeduplicatedPrefetchTest {
    private static final FeatureBatch FIRST = batch(new int[] {1, 2, 1, 3}, new int[] {5, 5, 6, 7});
    private static final FeatureBatch SECOND = batch(new int[] {4, 4, 2}, new int[] {1, 2, 1});

    @Test
    void thePendingBatchComesFromTheOtherThreadAndAnyOtherIsCollapsedInPlace() {
        java.util.List<String> threads = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        try (DeduplicatedPrefetch p = new DeduplicatedPrefetch(b -> {
            threads.add((b == FIRST ? "first on " : "second on ") + Thread.currentThread().getName());
            return DeduplicatedBatch.of(b, "user", "item", true);
        })) {
            p.submit(SECOND);
            assertSame(DeduplicatedBatch.of(FIRST, "user", "item", true), p.take(FIRST), "a batch not pending");
            assertSame(DeduplicatedBatch.of(SECOND, "user", "item", true), p.take(SECOND), "the pending batch");
            p.take(SECOND);
            String here = Thread.currentThread().getName();
            assertEquals(java.util.Set.of("first on " + here, "second on recsys4j-prefetch", "second on " + here),
                    java.util.Set.copyOf(threads), "taken once: the next take collapses in place");
            assertEquals(3, threads.size());
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
