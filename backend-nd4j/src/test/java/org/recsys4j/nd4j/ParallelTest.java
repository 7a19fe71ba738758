package org.recsys4j.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ParallelTest {
    @Test
    void everyWorkerRunsOncePerCallManyTimesOver() {
        try (Parallel p = new Parallel(3, 1)) {
            AtomicIntegerArray runs = new AtomicIntegerArray(3);
            for (int call = 0; call < 2000; call++) {
                p.forEachWorker(runs::incrementAndGet);
            }
            for (int w = 0; w < 3; w++) {
                assertEquals(2000, runs.get(w), "worker " + w);
            }
        }
    }

    @Test
    void aWorkersFailureReachesTheCallerAndTheTeamGoesOn() {
        try (Parallel p = new Parallel(2, 1)) {
            IllegalStateException boom = new IllegalStateException("boom");
            IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> p.forEachWorker(w -> {
                if (w == 1) {
                    throw boom;
                }
            }));
            assertSame(boom, thrown);
            AtomicIntegerArray runs = new AtomicIntegerArray(2);
            p.forEachWorker(runs::incrementAndGet);
            assertEquals(1, runs.get(1));
        }
    }

    @Test
    void smallMatricesGetFewerWorkers() {
        try (Parallel p = new Parallel(4, 2_000_000)) {
            assertEquals(1, p.workersFor(900, 1200));
            assertEquals(1, p.workersFor(999, 2000), "below 2M scores a second worker does not pay");
            // a second worker from 2M scores on, as scoresPerWorker says (it used to take 4M, which
            // left the 650 x 5,386 matrices of the 100k scaling table on one core)
            assertEquals(2, p.workersFor(1000, 2000));
            assertEquals(2, p.workersFor(650, 5386));
            assertEquals(3, p.workersFor(2000, 2000));
            assertEquals(4, p.workersFor(8192, 8192));
        }
        try (Parallel p = new Parallel(4, 1)) {
            assertEquals(3, p.workersFor(3, 10), "never more workers than rows");
        }
    }

    @Test
    void rangesCoverEveryItemOnceAndSmallLoopsStayOnTheCaller() {
        try (Parallel p = new Parallel(3, 1)) {
            for (int n : new int[] {0, 1, 5, 2999, 3000, 10_001}) {
                java.util.concurrent.atomic.AtomicIntegerArray seen = new AtomicIntegerArray(n);
                java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
                p.forEachRange(n, 1000, (from, to) -> {
                    threads.add(Thread.currentThread().getName());
                    for (int i = from; i < to; i++) {
                        seen.incrementAndGet(i);
                    }
                });
                for (int i = 0; i < n; i++) {
                    assertEquals(1, seen.get(i), "item " + i + " of " + n);
                }
                assertEquals(Math.max(1, Math.min(3, n / 1000)), threads.size(), "threads for " + n + " items");
            }
        }
    }

    @Test
    void aClosedTeamRefusesWork() {
        Parallel p = new Parallel(2, 1);
        p.close();
        assertThrows(IllegalStateException.class, () -> p.forEachWorker(w -> { }));
    }
}
