package org.recsys4j.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.recsys4j.model.Embeddings;

class UserRankingMetricTest {
    private static final double EPS = 1e-9;
    private static final int[] RANKED = {3, 1, 4, 5, 9};
    private static final int[] RELEVANT = {1, 5, 7};

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    @Test
    void eachFormulaByHand() {
        // hits: item 1 at position 1 (0-based), item 5 at position 3; item 7 is never recommended
        assertEquals(0.0, RecallAtK.at(RANKED, 1, RELEVANT), EPS);
        assertEquals(1.0 / 3, RecallAtK.at(RANKED, 2, RELEVANT), EPS);
        assertEquals(2.0 / 3, RecallAtK.at(RANKED, 5, RELEVANT), EPS);
        assertEquals(2.0 / 3, RecallAtK.at(RANKED, 10, RELEVANT), EPS, "a short list counts what it has");

        assertEquals(0.5, PrecisionAtK.at(RANKED, 2, RELEVANT), EPS);
        assertEquals(2.0 / 5, PrecisionAtK.at(RANKED, 5, RELEVANT), EPS);
        assertEquals(2.0 / 10, PrecisionAtK.at(RANKED, 10, RELEVANT), EPS, "Spark divides by K even past the list");

        double dcg = 1 / log2(3) + 1 / log2(5);
        double ideal = 1 + 1 / log2(3) + 1 / log2(4);
        assertEquals(dcg / ideal, NdcgAtK.at(RANKED, 5, RELEVANT), EPS);
        assertEquals((1 / log2(3)) / (1 + 1 / log2(3)), NdcgAtK.at(RANKED, 2, RELEVANT), EPS,
                "the ideal at 2 holds two relevant items, not three");

        assertEquals((1.0 / 2 + 2.0 / 4) / 3, MapAtK.at(RANKED, 5, RELEVANT), EPS);
        assertEquals((1.0 / 2) / 2, MapAtK.at(RANKED, 2, RELEVANT), EPS, "divided by min(K, |relevant|) = 2");
    }

    /**
     * Spark's RankingMetricsSuite: two queries with ground truth and one without, which Spark counts
     * as 0 and we leave out, so Spark's mean is ours times 2/3.
     */
    @Test
    void matchesSparksOwnRankingMetricsSuite() {
        int[][] pred = {{1, 6, 2, 7, 8, 3, 9, 10, 4, 5}, {4, 1, 5, 6, 2, 7, 3, 8, 9, 10}};
        int[][] lab = {{1, 2, 3, 4, 5}, {1, 2, 3}};
        int[] ks = {1, 2, 3, 4, 5, 10, 15};
        java.util.List<UserRankingMetric> metrics = java.util.List.of(new PrecisionAtK(ks), new RecallAtK(ks),
                new NdcgAtK(ks), new MapAtK(ks));
        for (int q = 0; q < 2; q++) {
            for (UserRankingMetric m : metrics) {
                m.update(pred[q], lab[q]);
            }
        }
        java.util.Map<String, Double> r = new java.util.HashMap<>();
        metrics.forEach(m -> m.result().forEach((k, v) -> r.put(k, v * 2 / 3)));
        double eps = 1e-5;
        assertEquals(1.0 / 3, r.get("precision_at_1"), eps);
        assertEquals(0.75 / 3, r.get("precision_at_4"), eps);
        assertEquals(0.8 / 3, r.get("precision_at_10"), eps);
        assertEquals(8.0 / 45, r.get("precision_at_15"), eps);
        assertEquals(0.333334, r.get("map_at_1"), eps);
        assertEquals(0.25, r.get("map_at_2"), eps);
        assertEquals(0.24074, r.get("map_at_3"), eps);
        assertEquals(1.0 / 3, r.get("ndcg_at_3"), eps);
        assertEquals(0.328788, r.get("ndcg_at_5"), eps);
        assertEquals(0.487913, r.get("ndcg_at_10"), eps);
        assertEquals(r.get("ndcg_at_10"), r.get("ndcg_at_15"), eps);
        assertEquals(1.0 / 15, r.get("recall_at_1"), eps);
        assertEquals(8.0 / 45, r.get("recall_at_2"), eps);
        assertEquals(16.0 / 45, r.get("recall_at_5"), eps);
        assertEquals(2.0 / 3, r.get("recall_at_15"), eps);
    }

    /** Spark's SPARK-14886 case: fewer predictions than K, and none at all. */
    @Test
    void shortAndEmptyRankingsAsSpark() {
        int[][] pred = {{1, 6, 2}, {}};
        int[][] lab = {{1, 2, 3, 4, 5}, {1, 2, 3}};
        int[] ks = {1, 2};
        PrecisionAtK precision = new PrecisionAtK(ks);
        NdcgAtK ndcg = new NdcgAtK(ks);
        RecallAtK recall = new RecallAtK(ks);
        for (int q = 0; q < 2; q++) {
            precision.update(pred[q], lab[q]);
            ndcg.update(pred[q], lab[q]);
            recall.update(pred[q], lab[q]);
        }
        assertEquals(0.5, precision.result().get("precision_at_1"), 1e-5);
        assertEquals(0.25, precision.result().get("precision_at_2"), 1e-5);
        assertEquals(0.5, ndcg.result().get("ndcg_at_1"), 1e-5);
        assertEquals(0.30657, ndcg.result().get("ndcg_at_2"), 1e-5);
        assertEquals(0.1, recall.result().get("recall_at_2"), 1e-5);
    }

    @Test
    void metricsAverageOverUsersUnderTheirNames() {
        RecallAtK recall = new RecallAtK(1, 5);
        recall.update(RANKED, RELEVANT);
        recall.update(new int[] {7, 0}, new int[] {7});
        Map<String, Double> r = recall.result();
        assertEquals((0.0 + 1.0) / 2, r.get("recall_at_1"), EPS);
        assertEquals((2.0 / 3 + 1.0) / 2, r.get("recall_at_5"), EPS);
        recall.reset();
        assertEquals(0.0, recall.result().get("recall_at_1"));
    }

    @Test
    void coverageCountsDistinctRecommendedItemsOfTheCatalog() {
        CoverageAtK coverage = new CoverageAtK(5, 1, 2);
        coverage.update(new int[] {0, 1}, new int[] {4});
        coverage.update(new int[] {1, 2}, new int[] {4});
        assertEquals(2.0 / 5, coverage.result().get("coverage_at_1"), EPS);
        assertEquals(3.0 / 5, coverage.result().get("coverage_at_2"), EPS);
    }

    @Test
    void misuseIsRefusedClearly() {
        RecallAtK recall = new RecallAtK(10);
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> recall.update(RANKED, new int[0]));
        assertTrue(empty.getMessage().contains("no relevant item"));
        IllegalStateException perExample = assertThrows(IllegalStateException.class,
                () -> recall.update(new Embeddings(new float[1], 1, 1), new Embeddings(new float[1], 1, 1), null));
        assertTrue(perExample.getMessage().contains("per-user metric"));
        assertThrows(IllegalArgumentException.class, () -> new NdcgAtK(0));
    }
}
