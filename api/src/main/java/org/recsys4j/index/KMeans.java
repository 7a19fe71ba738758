package org.recsys4j.index;

import java.util.Random;
import java.util.stream.IntStream;
import org.recsys4j.metrics.Scores;

/**
 * Lloyd's k-means under squared Euclidean distance, seeded: the partitioner of {@link ScannIndex}
 * (its leaves) and the trainer of its product-quantisation codebooks. Centres start at distinct
 * random rows; a centre that loses all its rows restarts at a random row, so every centre stays in
 * use. Assignment runs in parallel; the result depends only on the seed, not on the thread count.
 */
final class KMeans {
    /** Rows per parallel task: enough to amortise its scratch space. */
    private static final int CHUNK = 1024;

    private KMeans() {
    }

    /** Trains {@code k} centres on {@code rows x dim} floats (row-major); returns {@code k x dim} floats. */
    static float[] train(float[] data, int rows, int dim, int k, int iterations, Random random) {
        if (k < 1 || k > rows) {
            throw new IllegalArgumentException("k-means needs 1 <= k <= rows, got k " + k + " for " + rows + " rows");
        }
        float[] centres = new float[k * dim];
        int[] start = distinctSample(rows, k, random);
        for (int c = 0; c < k; c++) {
            System.arraycopy(data, start[c] * dim, centres, c * dim, dim);
        }
        int[] assignment = new int[rows];
        for (int it = 0; it < iterations; it++) {
            int[] next = assign(data, rows, dim, centres, k);
            boolean changed = it == 0 || !java.util.Arrays.equals(next, assignment);
            assignment = next;
            recompute(data, rows, dim, assignment, centres, k, random);
            if (!changed) {
                break; // converged: the centres can no longer move
            }
        }
        return centres;
    }

    /** The nearest centre of every row (the lowest index among equally near ones). */
    static int[] assign(float[] data, int rows, int dim, float[] centres, int k) {
        ColumnMajor columns = new ColumnMajor(centres, 0, dim, k, dim);
        float[] halfNorms = new float[k];
        for (int c = 0; c < k; c++) {
            halfNorms[c] = 0.5f * Scores.dot(centres, c * dim, centres, c * dim, dim);
        }
        int[] out = new int[rows];
        int chunks = (rows + CHUNK - 1) / CHUNK;
        IntStream.range(0, chunks).parallel().forEach(chunk -> {
            float[] scores = new float[k];
            for (int i = chunk * CHUNK, end = Math.min(rows, i + CHUNK); i < end; i++) {
                // |x - c|^2 = |x|^2 - 2 (x.c - |c|^2 / 2): the nearest centre has the largest x.c - |c|^2 / 2
                columns.dots(data, i * dim, scores);
                int best = 0;
                float bestScore = Float.NEGATIVE_INFINITY;
                for (int c = 0; c < k; c++) {
                    float s = scores[c] - halfNorms[c];
                    if (s > bestScore) {
                        bestScore = s;
                        best = c;
                    }
                }
                out[i] = best;
            }
        });
        return out;
    }

    private static void recompute(float[] data, int rows, int dim, int[] assignment, float[] centres, int k,
            Random random) {
        double[] sums = new double[k * dim];
        int[] counts = new int[k];
        for (int i = 0; i < rows; i++) {
            int c = assignment[i];
            counts[c]++;
            for (int j = 0; j < dim; j++) {
                sums[c * dim + j] += data[i * dim + j];
            }
        }
        for (int c = 0; c < k; c++) {
            if (counts[c] == 0) {
                System.arraycopy(data, random.nextInt(rows) * dim, centres, c * dim, dim);
                continue;
            }
            for (int j = 0; j < dim; j++) {
                centres[c * dim + j] = (float) (sums[c * dim + j] / counts[c]);
            }
        }
    }

    /** {@code n} distinct values from [0, bound), in random order (a partial Fisher-Yates shuffle). */
    static int[] distinctSample(int bound, int n, Random random) {
        if (n == bound) {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) {
                all[i] = i;
            }
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = all[i];
                all[i] = all[j];
                all[j] = t;
            }
            return all;
        }
        // Floyd's algorithm: n draws, no array of size bound
        java.util.LinkedHashSet<Integer> chosen = new java.util.LinkedHashSet<>();
        for (int j = bound - n; j < bound; j++) {
            int t = random.nextInt(j + 1);
            if (!chosen.add(t)) {
                chosen.add(j);
            }
        }
        int[] out = new int[n];
        int i = 0;
        for (int v : chosen) {
            out[i++] = v;
        }
        return out;
    }
}
