package org.recsys4j.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.recsys4j.bundle.ModelBundle;
import org.recsys4j.data.Interactions;
import org.recsys4j.data.MovieLensData;
import org.recsys4j.model.Embeddings;
import org.recsys4j.model.FloatTensor;
import org.recsys4j.model.JavaTower;
import org.recsys4j.model.Tower;
import org.recsys4j.model.Weights;
import org.recsys4j.spec.TowerSpec;
import org.recsys4j.testing.TestData;
import org.recsys4j.vocab.StringLookup;

class ServedTopKTest {
    /** An embedding tower whose rows are the given vectors, in order (row 0, OOV, is zeros). */
    private static Tower tower(String feature, Map<String, float[]> vectors) {
        int dim = vectors.values().iterator().next().length;
        TowerSpec spec = TowerSpec.embedding(feature, feature, vectors.size() + 1, dim);
        float[] table = new float[(vectors.size() + 1) * dim];
        int row = 1;
        for (float[] v : vectors.values()) {
            System.arraycopy(v, 0, table, row++ * dim, dim);
        }
        Weights weights = new Weights(Map.of(spec.embeddingName(), new FloatTensor(new int[] {vectors.size() + 1, dim},
                table)));
        return new JavaTower(spec, StringLookup.of(vectors.keySet()), weights);
    }

    private static Interactions rows(String... userTitlePairs) {
        String[] users = new String[userTitlePairs.length / 2];
        String[] titles = new String[users.length];
        for (int i = 0; i < users.length; i++) {
            users[i] = userTitlePairs[2 * i];
            titles[i] = userTitlePairs[2 * i + 1];
        }
        return Interactions.builder().strings("user", users).strings("title", titles).build();
    }

    // for the query [1, 0] the titles score a 5, b 4, c 3, d 3, e 2, f 1; for [-1, 0] the reverse
    private static final Map<String, float[]> TITLES = new LinkedHashMap<>();
    private static final Map<String, float[]> USERS = new LinkedHashMap<>();

    static {
        float[] scores = {5, 4, 3, 3, 2, 1};
        for (int i = 0; i < scores.length; i++) {
            TITLES.put(String.valueOf((char) ('a' + i)), new float[] {scores[i], 0});
        }
        USERS.put("u1", new float[] {1, 0});
        USERS.put("u2", new float[] {-1, 0});
        USERS.put("u3", new float[] {1, 0});
        USERS.put("u4", new float[] {0, 0});
    }

    @Test
    void leavesOutEachUsersTrainingTitlesAndCountsTiesAgainstThePositive() {
        Interactions train = rows("u1", "a", "u1", "b", "u2", "f", "u4", "a");
        Interactions test = rows(
                "u1", "c", // a, b left out; d ties at 3 and counts against c: 1 ahead
                "u1", "a", // a rated again: still ranked, and b (left out) cannot pass it: 0 ahead
                "u2", "e", // scores reversed, f left out: 0 ahead (c, d at -3 are below -2)
                "u3", "e", // nothing in training: a, b, c, d score at least 2: 4 ahead
                "u4", "b"); // every score 0: c, d, e, f all tie with b, a is left out: 4 ahead
        ServedTopK served = new ServedTopK(train, "user", "title", List.copyOf(TITLES.keySet()), 1, 2, 3, 4, 5);
        Map<String, Double> m = served.evaluate(tower("user", USERS), tower("title", TITLES), test);
        assertEquals(List.of(ServedTopK.metricName(1), ServedTopK.metricName(2), ServedTopK.metricName(3),
                ServedTopK.metricName(4), ServedTopK.metricName(5)), List.copyOf(m.keySet()));
        assertEquals(0.4, m.get(ServedTopK.metricName(1)), 1e-12);
        assertEquals(0.6, m.get(ServedTopK.metricName(2)), 1e-12);
        assertEquals(0.6, m.get(ServedTopK.metricName(4)), 1e-12);
        assertEquals(1.0, m.get(ServedTopK.metricName(5)), 1e-12);
        assertEquals("factorized_top_k/top_10_served_accuracy", ServedTopK.metricName(10));

        // the unserved metric over the same towers ranks c third (a, b above it) and e fifth for u2
        FactorizedTopK plain = new FactorizedTopK(List.copyOf(TITLES.keySet()), 1, 2, 3, 4, 5);
        plain.update(tower("user", USERS).embed("u1", "u2"), tower("title", TITLES).embed("c", "e"),
                tower("title", TITLES));
        assertEquals(0.0, plain.result().get(FactorizedTopK.metricName(1)));
        assertEquals(1.0, plain.result().get(FactorizedTopK.metricName(3)));
    }

