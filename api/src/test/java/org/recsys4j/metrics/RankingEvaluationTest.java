package org.recsys4j.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.recsys4j.model.Embeddings;

class RankingEvaluationTest {
    @Test
    void twoUsersByHand() {
        // items: 0 (3, 0), 1 (2, 1), 2 (0, 3), 3 (1, 1)
        Embeddings items = new Embeddings(new float[] {3, 0, 2, 1, 0, 3, 1, 1}, 4, 2);
        // user 0 = (1, 0) scores 3, 2, 0, 1 and has trained on item 0: ranked 1, 3, 2; tests item 2
        // user 1 = (0, 1) scores 0, 1, 3, 1, nothing trained: ranked 2, 1, 3 (the tie to the lower code), 0;
        // tests item 3
        Embeddings users = new Embeddings(new float[] {1, 0, 0, 1}, 2, 2);
        UserItems train = UserItems.of(new int[] {0}, new int[] {0}, null, 2, 4);
        UserItems test = UserItems.of(new int[] {0, 1}, new int[] {2, 3}, null, 2, 4);
        Map<String, Double> m = RankingEvaluation.standard(train, test, 1, 2, 3).evaluate(users, items);
        assertEquals(0.0, m.get("recall_at_2"));
        assertEquals(1.0, m.get("recall_at_3"));
        assertEquals(1 / (Math.log(4) / Math.log(2)), m.get("ndcg_at_3"), 1e-12);
        assertEquals(1.0 / 3, m.get("precision_at_3"), 1e-12);
        assertEquals(1.0 / 3, m.get("map_at_3"), 1e-12);
        assertEquals(2.0 / 4, m.get("coverage_at_1"), "items 1 and 2 top the two lists");
        assertEquals(3.0 / 4, m.get("coverage_at_3"), "item 0 is fourth for user 1 and excluded for user 0");
    }

    @Test
    void blockedScoringRanksAsPlainDotProductsAndASortDo() {
        // more items than a tile, an odd dimension, a number of users that is not a multiple of the block
        int users = 23;
        int items = 2600;
        int dim = 7;
        Random random = new Random(5);
        float[] q = new float[users * dim];
        float[] c = new float[items * dim];
        for (int i = 0; i < q.length; i++) {
            q[i] = (float) random.nextGaussian();
        }
        for (int i = 0; i < c.length; i++) {
            // a coarse grid, so that ties happen and their order is checked too
            c[i] = Math.round(random.nextGaussian() * 2) / 2f;
        }
        List<int[]> trainPairs = new ArrayList<>();
        List<int[]> testPairs = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            for (int k = 0; k < 40; k++) {
                (k % 4 == 0 ? testPairs : trainPairs).add(new int[] {u, random.nextInt(items)});
            }
        }
        UserItems train = pairs(trainPairs, users, items);
        UserItems test = pairs(testPairs, users, items);
        RankingEvaluation evaluation = RankingEvaluation.standard(train, test, 1, 5, 100, 2000);
        Map<String, Double> blocked = evaluation.evaluate(new Embeddings(q, users, dim), new Embeddings(c, items, dim));

        int[][] ranked = new int[users][];
        for (int u = 0; u < users; u++) {
            float[] s = new float[items];
            for (int j = 0; j < items; j++) {
                float sum = 0;
                for (int k = 0; k < dim; k++) {
                    sum += q[u * dim + k] * c[j * dim + k];
                }
                s[j] = sum;
            }
            int[] trained = train.items(u);
            ranked[u] = IntStream.range(0, items).filter(j -> java.util.Arrays.binarySearch(trained, j) < 0).boxed()
                    .sorted(Comparator.<Integer>comparingDouble(j -> -s[j]).thenComparing(j -> j)).limit(2000)
                    .mapToInt(Integer::intValue).toArray();
        }
        assertEquals(evaluation.evaluateRanked(ranked), blocked);
        // and the scorer path ranks the same scores the same way
        Map<String, Double> scored = evaluation.evaluate((u, out) -> {
            for (int j = 0; j < items; j++) {
                float sum = 0;
                for (int k = 0; k < dim; k++) {
                    sum += q[u * dim + k] * c[j * dim + k];
                }
                out[j] = sum;
            }
        });
        assertEquals(blocked, scored);
    }

    @Test
    void userItemsSortsAndDeduplicates() {
        UserItems u = UserItems.of(new int[] {1, 0, 1, 1}, new int[] {5, 2, 3, 5}, null, 3, 6);
        assertArrayEquals(new int[] {2}, u.items(0));
        assertArrayEquals(new int[] {3, 5}, u.items(1));
        assertArrayEquals(new int[0], u.items(2));
        assertArrayEquals(new int[] {0, 1}, u.nonEmptyUsers());
        UserItems some = UserItems.of(new int[] {1, 0, 1, 1}, new int[] {5, 2, 3, 5}, new int[] {0, 2}, 3, 6);
        assertArrayEquals(new int[] {3, 5}, some.items(1));
        assertArrayEquals(new int[0], some.items(0));
    }

    private static UserItems pairs(List<int[]> pairs, int users, int items) {
        int[] u = pairs.stream().mapToInt(p -> p[0]).toArray();
        int[] i = pairs.stream().mapToInt(p -> p[1]).toArray();
        return UserItems.of(u, i, null, users, items);
    }
}
