package org.recsys4j.benchmarks;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.recsys4j.nd4j.Exp;

/**
 * A collapsed step's products and exp the way the ND4J trainer does them ({@code InBatchSoftmax}):
 * the query rows in blocks of at most {@link #BLOCK_ROWS}, each block's scores (rows x c) made,
 * exponentiated and used by both gradient products while they are still in cache, the blocks
 * shared out among Java workers that each call OpenBLAS on one thread and keep their own part of
 * dC, the parts added at the end. On this machine that beats one product over the whole u x c
 * matrix, which streams scores through memory four times (measured at 1M: the trainer's whole
 * epoch took 8.4 CPU s against 12.8 for the whole-matrix floor). Nothing of the softmax's own
 * arithmetic (sums, weights, the loss) is in it.
 */
final class RowBlockFloor implements AutoCloseable {
    /** As the trainer's {@code Nd4jTrainer.BLOCK_ROWS}: 128 rows of ~5,500 candidates are 2.8 MB of scores. */
    static final int BLOCK_ROWS = 128;

    private final int dim;
    private final INDArray q;
    private final INDArray c;
    private final INDArray gq;
    private final Worker[] workers;
    private final ExecutorService pool;

    /**
     * @param q at least maxQ x dim queries, c at least maxC x dim candidates, gq where dQ goes
     * @param threads Java workers, the calling thread included
     */
    RowBlockFloor(INDArray q, INDArray c, INDArray gq, int maxC, int dim, int threads) {
        this.dim = dim;
        this.q = q;
        this.c = c;
        this.gq = gq;
        workers = new Worker[threads];
        for (int w = 0; w < threads; w++) {
            workers[w] = new Worker(maxC);
        }
        pool = threads == 1 ? null : Executors.newFixedThreadPool(threads - 1, r -> {
            Thread t = new Thread(r, "floor-worker");
            t.setDaemon(true);
            return t;
        });
        if (pool instanceof java.util.concurrent.ThreadPoolExecutor p) {
            p.prestartAllCoreThreads(); // started before the clock, as the trainer's team is
        }
    }

    /** One step over the first u queries and n candidates. */
    void step(int u, int n) {
        int team = Math.min(workers.length, u);
        int blocks = Math.max(team, (u + BLOCK_ROWS - 1) / BLOCK_ROWS);
        int rowsPerBlock = (u + blocks - 1) / blocks;
        int blockCount = (u + rowsPerBlock - 1) / rowsPerBlock;
        Future<?>[] others = new Future<?>[team - 1];
        for (int w = 1; w < team; w++) {
            int worker = w;
            others[w - 1] = pool.submit(() -> workers[worker].run(worker, team, blockCount, rowsPerBlock, u, n));
        }
        workers[0].run(0, team, blockCount, rowsPerBlock, u, n);
        for (Future<?> f : others) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the floor's workers ran", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("a floor worker failed", e.getCause());
            }
        }
        // dC is the sum of the workers' parts, as the trainer adds them
        FloatPointer total = offset(workers[0].gc, 0);
        for (int w = 1; w < team; w++) {
            openblas_nolapack.cblas_saxpy(n * dim, 1f, offset(workers[w].gc, 0), 1, total, 1);
        }
    }

    /** The last step's dC, its first {@code n} rows (row-major), once {@link #step} has added the workers' parts. */
    float[] candidateGradient(int n) {
        return workers[0].gc.reshape(-1).get(NDArrayIndex.interval(0, (long) n * dim)).toFloatVector();
    }

    /** One worker's scores buffer and part of dC. */
    private final class Worker {
        final INDArray scores;
        final INDArray gc;
        /** Views of the scores' first k floats, by k: made once, as the trainer makes its block views once a step. */
        private final Map<Long, INDArray> prefixes = new HashMap<>();

        Worker(int maxC) {
            scores = Nd4j.create(DataType.FLOAT, (long) BLOCK_ROWS * maxC);
            gc = Nd4j.create(DataType.FLOAT, maxC, dim);
        }

        /** Blocks w, w + team, ... of the step; its part of dC starts from zero. */
        void run(int w, int team, int blocks, int rowsPerBlock, int u, int n) {
            float beta = 0f;
            for (int b = w; b < blocks; b += team) {
                int from = b * rowsPerBlock;
                int rows = Math.min(u, from + rowsPerBlock) - from;
                FloatPointer qb = offset(q, (long) from * dim);
                FloatPointer s = offset(scores, 0);
                FloatPointer pc = offset(c, 0);
                openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasNoTrans,
                        openblas_nolapack.CblasTrans, rows, n, dim, 1f, qb, dim, pc, dim, 0f, s, n);
                Exp.inPlace(prefixes.computeIfAbsent((long) rows * n,
                        k -> scores.get(NDArrayIndex.interval(0, k))));
                openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasNoTrans,
                        openblas_nolapack.CblasNoTrans, rows, dim, n, 1f, s, n, pc, dim, 0f,
                        offset(gq, (long) from * dim), dim);
                openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasTrans,
                        openblas_nolapack.CblasNoTrans, n, dim, rows, 1f, s, n, qb, dim, beta, offset(gc, 0), dim);
                beta = 1f;
            }
            if (beta == 0f) {
                gc.assign(0); // no block: nothing to add
            }
        }
    }

    /** A pointer {@code floats} floats into the array: a new object, so that workers share none. */
    static FloatPointer offset(INDArray x, long floats) {
        FloatPointer base = (FloatPointer) x.data().pointer();
        return new FloatPointer(base).position(base.position() + x.offset() + floats);
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
        for (Worker w : workers) {
            w.scores.close();
            w.gc.close();
        }
    }
}