    @Test
    void everyCopyOfATitleListedTwiceIsThePositiveOrLeftOut() {
        List<String> candidates = List.of("a", "b", "c", "b", "c");
        Interactions test = rows("u1", "c");
        Tower users = tower("user", USERS);
        Tower titles = tower("title", TITLES);
        // both copies of b (4) outrank c; the second c is c itself
        assertEquals(0.0, new ServedTopK(rows("u1", "a"), "user", "title", candidates, 2)
                .evaluate(users, titles, test).get(ServedTopK.metricName(2)));
        assertEquals(1.0, new ServedTopK(rows("u1", "a"), "user", "title", candidates, 3)
                .evaluate(users, titles, test).get(ServedTopK.metricName(3)));
        // with b rated in training neither copy is served
        assertEquals(1.0, new ServedTopK(rows("u1", "a", "u1", "b"), "user", "title", candidates, 1)
                .evaluate(users, titles, test).get(ServedTopK.metricName(1)));
    }

    @Test
    void rejectsTowersOverOtherFeaturesAndMismatchedScores() {
        ServedTopK served = new ServedTopK(rows("u1", "a"), "user", "title", List.copyOf(TITLES.keySet()));
        assertThrows(IllegalArgumentException.class,
                () -> served.evaluate(tower("title", TITLES), tower("user", USERS), rows("u1", "c")));
        Embeddings one = new Embeddings(new float[] {1}, 1, 1);
        assertThrows(IllegalArgumentException.class, () -> served.evaluate(rows("u1", "c"), one, one, one));
        assertEquals(0.0, served.evaluate(rows(), new Embeddings(new float[0], 0, 1),
                new Embeddings(new float[0], 0, 1),
                new Embeddings(new float[6], 6, 1)).get(ServedTopK.metricName(10)));
    }

    @Test
    void onMovieLensMatchesARankingBySortingAndNeverFallsBelowTheUnservedMetric() {
        MovieLensData ml = TestData.ml100k();
        ModelBundle bundle = TestData.untrainedMovieLensBundle(ml, 8, 7);
        Tower query = bundle.javaQueryTower();
        Tower candidate = bundle.javaCandidateTower();
        List<String> movies = List.of(ml.movies().strings("movie_title"));
        TestData.TrainTest split = TestData.tutorialSplit(ml.ratings());
        Interactions train = split.train();
        Interactions test = split.test().take(1_000);

        Map<String, Double> served = new ServedTopK(train, "user_id", "movie_title", movies).evaluate(query, candidate,
                test);

        // the reference: score every movie, drop the user's training titles and the positive, count those >= it
        Map<String, Set<String>> rated = new HashMap<>();
        for (int i = 0; i < train.size(); i++) {
            rated.computeIfAbsent(train.strings("user_id")[i], u -> new HashSet<>())
                    .add(train.strings("movie_title")[i]);
        }
        Embeddings all = candidate.embed(movies.toArray(String[]::new));
        int hitsAt10 = 0;
        int hitsAt100 = 0;
        for (int i = 0; i < test.size(); i++) {
            String user = test.strings("user_id")[i];
            String positive = test.strings("movie_title")[i];
            Set<String> seen = rated.getOrDefault(user, Set.of());
            float[] q = query.embed(user).row(0);
            float p = Scores.dot(q, 0, candidate.embed(positive).data(), 0, q.length);
            int ahead = 0;
            for (int j = 0; j < movies.size(); j++) {
                float s = Scores.dot(q, 0, all.data(), j * q.length, q.length);
                if (!seen.contains(movies.get(j)) && !movies.get(j).equals(positive) && s >= p) {
                    ahead++;
                }
            }
            hitsAt10 += ahead < 10 ? 1 : 0;
            hitsAt100 += ahead < 100 ? 1 : 0;
        }
        assertEquals(hitsAt10 / 1000.0, served.get(ServedTopK.metricName(10)), 1e-12);
        assertEquals(hitsAt100 / 1000.0, served.get(ServedTopK.metricName(100)), 1e-12);

        FactorizedTopK plain = new FactorizedTopK(movies).reportTieRobust();
        plain.update(query.embed(test.strings("user_id")), candidate.embed(test.strings("movie_title")), candidate);
        for (int k : FactorizedTopK.DEFAULT_KS) {
            assertTrue(served.get(ServedTopK.metricName(k)) >= plain.result().get(FactorizedTopK.tieRobustName(k)),
                    "served top-" + k + " " + served + " vs " + plain.result());
        }
        assertTrue(served.get(ServedTopK.metricName(100)) > plain.result().get(FactorizedTopK.tieRobustName(100)),
                "leaving out about 84 training titles a user lifts some positives into the top 100");
    }
}
