package org.recsys4j.benchmarks;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.recsys4j.nd4j.Exp;

/**
 * The floor of a collapsed training step, as {@link GemmFloorBenchmark} measures the plain one:
 * for each batch, its distinct queries u and distinct candidates c (what the trainers collapse it
 * to), the step's three products alone (logits u x d x c, then the gradients' c x u x d and
 * u x c x d) and the exp of the u x c logits (the trainer's own vectorised exp), on random
 * matrices of those shapes. A floor must be the fastest known way to do that work here, so it is
 * timed every {@link Way}: the whole u x c matrix at once on OpenBLAS's own threads, and in row
 * blocks on Java workers as the ND4J trainer does ({@link RowBlockFloor}); which wins depends on
 * the shapes and on the load (spin-waiting OpenBLAS threads lose most when other processes hold
 * the cores), so {@code ScalingRun} times each way at 1 and at every core and keeps the fastest.
 * Nothing else a step does (lookups, the softmax's sums, Adagrad) is in it, so a trainer's epoch
 * over the same batches is at least this.
 */
final class CollapsedFloor implements AutoCloseable {
    /** How the products run. */
    enum Way {
        /** One product per step over the whole score matrix; the threads are OpenBLAS's. */
        WHOLE_MATRIX,
        /** Row blocks that stay in cache, shared out among Java threads, OpenBLAS on one each. */
        ROW_BLOCKS
    }

    private final int dim;
    private final int[] queries;
    private final int[] candidates;
    private final int maxC;
    private final long maxS;
    private final INDArray q;
    private final INDArray c;
    private final INDArray gq;
    private final INDArray gc;
    /** The whole matrix's scores: made on first use, as large as the largest batch's u x c. */
    private INDArray s;

    /** The shapes' floor, on {@link CollapsedShapes#queryRows} and {@link CollapsedShapes#candidateRows}. */
    CollapsedFloor(CollapsedShapes shapes) {
        this.dim = shapes.dim();
        queries = shapes.queries();
        candidates = shapes.candidates();
        int maxQ = shapes.maxQueries();
        maxC = shapes.maxCandidates();
        maxS = shapes.maxScores();
        q = Nd4j.create(shapes.queryRows(), new long[] {maxQ, dim}, 'c');
        c = Nd4j.create(shapes.candidateRows(), new long[] {maxC, dim}, 'c');
        gq = Nd4j.create(DataType.FLOAT, maxQ, dim);
        gc = Nd4j.create(DataType.FLOAT, maxC, dim);
    }

    /** Seconds for the products and exp of every batch, once, {@code way} on {@code threads} threads. */
    double seconds(Way way, int threads) {
        return seconds(way, threads, queries.length);
    }

    /** As {@link #seconds(Way, int)} over the first {@code batches} batches only (a warm-up). */
    double seconds(Way way, int threads, int batches) {
        int n = Math.min(batches, queries.length);
        if (way == Way.ROW_BLOCKS) {
            try (RowBlockFloor blocks = rowBlocks(threads)) {
                long start = System.nanoTime();
                for (int b = 0; b < n; b++) {
                    blocks.step(queries[b], candidates[b]);
                }
                return (System.nanoTime() - start) / 1e9;
            }
        }
        wholeMatrixThreads(threads);
        long start = System.nanoTime();
        for (int b = 0; b < n; b++) {
            wholeMatrix(queries[b], candidates[b]);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** Batch {@code b}'s step {@code way}: its dQ (u x dim) and dC (c x dim), row-major, to check other floors by. */
    float[][] gradients(Way way, int threads, int b) {
        int u = queries[b];
        int n = candidates[b];
        if (way == Way.ROW_BLOCKS) {
            try (RowBlockFloor blocks = rowBlocks(threads)) {
                blocks.step(u, n);
                return new float[][] {prefix(gq, (long) u * dim), blocks.candidateGradient(n)};
            }
        }
        wholeMatrixThreads(threads);
        wholeMatrix(u, n);
        return new float[][] {prefix(gq, (long) u * dim), prefix(gc, (long) n * dim)};
    }

    private static float[] prefix(INDArray x, long floats) {
        return x.reshape(-1).get(NDArrayIndex.interval(0, floats)).toFloatVector();
    }

    private RowBlockFloor rowBlocks(int threads) {
        openblas_nolapack.blas_set_num_threads(1);
        return new RowBlockFloor(q, c, gq, maxC, dim, threads);
    }

    private void wholeMatrixThreads(int threads) {
        openblas_nolapack.blas_set_num_threads(threads);
        if (s == null) {
            s = Nd4j.create(DataType.FLOAT, maxS);
        }
    }

    private void wholeMatrix(int u, int n) {
        FloatPointer pq = RowBlockFloor.offset(q, 0);
        FloatPointer pc = RowBlockFloor.offset(c, 0);
        FloatPointer ps = RowBlockFloor.offset(s, 0);
        openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasNoTrans,
                openblas_nolapack.CblasTrans, u, n, dim, 1f, pq, dim, pc, dim, 0f, ps, n);
        Exp.inPlace(s.get(NDArrayIndex.interval(0, (long) u * n)));
        openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasNoTrans,
                openblas_nolapack.CblasNoTrans, u, dim, n, 1f, ps, n, pc, dim, 0f, RowBlockFloor.offset(gq, 0), dim);
        openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasTrans,
                openblas_nolapack.CblasNoTrans, n, dim, u, 1f, ps, n, pq, dim, 0f, RowBlockFloor.offset(gc, 0), dim);
    }

    @Override
    public void close() {
        for (INDArray x : new INDArray[] {q, c, s, gq, gc}) {
            if (x != null) {
                x.close();
            }
        }
    }
}
