package org.recsys4j.nd4j;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A fixed team of workers for the in-batch softmax's row blocks: worker 0 is the calling thread,
 * the others are daemon threads owned by one trainer. Work is assigned by worker index, never by
 * which thread is free first, so every run adds partial results in the same order.
 *
 * <p>A worker spins for its next task and then parks. The spin covers a step's serial parts (at
 * 100k about 1.5 ms between the softmax's task and the next step's when it was chosen, about 0.8 ms
 * since the softmax's set-up moved into the workers' task): waking a parked worker cost more
 * here than that (A/B at 100k, load average 3: with a 50 us spin 0.123-0.129 s an epoch, with 3 ms
 * 0.109-0.121 s; on the quiet machine at 5M, 1.13 and 1.10 times the floor against 1.31 and 1.31,
 * 2026-12-02). Earlier, under a heavier load, a spinning vCPU slowed the other one's serial work.
 */
final class Parallel implements AutoCloseable {
    private static final long SPIN_NANOS = 3_000_000;

    private final int workers;
    private final long scoresPerWorker;
    private final Thread[] team;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile IntConsumer task;
    private volatile int generation;
    private volatile boolean closed;
    private volatile Thread caller;

    /**
     * @param workers the most threads, the caller's included
     * @param scoresPerWorker the least score-matrix entries that justify one more worker
     */
    Parallel(int workers, long scoresPerWorker) {
        if (workers < 1 || scoresPerWorker < 1) {
            throw new IllegalArgumentException("workers and scores per worker must be at least 1, got " + workers
                    + " and " + scoresPerWorker);
        }
        this.workers = workers;
        this.scoresPerWorker = scoresPerWorker;
        this.team = new Thread[workers - 1];
        for (int w = 1; w < workers; w++) {
            int index = w;
            team[w - 1] = new Thread(() -> work(index), "recsys4j-nd4j-worker-" + w);
            team[w - 1].setDaemon(true);
            team[w - 1].start();
        }
    }

    int workers() {
        return workers;
    }

    /**
     * How many workers a rows x columns score matrix gets: one, and one more for every
     * {@code scoresPerWorker} scores it holds, at most one per row.
     */
    int workersFor(int rows, int columns) {
        long wanted = 1 + (long) rows * columns / scoresPerWorker;
        return (int) Math.max(1, Math.min(workers, Math.min(rows, wanted)));
    }

    /** Work over the items {@code from} (inclusive) to {@code to} (exclusive) of a loop. */
    interface Range {
        void run(int from, int to);
    }

    /**
     * Runs {@code body} over items 0..n in contiguous ranges, one per worker and at least
     * {@code minPerWorker} items each (all on the calling thread when n is smaller): for loops whose
     * items are independent, so the result is the same however they are shared out.
     */
    void forEachRange(int n, int minPerWorker, Range body) {
        int team = (int) Math.max(1, Math.min(workers, n / Math.max(1, minPerWorker)));
        if (team == 1) {
            body.run(0, n);
            return;
        }
        forEachWorker(w -> {
            if (w < team) {
                body.run((int) ((long) n * w / team), (int) ((long) n * (w + 1) / team));
            }
        });
    }

    /** Runs {@code task(w)} for every worker w and returns when all are done; a failure in any is rethrown. */
    void forEachWorker(IntConsumer work) {
        if (closed) {
            throw new IllegalStateException("the trainer's workers are closed");
        }
        if (workers == 1) {
            work.accept(0);
            return;
        }
        failure.set(null);
        pending.set(workers - 1);
        caller = Thread.currentThread();
        task = work;
        generation++; // publishes the task
        for (Thread t : team) {
            LockSupport.unpark(t);
        }
        try {
            work.accept(0);
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        }
        long deadline = System.nanoTime() + SPIN_NANOS;
        while (pending.get() > 0) {
            if (System.nanoTime() < deadline) {
                Thread.onSpinWait();
            } else {
                LockSupport.park(this);
            }
        }
        Throwable t = failure.get();
        if (t instanceof RuntimeException r) {
            throw r;
        } else if (t instanceof Error e) {
            throw e;
        } else if (t != null) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * Waits inside a task until {@code count} reaches {@code target}: a barrier among workers that
     * are all running, so it spins, and yields once it has spun {@link #SPIN_NANOS} (another process
     * may hold the core of the worker it waits for).
     */
    static void awaitCount(AtomicInteger count, int target) {
        long deadline = System.nanoTime() + SPIN_NANOS;
        while (count.get() < target) {
            if (System.nanoTime() < deadline) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    private void work(int index) {
        int seen = 0;
        while (true) {
            long deadline = System.nanoTime() + SPIN_NANOS;
            while (generation == seen) {
                if (closed) {
                    return;
                }
                if (System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            seen = generation;
            try {
                task.accept(index);
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            } finally {
                if (pending.decrementAndGet() == 0) {
                    LockSupport.unpark(caller);
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread t : team) {
            LockSupport.unpark(t);
        }
    }
}
