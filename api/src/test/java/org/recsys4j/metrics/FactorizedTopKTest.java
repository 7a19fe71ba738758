package org.recsys4j.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.recsys4j.index.BruteForceIndex;
import org.recsys4j.model.Embeddings;
import org.recsys4j.testing.TestData;

class FactorizedTopKTest {
    private static FactorizedTopK metric(int... ks) {
        return new FactorizedTopK(List.of("a", "b", "c", "d"), ks);
    }

    @Test
    void hitWhenFewerThanKCandidatesScoreHigher() {
        // one query [1, 0]; candidates score 3, 2, 1, 0; the positive scores 1.5
        Embeddings q = new Embeddings(new float[] {1, 0}, 1, 2);
        Embeddings positive = new Embeddings(new float[] {1.5f, 0}, 1, 2);
        Embeddings candidates = new Embeddings(new float[] {3, 0, 2, 0, 1, 0, 0, 0}, 4, 2);
        FactorizedTopK m = metric(1, 2, 3);
        m.update(q, positive, candidates);
        assertEquals(Map.of(FactorizedTopK.metricName(1), 0.0, FactorizedTopK.metricName(2), 0.0,
                FactorizedTopK.metricName(3), 1.0), m.result());
    }

    @Test
    void tiesCountAsInTopKCountsThem() {
        // the positive ties with two candidates at the top: nothing scores strictly higher, so a hit at k=1
        Embeddings q = new Embeddings(new float[] {1, 0}, 1, 2);
        Embeddings positive = new Embeddings(new float[] {2, 0}, 1, 2);
        Embeddings candidates = new Embeddings(new float[] {2, 0, 2, 0, 1, 0, 2, 5}, 4, 2);
        FactorizedTopK m = metric(1, 2);
        m.update(q, positive, candidates);
        assertEquals(1.0, m.result().get(FactorizedTopK.metricName(1)));
        // all scores equal: every query is a hit, which is what in_top_k reports
        Embeddings zeros = new Embeddings(new float[8], 4, 2);
        m.reset();
        m.update(q, new Embeddings(new float[2], 1, 2), zeros);
        assertEquals(1.0, m.result().get(FactorizedTopK.metricName(1)));
    }

    @Test
    void tieRobustVariantCountsTiesAgainstThePositive() {
        Embeddings q = new Embeddings(new float[] {1, 0}, 1, 2);
        // the positive (score 2) is among the candidates, tied with one other; one scores higher
        Embeddings positive = new Embeddings(new float[] {2, 0}, 1, 2);
        Embeddings candidates = new Embeddings(new float[] {2, 0, 3, 0, 2, 1, 1, 0}, 4, 2);
        FactorizedTopK m = metric(1, 2, 3).reportTieRobust();
        m.update(q, positive, candidates);
        assertEquals(0.0, m.result().get(FactorizedTopK.metricName(1)));
        assertEquals(1.0, m.result().get(FactorizedTopK.metricName(2)), "in_top_k: the tie is in");
        assertEquals(0.0, m.result().get(FactorizedTopK.tieRobustName(2)), "the tie ranks above the positive");
        assertEquals(1.0, m.result().get(FactorizedTopK.tieRobustName(3)));
        // all scores equal: a perfect score under in_top_k, none under the tie-robust variant
        m.reset();
        m.update(q, new Embeddings(new float[2], 1, 2), new Embeddings(new float[8], 4, 2));
        assertEquals(1.0, m.result().get(FactorizedTopK.metricName(1)));
        assertEquals(0.0, m.result().get(FactorizedTopK.tieRobustName(3)));
    }

    @Test
    void averagesOverBatchesUntilReset() {
        Embeddings candidates = new Embeddings(new float[] {3, 0, 2, 0, 1, 0, 0, 0}, 4, 2);
        FactorizedTopK m = metric(1);
        m.update(new Embeddings(new float[] {1, 0}, 1, 2), new Embeddings(new float[] {3, 0}, 1, 2), candidates);
        m.update(new Embeddings(new float[] {1, 0, 1, 0}, 2, 2), new Embeddings(new float[] {0, 0, 0, 0}, 2, 2),
                candidates);
        assertEquals(1.0 / 3, m.result().get(FactorizedTopK.metricName(1)), 1e-12);
        m.reset();
        assertEquals(0.0, m.result().get(FactorizedTopK.metricName(1)));
    }

