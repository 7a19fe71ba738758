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
        assertArrayEquals(new int[] {5, 2}, b.queryRows());
        assertArrayEquals(new int[] {0, 1, 0, 0}, b.queryOf());
        assertArrayEquals(new float[] {4.5f, 2}, b.queryWeight());
        assertArrayEquals(new int[] {7, 1}, b.candidateRows());
        assertArrayEquals(new int[] {0, 0, 1, 0}, b.candidateOf());
        assertArrayEquals(new float[] {3, 1}, b.candidateCount());
    }

    @Test
    void itsArraysCannotBeChangedFromOutside() {
        int[] queries = {5, 2, 5, 5};
        DeduplicatedBatch b = DeduplicatedBatch.of(queries, new int[] {7, 7, 1, 7}, null);
        queries[0] = 1;
        b.queryOf()[0] = 9;
        b.queryRows()[0] = 9;
        b.columnLogWeight()[0] = 9;
        assertArrayEquals(new int[] {5, 2}, b.queryRows());
        assertArrayEquals(new int[] {0, 1, 0, 0}, b.queryOf());
        assertArrayEquals(new float[] {(float) Math.log(3), 0f}, b.columnLogWeight(), 1e-6f);
        // the record's own constructor copies too, and checks the lengths agree
        int[] rows = {3};
        DeduplicatedBatch made = new DeduplicatedBatch(rows, org.recsys4j.model.Features.none(), new int[] {4},
                new int[] {0}, new int[] {0}, new float[] {1}, new float[] {1}, new float[] {1}, new float[] {1},
                new float[] {0}, new float[] {0}, 0);
        rows[0] = 8;
        assertArrayEquals(new int[] {3}, made.queryRows());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new DeduplicatedBatch(
                rows, org.recsys4j.model.Features.none(), new int[] {4}, new int[] {0, 0}, new int[] {0},
                new float[] {1}, new float[] {1}, new float[] {1}, new float[] {1}, new float[] {0}, new float[] {0},
                0));
    }

    @Test
    void aColumnWeighsItsOccurrencesOneOverPEach() {
        // candidate 3 twice (p 0.1 and 0.2), and once more as an extra negative (p 0.5)
        DeduplicatedBatch b = build(new int[] {1, 2}, new int[] {3, 3}, new float[] {1, 2},
                new float[] {0.1f, 0.2f}, new int[] {3, 4}, new float[] {0.5f, 0.5f}, true);
        assertArrayEquals(new int[] {3, 4}, b.candidateRows());
        assertArrayEquals(new float[] {2, 0}, b.candidateCount());
        assertEquals(Math.log(10 + 5 + 2), b.columnLogWeight()[0], 1e-6);
        assertEquals(Math.log(2), b.columnLogWeight()[1], 1e-6);
        assertEquals(Math.log(0.1) + 2 * Math.log(0.2), b.positiveLogProbability(), 1e-6);
        // what removing accidental hits takes out of each example's softmax: the other occurrences
        assertArrayEquals(new float[] {7, 12}, b.accidentalHitWeight(), 1e-5f);
    }

    /**
     * The loss of the class comment, on collapsed and on plain batches, equals TFRS's formula
     * (Retrieval's reference) on random batches with duplicates, sample weights, the logQ
     * correction, extra negatives and accidental hits removed or not.
     */
    @Test
    void theBatchFormEqualsTheTfrsLoss() {
        Random random = new Random(3);
        for (int trial = 0; trial < 40; trial++) {
            int n = 20 + random.nextInt(80);
            int d = 1 + random.nextInt(8);
            double t = 0.3 + random.nextDouble();
            boolean logQ = random.nextBoolean();
            boolean remove = random.nextBoolean();
            int extras = random.nextBoolean() ? 0 : 1 + random.nextInt(12);
            Embeddings userTable = TestData.randomEmbeddings(random, 7, d);
            Embeddings itemTable = TestData.randomEmbeddings(random, 9, d);
            int[] u = random.ints(n, 0, 7).toArray();
            int[] c = random.ints(n, 0, 9).toArray();
            int[] e = random.ints(extras, 0, 9).toArray();
            float[] w = new float[n];
            for (int i = 0; i < n; i++) {
                w[i] = random.nextFloat() * 2;
            }
            float[] byRow = new float[9];
            for (int r = 0; r < 9; r++) {
                byRow[r] = 0.01f + random.nextFloat() * 0.3f;
            }
            float[] p = logQ ? gather(byRow, c) : null;
            float[] pe = logQ ? filled(extras, 1f / 9) : null;
            int[] all = java.util.stream.IntStream.concat(java.util.Arrays.stream(c), java.util.Arrays.stream(e))
                    .toArray();
            float[] pAll = logQ ? concat(p, pe) : null;
            RetrievalTaskSpec spec = new RetrievalTaskSpec(t).withRemoveAccidentalHits(remove);
            double reference = new Retrieval(spec, java.util.List.of())
                    .loss(rows(userTable, u), rows(itemTable, all), w, pAll, all);
            for (boolean collapse : new boolean[] {true, false}) {
                DeduplicatedBatch b = build(u, c, w, p, extras == 0 ? null : e, pe, collapse);
                double loss = b.positiveLogProbability();
                int[] queryRows = b.queryRows();
                int[] queryOf = b.queryOf();
                int[] candidateRows = b.candidateRows();
                float[] columnLogWeight = b.columnLogWeight();
                float[] accidentalHitWeight = b.accidentalHitWeight();
                for (int i = 0; i < n; i++) {
                    int row = queryRows[queryOf[i]];
                    double z = 0;
                    for (int k = 0; k < candidateRows.length; k++) {
                        z += Math.exp(columnLogWeight[k]
                                + dot(userTable.row(row), itemTable.row(candidateRows[k])) / t);
                    }
                    double positive = dot(userTable.row(u[i]), itemTable.row(c[i])) / t;
                    if (remove) {
                        z -= accidentalHitWeight[i] * Math.exp(positive);
                    }
                    loss += w[i] * (Math.log(z) - positive);
                }
                assertEquals(reference, loss, 1e-6 * Math.abs(reference), "collapse=" + collapse);
            }
        }
    }

    private static DeduplicatedBatch build(int[] u, int[] c, float[] w, float[] p, int[] extras, float[] pe,
            boolean collapse) {
        var batch = new org.recsys4j.spi.FeatureBatch(java.util.Map.of("q", u, "c", c), w, p, u.length);
        if (extras != null) {
            batch = batch.withExtraCandidates(extras, pe);
        }
        return DeduplicatedBatch.of(batch, "q", "c", collapse);
    }

    private static float[] gather(float[] byRow, int[] rows) {
        float[] out = new float[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = byRow[rows[i]];
        }
        return out;
    }

    private static float[] filled(int n, float v) {
        float[] out = new float[n];
        java.util.Arrays.fill(out, v);
        return out;
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
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
