package org.recsys4j.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SparseAdagradTest {
    /**
     * The vectorised update gives the scalar loop's bits (the trainer switches between them when
     * the JIT is done): the embedding width, one a vector does not divide (a scalar tail), and the
     * score bias's single column; gradients spanning many orders of magnitude, rows in any order.
     */
    @Test
    void vectorisedAndScalarUpdatesAgreeBitForBit() {
        Random random = new Random(7);
        for (int d : new int[] {32, 37, 1}) {
            int tableRows = 500;
            float[] table = new float[tableRows * d];
            float[] accumulator = new float[table.length];
            for (int i = 0; i < table.length; i++) {
                table[i] = (float) random.nextGaussian() * 0.05f;
                accumulator[i] = 0.1f + random.nextFloat();
            }
            float[] table2 = table.clone();
            float[] accumulator2 = accumulator.clone();
            for (int step = 0; step < 20; step++) {
                int[] rows = random.ints(0, tableRows).distinct().limit(120).toArray();
                float[] grads = new float[rows.length * d];
                for (int i = 0; i < grads.length; i++) {
                    grads[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(9) - 6));
                }
                SparseAdagrad.scalar(table, accumulator, rows, grads, d, 0.1f, 1e-7f, 0, rows.length);
                // two ranges, as the workers share them out
                VectorAdagrad.applyRows(table2, accumulator2, rows, grads, d, 0.1f, 1e-7f, 0, 50);
                VectorAdagrad.applyRows(table2, accumulator2, rows, grads, d, 0.1f, 1e-7f, 50, rows.length);
            }
            assertArrayEquals(accumulator, accumulator2, "accumulators, width " + d);
            assertArrayEquals(table, table2, "table, width " + d);
        }
    }

    /** The warm-up ends, so the trainer takes the vectorised update after its first steps. */
    @Test
    void theWarmUpEnds() throws InterruptedException {
        SparseAdagrad.prepare();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!SparseAdagrad.vectorised() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(SparseAdagrad.vectorised(), "the vector module is on the tests' command line (see the root pom)");
    }
}
