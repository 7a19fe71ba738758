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
            assertEquals(4, p.workersFor(8192, 8192));
            assertEquals(2, p.workersFor(2000, 2000));
        }
        try (Parallel p = new Parallel(4, 1)) {
            assertEquals(3, p.workersFor(3, 10), "never more workers than rows");
        }
    }

    @Test
    void aClosedTeamRefusesWork() {
        Parallel p = new Parallel(2, 1);
        p.close();
        assertThrows(IllegalStateException.class, () -> p.forEachWorker(w -> { }));
    }
}
