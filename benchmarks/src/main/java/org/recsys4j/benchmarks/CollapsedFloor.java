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
 * u x c x d, OpenBLAS called directly) and the exp of the u x c logits (the trainer's own vectorised
 * exp), on random matrices of those shapes. {@link #seconds(int)} takes OpenBLAS's thread count:
 * on this shared machine one thread often beats two (spin-waiting threads lose most when other
 * processes hold the cores), so the benchmark times both and keeps the faster as the floor.
 * Nothing else a step does (lookups, the softmax's sums, Adagrad) is in it, so a trainer's epoch
 * over the same batches is at least this.
 */
final class CollapsedFloor implements AutoCloseable {
    private final int dim;
    private final int[] queries;
    private final int[] candidates;
    private final INDArray q;
    private final INDArray c;
    private final INDArray s;
    private final INDArray gq;
    private final INDArray gc;

    /** The shapes of {@code batches} as {@code spec}'s collapsed in-batch softmax sees them. */
    CollapsedFloor(List<FeatureBatch> batches, RetrievalSpec spec, int dim) {
        this.dim = dim;
        queries = new int[batches.size()];
        candidates = new int[batches.size()];
        int maxQ = 1;
        int maxC = 1;
        long maxS = 1;
        for (int b = 0; b < batches.size(); b++) {
            DeduplicatedBatch d = DeduplicatedBatch.of(batches.get(b), spec, true);
            queries[b] = d.queryRows().length;
            candidates[b] = d.candidateRows().length;
            maxQ = Math.max(maxQ, queries[b]);
            maxC = Math.max(maxC, candidates[b]);
            maxS = Math.max(maxS, (long) queries[b] * candidates[b]);
        }
        Nd4j.getRandom().setSeed(7);
        q = Nd4j.rand(DataType.FLOAT, maxQ, dim).subi(0.5).muli(0.2);
        c = Nd4j.rand(DataType.FLOAT, maxC, dim).subi(0.5).muli(0.2);
        s = Nd4j.create(DataType.FLOAT, maxS);
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

    /** Seconds for the products and exp of every batch, once, OpenBLAS on {@code threads} threads. */
    double seconds(int threads) {
        return seconds(threads, queries.length);
    }

    /** As {@link #seconds(int)} over the first {@code batches} batches only (a warm-up). */
    double seconds(int threads, int batches) {
        openblas_nolapack.blas_set_num_threads(threads);
        long start = System.nanoTime();
        FloatPointer pq = pointer(q);
        FloatPointer pc = pointer(c);
        FloatPointer ps = pointer(s);
        for (int b = 0; b < Math.min(batches, queries.length); b++) {
            int u = queries[b];
            int n = candidates[b];
            openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasNoTrans,
                    openblas_nolapack.CblasTrans, u, n, dim, 1f, pq, dim, pc, dim, 0f, ps, n);
            Exp.inPlace(s.get(NDArrayIndex.interval(0, (long) u * n)));
            openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasNoTrans,
                    openblas_nolapack.CblasNoTrans, u, dim, n, 1f, ps, n, pc, dim, 0f, pointer(gq), dim);
            openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasTrans,
                    openblas_nolapack.CblasNoTrans, n, dim, u, 1f, ps, n, pq, dim, 0f, pointer(gc), dim);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static FloatPointer pointer(INDArray x) {
        return (FloatPointer) x.data().pointer();
    }

    @Override
    public void close() {
        for (INDArray x : new INDArray[] {q, c, s, gq, gc}) {
            x.close();
        }
    }
}
