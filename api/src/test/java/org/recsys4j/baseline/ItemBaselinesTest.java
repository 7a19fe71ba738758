package org.recsys4j.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.recsys4j.data.Interactions;
import org.recsys4j.metrics.RankingEvaluation;
import org.recsys4j.metrics.UserItems;
import org.recsys4j.split.Split;
import org.recsys4j.split.SplitSpec;
import org.recsys4j.split.Splits;
import org.recsys4j.testing.TestData;

class ItemBaselinesTest {
    @Test
    void itemKnnIsCosineOfTheBinaryMatrixByHand() {
        // users: 0 has items 0, 1; 1 has 0, 1, 2; 2 has 2
        UserItems train = UserItems.of(new int[] {0, 0, 1, 1, 1, 2}, new int[] {0, 1, 0, 1, 2, 2}, null, 3, 3);
        ItemItemModel knn = ItemKnnBaseline.fit(train);
        assertEquals(2 / Math.sqrt(2 * 2), knn.weight(0, 1), 1e-6);
        assertEquals(1 / Math.sqrt(2 * 2), knn.weight(0, 2), 1e-6);
        assertEquals(0f, knn.weight(1, 1), "an item is not its own neighbour");
        float[] scores = new float[3];
        knn.score(2, scores); // user 2 has item 2 only: its similarities
        assertEquals(0.5f, scores[0], 1e-6);
        assertEquals(0.5f, scores[1], 1e-6);
    }

    @Test
    void easeSolvesItsClosedFormByHand() {
        // two items, both had by the same two users: G = [[2, 2], [2, 2]], lambda 1:
        // P = inverse of [[3, 2], [2, 3]] = [[3, -2], [-2, 3]] / 5, B01 = -P01 / P11 = 2/3
        UserItems train = UserItems.of(new int[] {0, 0, 1, 1}, new int[] {0, 1, 0, 1}, null, 2, 2);
        ItemItemModel ease = EaseBaseline.fit(train, 1.0);
        assertEquals(2.0 / 3, ease.weight(0, 1), 1e-6);
        assertEquals(0f, ease.weight(0, 0));
        assertThrows(IllegalArgumentException.class, () -> EaseBaseline.fit(train, 0));
    }

    /**
     * The table under last:0.2 on MovieLens 100k (items by movie id, codes in id order so
     * that ties fall as numpy's stable sort breaks them): the numpy reference's figures to 4 places.
     */
    @Test
    void reproducesTheNumpyReferenceUnderLastFifth() {
        Interactions ratings = TestData.ml100k().ratings();
        int n = ratings.size();
        int[] users = Splits.encode(ratings.strings("user_id"));
        int[] items = new int[n];
        String[] movieIds = ratings.strings("movie_id");
        for (int r = 0; r < n; r++) {
            items[r] = Integer.parseInt(movieIds[r]) - 1;
        }
        int numUsers = 943;
        int numItems = 1682;
        Split split = SplitSpec.parse("last:0.2").apply(n, users, Splits.sortable(ratings.numbers("timestamp")), 42);
        UserItems train = UserItems.of(users, items, split.train(), numUsers, numItems);
        UserItems test = UserItems.of(users, items, split.test(), numUsers, numItems);
        RankingEvaluation evaluation = RankingEvaluation.standard(train, test);

        Map<String, Double> pop = evaluation.evaluate(PopularityBaseline.scorer(train));
        assertEquals(0.330148, pop.get("recall_at_100"), 1e-6);
        assertEquals(0.121407, pop.get("ndcg_at_10"), 1e-6);
        assertEquals(0.106893, pop.get("precision_at_10"), 1e-6);
        assertEquals(0.056530, pop.get("map_at_10"), 1e-6);
        assertEquals(0.193817, pop.get("coverage_at_100"), 1e-6);

        Map<String, Double> knn = evaluation.evaluate(ItemKnnBaseline.fit(train));
        assertEquals(0.477342, knn.get("recall_at_100"), 1e-4);
        assertEquals(0.197090, knn.get("ndcg_at_10"), 1e-4);

        Map<String, Double> ease = evaluation.evaluate(EaseBaseline.fit(train, 200));
        assertEquals(0.533394, ease.get("recall_at_100"), 1e-4);
        assertEquals(0.208145, ease.get("ndcg_at_10"), 1e-4);
        assertEquals(0.121158, ease.get("map_at_100"), 1e-4);
    }
}
