package org.recsys4j.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The TensorFlow floor does the OpenBLAS floor's work: the same dQ and dC, number for number, for
 * every way of cutting the rows, and both match a plain triple loop (with the softmax as the exp,
 * the loop's rows normalised); its timed run fetches what those products give.
 */
class TfCollapsedFloorTest {
    /** Two batches, the larger cut into several blocks by every {@link TfCollapsedFloor.Blocks}. */
    private static final CollapsedShapes SHAPES = new CollapsedShapes(new int[] {37, 600}, new int[] {53, 41}, 8);

    @Test
    void productsAndExpAgreeWithTheOpenBlasFloorAndAPlainLoop() {
        try (CollapsedFloor openBlas = new CollapsedFloor(SHAPES);
                TfCollapsedFloor tf = new TfCollapsedFloor(SHAPES, 0, 0)) {
            for (int b = 0; b < SHAPES.batches(); b++) {
                float[][] plain = plainLoop(b, false);
                for (CollapsedFloor.Way way : CollapsedFloor.Way.values()) {
                    float[][] g = openBlas.gradients(way, 2, b);
                    assertClose(plain[0], g[0], "OpenBLAS " + way + " dQ, batch " + b);
                    assertClose(plain[1], g[1], "OpenBLAS " + way + " dC, batch " + b);
                }
                for (TfCollapsedFloor.Exp exp : TfCollapsedFloor.Exp.values()) {
                    float[][] loop = exp == TfCollapsedFloor.Exp.EXP ? plain : plainLoop(b, true);
                    for (TfCollapsedFloor.Blocks blocks : TfCollapsedFloor.Blocks.values()) {
                        String way = "TensorFlow " + blocks + " " + exp;
                        float[][] g = tf.gradients(blocks, exp, b);
                        assertClose(loop[0], g[0], way + " dQ, batch " + b);
                        assertClose(loop[1], g[1], way + " dC, batch " + b);
                        // the timed run: each block's first dQ element and dC's first, summed
                        int[] sizes = blocks.sizes(SHAPES.queries()[b]);
                        double expected = loop[1][0];
                        for (int k = 0, row = 0; k < sizes.length; row += sizes[k++]) {
                            expected += loop[0][row * SHAPES.dim()];
                        }
                        assertEquals(expected, tf.probe(blocks, exp, b), 1e-4 * Math.abs(expected), way + " probe");
                    }
                }
            }
        }
    }

    @Test
    void blocksAreTheTrainersNoneEmpty() {
        // blocks of about 256 rows, at least 2, at most 8, as BlockedSoftmaxGraph.sizes cuts them
        assertArrayEquals(new int[] {1}, TfCollapsedFloor.Blocks.TRAINERS.sizes(1));
        assertArrayEquals(new int[] {50, 50}, TfCollapsedFloor.Blocks.TRAINERS.sizes(100));
        assertArrayEquals(new int[] {217, 217, 216}, TfCollapsedFloor.Blocks.TRAINERS.sizes(650));
        int[] eight = TfCollapsedFloor.Blocks.TRAINERS.sizes(4241);
        assertEquals(8, eight.length);
        assertEquals(531, eight[0]);
        assertEquals(4241, java.util.Arrays.stream(eight).sum());
        assertArrayEquals(new int[] {650}, TfCollapsedFloor.Blocks.WHOLE_MATRIX.sizes(650));
    }

    /**
     * dQ = S C and dC = S^T Q for S = exp(Q C^T) over batch b's first u and c rows, in doubles;
     * {@code normalised}: each row of S divided by its sum (the softmax).
     */
    private static float[][] plainLoop(int b, boolean normalised) {
        int u = SHAPES.queries()[b];
        int n = SHAPES.candidates()[b];
        int d = SHAPES.dim();
        float[] q = SHAPES.queryRows();
        float[] c = SHAPES.candidateRows();
        float[] dq = new float[u * d];
        float[] dc = new float[n * d];
        double[][] dcSum = new double[n][d];
        for (int i = 0; i < u; i++) {
            double[] dqRow = new double[d];
            double[] row = new double[n];
            double sum = 0;
            for (int j = 0; j < n; j++) {
                double logit = 0;
                for (int k = 0; k < d; k++) {
                    logit += (double) q[i * d + k] * c[j * d + k];
                }
                row[j] = Math.exp(logit);
                sum += row[j];
            }
            for (int j = 0; j < n; j++) {
                double s = normalised ? row[j] / sum : row[j];
                for (int k = 0; k < d; k++) {
                    dqRow[k] += s * c[j * d + k];
                    dcSum[j][k] += s * q[i * d + k];
                }
            }
            for (int k = 0; k < d; k++) {
                dq[i * d + k] = (float) dqRow[k];
            }
        }
        for (int j = 0; j < n; j++) {
            for (int k = 0; k < d; k++) {
                dc[j * d + k] = (float) dcSum[j][k];
            }
        }
        return new float[][] {dq, dc};
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        double largest = 0;
        for (float e : expected) {
            largest = Math.max(largest, Math.abs(e));
        }
        assertTrue(largest > 0.01, what + ": the products are not trivially small");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5 * largest + 1e-5 * Math.abs(expected[i]), what + " at " + i);
        }
    }
}
