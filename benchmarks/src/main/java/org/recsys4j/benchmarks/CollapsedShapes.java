package org.recsys4j.benchmarks;

import java.util.List;
import org.recsys4j.spec.RetrievalSpec;
import org.recsys4j.spi.FeatureBatch;
import org.recsys4j.task.DeduplicatedBatch;

/**
 * What a collapsed training step's products work on, per batch: its distinct queries u and
 * distinct candidates c, as {@code spec}'s collapsed in-batch softmax sees them. Both floors of
 * the scaling benchmark ({@link CollapsedFloor} in OpenBLAS, {@link TfCollapsedFloor} in
 * TensorFlow's kernels) time the same shapes, on the same random rows ({@link #randomRows}).
 */
record CollapsedShapes(int[] queries, int[] candidates, int dim) {
    CollapsedShapes {
        if (queries.length != candidates.length || queries.length == 0) {
            throw new IllegalArgumentException("a floor needs one u and one c per batch, and at least one batch; got "
                    + queries.length + " and " + candidates.length);
        }
    }

    static CollapsedShapes of(List<FeatureBatch> batches, RetrievalSpec spec, int dim) {
        int[] queries = new int[batches.size()];
        int[] candidates = new int[batches.size()];
        for (int b = 0; b < batches.size(); b++) {
            DeduplicatedBatch d = DeduplicatedBatch.of(batches.get(b), spec, true);
            queries[b] = d.queryRows().length;
            candidates[b] = d.candidateRows().length;
        }
        return new CollapsedShapes(queries, candidates, dim);
    }

    int batches() {
        return queries.length;
    }

    int maxQueries() {
        return java.util.Arrays.stream(queries).max().orElse(1);
    }

    int maxCandidates() {
        return java.util.Arrays.stream(candidates).max().orElse(1);
    }

    /** The largest u x c of a batch. */
    long maxScores() {
        long most = 1;
        for (int b = 0; b < queries.length; b++) {
            most = Math.max(most, (long) queries[b] * candidates[b]);
        }
        return most;
    }

    double meanQueries() {
        return java.util.Arrays.stream(queries).average().orElse(0);
    }

    double meanCandidates() {
        return java.util.Arrays.stream(candidates).average().orElse(0);
    }

    /**
     * {@code rows x dim} values, row-major, uniform in [-0.1, 0.1) (embeddings' scale: the exp of
     * their products stays near 1), the same for a seed in both floors.
     */
    static float[] randomRows(int rows, int dim, long seed) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        float[] out = new float[rows * dim];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) ((random.nextDouble() - 0.5) * 0.2);
        }
        return out;
    }

    /** The floor's queries: {@link #maxQueries} rows. */
    float[] queryRows() {
        return randomRows(maxQueries(), dim, 7);
    }

    /** The floor's candidates: {@link #maxCandidates} rows. */
    float[] candidateRows() {
        return randomRows(maxCandidates(), dim, 8);
    }
}
