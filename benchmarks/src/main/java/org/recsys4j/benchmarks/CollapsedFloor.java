package org.recsys4j.benchmarks;

import java.util.List;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.recsys4j.nd4j.Exp;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.spi.FeatureBatch;
import org.recsys4j.task.DeduplicatedBatch;

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

    /** The shapes of {@code batches} as {@code spec}'s collapsed in-batch softmax sees them. */
    CollapsedFloor(List<FeatureBatch> batches, RetrievalSpec spec, int dim) {
        this.dim = dim;
        queries = new int[batches.size()];
        candidates = new int[batches.size()];
        int maxQ = 1;
        int mostC = 1;
        long mostS = 1;
        for (int b = 0; b < batches.size(); b++) {
            DeduplicatedBatch d = DeduplicatedBatch.of(batches.get(b), spec, true);
            queries[b] = d.queryRows().length;
            candidates[b] = d.candidateRows().length;
            maxQ = Math.max(maxQ, queries[b]);
            mostC = Math.max(mostC, candidates[b]);
            mostS = Math.max(mostS, (long) queries[b] * candidates[b]);
        }
        maxC = mostC;
        maxS = mostS;
        Nd4j.getRandom().setSeed(7);
        q = Nd4j.rand(DataType.FLOAT, maxQ, dim).subi(0.5).muli(0.2);
        c = Nd4j.rand(DataType.FLOAT, maxC, dim).subi(0.5).muli(0.2);
        gq = Nd4j.create(DataType.FLOAT, maxQ, dim);
        gc = Nd4j.create(DataType.FLOAT, maxC, dim);
    }

    /** Mean distinct queries and candidates per batch. */
    double meanQueries() {
        return mean(queries);
    }

    double meanCandidates() {
        return mean(candidates);
    }

    private static double mean(int[] x) {
        return java.util.Arrays.stream(x).average().orElse(0);
    }

    /** Seconds for the products and exp of every batch, once, {@code way} on {@code threads} threads. */
    double seconds(Way way, int threads) {
        return seconds(way, threads, queries.length);
    }

    /** As {@link #seconds(Way, int)} over the first {@code batches} batches only (a warm-up). */
    double seconds(Way way, int threads, int batches) {
        int n = Math.min(batches, queries.length);
        if (way == Way.ROW_BLOCKS) {
            openblas_nolapack.blas_set_num_threads(1);
            try (RowBlockFloor blocks = new RowBlockFloor(q, c, gq, maxC, dim, threads)) {
                long start = System.nanoTime();
                for (int b = 0; b < n; b++) {
                    blocks.step(queries[b], candidates[b]);
                }
                return (System.nanoTime() - start) / 1e9;
            }
        }
        openblas_nolapack.blas_set_num_threads(threads);
        if (s == null) {
            s = Nd4j.create(DataType.FLOAT, maxS);
        }
        long start = System.nanoTime();
        for (int b = 0; b < n; b++) {
            wholeMatrix(queries[b], candidates[b]);
        }
        return (System.nanoTime() - start) / 1e9;
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
