package org.recsys4j.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.recsys4j.metrics.Scores;
import org.recsys4j.model.Embeddings;
import org.recsys4j.model.FloatTensor;
import org.recsys4j.model.JavaTower;
import org.recsys4j.model.Weights;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.testing.TestData;
import org.recsys4j.vocab.StringLookup;

class BruteForceIndexTest {
    @Test
    void matchesANaiveFullSortOnRandomData() {
        Random random = new Random(11);
        for (int trial = 0; trial < 30; trial++) {
            int m = 1 + random.nextInt(500);
            int d = 1 + random.nextInt(40);
            int k = 1 + random.nextInt(30);
            Embeddings c = TestData.randomEmbeddings(random, m, d);
            List<String> ids = new ArrayList<>();
            for (int j = 0; j < m; j++) {
                ids.add("item" + j);
            }
            Set<String> excluded = random.nextBoolean() ? Set.of("item0", "item3") : Set.of();
            BruteForceIndex index = new BruteForceIndex().index(ids, c);
            float[] q = TestData.randomEmbeddings(random, 1, d).data();
            assertNaiveOrder(index.search(q, k, excluded), q, c, ids, excluded, k, "trial " + trial);
        }
    }

    /** {@code top} is the first k of a full sort of the scalar dot products, ties by position, bit for bit. */
    static void assertNaiveOrder(TopK top, float[] q, Embeddings c, List<String> ids, Set<String> excluded, int k,
            String where) {
        int d = c.dim();
        List<Integer> order = new ArrayList<>();
        for (int j = 0; j < ids.size(); j++) {
            if (!excluded.contains(ids.get(j))) {
                order.add(j);
            }
        }
        order.sort(Comparator.<Integer>comparingDouble(j -> -Scores.dot(q, 0, c.data(), j * d, d))
                .thenComparingInt(j -> j));
        assertEquals(Math.min(k, order.size()), top.size(), where);
        for (int i = 0; i < top.size(); i++) {
            assertEquals(ids.get(order.get(i)), top.identifiers().get(i), where + " rank " + i);
            assertEquals(Scores.dot(q, 0, c.data(), order.get(i) * d, d), top.scores()[i], where + " rank " + i);
        }
    }

    @Test
    void manyBlocksRepeatedIdentifiersAndExclusionsMatchTheScalarLoop() {
        Random random = new Random(5);
        for (int trial = 0; trial < 8; trial++) {
            int m = BruteForceIndex.BLOCK * (1 + random.nextInt(3)) + random.nextInt(700);
            int d = 1 + random.nextInt(70);
            int k = 1 + random.nextInt(60);
            Embeddings c = TestData.randomEmbeddings(random, m, d);
            List<String> ids = new ArrayList<>();
            for (int j = 0; j < m; j++) {
                ids.add("item" + random.nextInt(m)); // repeated identifiers, as titles repeat
            }
            Set<String> excluded = Set.of(ids.get(random.nextInt(m)), ids.get(m - 1), "not indexed");
            float[] q = TestData.randomEmbeddings(random, 1, d).data();
            assertNaiveOrder(new BruteForceIndex().index(ids, c).search(q, k, excluded), q, c, ids, excluded, k,
                    "trial " + trial);
        }
    }

    @Test
    void tiesKeepIndexingOrderAndExclusionsAreLeftOut() {
        Embeddings c = new Embeddings(new float[] {1, 1, 1, 2, 0}, 5, 1);
        BruteForceIndex index = new BruteForceIndex().index(List.of("a", "b", "c", "d", "e"), c);
        assertEquals(List.of("d", "a", "b"), index.search(new float[] {1}, 3).identifiers());
        assertEquals(List.of("a", "c", "e"), index.search(new float[] {1}, 3, Set.of("d", "b")).identifiers());
        assertEquals(5, index.search(new float[] {1}, 50).size());
    }

    @Test
    void rawQueriesGoThroughTheQueryTower() {
        StringLookup users = StringLookup.of(List.of("42", "7"));
        TowerSpec spec = TowerSpec.embedding("query", "user_id", 3, 2);
        // rows: OOV, "42", "7"
        JavaTower tower = new JavaTower(spec, users, new Weights(Map.of("query/embedding",
                new FloatTensor(new int[] {3, 2}, new float[] {0, 0, 1, 0, 0, 1}))));
        BruteForceIndex index = new BruteForceIndex(tower)
                .index(List.of("x", "y"), new Embeddings(new float[] {1, 0, 0, 1}, 2, 2));
        assertEquals("x", index.query("42", 1).identifiers().get(0));
        assertEquals("y", index.query("7", 1).identifiers().get(0));
        assertFalse(index.query("unknown user", 2).identifiers().isEmpty(), "the OOV row still answers");
        assertThrows(IllegalArgumentException.class, () -> index.search(new float[3], 1));
    }
}
