package org.recsys4j.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.recsys4j.model.Embeddings;
import org.recsys4j.spec.RetrievalTaskSpec;
import org.recsys4j.testing.TestData;

class DeduplicatedBatchTest {
    @Test
    void collapsesRowsAndCountsThem() {
        DeduplicatedBatch b = DeduplicatedBatch.of(new int[] {5, 2, 5, 5}, new int[] {7, 7, 1, 7},
                new float[] {1, 2, 3, 0.5f});
        assertArrayEquals(new int[] {5, 2}, b.queryRows);
        assertArrayEquals(new int[] {0, 1, 0, 0}, b.queryOf);
        assertArrayEquals(new float[] {4.5f, 2}, b.queryWeight);
        assertArrayEquals(new int[] {7, 1}, b.candidateRows);
        assertArrayEquals(new int[] {0, 0, 1, 0}, b.candidateOf);
        assertArrayEquals(new float[] {3, 1}, b.candidateCount);
    }

    @Test
    void aCandidateWithTwoSamplingProbabilitiesCannotBeCollapsed() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> DeduplicatedBatch.of(new int[] {1, 2}, new int[] {3, 3}, null, new float[] {0.1f, 0.2f}));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("collapse=false"), e.getMessage());
        DeduplicatedBatch b = DeduplicatedBatch.of(new int[] {1, 2}, new int[] {3, 3}, new float[] {1, 2},
                new float[] {0.1f, 0.1f});
        assertEquals((float) Math.log(0.1f), b.candidateLogProbability[0], 1e-7);
        assertEquals(3 * Math.log(0.1f), b.positiveLogProbability, 1e-6);
    }

    /** The collapsed loss of the class comment equals the plain in-batch loss on random batches. */
    @Test
    void collapsedLossEqualsThePlainLoss() {
        Random random = new Random(3);
        for (int trial = 0; trial < 10; trial++) {
            int n = 20 + random.nextInt(80);
            int d = 1 + random.nextInt(8);
            double t = 0.3 + random.nextDouble();
            Embeddings userTable = TestData.randomEmbeddings(random, 7, d);
            Embeddings itemTable = TestData.randomEmbeddings(random, 9, d);
            int[] u = random.ints(n, 0, 7).toArray();
            int[] c = random.ints(n, 0, 9).toArray();
            float[] w = new float[n];
            for (int i = 0; i < n; i++) {
                w[i] = random.nextFloat() * 2;
            }
            double plain = new Retrieval(new RetrievalTaskSpec(t), java.util.List.of())
                    .loss(rows(userTable, u), rows(itemTable, c), w);

            DeduplicatedBatch b = DeduplicatedBatch.of(u, c, w);
            double collapsed = 0;
            for (int a = 0; a < b.queryRows.length; a++) {
                double z = 0;
                for (int k = 0; k < b.candidateRows.length; k++) {
                    z += b.candidateCount[k] * Math.exp(dot(userTable.row(b.queryRows[a]),
                            itemTable.row(b.candidateRows[k])) / t);
                }
                collapsed += b.queryWeight[a] * Math.log(z);
            }
            for (int i = 0; i < n; i++) {
                collapsed -= w[i] * dot(userTable.row(u[i]), itemTable.row(c[i])) / t;
            }
            assertEquals(plain, collapsed, 1e-7 * Math.abs(plain));
        }
    }

    private static Embeddings rows(Embeddings table, int[] rows) {
        float[] out = new float[rows.length * table.dim()];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(table.data(), rows[i] * table.dim(), out, i * table.dim(), table.dim());
        }
        return new Embeddings(out, rows.length, table.dim());
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }
}