    @Test
    void agreesWithANaiveFullSortOnRandomData() {
        Random random = new Random(7);
        for (int trial = 0; trial < 20; trial++) {
            int n = 1 + random.nextInt(50);
            int m = 1 + random.nextInt(300);
            int d = 1 + random.nextInt(17);
            Embeddings q = TestData.randomEmbeddings(random, n, d);
            Embeddings c = TestData.randomEmbeddings(random, m, d);
            // positives are candidates themselves half the time, so exact ties occur
            float[] p = new float[n * d];
            for (int i = 0; i < n; i++) {
                if (random.nextBoolean()) {
                    System.arraycopy(c.data(), random.nextInt(m) * d, p, i * d, d);
                } else {
                    for (int k = 0; k < d; k++) {
                        p[i * d + k] = (float) random.nextGaussian();
                    }
                }
            }
            Embeddings positives = new Embeddings(p, n, d);
            int[] ks = {1, 5, 10, 50, 100};
            FactorizedTopK metric = new FactorizedTopK(Arrays.asList(new String[m]), ks);
            metric.update(q, positives, c);
            for (int k : ks) {
                int hits = 0;
                for (int i = 0; i < n; i++) {
                    double pos = dot(q.row(i), positives.row(i));
                    int higher = 0;
                    for (int j = 0; j < m; j++) {
                        if (dot(q.row(i), c.row(j)) > pos) {
                            higher++;
                        }
                    }
                    hits += higher < k ? 1 : 0;
                }
                assertEquals((double) hits / n, metric.result().get(FactorizedTopK.metricName(k)), 1e-12,
                        "trial " + trial + " k " + k);
            }
        }
    }

    @Test
    void idBasedModeCountsAHitWhenTheTrueIdentifierIsAmongTheFirstKReturned() {
        // candidates on a line: for the query [1], the index returns d, c, b, a in that order
        BruteForceIndex index = new BruteForceIndex().index(List.of("a", "b", "c", "d"),
                new Embeddings(new float[] {1, 2, 3, 4}, 4, 1));
        FactorizedTopK m = new FactorizedTopK(index, 1, 2, 3);
        assertTrue(m.idBased());
        Embeddings q = new Embeddings(new float[] {1, 1, 1, 1, -1}, 5, 1);
        // ranks of the true candidates: d first, c second, a fourth, "x" not indexed at all, and for the
        // last query (pointing the other way) a comes first
        m.update(q, List.of("d", "c", "a", "x", "a"));
        assertEquals(Map.of(FactorizedTopK.metricName(1), 2.0 / 5, FactorizedTopK.metricName(2), 3.0 / 5,
                FactorizedTopK.metricName(3), 3.0 / 5), m.result());
        m.reset();
        m.update(new Embeddings(new float[] {1}, 1, 1), List.of("b"));
        assertEquals(1.0, m.result().get(FactorizedTopK.metricName(3)), "b is third");
        assertEquals(0.0, m.result().get(FactorizedTopK.metricName(2)));
    }

    @Test
    void idBasedModeIgnoresScoresSoItFollowsTheIndexOnTies() {
        // b ties with a; brute force returns the earlier-indexed a first, so b is a hit at 2, not at 1,
        // where the score-based metric would count it at 1 (nothing scores strictly higher)
        BruteForceIndex index = new BruteForceIndex()
                .index(List.of("a", "b"), new Embeddings(new float[] {1, 1}, 2, 1));
        FactorizedTopK byId = new FactorizedTopK(index, 1, 2);
        byId.update(new Embeddings(new float[] {1}, 1, 1), List.of("b"));
        assertEquals(0.0, byId.result().get(FactorizedTopK.metricName(1)));
        assertEquals(1.0, byId.result().get(FactorizedTopK.metricName(2)));
        FactorizedTopK byScore = new FactorizedTopK(List.of("a", "b"), 1, 2);
        byScore.update(new Embeddings(new float[] {1}, 1, 1), new Embeddings(new float[] {1}, 1, 1),
                new Embeddings(new float[] {1, 1}, 2, 1));
        assertEquals(1.0, byScore.result().get(FactorizedTopK.metricName(1)));
    }

    @Test
    void theModesSayWhenTheyAreUsedTheWrongWay() {
        BruteForceIndex index = new BruteForceIndex().index(List.of("a"), new Embeddings(new float[] {1}, 1, 1));
        FactorizedTopK byId = new FactorizedTopK(index);
        Embeddings one = new Embeddings(new float[] {1}, 1, 1);
        assertThrows(IllegalStateException.class, () -> byId.update(one, one, one));
        assertThrows(IllegalArgumentException.class, () -> byId.update(one, List.of("a", "b")));
        assertThrows(IllegalStateException.class, () -> metric(1).update(one, List.of("a")));
        assertThrows(IllegalArgumentException.class, () -> new FactorizedTopK(new BruteForceIndex()));
    }

    private static double dot(float[] a, float[] b) {
        return Scores.dot(a, 0, b, 0, a.length);
    }
}
